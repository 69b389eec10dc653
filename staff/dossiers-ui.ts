import type { DossierStatus } from '../common/dossier-types.js'
import { ApiError } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { t } from '../web/i18n.js'
import { ApiValidationError, apiWrite, errorText } from './util.js'

/** A modal dialog like the console's: Escape or "Đóng" closes it; the console ignores its keys while it is open. */
export function openDialog(id: string, title: string, body: (close: () => void) => (Node | string | null)[], cls = ''): HTMLDialogElement {
  document.getElementById(id)?.remove()
  const dlg = h('dialog', { id, class: `dlg ${cls}`, 'aria-labelledby': `${id}-title` })
  const close = () => { dlg.close(); dlg.remove() }
  fill(dlg, h('h2', { id: `${id}-title` }, title), ...body(close))
  dlg.addEventListener('close', () => dlg.remove())
  document.body.append(dlg)
  dlg.showModal()
  return dlg
}

/** A labelled form field with room for its own error. */
export function field(name: string, label: string, control: HTMLElement, cls = ''): HTMLElement {
  control.id ||= `f-${name}`
  control.setAttribute('name', name)
  const err = h('span', { class: 'field-error', id: `${control.id}-error`, hidden: true })
  control.setAttribute('aria-describedby', err.id)
  return h('div', { class: `field ${cls}`, 'data-field': name }, h('label', { for: control.id }, label), control, err)
}

/** A field's red outline goes as soon as it is changed (the next submit checks again). */
export function clearErrorsOnEdit(form: HTMLElement): void {
  const clear = (ev: Event) => {
    const f = (ev.target as HTMLElement).closest<HTMLElement>('[data-field]')
    if (!f?.classList.contains('invalid')) return
    f.classList.remove('invalid')
    const el = f.querySelector<HTMLElement>('.field-error')
    if (el) el.hidden = true
  }
  form.addEventListener('input', clear)
  form.addEventListener('change', clear)
}

/** Marks fields invalid (by data-field name) with their messages; clears the others. Returns true when none. */
export function showFieldErrors(form: HTMLElement, errors: Record<string, string>): boolean {
  for (const f of form.querySelectorAll<HTMLElement>('[data-field]')) {
    const msg = errors[f.dataset.field!]
    f.classList.toggle('invalid', !!msg)
    const el = f.querySelector<HTMLElement>('.field-error')
    if (el) { el.textContent = msg ?? ''; el.hidden = !msg }
    f.querySelector('input, select, textarea')?.setAttribute('aria-invalid', msg ? 'true' : 'false')
  }
  const first = Object.keys(errors)[0]
  if (first) form.querySelector<HTMLElement>(`[data-field="${first}"] input, [data-field="${first}"] select, [data-field="${first}"] textarea`)?.focus()
  return !first
}

/**
 * A refused request, worded for the clerk: the API's error text, and each field the server named
 * (VALIDATION_FAILED details, e.g. "body.applicant.phone" → "phone") with the server's own message.
 */
export function apiFieldErrors(e: unknown): { text: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {}
  if (e instanceof ApiValidationError) {
    for (const d of e.details) {
      const key = d.path.replace(/^body\./, '').replace(/^applicant\./, '').split('.')[0]!
      fields[key] ??= d.message
    }
  }
  return { text: errorText(e), fields }
}

/** An alert line inside a form. */
export function formError(): HTMLElement {
  return h('p', { class: 'notice error form-error', role: 'alert', hidden: true })
}
export function setFormError(el: HTMLElement, text: string | null): void {
  el.textContent = text ?? ''
  el.hidden = !text
}

export function statusPill(s: DossierStatus): HTMLElement {
  return h('span', { class: `pill ds-${s}`, 'data-status': s }, t().dossier.status[s])
}

export function isUnauthorized(e: unknown): boolean {
  return e instanceof ApiError && e.status === 401
}

/** POST through the console's writer, which keeps the refused fields (`VALIDATION_FAILED` details) for the forms. */
export function apiSend<T>(path: string, body: unknown): Promise<T> {
  return apiWrite<T>('POST', path, body)
}
