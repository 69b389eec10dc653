import type { CounterView, TicketView } from '../common/types.js'
import type { CounterQueueResponse, MyDayResponse, QueueTicket, StaffCountersResponse, StaffServiceOption } from '../common/staff-types.js'
import { ApiError, apiGet, apiPost } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, getLang, t } from '../web/i18n.js'
import { hm } from '../web/time.js'
import { allowedActions, keyLabel, splitPauseReason, type ActionId, type ConsoleState } from './actions.js'
import { ConsoleKeys } from './console-keys.js'
import { errorText, isConflict, serviceName, sinceText, syncClock } from './util.js'
import { cancelDialog, noShowDialog, pauseDialog, transferDialog, walkInDialog, type TransferPick } from './console-dialogs.js'
import { IntakePanel } from './intake.js'
import { renderDay, renderHeld, renderQueue, type ListsCtx } from './console-lists.js'
import type { CccdResult } from '../common/cccd.js'
import type { ScanSource } from './intake-scan.js'

interface Deps { center: string; onSessionEnded: (message: string) => void }
type Notice = { kind: 'ok' | 'error'; text: string } | null

const enc = encodeURIComponent

/**
 * The clerk's counter: choose or resume a counter, then call, serve and finish tickets, mostly from the
 * keyboard. What the dialogs ask is in staff/console-dialogs.ts; this file acts on the answers and draws the view.
 */
export class CounterConsole {
  private root: HTMLElement | null = null
  private counters: StaffCountersResponse | null = null
  private counterId: string | null = null
  private q: CounterQueueResponse | null = null
  private day: MyDayResponse | null = null
  private notice: Notice = null
  private busy = false
  private loadError: string | null = null
  /** the clerk went back to the list on purpose: do not jump into their open counter again */
  private choosing = false
  /** issue 22: keys queued while a request is in flight, what the last key did, the no-show's undo */
  private keys = new ConsoleKeys({
    state: () => this.state(), currentCode: () => this.q?.current?.code ?? null, run: (a) => this.run(a),
    busy: () => this.busy, act: (fn) => this.act(fn),
  })

  constructor(private deps: Deps) {}

  mount(root: HTMLElement) {
    this.root = root
    this.render()
    void this.refresh()
  }

  /** Refetches what is shown (after an action, a live fact, a conflict). */
  async refresh(): Promise<void> {
    try {
      const counters = await apiGet<StaffCountersResponse>(`/api/centers/${enc(this.deps.center)}/counters`)
      syncClock(counters.now)
      this.counters = counters
      if (!this.counterId && counters.myCounterId && !this.choosing) this.counterId = counters.myCounterId
      // the counter was closed elsewhere (another tab): back to the list
      if (this.counterId && !counters.counters.some((c) => c.id === this.counterId && c.status !== 'closed')) this.counterId = null
      if (this.counterId) {
        const [q, day] = await Promise.all([
          apiGet<CounterQueueResponse>(`/api/counters/${enc(this.counterId)}/queue`),
          apiGet<MyDayResponse>(`/api/centers/${enc(this.deps.center)}/my-day`),
        ])
        syncClock(q.now)
        this.q = q
        this.day = day
      } else {
        this.q = null
      }
      this.loadError = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.loadError = errorText(e)
    }
    this.render()
  }

  private state(): ConsoleState | null {
    if (!this.q) return null
    const cur = this.q.current
    return { counterStatus: this.q.counter.status, current: cur && (cur.status === 'called' || cur.status === 'serving') ? { status: cur.status } : null }
  }

  // ---------- actions ----------

