import type { BoardService, BoardSnapshot, PriorityGroupView, ProcedureView, IssuedTicket, TicketView } from '../common/types.js'
import { byId, fill, h, markup } from '../web/dom.js'
import { aheadText, daysText, estimateText, feeText, fmt, fold, getLang, opensText, resumeText, t, waitingText, waitText } from '../web/i18n.js'
import { qrLocalNotice } from '../web/qr.js'
import { icon } from '../web/icons.js'
import { dmy, hm } from '../web/time.js'

/**
 * The kiosk's screens, drawn from what the kiosk knows (`KioskView`); their buttons call back into
 * kiosk/main.ts, which owns the state, the live board and the check-in screen (kiosk/checkin.ts).
 */

export type Screen =
  | { name: 'home' }
  | { name: 'priority' }
  | { name: 'priorityServices'; group: PriorityGroupView }
  | { name: 'issuing'; retrying: boolean }
  | { name: 'ticket'; ticket: IssuedTicket; qr: string; group: PriorityGroupView | null; note?: string }
  | { name: 'issueError'; message: string; canRetry: boolean; closed: boolean }
  | { name: 'procedures'; query: string; serviceId: string | null }
  | { name: 'procedure'; procedure: ProcedureView; qr: string }
  | { name: 'checkin' }

/** What the screens show and what their buttons do. */
export interface KioskView {
  readonly board: BoardSnapshot | null
  readonly groups: PriorityGroupView[]
  readonly procedures: ProcedureView[] | null
  /** connected, and the board says tickets are issued now */
  canIssue(): boolean
  /** the service reached its daily cap (the board says so, or a tap was refused for it today) */
  isCapped(s: BoardService): boolean
  go(next: Screen): void
  goHome(): void
  issue(serviceId: string, group: PriorityGroupView | null): void
  /** "Thử lại": the same tap again, with its requestId */
  retryIssue(): void
  openPriority(): void
  openProcedures(): void
  openProcedure(p: ProcedureView): void
  openCheckin(): void
  /** the device has a camera: "Quét mã bằng camera" */
  hasCamera(): boolean
  openCamera(): void
}

export function activeServices(v: KioskView): BoardService[] {
  return (v.board?.services ?? []).filter((s) => s.active)
}

export function serviceNames(s: { nameVi: string; nameEn: string }): { main: string; sub: string } {
  return getLang() === 'en' ? { main: s.nameEn, sub: s.nameVi } : { main: s.nameVi, sub: s.nameEn }
}

function button(label: string, onClick: () => void, cls = 'btn', attrs: Record<string, string> = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: cls, onclick: onClick, ...attrs }, label)
}

export { qrSvg } from '../web/qr.js'

/** Beside a QR: the page is on the server's own PC and no PUBLIC_URL is set, so phones cannot open it. */
function qrNotice(v: KioskView): HTMLElement | null {
  const notice = qrLocalNotice(v.board?.publicUrl)
  return notice ? h('p', { class: 'qr-local', id: 'qr-local', role: 'note' }, notice) : null
}

function tile(v: KioskView, s: BoardService, onTap: (s: BoardService) => void): HTMLButtonElement {
  const names = serviceNames(s)
  const cap = v.isCapped(s)
  const disabled = !v.canIssue() || cap
  const inBreak = !!v.board?.callsResumeAt // nobody waiting still waits for the break's end
  return h('button', {
    type: 'button', class: 'tile', 'data-service': s.prefix, 'data-service-id': s.id,
    disabled, 'aria-disabled': disabled ? 'true' : null, onclick: () => onTap(s),
  },
  markup('span', 'tile-icon', icon(s.icon, 56)),
  h('span', { class: 'tile-text' },
    h('span', { class: 'tile-name' }, names.main),
    h('span', { class: 'tile-sub', lang: getLang() === 'en' ? 'vi' : 'en' }, names.sub),
    cap
      ? h('span', { class: 'tile-stats cap' }, t().kiosk.capReached)
      : h('span', { class: 'tile-stats' },
        h('span', { class: 'tile-waiting', 'data-waiting': s.waiting }, s.waiting || inBreak ? waitingText(s.waiting) : t().pages.noWait),
        s.waiting || inBreak ? h('span', { class: 'tile-eta' }, waitText(s.estimatedWaitMinutes)) : null)),
  h('span', { class: 'tile-prefix', 'aria-hidden': 'true' }, s.prefix))
}

function tiles(v: KioskView, onTap: (s: BoardService) => void): HTMLElement {
  return h('div', { class: 'tiles', id: 'tiles' }, activeServices(v).map((s) => tile(v, s, onTap)))
}

