import { DOSSIER_STATUSES, DOSSIER_TRANSITIONS, type DossierStatus, type DossierSummary, type DossierView } from '../common/dossier-types.js'
import { attachmentsSection } from './dossier-attachments.js'
import type { ProcedureView } from '../common/types.js'
import { apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { daysText, fmt, getLang, t } from '../web/i18n.js'
import { dmy, hm, localParts } from '../web/time.js'
import { openSlip, pad, procedureName, slipUrl } from './dossiers-format.js'
import { apiFieldErrors, apiSend, clearErrorsOnEdit, field, formError, isUnauthorized, openDialog, setFormError, showFieldErrors, statusPill } from './dossiers-ui.js'
import { centerProcedures, dueText } from './intake.js'
import { handoverText, openHandoverDialog } from './dossiers-handover.js'
import { resultSection } from './dossiers-result.js'
import { canRecordFee, feeSummary, openFeeDialog } from './dossiers-fee.js' // W2: the fee (Art. 24)
import { earlyReturnBlock, openEarlyNoticeDialog, supplementLimitText } from './dossiers-early.js' // issue 21: Art. 19.5, 22.5
import { messagesBlock } from './dossier-messages.js'
import type { SlipKind } from './dossiers-format.js'
import { debounce, errorText } from './util.js'
import { workingTime } from './floor.js'
import type { CccdResult } from '../common/cccd.js'

type View = 'all' | 'due_today' | 'overdue'
const enc = encodeURIComponent
/** Moves that close or pause a dossier ask first; "needs_supplement" asks what is missing. */
const FINAL: DossierStatus[] = ['returned', 'rejected', 'withdrawn', 'stopped']
/** The form printed right after a move (Decree 118/2025/NĐ-CP's forms). */
const PRINT_AFTER: Partial<Record<DossierStatus, SlipKind>> = { needs_supplement: 'bo-sung', rejected: 'tu-choi', stopped: 'dung' }

/**
 * The "Hồ sơ" tab (clerks and managers): the center's dossiers by state, due today, overdue, by procedure
 * and by a search; a dossier's detail with its history and exactly the moves DOSSIER_TRANSITIONS allows,
 * the supplement dialog (prints the guidance slip) and the extension dialog (prints the apology slip).
 * The filters are drawn once and never redrawn by live facts; only the list and the detail are.
 */
export class DossiersView {
  private root: HTMLElement | null = null
  private listEl: HTMLElement | null = null
  private detailEl: HTMLElement | null = null
  private view: View = 'all'
  private status: DossierStatus | '' = ''
  private procedureId = ''
  private q = ''
  private rows: DossierSummary[] | null = null
  private selected: DossierView | null = null
  private selectedId: string | null = null
  private procedures: ProcedureView[] = []
  private error: string | null = null
  private notice: { kind: 'ok' | 'error'; text: string } | null = null
  private gen = 0

  constructor(private deps: { center: string; onSessionEnded: (message: string) => void }) {}

  mount(root: HTMLElement): void {
    this.root = root
    this.drawFrame()
    void centerProcedures(this.deps.center).then((p) => { this.procedures = p; this.drawFrame() }).catch(() => {})
    void this.refresh()
  }

  /** Refetches the list (and the dossier shown); a live fact or a reconnect calls it too. */
  /** W1: an ID card scanned on this tab searches its holder's dossiers by the number (staff/intake-scan.ts) */
  onScan(r: CccdResult): void {
    const c = t().cccd
    this.error = r.ok ? null : fmt(c.searchRefused, { reason: c.problems[r.problem] })
    if (r.ok) {
      this.q = r.card.idNumber
      const box = document.getElementById('ds-search') as HTMLInputElement | null
      if (box) box.value = this.q
      void this.refresh()
    } else this.drawList()
  }

  async refresh(): Promise<void> {
    const gen = ++this.gen
    const qs = new URLSearchParams({ center: this.deps.center, view: this.view })
    if (this.status) qs.set('status', this.status)
    if (this.procedureId) qs.set('procedureId', this.procedureId)
    if (this.q.trim()) qs.set('q', this.q.trim())
    try {
      const [list, one] = await Promise.all([
        apiGet<{ dossiers: DossierSummary[] }>(`/api/dossiers?${qs.toString()}`),
        this.selectedId ? apiGet<{ dossier: DossierView }>(`/api/dossiers/${enc(this.selectedId)}`) : Promise.resolve(null),
      ])
      if (gen !== this.gen) return
      this.rows = list.dossiers
      if (one) this.selected = one.dossier
      this.error = null
    } catch (e) {
      if (isUnauthorized(e)) return this.deps.onSessionEnded(errorText(e))
      if (gen !== this.gen) return
      this.error = errorText(e)
    }
    this.drawList()
    this.drawDetail()
  }

  // ---------- the frame: title and filters, drawn once ----------

  private drawFrame(): void {
    const root = this.root
    if (!root) return
    const w = t().dossier
    const views: [View, string][] = [['all', w.viewAll], ['due_today', w.viewDueToday], ['overdue', w.viewOverdue]]
    const status = h('select', { id: 'ds-status', 'aria-label': w.filterStatus },
      h('option', { value: '' }, w.allStatuses), ...DOSSIER_STATUSES.map((s) => h('option', { value: s, selected: s === this.status }, w.status[s])))
    status.addEventListener('change', () => { this.status = status.value as DossierStatus | ''; void this.refresh() })
    const proc = h('select', { id: 'ds-procedure', 'aria-label': w.filterProcedure },
      h('option', { value: '' }, w.allProcedures), ...this.procedures.map((p) => h('option', { value: p.id, selected: p.id === this.procedureId }, getLang() === 'en' ? p.nameEn : p.nameVi)))
    proc.addEventListener('change', () => { this.procedureId = proc.value; void this.refresh() })
    const search = h('input', { type: 'search', id: 'ds-search', value: this.q, placeholder: w.searchHint, 'aria-label': w.search, autocomplete: 'off', spellcheck: 'false' })
    const later = debounce(() => void this.refresh(), 300)
    search.addEventListener('input', () => { this.q = search.value; later() })
    const seg = h('div', { class: 'seg', role: 'group', 'aria-label': w.listTitle }, ...views.map(([v, label]) => h('button', {
      type: 'button', class: 'seg-btn', id: `ds-view-${v}`, 'aria-pressed': String(this.view === v),
      onclick: () => { this.view = v; seg.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b.id === `ds-view-${v}`))); void this.refresh() },
    }, label)))
    this.listEl = h('section', { class: 'card ds-list', id: 'ds-list' })
    this.detailEl = h('section', { class: 'card ds-detail', id: 'ds-detail' })
    fill(root, h('div', { class: 'dossiers', id: 'dossiers' },
      h('h1', null, w.listTitle),
      h('div', { class: 'filters' }, seg, status, proc, search),
      h('div', { class: 'ds-grid' }, this.listEl, this.detailEl)))
    this.drawList()
    this.drawDetail()
  }

  // ---------- the list ----------

  private drawList(): void {
    const el = this.listEl
    if (!el) return
    const w = t().dossier
    if (!this.rows) { fill(el, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : h('p', { class: 'loading' }, t().pages.loading)); return }
    fill(el,
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      h('p', { class: 'muted small', id: 'ds-count' }, fmt(w.count, { n: this.rows.length })),
      this.rows.length ? h('table', { class: 'tbl ds-table' },
        h('thead', null, h('tr', null, ...[w.colCode, w.colApplicant, w.colProcedure, w.colStatus, w.colDue].map((c) => h('th', null, c)))),
        h('tbody', null, ...this.rows.map((r) => {
          const open = () => this.select(r.id)
          return h('tr', { class: `ds-row${r.overdue ? ' late' : ''}${r.id === this.selectedId ? ' selected' : ''}`, 'data-code': r.code, 'data-status': r.status },
            h('td', { class: 'code' }, h('button', { type: 'button', class: 'linkish', onclick: open, 'aria-label': fmt(w.detailTitle, { code: r.code }) }, r.code)),
            h('td', null, r.applicantName),
            h('td', null, getLang() === 'en' ? r.procedureNameEn : r.procedureNameVi),
            h('td', null, statusPill(r.status), r.outcome ? h('span', { class: `badge oc-${r.outcome}` }, w.outcome[r.outcome]) : null),
            h('td', { class: 'nowrap' }, r.dueAt ? dueText(r.dueAt) : '—', r.overdue ? h('span', { class: 'badge late' }, w.overdue) : null,
              // W3: an online filing's answer within 8 working hours (Art. 17.2): the time left, marked under 2 hours
              r.answerLeftMinutes != null ? h('span', { class: `badge answer${r.answerLeftMinutes < 120 ? ' late' : ''}`, title: w.answerRule, 'data-left': String(r.answerLeftMinutes) },
                r.answerLeftMinutes >= 0 ? fmt(w.answerLeft, { left: workingTime(r.answerLeftMinutes) }) : fmt(w.answerLate, { late: workingTime(-r.answerLeftMinutes) })) : null))
        })))
        : h('p', { class: 'muted', id: 'ds-empty' }, w.empty))
  }

  private select(id: string): void {
    this.selectedId = id
    this.selected = null
    this.notice = null
    this.drawList()
    this.drawDetail()
    void this.refresh()
  }

  // ---------- the detail ----------

  private drawDetail(): void {
    const el = this.detailEl
    if (!el) return
    const w = t().dossier
    const d = this.selected
    if (!this.selectedId) { fill(el, h('p', { class: 'muted' }, w.chooseOne)); return }
    if (!d) { fill(el, h('p', { class: 'loading' }, t().pages.loading)); return }
    const dl = (pairs: [string, string | Node | null][]) => h('dl', { class: 'ds-facts' }, ...pairs.filter(([, v]) => v !== null).flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v!)]))
    // a supplement is asked once (Art. 16.3): after that its button goes (the server refuses it anyway)
    const moves = DOSSIER_TRANSITIONS[d.status].filter((s) => !(s === 'needs_supplement' && d.supplement))
    // while a supplement is awaited the time does not run (its completion restarts it): nothing to extend
    const canExtend = !!d.dueAt && (d.status === 'received' || d.status === 'processing')
    const moveLabel = (s: DossierStatus) => d.status === 'needs_supplement' && s === 'processing' ? w.completeSupplement : w.moveTo[s]
    fill(el,
      h('div', { class: 'ds-head' },
        h('h2', { id: 'ds-title' }, fmt(w.detailTitle, { code: d.code })),
        statusPill(d.status),
        d.outcome ? h('span', { class: `badge oc-${d.outcome}`, id: 'ds-outcome' }, w.outcome[d.outcome]) : null),
      this.notice ? h('p', { class: `notice ${this.notice.kind}`, id: 'ds-notice', role: this.notice.kind === 'error' ? 'alert' : 'status' }, this.notice.text) : null,
      dl([
        [w.lookupCode, d.lookupCode],
        [w.procedure, `${procedureName(d)} (${daysText(d.procedure.processingDays)})`],
        [w.applicant, `${d.applicant.fullName} · ${d.applicant.phone}`],
        [w.address, d.applicant.address],
        // W1 (issue 22): what the ID card gave, and how the ID was checked (Decree 118 Art. 17.1.a)
        [t().cccd.birthDate, d.applicant.birthDate ? `${d.applicant.birthDate.slice(8, 10)}/${d.applicant.birthDate.slice(5, 7)}/${d.applicant.birthDate.slice(0, 4)}${d.applicant.sex ? ` · ${t().cccd.sexes[d.applicant.sex]}` : ''}` : null],
        [t().cccd.idCheck, d.applicant.idCheck ? `${t().cccd.idChecks[d.applicant.idCheck]}${d.applicant.idNumber ? ` · ${d.applicant.idNumber}` : ''}` : null],
        [w.channelLabel, w.channel[d.channel]],
        [w.receivedAt, d.receivedAt ? `${dueText(d.receivedAt)}${d.receivedByName ? ` · ${d.receivedByName}` : ''}` : null],
        [w.dueAt, d.dueAt ? dueText(d.dueAt) : w.notYet],
        [w.readyAt, d.readyAt ? dueText(d.readyAt) : null],
        [w.returnedAt, d.returnedAt ? `${dueText(d.returnedAt)}${d.returnedByName ? ` · ${d.returnedByName}` : ''}` : null],
        [w.deliveryLabel, w.delivery[d.delivery]],
        [w.feeTitle, feeSummary(d)], // W2 (issue 22)
        [w.supplementNote, d.supplementNote],
        [w.supplementDeadlineLabel, d.status === 'needs_supplement' && d.supplement ? dueText(d.supplement.deadline) : null],
        [w.supplementLimitLabel, supplementLimitText(d)], // issue 21: 03 working days (Art. 19.5)
        [w.supplementCompletedLabel, d.supplement?.completedAt ? dueText(d.supplement.completedAt) : null],
        [w.handoverLabel, d.handover ? handoverText(d.handover) : null],
        [w.closingLabel, d.closing?.reason ?? null],
        [w.note, d.note],
      ]),
      h('h3', null, w.documentsShort),
      h('ul', { class: 'ds-docs' }, ...d.documents.map((x) => h('li', { class: x.received ? 'ok' : 'missing' }, x.received ? '✓ ' : '✗ ', x.name, x.received ? '' : ` (${w.notReceived})`))),
      attachmentsSection(d), // issue 22: an online filing's files, downloaded or previewed (staff/dossier-attachments.ts)
      // issue 21: the electronic result (Art. 22), attached here, downloaded by the citizen from the lookup page
      resultSection(d, (x) => { this.selected = x; this.notice = { kind: 'ok', text: fmt(t().dossierResult.saved, { code: x.code }) }; this.drawDetail() }),
      h('h3', null, w.actions),
      h('div', { class: 'ds-actions', id: 'ds-actions' },
        ...moves.map((s) => h('button', { type: 'button', class: `btn ${FINAL.includes(s) && s !== 'returned' ? 'btn-danger-outline' : s === 'ready' || s === 'returned' || s === 'processing' ? 'btn-primary' : ''}`, 'data-move': s, onclick: () => this.moveDialog(d, s) }, moveLabel(s))),
        canExtend ? h('button', { type: 'button', class: 'btn', id: 'ds-extend', onclick: () => this.extendDialog(d) }, w.extend) : null,
        canRecordFee(d) ? h('button', { type: 'button', class: 'btn', id: 'ds-fee', onclick: () => openFeeDialog(d, async (body, form, error) =>
          !!await this.send(d, 'fee', body, (x) => fmt(w.feeSaved, { code: x.code }), form, error)) }, w.feeRecord) : null, // W2 (issue 22)
        !moves.length && !canExtend ? h('p', { class: 'muted' }, w.noActions) : null,
        d.supplement && d.status !== 'needs_supplement' && DOSSIER_TRANSITIONS[d.status].includes('needs_supplement')
          ? h('p', { class: 'muted small', id: 'ds-supplement-once' }, w.supplementOnceHint) : null),
      // issue 21: an early result is announced before the handover (Art. 22.5)
      earlyReturnBlock(d, (x) => openEarlyNoticeDialog(x, async (body) =>
        (await this.send(x, 'early-notice', body, (y) => fmt(w.earlyOk, { code: y.code }))) ? null : this.notice?.text ?? '')),
      messagesBlock(d, () => { void this.send(d, 'notify/stop', {}, (x) => fmt(w.notifyStopped, { code: x.code })) }), // issue 24
      h('div', { class: 'ds-prints' },
        d.receivedAt ? h('a', { class: 'btn btn-small', href: slipUrl(d.id, 'tiep-nhan'), target: '_blank', id: 'ds-print-receipt' }, w.printReceipt) : null,
        d.supplement ? h('a', { class: 'btn btn-small', href: slipUrl(d.id, 'bo-sung'), target: '_blank', id: 'ds-print-supplement' }, w.printSupplement) : null,
        d.extensions.length ? h('a', { class: 'btn btn-small', href: slipUrl(d.id, 'xin-loi'), target: '_blank', id: 'ds-print-apology' }, w.printApology) : null,
        d.closing?.status === 'rejected' ? h('a', { class: 'btn btn-small', href: slipUrl(d.id, 'tu-choi'), target: '_blank', id: 'ds-print-refusal' }, w.printRefusal) : null,
        d.closing?.status === 'stopped' ? h('a', { class: 'btn btn-small', href: slipUrl(d.id, 'dung'), target: '_blank', id: 'ds-print-stop' }, w.printStop) : null,
        h('a', { class: 'btn btn-small', href: slipUrl(d.id, 'kiem-soat'), target: '_blank', id: 'ds-print-control' }, w.printControl)),
      h('h3', null, w.history),
      h('ol', { class: 'ds-history', id: 'ds-history' }, ...[...d.history].reverse().map((e) => h('li', { 'data-to': e.toStatus },
        h('span', { class: 'when' }, `${hm(e.at)} ${dmy(e.at)}`),
        h('span', null, h('b', null, (w.historyType as Record<string, string>)[e.type] ?? e.type), ': ', w.status[e.toStatus],
          e.staffName ? ` · ${e.staffName}` : '', e.byCitizen ? ` · ${w.historyByCitizen}` : '', e.note ? h('span', { class: 'hnote' }, ` — ${e.note}`) : null,
          e.notifyConsent ? h('span', { class: 'hnote' }, ` — ${fmt(w.historyNotifyConsent, { channel: t().notify.panel.channelNames[e.notifyConsent.channel], to: e.notifyConsent.to })}`) : null)))),
      d.extensions.length ? h('h3', null, w.extensions) : null,
      d.extensions.length ? h('ul', { class: 'ds-ext' }, ...d.extensions.map((x) => h('li', null,
        fmt(w.extensionLine, { at: `${hm(x.at)} ${dmy(x.at)}`, from: dmy(x.previousDueAt), to: dmy(x.newDueAt), reason: x.reason })))) : null)
  }

  // ---------- moves ----------

  private async send(d: DossierView, path: string, body: object, okText: (x: DossierView) => string, form?: HTMLElement, errEl?: HTMLElement): Promise<DossierView | null> {
    try {
      const { dossier } = await apiSend<{ dossier: DossierView }>(`/api/dossiers/${enc(d.id)}/${path}`, body)
      this.selected = dossier
      this.notice = { kind: 'ok', text: okText(dossier) }
      void this.refresh()
      this.drawDetail()
      return dossier
    } catch (e) {
      if (isUnauthorized(e)) { this.deps.onSessionEnded(errorText(e)); return null }
      const { text, fields } = apiFieldErrors(e)
      if (form && errEl) { showFieldErrors(form, fields); setFormError(errEl, text) } else { this.notice = { kind: 'error', text }; this.drawDetail() }
      void this.refresh()
      return null
    }
  }

  private moveDialog(d: DossierView, to: DossierStatus): void {
    const w = t().dossier
    if (to === 'returned') {
      openHandoverDialog(d, async (handover) => {
        const done = await this.send(d, 'status', { status: 'returned', handover }, (x) => fmt(w.returnedOk, { code: x.code }))
        return done ? null : this.notice?.text ?? ''
      })
      return
    }
    if (to === 'needs_supplement') return this.supplementDialog(d)
    const completing = d.status === 'needs_supplement' && to === 'processing'
    const required = to === 'rejected' || to === 'stopped'
    const note = h('textarea', { rows: required ? 4 : 2, maxlength: 1000 })
    const error = formError()
    const submitText = completing ? w.completeSubmit : to === 'rejected' ? w.refuseSubmit : to === 'stopped' ? w.stopSubmit : w.confirm
    const submit = h('button', { type: 'submit', class: `btn ${required || to === 'withdrawn' ? 'btn-danger' : 'btn-primary'}`, id: 'move-submit' }, submitText)
    const label = to === 'rejected' ? w.refuseReason : to === 'stopped' ? w.stopReason : w.statusNote
    const form = h('form', { class: 'move-form', novalidate: true },
      h('p', null, `${procedureName(d)} · ${d.applicant.fullName}`),
      completing ? h('p', { class: 'notice', id: 'complete-explain' }, fmt(w.completeExplain, { days: daysText(d.procedure.processingDays) })) : null,
      to === 'stopped' ? h('p', { class: 'muted small' }, w.stopHint) : null,
      field('note', label, note),
      error,
      h('div', { class: 'dlg-actions' }, submit))
    let close = () => {}
    clearErrorsOnEdit(form)
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const text = note.value.trim()
      if (required && !text) { showFieldErrors(form, { note: w.fieldRequired }); return }
      submit.disabled = true
      const done = await this.send(d, 'status', text ? { status: to, note: text } : { status: to },
        (x) => fmt(w.statusOk, { code: x.code, status: w.status[x.status] }), form, error)
      submit.disabled = false
      if (!done) return
      close()
      // the supplement completed: a new receipt with the restarted due date; a refusal or a stop: its form
      const print = completing ? 'tiep-nhan' : PRINT_AFTER[to]
      if (print) openSlip(done.id, print)
    })
    const title = completing ? fmt(w.completeTitle, { code: d.code }) : to === 'rejected' ? fmt(w.refuseTitle, { code: d.code })
      : to === 'stopped' ? fmt(w.stopTitle, { code: d.code }) : fmt(w.confirmTitle, { action: w.moveTo[to], code: d.code })
    openDialog('move-dialog', title, (c) => {
      close = c
      return [form, h('div', { class: 'dlg-foot' }, h('button', { type: 'button', class: 'btn', onclick: c }, t().staff.closeDialog))]
    })
    note.focus()
  }

  /** The one supplement request (Art. 16.3): the documents not handed in, ticked, and any other item, one a line. */
  private supplementDialog(d: DossierView): void {
    const w = t().dossier
    const missing = d.documents.filter((x) => !x.received)
    const boxes = missing.map((x, i) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'item', value: x.name, checked: true, id: `sup-doc-${i}` }), ' ', x.name))
    const other = h('textarea', { rows: 3, maxlength: 2000, id: 'sup-other' })
    const error = formError()
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'move-submit' }, w.supplementSubmit)
    const form = h('form', { class: 'move-form', id: 'supplement-form', novalidate: true },
      h('p', { class: 'notice', id: 'supplement-once' }, w.supplementOnceHint),
      h('div', { class: 'field', 'data-field': 'items' },
        h('label', { for: 'sup-other' }, w.supplementItemsLabel),
        missing.length ? h('fieldset', { class: 'sup-docs' }, h('legend', null, w.supplementDocsLabel), ...boxes) : null,
        h('span', { class: 'muted small' }, w.supplementOtherLabel), other,
        h('span', { class: 'field-error', id: 'sup-items-error', hidden: true })),
      error,
      h('div', { class: 'dlg-actions' }, submit))
    let close = () => {}
    clearErrorsOnEdit(form)
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const items = [...form.querySelectorAll<HTMLInputElement>('input[name=item]:checked')].map((b) => b.value)
        .concat(other.value.split('\n').map((x) => x.trim()).filter(Boolean))
      if (!items.length) { showFieldErrors(form, { items: w.itemsRequired }); return }
      submit.disabled = true
      const done = await this.send(d, 'status', { status: 'needs_supplement', items: items.slice(0, 30) },
        (x) => fmt(w.statusOk, { code: x.code, status: w.status[x.status] }), form, error)
      submit.disabled = false
      if (!done) return
      close()
      openSlip(done.id, 'bo-sung')
    })
    openDialog('move-dialog', fmt(w.supplementTitle, { code: d.code }), (c) => {
      close = c
      return [form, h('div', { class: 'dlg-foot' }, h('button', { type: 'button', class: 'btn', onclick: c }, t().staff.closeDialog))]
    })
    other.focus()
  }

  private extendDialog(d: DossierView): void {
    const w = t().dossier
    const cur = localParts(d.dueAt!)
    const minDay = `${cur.year}-${pad(cur.month)}-${pad(cur.day)}`
    const date = h('input', { type: 'date', min: minDay, required: true })
    const reason = h('textarea', { rows: 3, maxlength: 500 })
    const error = formError()
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'extend-submit' }, w.extendSubmit)
    const form = h('form', { class: 'move-form', novalidate: true },
      h('p', null, fmt(w.extendCurrent, { due: dueText(d.dueAt) })),
      h('p', { class: 'muted small', id: 'extend-rule' }, w.extendOnceHint),
      field('dueAt', w.newDue, date),
      field('reason', w.reason, reason),
      error,
      h('div', { class: 'dlg-actions' }, submit))
    let close = () => {}
    clearErrorsOnEdit(form)
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const problems: Record<string, string> = {}
      if (!date.value || date.value <= minDay) problems.dueAt = w.newDueInvalid
      if (!reason.value.trim()) problems.reason = w.fieldRequired
      if (!showFieldErrors(form, problems)) return
      // a day: the server sets the due moment to the center's closing time that day
      const dueAt = date.value
      submit.disabled = true
      const done = await this.send(d, 'extend', { dueAt, reason: reason.value.trim() }, (x) => fmt(w.extendedOk, { code: x.code, due: dueText(x.dueAt) }), form, error)
      submit.disabled = false
      if (!done) return
      close()
      openSlip(done.id, 'xin-loi')
    })
    openDialog('extend-dialog', fmt(w.extendTitle, { code: d.code }), (c) => {
      close = c
      return [form, h('div', { class: 'dlg-foot' }, h('button', { type: 'button', class: 'btn', onclick: c }, t().staff.closeDialog))]
    })
    date.focus()
  }
}
