import type { StaffServiceOption } from '../common/staff-types.js'
import { PAUSE_MINUTES_CHOICES, PAUSE_REASONS, type CounterView, type PauseReason } from '../common/types.js'
import { fill, h } from '../web/dom.js'
import { duration, fmt, t } from '../web/i18n.js'
import { serviceName } from './util.js'

/**
 * The counter console's dialogs (pause, transfer, cancel): each asks the clerk one thing, keyboard first,
 * and hands the answer back; the console (staff/console.ts) acts on it.
 */

/** A modal dialog with a title, its body and a close button; it leaves the page when closed. */
function dialog(id: string, title: string, body: (close: () => void) => (Node | string | null)[]): HTMLDialogElement {
  document.getElementById(id)?.remove()
  const dlg = h('dialog', { id, class: 'dlg', 'aria-labelledby': `${id}-title` })
  const close = () => { dlg.close(); dlg.remove() }
  fill(dlg, h('h2', { id: `${id}-title` }, title), ...body(close),
    h('div', { class: 'dlg-foot' }, h('button', { type: 'button', class: 'btn', onclick: close }, t().staff.closeDialog)))
  dlg.addEventListener('close', () => dlg.remove())
  document.body.append(dlg)
  dlg.showModal()
  return dlg
}

/**
 * Why the counter pauses: a reason (its button, or its digit key), when the clerk will be back if they know
 * (shown on the wall, counted by the estimates; picked before the reason) and an optional note.
 */
export function pauseDialog(counterNumber: number, onPick: (reason: PauseReason, note: string, minutes: number | null) => void): void {
  const w = t().staff
  const note = h('input', { id: 'pause-note', maxlength: 200, autocomplete: 'off' })
  const backIn = (minutes: number | null) => h('label', { class: 'back-in' },
    h('input', { type: 'radio', name: 'pause-back', value: minutes === null ? '' : String(minutes), ...(minutes === null ? { checked: true } : {}) }),
    minutes === null ? w.pauseBackUnknown : duration(minutes))
  const dlg = dialog('pause-dialog', fmt(w.pauseTitle, { n: counterNumber }), (close) => [
    h('fieldset', { class: 'back-ins', id: 'pause-back' }, h('legend', null, w.pauseBackIn),
      backIn(null), ...PAUSE_MINUTES_CHOICES.map((m) => backIn(m))),
    h('p', null, w.pauseChoose),
    h('div', { class: 'reasons' }, ...PAUSE_REASONS.map((r: PauseReason, i) => h('button', {
      type: 'button', class: 'btn btn-reason', 'data-reason': r,
      onclick: () => {
        const picked = dlg.querySelector<HTMLInputElement>('input[name="pause-back"]:checked')?.value
        close()
        onPick(r, note.value.trim(), picked ? Number(picked) : null)
      },
    }, h('kbd', null, String(i + 1)), t().pauseReason[r]))),
    h('label', { for: 'pause-note' }, w.pauseNote), note,
  ])
  dlg.addEventListener('keydown', (ev) => {
    const i = Number(ev.key) - 1
    if (ev.target !== note && i >= 0 && i < PAUSE_REASONS.length) {
      ev.preventDefault()
      dlg.querySelectorAll<HTMLButtonElement>('.btn-reason')[i]?.click()
    }
  })
  dlg.querySelector<HTMLButtonElement>('.btn-reason')?.focus()
}

export type TransferPick = { serviceId: string } | { counterId: string }

/**
 * Where the ticket `code` goes: another service (its button, or its letter), or (issue 22) another counter
 * that is open or paused (its button, or its number's digit), with a note the next clerk reads.
 */