function closedPanel(v: KioskView, withTitle = false): HTMLElement | null {
  const board = v.board
  if (!board || board.acceptingTickets) return null
  const k = t().kiosk
  const reason = board.closedReason
  const cutoff = board.ticketCutoff ?? board.hoursToday.split('–').pop() ?? ''
  return h('section', { class: 'closed', id: 'closed', role: 'status', 'data-reason': reason },
    withTitle ? h('h2', null, k.closedTitle) : null,
    reason === 'center_inactive' ? h('p', { class: 'closed-hours' }, k.centerInactive) // deactivated by an admin (H6)
      : reason === 'closed_day' ? h('p', { class: 'closed-hours' }, k.closedToday)
      : reason === 'after_cutoff' ? h('p', { class: 'closed-hours' }, fmt(k.afterCutoff, { cutoff }))
        : h('p', { class: 'closed-hours' }, fmt(k.beforeOpen, { hours: board.hoursToday })),
    reason !== 'closed_day' && reason !== 'center_inactive' && board.ticketCutoff ? h('p', null, fmt(k.hoursToday, { hours: board.hoursToday }) + ' · ' + fmt(k.cutoff, { cutoff: board.ticketCutoff })) : null,
    board.nextOpen ? h('p', { class: 'closed-next', id: 'closed-next' }, opensText(board.nextOpen, board.serviceDay)) : null,
    h('p', { class: 'closed-hint' }, k.closedHint))
}

function homeActions(v: KioskView, showPriority: boolean): HTMLElement {
  const k = t().kiosk
  return h('div', { class: 'actions' },
    showPriority
      ? h('button', { type: 'button', class: 'action action-priority', id: 'priority', disabled: !v.canIssue(), onclick: v.openPriority },
        markup('span', 'action-icon', icon('star', 44)),
        h('span', { class: 'action-text' }, h('span', { class: 'action-name' }, k.priority), h('span', { class: 'action-sub' }, k.priorityHint)))
      : null,
    h('button', { type: 'button', class: 'action action-procedures', id: 'procedures', onclick: v.openProcedures },
      markup('span', 'action-icon', icon('book', 44)),
      h('span', { class: 'action-text' }, h('span', { class: 'action-name' }, k.procedures), h('span', { class: 'action-sub' }, k.proceduresHint))),
    h('button', { type: 'button', class: 'action action-checkin', id: 'checkin', onclick: v.openCheckin },
      markup('span', 'action-icon', icon('inbox', 44)),
      h('span', { class: 'action-text' }, h('span', { class: 'action-name' }, t().dossier.kioskEntry), h('span', { class: 'action-sub' }, t().dossier.kioskEntryHint))),
    v.hasCamera()
      ? h('button', { type: 'button', class: 'action action-camera', id: 'camera-open', onclick: v.openCamera },
        markup('span', 'action-icon', icon('camera', 44)),
        h('span', { class: 'action-text' }, h('span', { class: 'action-name' }, t().appointments.cameraOpen), h('span', { class: 'action-sub' }, t().appointments.cameraOpenSub)))
      : null)
}

export function renderHome(v: KioskView): (HTMLElement | null)[] {
  const k = t().kiosk
  if (!v.board) return [h('p', { class: 'loading' }, t().pages.loading)]
  const closed = closedPanel(v)
  return [
    h('h1', { class: 'title' }, closed ? k.closedTitle : k.chooseService),
    closed ?? h('p', { class: 'hint' }, k.chooseHint),
    !closed && v.board.callsResumeAt ? h('p', { class: 'resume', id: 'calls-resume', role: 'status' }, resumeText(v.board.callsResumeAt)) : null,
    closed ? null : tiles(v, (s) => v.issue(s.id, null)),
    homeActions(v, !closed),
  ]
}

function ruleMinutes(groups: PriorityGroupView[]): number | null {
  const mins = [...new Set(groups.map((g) => g.bonusMinutes))]
  return mins.length === 1 ? mins[0]! : null
}

export function renderPriority(v: KioskView): (HTMLElement | null)[] {
  const k = t().kiosk
  const uniform = ruleMinutes(v.groups)
  return [
    h('h1', { class: 'title' }, k.priorityTitle),
    uniform !== null ? h('p', { class: 'rule', id: 'priority-rule' }, fmt(k.priorityRule, { minutes: uniform })) : null,
    h('div', { class: 'groups' }, v.groups.map((g) => {
      const names = serviceNames(g)
      return h('button', { type: 'button', class: 'group', 'data-group': g.code, onclick: () => v.go({ name: 'priorityServices', group: g }) },
        h('span', { class: 'group-name' }, names.main),
        h('span', { class: 'group-sub' }, names.sub),
        uniform === null ? h('span', { class: 'group-rule' }, fmt(k.priorityGroupRule, { minutes: g.bonusMinutes })) : null)
    })),
    h('p', { class: 'note' }, k.priorityRecorded),
    h('div', { class: 'nav' }, button(k.back, v.goHome, 'btn btn-back')),
  ]
}

