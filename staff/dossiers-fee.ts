import type { DossierView } from '../common/dossier-types.js'
import { h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { dmy, hm } from '../web/time.js'
import { clearErrorsOnEdit, formError, openDialog, setFormError, showFieldErrors } from './dossiers-ui.js'
import { feeFields } from './intake-form.js'

// W2 (issue 22): a dossier's fee (Decree 118 Art. 24) in its detail, and the dialog that records or corrects it.

const vnd = (n: number) => `${n.toLocaleString('vi-VN')} đ`

/** "Phải nộp 50.000 đ · Đã thu 50.000 đ · Tiền mặt · biên lai BL-0042 · Quàng Thị Hoa, 16:52 23/11/2026" */
export function feeSummary(d: DossierView): string {
  const w = t().dossier
  const f = d.fee
  const due = f.dueVnd == null ? '' : `${w.feeDue} ${f.dueVnd ? vnd(f.dueVnd) : t().pages.feeFree} · `
  if (f.paidVnd == null) return `${due}${w.feeNone}`
  return due + fmt(w.feeLine, {
    paid: vnd(f.paidVnd), method: f.method ? w.feeMethods[f.method] : '', receipt: f.receiptNumber ?? w.feeNoReceipt,
    who: f.collectedByName ?? '', at: f.collectedAt ? `${hm(f.collectedAt)} ${dmy(f.collectedAt)}` : '',
  })
}

/** A received dossier's fee can be recorded (or corrected) until it is withdrawn. */
export const canRecordFee = (d: DossierView) => d.status !== 'submitted_online' && d.status !== 'withdrawn'

/** The fee dialog: `save` sends it and answers the server's refusal (null: saved). */
export function openFeeDialog(d: DossierView, save: (body: object, form: HTMLElement, error: HTMLElement) => Promise<boolean>): void {
  const w = t().dossier
  const fee = feeFields(w)
  fee.due(d.fee.dueVnd ?? d.procedure.feeVnd)
  const error = formError()
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'fee-submit' }, w.feeSave)
  const form = h('form', { class: 'move-form', id: 'fee-form', novalidate: true }, fee.element, error, h('div', { class: 'dlg-actions' }, submit))
  let close = () => {}
  clearErrorsOnEdit(form)
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    const body = fee.body()
    if (!fee.valid() || !('fee' in body)) { showFieldErrors(form, { 'fee.paidVnd': w.feeInvalid }); setFormError(error, w.fixFields); return }
    submit.disabled = true
    const ok = await save(body.fee as object, form, error)
    submit.disabled = false
    if (ok) close()
  })
  openDialog('fee-dialog', `${w.feeRecord} · ${d.code}`, (c) => {
    close = c
    return [form, h('div', { class: 'dlg-foot' }, h('button', { type: 'button', class: 'btn', onclick: c }, t().staff.closeDialog))]
  })
  form.querySelector<HTMLInputElement>('#fee-paid')?.focus()
}
