import type { CounterQueueResponse, MyDayResponse, QueueTicket, StaffServiceOption } from '../common/staff-types.js'
import { h } from '../web/dom.js'
import { fmt, getLang, t } from '../web/i18n.js'
import { hm } from '../web/time.js'
import { canCallSpecific, type ConsoleState } from './actions.js'
import { secondsText, serviceName, sinceText } from './util.js'

/** The counter console's side column (staff/console.ts): the clerk's day, their held tickets, the queue. */
export interface ListsCtx {
  services: StaffServiceOption[]
  busy: boolean
  /** "Gọi số này" on a waiting ticket, "Tiếp tục" on a held one */
  onCall: (tk: QueueTicket, held: boolean) => void
}

export function renderDay(d: MyDayResponse | null) {
  const w = t().staff
  const fig = (id: string, label: string, value: string) => h('div', { class: 'fig', id }, h('span', { class: 'fig-value' }, value), h('span', { class: 'fig-label' }, label))
  return h('section', { class: 'card today' },
    h('h2', null, w.todayTitle),
    h('div', { class: 'figs' },
      fig('fig-served', w.served, d ? String(d.served) : w.noValue),
      fig('fig-avg', w.avgTime, d ? secondsText(d.averageServiceSeconds) : w.noValue),
      fig('fig-noshow', w.noShows, d ? String(d.noShows) : w.noValue)))
}

export function renderHeld(q: CounterQueueResponse, st: ConsoleState, ctx: ListsCtx) {
  const w = t().staff
  if (!q.held.length) return null
  const can = canCallSpecific(st)
  return h('section', { class: 'card held', id: 'held' },
    h('h2', null, `${w.heldTitle} (${q.held.length})`),
    h('ul', { class: 'qlist' }, ...q.held.map((tk) => h('li', { class: 'qrow', 'data-ticket': tk.code },
      h('span', { class: 'q-code' }, tk.code),
      h('span', { class: 'q-info' }, serviceLabel(tk, ctx), tk.heldAt ? h('small', null, fmt(w.heldSince, { time: hm(tk.heldAt) })) : null),
      h('button', { type: 'button', class: 'btn btn-small', disabled: !can || ctx.busy, onclick: () => ctx.onCall(tk, true) }, w.resumeHeld)))))
}

export function renderQueue(q: CounterQueueResponse, st: ConsoleState, ctx: ListsCtx) {
  const w = t().staff
  const can = canCallSpecific(st)
  const total = q.waitingTotal.primary + q.waitingTotal.backup
  return h('section', { class: 'card queue', id: 'queue' },
    h('h2', null, `${w.queueTitle} (${total})`),
    total ? h('p', { class: 'muted small' }, fmt(w.waitingTotals, { primary: q.waitingTotal.primary, backup: q.waitingTotal.backup })) : null,
    q.waiting.length ? h('ol', { class: 'qlist' }, ...q.waiting.map((tk) => h('li', { class: `qrow${tk.tier === 2 ? ' backup' : ''}${tk.priorityGroup ? ' prio' : ''}`, 'data-ticket': tk.code },
      h('span', { class: 'q-code' }, tk.code),
      h('span', { class: 'q-info' },
        serviceLabel(tk, ctx),
        h('small', null,
          tk.priorityGroup ? h('span', { class: 'badge prio', title: (getLang() === 'en' ? tk.priorityNameEn : tk.priorityNameVi) ?? '' }, w.priority) : null,
          tk.appointmentSlot ? h('span', { class: 'badge appt' }, fmt(w.appointmentMark, { time: tk.appointmentSlot })) : null,
          tk.tier === 2 ? h('span', { class: 'badge backup' }, w.backupMark) : null,
          tk.forThisCounter ? h('span', { class: 'badge for-me' }, tk.transferredFromCounter ? fmt(w.forThisCounterFrom, { n: tk.transferredFromCounter }) : w.forThisCounter)
            : tk.transferred ? h('span', { class: 'badge' }, w.transferredMark) : null,
          tk.transferNote ? h('span', { class: 'q-note' }, tk.transferNote) : null,
          h('span', { 'data-since': tk.issuedAt, 'data-tpl': w.waited }, fmt(w.waited, { time: sinceText(tk.issuedAt) })))),
      h('button', { type: 'button', class: 'btn btn-small call-this', disabled: !can || ctx.busy, 'aria-label': `${w.callThis} ${tk.code}`, onclick: () => ctx.onCall(tk, false) }, w.callThis))))
      : h('p', { class: 'muted', id: 'queue-empty' }, w.queueEmpty),
    total > q.waiting.length ? h('p', { class: 'muted small' }, fmt(w.queueMore, { n: total - q.waiting.length })) : null)
}

function serviceLabel(tk: QueueTicket, ctx: ListsCtx) {
  const s = ctx.services.find((x) => x.id === tk.serviceId)
  return h('span', { class: 'q-service' }, s ? serviceName(s) : '')
}