export function renderPriorityServices(v: KioskView, group: PriorityGroupView): (HTMLElement | null)[] {
  const k = t().kiosk
  const closed = closedPanel(v, true)
  return [
    h('p', { class: 'chosen' }, fmt(k.priorityChosen, { group: serviceNames(group).main })),
    h('h1', { class: 'title' }, k.priorityChooseService),
    closed ?? tiles(v, (s) => v.issue(s.id, group)),
    h('div', { class: 'nav' }, button(k.back, () => v.go({ name: 'priority' }), 'btn btn-back')),
  ]
}

export function renderIssuing(retrying: boolean): (HTMLElement | null)[] {
  const k = t().kiosk
  return [h('div', { class: 'issuing', role: 'status' },
    h('div', { class: 'spinner', 'aria-hidden': 'true' }),
    h('p', null, retrying ? k.retrying : k.issuing))]
}

function ticketFacts(ticket: TicketView, group: PriorityGroupView | null) {
  const k = t().kiosk
  const names = serviceNames({ nameVi: ticket.serviceNameVi, nameEn: ticket.serviceNameEn })
  return {
    service: names.main,
    serviceSub: names.sub,
    priority: group ? fmt(k.priorityChosen, { group: serviceNames(group).main }) : null,
    ahead: aheadText(ticket.ahead),
    eta: estimateText(ticket.estimatedWaitMinutes),
    resume: resumeText(ticket.callsResumeAt),
    time: fmt(k.issuedAt, { time: `${hm(ticket.issuedAt)}, ${dmy(ticket.issuedAt)}` }),
  }
}

export function renderTicket(v: KioskView, s: Extract<Screen, { name: 'ticket' }>): (HTMLElement | null)[] {
  const k = t().kiosk
  const f = ticketFacts(s.ticket, s.group)
  return [
    h('section', { class: 'ticket', id: 'ticket', 'data-ticket-id': s.ticket.id },
      h('div', { class: 'ticket-center' }, v.board?.centerName ?? ''),
      h('div', { class: 'ticket-label' }, k.ticketTitle),
      h('div', { class: 'ticket-code', id: 'ticket-code' }, s.ticket.code),
      h('div', { class: 'ticket-service' }, f.service, h('span', { class: 'ticket-service-sub' }, f.serviceSub)),
      f.priority ? h('div', { class: 'ticket-priority' }, f.priority) : null,
      s.note ? h('div', { class: 'ticket-priority ticket-note', id: 'ticket-note' }, s.note) : null,
      h('div', { class: 'ticket-ahead', id: 'ticket-ahead' }, f.ahead),
      h('div', { class: 'ticket-eta' }, f.eta),
      f.resume ? h('div', { class: 'ticket-resume', id: 'ticket-resume' }, f.resume) : null,
      h('div', { class: 'ticket-time' }, f.time),
      h('div', { class: 'ticket-qr-row' },
        markup('div', 'ticket-qr', s.qr),
        h('p', { class: 'ticket-qr-text' }, k.scanToFollow)),
      qrNotice(v)),
    h('p', { class: 'after' }, k.takePrinted, ' ', k.listen),
    h('div', { class: 'nav' }, button(k.done, v.goHome, 'btn btn-primary', { id: 'done' })),
  ]
}

/** The 80 mm slip: black on white, only what a citizen needs, printed once per ticket. */
export function renderPrint(v: KioskView, s: Extract<Screen, { name: 'ticket' }>): void {
  const k = t().kiosk
  const f = ticketFacts(s.ticket, s.group)
  fill(byId('print'),
    h('div', { class: 'p-center' }, v.board?.centerName ?? ''),
    h('div', { class: 'p-label' }, k.ticketTitle),
    h('div', { class: 'p-code' }, s.ticket.code),
    h('div', { class: 'p-service' }, f.service),
    f.priority ? h('div', { class: 'p-line' }, f.priority) : null,
    h('div', { class: 'p-line' }, f.ahead),
    h('div', { class: 'p-line' }, f.eta),
    f.resume ? h('div', { class: 'p-line' }, f.resume) : null,
    h('div', { class: 'p-line' }, f.time),
    markup('div', 'p-qr', s.qr),
    h('div', { class: 'p-small' }, k.scanToFollow),
    h('div', { class: 'p-small' }, k.listen))
}

