import { EARLY_NOTICE_CHANNELS, type DossierEarlyNotice, type DossierView, type EarlyNoticeChannel } from '../common/dossier-types.js'
import { h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { centerPublicUrl, publicBase } from '../web/qr.js'
import { dmy, hm } from '../web/time.js'
import { procedureName } from './dossiers-format.js'
import { clearErrorsOnEdit, field, formError, openDialog, showFieldErrors } from './dossiers-ui.js'

// issue 21: two rules of Decree 118/2025/NĐ-CP in a dossier's detail — the supplement's 03-working-day limit
// (Art. 19.5) and the early return announced to the citizen before the handover (Art. 22.5).

/** "hết ngày 01/12/2026": the limit is the start of the next day (exclusive) */
export function supplementLimitText(d: DossierView): string | null {
  if (!d.supplementLimitAt) return null
  return fmt(t().dossier.supplementLimitLine, { date: dmy(new Date(Date.parse(d.supplementLimitAt) - 1).toISOString()) })
}

function noticeLine(n: DossierEarlyNotice): string {
  const w = t().dossier
  return [`${hm(n.at)} ${dmy(n.at)}`, w.earlyChannels[n.channel], n.contact, n.staffName].filter(Boolean).join(' · ')
}

/** The text the clerk sends or reads out: the center, the code, the due date it is early for, the lookup link on `base` (the address phones reach). */
export function earlyMessage(d: DossierView, base: string): string {
  return fmt(t().dossier.earlyMessageText, {
    center: d.centerName, code: d.code, procedure: procedureName(d), due: d.dueAt ? `${hm(d.dueAt)} ${dmy(d.dueAt)}` : '',
    url: `${base}${d.lookupPath}`,
  })
}

/**
 * A result ready before its due day (Art. 22.5): every notice recorded, and while it may still be handed over early,
 * the rule and the button that records a notice. Null for any other dossier.
 */
export function earlyReturnBlock(d: DossierView, record: (d: DossierView) => void): HTMLElement | null {
  const e = d.earlyReturn
  if (!e) return null
  const w = t().dossier
  return h('div', { class: `ds-early${e.open && !e.notices.length ? ' pending' : ''}`, id: 'ds-early' },
    h('h3', null, w.earlyTitle),
    e.open && !e.notices.length ? h('p', { class: 'notice', id: 'ds-early-rule' }, fmt(w.earlyRule, { due: d.dueAt ? `${hm(d.dueAt)} ${dmy(d.dueAt)}` : '' })) : null,
    e.notices.length ? h('ul', { class: 'ds-early-notices', id: 'ds-early-notices' }, ...e.notices.map((n) => h('li', { 'data-channel': n.channel },
      noticeLine(n), n.message ? h('span', { class: 'hnote' }, ` — ${n.message}`) : null))) : null,
    e.open ? h('button', { type: 'button', class: `btn${e.notices.length ? '' : ' btn-primary'}`, id: 'ds-early-notice', onclick: () => record(d) },
      e.notices.length ? w.earlyAgain : w.earlyRecord) : null)
}

/** The dialog that records one notice: how, to which number or address, what was said. `send` answers the refusal (null: done). */
export function openEarlyNoticeDialog(d: DossierView, send: (body: { channel: EarlyNoticeChannel; contact?: string; message?: string }) => Promise<string | null>): void {
  const w = t().dossier
  const radios = EARLY_NOTICE_CHANNELS.map((c, i) => h('label', { class: 'radio' },
    h('input', { type: 'radio', name: 'channel', value: c, checked: i === 0, id: `early-${c}` }), ' ', w.earlyChannels[c]))
  const contact = h('input', { autocomplete: 'off', maxlength: 120, value: d.applicant.phone })
  const message = h('textarea', { rows: 5, maxlength: 1000 }, earlyMessage(d, publicBase(null)))
  // the link in the message is the one phones reach: PUBLIC_URL when the install sets it (issue 24), read from the board
  // (the text is put in again only while the clerk has not edited it)
  const first = message.value
  void centerPublicUrl(d.centerSlug).then((url) => { if (url && message.value === first) message.value = earlyMessage(d, publicBase(url)) })
  const error = formError()
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'early-submit' }, w.earlySubmit)
  const form = h('form', { class: 'move-form', id: 'early-form', novalidate: true },
    h('p', { class: 'muted small' }, w.earlyHint),
    h('fieldset', { class: 'early-channel', 'data-field': 'channel' }, h('legend', null, w.earlyChannelLabel), ...radios),
    field('contact', w.earlyContact, contact), field('message', w.earlyMessageLabel, message),
    error, h('div', { class: 'dlg-actions' }, submit))
  clearErrorsOnEdit(form)
  let close = () => {}
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    const channel = form.querySelector<HTMLInputElement>('input[name=channel]:checked')!.value as EarlyNoticeChannel
    // a text, an e-mail or a call goes somewhere: the number or address is written down
    if (channel !== 'in_person' && !contact.value.trim()) { showFieldErrors(form, { contact: w.fieldRequired }); return }
    submit.disabled = true
    const refused = await send({ channel, ...(contact.value.trim() ? { contact: contact.value.trim() } : {}), ...(message.value.trim() ? { message: message.value.trim() } : {}) })
    submit.disabled = false
    if (refused === null) { close(); return }
    error.textContent = refused
    error.hidden = false
  })
  openDialog('early-dialog', fmt(w.earlyDialogTitle, { code: d.code }), (c) => {
    close = c
    return [form, h('div', { class: 'dlg-foot' }, h('button', { type: 'button', class: 'btn', onclick: c }, t().staff.closeDialog))]
  })
  form.querySelector<HTMLInputElement>('input[name=channel]:checked')?.focus()
}