export function transferDialog(code: string, options: StaffServiceOption[], counters: CounterView[],
  onPick: (to: TransferPick, note: string) => void): void {
  const w = t().staff
  const note = h('input', { id: 'transfer-note', maxlength: 200, autocomplete: 'off' })
  const dlg = dialog('transfer-dialog', fmt(w.transferToTitle, { code }), (close) => [
    h('p', { class: 'muted' }, w.transferHint, ' ', w.transferKeys),
    h('div', { class: 'transfer-list' }, ...options.map((s) => h('button', {
      type: 'button', class: 'btn btn-service', 'data-service': s.prefix,
      onclick: () => { close(); onPick({ serviceId: s.id }, note.value.trim()) },
    }, h('span', { class: 'prefix' }, s.prefix), serviceName(s)))),
    counters.length ? h('h3', null, w.transferCounters) : null,
    counters.length ? h('p', { class: 'muted' }, w.transferCounterKeys) : null,
    h('div', { class: 'transfer-list' }, ...counters.map((c) => h('button', {
      type: 'button', class: 'btn btn-counter', 'data-counter': c.number,
      onclick: () => { close(); onPick({ counterId: c.id }, note.value.trim()) },
    }, h('span', { class: 'prefix' }, String(c.number)), fmt(w.counterN, { n: c.number }),
    h('small', null, ` · ${c.staffName ?? ''}${c.status === 'paused' ? ` (${w.status.paused})` : ''}`)))),
    h('label', { for: 'transfer-note' }, w.transferNote), note,
  ])
  // keyboard first: the service's letter, or the counter's digit, picks it (not while typing the note)
  dlg.addEventListener('keydown', (ev) => {
    if (ev.target === note || ev.key.length !== 1 || ev.ctrlKey || ev.altKey || ev.metaKey) return
    const pick = /^[0-9]$/.test(ev.key)
      ? dlg.querySelector<HTMLButtonElement>(`.btn-counter[data-counter="${ev.key}"]`)
      : dlg.querySelector<HTMLButtonElement>(`.btn-service[data-service="${ev.key.toUpperCase()}"]`)
    if (pick) { ev.preventDefault(); pick.click() }
  })
  dlg.querySelector<HTMLButtonElement>('.btn-service, .btn-counter')?.focus()
}

/** Issue 22: a no-show asks first; a second N (or its button) confirms, Esc or "Không" keeps the ticket called. */
export function noShowDialog(code: string, onConfirm: () => void): void {
  const w = t().staff
  const dlg = dialog('noshow-dialog', fmt(w.noShowTitle, { code }), (close) => [
    h('p', null, w.noShowBody),
    h('div', { class: 'dlg-actions' },
      h('button', { type: 'button', class: 'btn btn-danger', id: 'confirm-noshow', onclick: () => { close(); onConfirm() } }, w.confirmNoShow, ' ', h('kbd', null, 'N')),
      h('button', { type: 'button', class: 'btn', id: 'keep-called', onclick: close }, w.keepCalled)),
  ])
  dlg.addEventListener('keydown', (ev) => {
    if (ev.key.toLowerCase() !== 'n' || ev.repeat || ev.ctrlKey || ev.altKey || ev.metaKey) return
    ev.preventDefault()
    document.getElementById('confirm-noshow')?.click()
  })
  document.getElementById('keep-called')?.focus()
}

/** Cancelling a ticket cannot be undone: asked once more, "keep" focused. */
export function cancelDialog(code: string, onConfirm: () => void): void {
  const w = t().staff
  dialog('cancel-dialog', fmt(w.cancelTitle, { code }), (close) => [
    h('p', null, w.cancelBody),
    h('div', { class: 'dlg-actions' },
      h('button', { type: 'button', class: 'btn btn-danger', id: 'confirm-cancel', onclick: () => { close(); onConfirm() } }, w.confirmCancel),
      h('button', { type: 'button', class: 'btn', id: 'keep-ticket', onclick: close }, w.keep)),
  ])
  document.getElementById('keep-ticket')?.focus()
}

/** W2 (issue 22): in which service a walk-in ticket is issued at this counter: its button, or the service's letter. */
export function walkInDialog(counterNumber: number, options: StaffServiceOption[], onPick: (serviceId: string) => void): void {
  const w = t().staff
  const dlg = dialog('walk-in-dialog', fmt(w.walkInTitle, { n: counterNumber }), (close) => [
    h('p', { class: 'muted' }, w.walkInHint),
    h('div', { class: 'transfer-list' }, ...options.map((s) => h('button', {
      type: 'button', class: 'btn btn-service', 'data-service': s.prefix,
      onclick: () => { close(); onPick(s.id) },
    }, h('span', { class: 'prefix' }, s.prefix), serviceName(s)))),
  ])
  dlg.addEventListener('keydown', (ev) => {
    if (ev.key.length !== 1 || ev.ctrlKey || ev.altKey || ev.metaKey) return
    const pick = dlg.querySelector<HTMLButtonElement>(`.btn-service[data-service="${ev.key.toUpperCase()}"]`)
    if (pick) { ev.preventDefault(); pick.click() }
  })
  dlg.querySelector<HTMLButtonElement>('.btn-service')?.focus()
}