export function renderIssueError(v: KioskView, s: Extract<Screen, { name: 'issueError' }>): (HTMLElement | null)[] {
  const k = t().kiosk
  return [
    h('section', { class: s.closed ? 'closed' : 'error', id: 'issue-error', role: 'alert' },
      h('h2', null, s.closed ? k.closedTitle : k.cannotIssue),
      h('p', null, s.message),
      s.closed ? h('p', { class: 'closed-hint' }, k.closedHint) : null),
    h('div', { class: 'nav' },
      s.canRetry ? button(k.retry, v.retryIssue, 'btn btn-primary', { id: 'retry' }) : null,
      button(k.home, v.goHome, 'btn btn-back')),
  ]
}

function matches(p: ProcedureView, q: string, serviceId: string | null): boolean {
  if (serviceId && p.serviceId !== serviceId) return false
  if (!q) return true
  const hay = fold(`${p.nameVi} ${p.nameEn} ${p.serviceNameVi} ${p.serviceNameEn}`)
  return fold(q).split(/\s+/).filter(Boolean).every((w) => hay.includes(w))
}

function procedureList(v: KioskView, s: Extract<Screen, { name: 'procedures' }>): HTMLElement {
  const k = t().kiosk
  const procedures = v.procedures
  const list = (procedures ?? []).filter((p) => matches(p, s.query, s.serviceId))
  if (!procedures) return h('p', { class: 'loading' }, t().pages.loading)
  if (!list.length) return h('p', { class: 'empty' }, k.noProcedures)
  return h('ul', { class: 'proc-list' }, list.map((p) => {
    const names = serviceNames(p)
    const svc = serviceNames({ nameVi: p.serviceNameVi, nameEn: p.serviceNameEn })
    return h('li', null, h('button', { type: 'button', class: 'proc', 'data-procedure': p.code, onclick: () => v.openProcedure(p) },
      h('span', { class: 'proc-name' }, names.main),
      h('span', { class: 'proc-meta' }, `${svc.main} · ${daysText(p.processingDays)} · ${feeText(p.feeVnd, getLang() === 'vi' ? p.feeNote : '')}`)))
  }))
}

export function renderProcedures(v: KioskView, s: Extract<Screen, { name: 'procedures' }>): (HTMLElement | null)[] {
  const k = t().kiosk
  const listBox = h('div', { class: 'proc-results' }, procedureList(v, s))
  const input = h('input', {
    type: 'search', id: 'proc-search', class: 'search', value: s.query, placeholder: k.searchPlaceholder,
    autocomplete: 'off', spellcheck: 'false',
  })
  input.addEventListener('input', () => {
    s.query = input.value
    fill(listBox, procedureList(v, s))
  })
  const services = activeServices(v)
  return [
    h('h1', { class: 'title' }, k.proceduresTitle),
    h('label', { class: 'search-label', for: 'proc-search' }, k.searchLabel),
    input,
    h('div', { class: 'chips', role: 'group' },
      [{ id: null as string | null, label: k.allServices }, ...services.map((x) => ({ id: x.id as string | null, label: serviceNames(x).main }))].map((c) =>
        h('button', { type: 'button', class: 'chip', 'aria-pressed': String(s.serviceId === c.id), onclick: () => v.go({ ...s, serviceId: c.id }) }, c.label))),
    listBox,
    h('div', { class: 'nav' }, button(k.back, v.goHome, 'btn btn-back')),
  ]
}

export function renderProcedure(v: KioskView, s: Extract<Screen, { name: 'procedure' }>): (HTMLElement | null)[] {
  const k = t().kiosk
  const p = s.procedure
  const names = serviceNames(p)
  const svc = serviceNames({ nameVi: p.serviceNameVi, nameEn: p.serviceNameEn })
  const service = activeServices(v).find((x) => x.id === p.serviceId)
  const canTake = !!service && v.canIssue() && !v.isCapped(service)
  return [
    h('h1', { class: 'title' }, names.main),
    h('p', { class: 'proc-service' }, `${t().pages.service}: ${svc.main}`),
    h('dl', { class: 'facts' },
      h('dt', null, t().pages.processing), h('dd', null, daysText(p.processingDays)),
      h('dt', null, t().pages.fee), h('dd', null, feeText(p.feeVnd, getLang() === 'vi' ? p.feeNote : ''))),
    h('h2', null, t().pages.documents),
    h('ol', { class: 'docs' }, p.documents.map((d) => h('li', { lang: 'vi' }, d))),
    h('div', { class: 'proc-qr-row' }, markup('div', 'proc-qr', s.qr), h('p', null, k.scanProcedure)),
    qrNotice(v),
    h('div', { class: 'nav' },
      canTake ? button(fmt(k.takeTicketFor, { service: svc.main }), () => v.issue(p.serviceId, null), 'btn btn-primary', { id: 'take-for-procedure' }) : null,
      button(k.back, () => v.go({ name: 'procedures', query: '', serviceId: null }), 'btn btn-back')),
  ]
}