  private async act(run: () => Promise<Notice>): Promise<void> {
    if (this.busy) return
    this.busy = true
    this.keys.begin()
    this.root?.classList.add('busy')
    try {
      this.notice = await run()
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) { this.busy = false; return this.deps.onSessionEnded(errorText(e)) }
      const text = errorText(e)
      this.notice = { kind: 'error', text: isConflict(e) ? fmt(t().staff.conflict, { message: text }) : text }
    } finally {
      this.busy = false
      this.root?.classList.remove('busy')
    }
    await this.refresh()
    this.keys.next()
  }

  private ticketAction(path: string, okTpl: string, body: object = {}) {
    const cur = this.q?.current
    if (!cur) return
    return this.act(async () => {
      const { ticket } = await apiPost<{ ticket: TicketView }>(`/api/tickets/${enc(cur.id)}/${path}`, body)
      return { kind: 'ok', text: fmt(okTpl, { code: ticket.code }) }
    })
  }

  run(action: ActionId): void {
    const w = t().staff
    const counter = this.counterId
    if (!counter) return
    switch (action) {
      case 'callNext':
        void this.act(async () => {
          const { ticket } = await apiPost<{ ticket: TicketView | null }>(`/api/counters/${enc(counter)}/call-next`, {})
          return ticket ? { kind: 'ok', text: fmt(w.calledOk, { code: ticket.code }) } : { kind: 'ok', text: w.nobodyOk }
        })
        return
      case 'recall': void this.ticketAction('recall', w.recalledOk); return
      case 'start': void this.ticketAction('start', w.startedOk); return
      case 'complete': void this.ticketAction('complete', w.completedOk); return
      case 'noShow': this.noShowDialog(); return
      case 'hold': void this.ticketAction('hold', w.heldOk); return
      case 'transfer': this.transferDialog(); return
      case 'cancel': this.cancelDialog(); return
      case 'pause': this.pauseDialog(); return
      case 'resumeCounter':
        void this.act(async () => { await apiPost(`/api/counters/${enc(counter)}/resume`, {}); return { kind: 'ok', text: w.resumedOk } })
        return
      case 'closeCounter':
        void this.act(async () => {
          await apiPost(`/api/counters/${enc(counter)}/close`, {})
          this.counterId = null
          this.choosing = true
          return { kind: 'ok', text: w.closedOk }
        })
    }
  }

  private callSpecific(tk: QueueTicket, held: boolean) {
    const counter = this.counterId
    if (!counter) return
    void this.act(async () => {
      const { ticket } = held
        ? await apiPost<{ ticket: TicketView }>(`/api/tickets/${enc(tk.id)}/resume`, { counterId: counter })
        : await apiPost<{ ticket: TicketView }>(`/api/counters/${enc(counter)}/call`, { ticketId: tk.id })
      return { kind: 'ok', text: fmt(t().staff.calledOk, { code: ticket.code }) }
    })
  }

  private openCounter(c: CounterView) {
    void this.act(async () => {
      await apiPost(`/api/counters/${enc(c.id)}/open`, {})
      this.counterId = c.id
      this.choosing = false
      return null
    })
  }

  /** W1: an ID card's QR read on the counter tab goes to the intake form (staff/intake-scan.ts) */
  onScan(r: CccdResult, source: ScanSource): void {
    this.intake?.onScan(r, source)
  }

  onKey(ev: KeyboardEvent): void {
    if (ev.ctrlKey || ev.altKey || ev.metaKey || ev.repeat) return
    if (document.querySelector('dialog[open]')) return
    if (this.intake?.onKey(ev)) return
    const target = ev.target as HTMLElement | null
    if (target && (target.closest('input, textarea, select') || (ev.key === ' ' && target.closest('button, a')))) return
    if (!this.state()) return
    this.keys.press(ev)
  }

  /** No-show asks first (a second N confirms); then "Hoàn tác" (U) for 10 seconds. */
  private noShowDialog() {
    const cur = this.q?.current
    if (!cur) return
    noShowDialog(cur.code, () => void this.act(async () => {
      const { ticket } = await apiPost<{ ticket: TicketView }>(`/api/tickets/${enc(cur.id)}/no-show`, {})
      this.keys.startUndo(ticket.id, ticket.code)
      return null // the undo bar says it, with the seconds left
    }))
  }

  private pauseDialog() {
    const counter = this.counterId
    if (!counter || !this.q) return
    pauseDialog(this.q.counter.number, (reason, note, minutes) => {
      void this.act(async () => {
        await apiPost(`/api/counters/${enc(counter)}/pause`, { reason, ...(note ? { note } : {}), ...(minutes ? { minutes } : {}) })
        return { kind: 'ok', text: t().staff.pausedOk }
      })
    })
  }

  /** To another service, or (issue 22) to another counter that is open or paused, with a note for its clerk. */
  private transferDialog() {
    const cur = this.q?.current
    if (!cur || !this.counters) return
    const options = this.counters.services.filter((s) => s.active && s.id !== cur.serviceId)
    const counters = this.counters.counters.filter((c) => c.status !== 'closed' && c.id !== this.counterId)
    transferDialog(cur.code, options, counters, (to: TransferPick, note: string) => {
      const k = 'counterId' in to ? counters.find((c) => c.id === to.counterId) : undefined
      void this.ticketAction('transfer', k ? fmt(t().staff.transferCounterOk, { n: k.number }) : t().staff.transferredOk, { ...to, ...(note ? { note } : {}) })
    })
  }

  /** W2 (issue 22): a walk-in ticket issued here, straight into serving; the counter's own services first. */
  private walkInDialog() {
    const q = this.q
    if (!q || !this.counters || q.current) return
    const tier = new Map(q.counter.services.map((s) => [s.id, s.tier]))
    const options = this.counters.services.filter((s) => s.active)
      .sort((a, b) => (tier.get(a.id) ?? 3) - (tier.get(b.id) ?? 3))
    walkInDialog(q.counter.number, options, (serviceId) => void this.act(async () => {
      const { ticket } = await apiPost<{ ticket: TicketView }>(`/api/counters/${enc(q.counter.id)}/walk-in`, { serviceId })
      return { kind: 'ok', text: fmt(t().staff.walkInOk, { code: ticket.code }) }
    }))
  }

  private cancelDialog() {
    const cur = this.q?.current
    if (!cur) return
    cancelDialog(cur.code, () => void this.ticketAction('cancel', t().staff.cancelledOk))
  }

  // ---------- rendering ----------

  private render() {
    const root = this.root
    if (!root) return
    if (!this.counters) {
      fill(root, this.loadError ? h('p', { class: 'notice error', role: 'alert' }, this.loadError) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    if (!this.counterId || !this.q) fill(root, this.renderChooser())
    else fill(root, this.renderConsole(this.q))
  }

  private noticeEl() {
    const n = this.loadError ? { kind: 'error' as const, text: this.loadError } : this.notice
    return h('div', { id: 'notice', class: `notice ${n?.kind ?? ''}`, role: n?.kind === 'error' ? 'alert' : 'status', 'aria-live': 'polite', hidden: !n }, n?.text ?? '')
  }

  private renderChooser() {
    const w = t().staff
    const c = this.counters!
    const services = new Map(c.services.map((s) => [s.id, s]))
    return h('section', { class: 'chooser', id: 'chooser' },
      h('h1', null, w.chooseCounter),
      h('p', { class: 'muted' }, w.chooseHint),
      this.noticeEl(),
      h('div', { class: 'counter-grid' }, ...c.counters.map((k) => {
        const mine = k.id === c.myCounterId
        const free = k.status === 'closed'
        const tier = (n: 1 | 2) => k.services.filter((s) => s.tier === n).map((s) => services.get(s.id)).filter((s): s is StaffServiceOption => !!s)
        return h('article', { class: `counter-card ${k.status}${mine ? ' mine' : ''}`, 'data-counter': k.number },
          h('div', { class: 'cc-head' },
            h('h2', null, fmt(w.counterN, { n: k.number })),
            h('span', { class: `pill ${k.status}` }, w.status[k.status])),
          h('p', { class: 'cc-services' }, ...tier(1).map((s) => h('span', { class: 'svc primary', title: serviceName(s) }, `${s.prefix} · ${serviceName(s)}`))),
          tier(2).length ? h('p', { class: 'cc-backup' }, `${w.backup}: ${tier(2).map((s) => s.prefix).join(', ')}`) : null,
          mine ? h('button', { type: 'button', class: 'btn btn-primary btn-block', onclick: () => { this.counterId = k.id; this.choosing = false; void this.refresh() } }, w.resumeThis)
            : free ? h('button', { type: 'button', class: 'btn btn-primary btn-block open-counter', onclick: () => this.openCounter(k) }, w.openThis)
              : h('p', { class: 'cc-who' }, fmt(w.openBy, { name: k.staffName ?? '?' })))
      })))
  }

  private renderConsole(q: CounterQueueResponse) {
    const w = t().staff
    const st = this.state()!
    const allowed = allowedActions(st)
    const waitingTotal = q.waitingTotal.primary + q.waitingTotal.backup
    const { reason, note } = splitPauseReason(q.counter.pauseReason)
    const reasonText = reason ? `${(t().pauseReason as Record<string, string>)[reason] ?? reason}${note ? ` (${note})` : ''}` : ''
    const backAt = q.counter.pauseUntil ? ` · ${fmt(w.pauseBackAt, { time: hm(q.counter.pauseUntil) })}` : ''

    const statusBar = h('section', { class: `statusbar ${q.counter.status}`, id: 'counter-status', 'data-status': q.counter.status },
      h('div', { class: 'sb-main' },
        h('h1', null, fmt(w.counterN, { n: q.counter.number })),
        h('span', { class: `pill big ${q.counter.status}`, id: 'status-pill' },
          q.counter.status === 'paused' ? `${w.status.paused}: ${reasonText}${backAt}` : w.status[q.counter.status]),
        h('span', { class: 'sb-since', id: 'status-since' }, fmt(w.statusSince, { since: hm(q.counter.statusSince) }), ' · ',
          h('span', { 'data-since': q.counter.statusSince }, sinceText(q.counter.statusSince)))),
      h('div', { class: 'sb-actions' },
        ...(['pause', 'resumeCounter', 'closeCounter'] as const).filter((a) => allowed.includes(a)).map((a) => this.button(a, a === 'resumeCounter' ? 'btn-primary' : ''))))

    const afterHours = !q.open
      ? h('div', { class: 'after-hours', id: 'after-hours', role: 'status' },
        fmt(waitingTotal ? w.afterHours : w.afterHoursNone, { hours: q.hoursToday, n: waitingTotal }))
      : null

    const left = h('div', { class: 'col-main' }, statusBar, afterHours, this.noticeEl(), this.keys.undoBar(), this.renderCurrent(q, st, allowed, waitingTotal), this.renderShortcuts(allowed))
    const right = h('div', { class: 'col-side' }, renderDay(this.day), renderHeld(q, st, this.lists()), renderQueue(q, st, this.lists()))
    return h('div', { class: 'console', id: 'console', 'data-counter': q.counter.number }, left, right)
  }

  private button(action: ActionId, cls = '', label?: string) {
    const w = t().staff
    const key = action === 'callNext' ? w.keysCallNext : keyLabel(action)
    const text = label ?? (w as unknown as Record<string, string>)[action]!
    return h('button', { type: 'button', class: `btn act ${cls}`, id: `act-${action}`, 'data-action': action, disabled: this.busy, onclick: () => this.run(action) },
      h('span', null, text), key ? h('kbd', null, key) : null)
  }

  private renderCurrent(q: CounterQueueResponse, st: ConsoleState, allowed: ActionId[], waitingTotal: number) {
    const w = t().staff
    const cur = q.current
    if (!cur) {
      if (st.counterStatus === 'paused') return h('section', { class: 'current idle paused' }, h('p', { class: 'idle-text' }, w.pausedIdle), this.button('resumeCounter', 'btn-primary btn-huge'))
      return h('section', { class: 'current idle' },
        this.button('callNext', 'btn-call btn-huge'),
        h('p', { class: 'idle-text', id: 'waiting-count' }, waitingTotal ? fmt(w.waitingN, { n: waitingTotal }) : w.nobodyWaiting),
        // W2 (issue 22): a citizen after the cut-off (or who cannot use the kiosk), and a dossier with no ticket (by post, from the information desk)
        h('div', { class: 'idle-more' },
          h('button', { type: 'button', class: 'btn', id: 'walk-in-open', disabled: this.busy, onclick: () => this.walkInDialog() }, w.walkIn),
          h('button', { type: 'button', class: 'btn', id: 'intake-no-ticket', disabled: this.busy, onclick: () => this.intakePanel().openWithoutTicket() }, t().dossier.intakeNoTicket)))
    }
    const service = this.counters?.services.find((s) => s.id === cur.serviceId)
    const main: ActionId[] = cur.status === 'called' ? ['start', 'complete', 'recall', 'noShow'] : ['complete']
    const tr = q.currentTransfer
    const more: ActionId[] = ['hold', 'transfer', 'cancel']
    return h('section', { class: `current ${cur.status}`, id: 'current', 'data-ticket': cur.code, 'data-status': cur.status },
      h('div', { class: 'cur-head' },
        h('p', { class: 'cur-label' }, w.current),
        h('span', { class: `pill ${cur.status}`, id: 'current-status' }, t().ticketStatus[cur.status])),
      h('div', { class: 'cur-body' },
        h('p', { class: 'cur-code', id: 'current-code' }, cur.code),
        h('div', { class: 'cur-facts' },
          h('p', { class: 'cur-service' }, service ? `${service.prefix} · ${serviceName(service)}` : (getLang() === 'en' ? cur.serviceNameEn : cur.serviceNameVi)),
          cur.priorityGroup ? h('p', { class: 'badge prio' }, `${w.priority}`) : null,
          cur.counterIssued ? h('p', { class: 'badge', id: 'counter-issued' }, w.counterIssuedMark) : null,
          // issue 22: where it came from, and what the clerk who sent it wrote
          tr ? h('p', { class: 'transfer-note', id: 'current-transfer' },
            tr.fromCounter ? fmt(w.transferFrom, { n: tr.fromCounter, code: tr.fromCode }) : fmt(w.transferFromService, { code: tr.fromCode }),
            tr.note ? h('b', null, `: ${tr.note}`) : null) : null,
          h('p', null, fmt(w.issuedAt, { time: hm(cur.issuedAt) })),
          cur.calledAt ? h('p', null, fmt(w.calledAt, { time: hm(cur.calledAt) })) : null,
          cur.startedAt && cur.status === 'serving' ? h('p', null, fmt(w.startedAt, { time: hm(cur.startedAt) }), ' · ',
            h('span', { 'data-since': cur.startedAt }, sinceText(cur.startedAt))) : null)),
      h('div', { class: 'cur-actions' }, ...main.filter((a) => allowed.includes(a)).map((a, i) => this.button(a, i === 0 ? 'btn-primary btn-big' : 'btn-big'))),
      h('div', { class: 'cur-more' }, ...more.filter((a) => allowed.includes(a)).map((a) => this.button(a, a === 'cancel' ? 'btn-danger-outline' : ''))),
      this.intakeFor(cur))
  }

  /** Dossier intake for the ticket at the desk, and the dossier a check-in ticket carries (staff/intake.ts). */
  private intake?: IntakePanel
  private intakeFor(cur: TicketView) {
    return this.intakePanel().element(cur)
  }

  private intakePanel(): IntakePanel {
    return this.intake ??= new IntakePanel({ center: this.deps.center, onSessionEnded: this.deps.onSessionEnded, onChanged: () => void this.refresh() })
  }

  private renderShortcuts(allowed: ActionId[]) {
    const w = t().staff
    const all: ActionId[] = ['callNext', 'start', 'recall', 'noShow', 'complete', 'hold', 'transfer', 'cancel', 'pause']
    return h('section', { class: 'shortcuts', 'aria-label': w.shortcutsTitle },
      h('h2', null, w.shortcutsTitle),
      h('ul', null, ...all.map((a) => h('li', { class: `${allowed.includes(a) || (a === 'pause' && allowed.includes('resumeCounter')) ? 'on' : 'off'}${a === 'callNext' ? ' wide' : ''}` },
        h('kbd', null, a === 'callNext' ? w.keysCallNext : keyLabel(a)!),
        ' ', a === 'pause' ? `${w.pause} / ${w.resumeCounter}` : (w as unknown as Record<string, string>)[a]!)),
        ...this.keys.legend()),
      this.keys.statusEl())
  }

  private lists(): ListsCtx {
    return { services: this.counters?.services ?? [], busy: this.busy, onCall: (tk, held) => this.callSpecific(tk, held) }
  }
}
