import type { DossierHandover, DossierView } from '../common/dossier-types.js'
import { h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { clearErrorsOnEdit, field, formError, openDialog, showFieldErrors } from './dossiers-ui.js'

const ID_NUMBER = /^([0-9]{9}|[0-9]{12}|[A-Z][0-9]{7,8})$/

/** "Người nộp hồ sơ" or "Lò Văn Sơn (ủy quyền), số giấy tờ …; Giấy ủy quyền …" */
export function handoverText(x: DossierHandover): string {
  const w = t().dossier
  return x.to === 'applicant' ? w.handoverToApplicant : fmt(w.handoverToAuthorised, { name: x.name, id: x.idNumber, auth: x.authorisation })
}

/**
 * Result handover (Art. 6.2.b–c of Decree 118/2025/NĐ-CP): who takes the result, the applicant or an
 * authorised person whose name, ID number and power of attorney are written down. `send` posts the move
 * and answers the refusal's text (null when done); the dialog closes once it went through.
 */
export function openHandoverDialog(d: DossierView, send: (handover: DossierHandover) => Promise<string | null>): void {
  const w = t().dossier
  const radio = (value: 'applicant' | 'authorised', label: string, checked: boolean) =>
    h('label', { class: 'radio' }, h('input', { type: 'radio', name: 'to', value, checked, id: `handover-${value}` }), ' ', label)
  const name = h('input', { autocomplete: 'off', maxlength: 120 })
  const idNumber = h('input', { autocomplete: 'off', maxlength: 12, inputmode: 'text', spellcheck: 'false' })
  const authorisation = h('input', { autocomplete: 'off', maxlength: 300 })
  const agent = h('fieldset', { class: 'handover-agent', hidden: true },
    field('name', w.handoverName, name), field('idNumber', w.handoverId, idNumber), field('authorisation', w.handoverAuth, authorisation),
    h('p', { class: 'muted small' }, w.handoverHint))
  const error = formError()
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'handover-submit' }, w.handoverSubmit)
  const form = h('form', { class: 'move-form', id: 'handover-form', novalidate: true },
    h('fieldset', { class: 'handover-who' }, h('legend', null, w.handoverWho),
      radio('applicant', fmt(w.handoverApplicant, { name: d.applicant.fullName }), true), radio('authorised', w.handoverAuthorised, false)),
    agent, error, h('div', { class: 'dlg-actions' }, submit))
  const authorised = () => form.querySelector<HTMLInputElement>('input[name=to][value=authorised]')!.checked
  form.addEventListener('change', () => { agent.hidden = !authorised() })
  clearErrorsOnEdit(form)
  let close = () => {}
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    let handover: DossierHandover = { to: 'applicant' }
    if (authorised()) {
      const id = idNumber.value.trim().toUpperCase()
      const problems: Record<string, string> = {}
      if (!name.value.trim()) problems.name = w.fieldRequired
      if (!ID_NUMBER.test(id)) problems.idNumber = id ? w.handoverIdInvalid : w.fieldRequired
      if (!authorisation.value.trim()) problems.authorisation = w.fieldRequired
      if (!showFieldErrors(form, problems)) return
      handover = { to: 'authorised', name: name.value.trim(), idNumber: id, authorisation: authorisation.value.trim() }
    }
    submit.disabled = true
    const refused = await send(handover)
    submit.disabled = false
    if (refused === null) { close(); return }
    error.textContent = refused
    error.hidden = false
  })
  openDialog('handover-dialog', fmt(w.handoverTitle, { code: d.code }), (c) => {
    close = c
    return [form, h('div', { class: 'dlg-foot' }, h('button', { type: 'button', class: 'btn', onclick: c }, t().staff.closeDialog))]
  })
}
