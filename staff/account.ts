import type { StaffView } from '../common/types.js'
import { ApiError, apiPost } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { t } from '../web/i18n.js'
import { errorText } from './util.js'

/**
 * One's own password: the form of "Đổi mật khẩu" (a dialog from the header) and of the first login (the only
 * screen an account whose password someone else set sees until it chooses its own). The rules are the server's
 * (server/auth/password-policy.ts); its refusals are shown on the field they name.
 */

type Field = 'currentPassword' | 'newPassword' | 'confirm'

/** The form: current (or one-time) password, the new one twice. `onDone` gets the server's fresh view of the staff. */
export function passwordForm(opts: { staff: StaffView; forced: boolean; onDone: (staff: StaffView) => void; onSessionEnded: (message: string) => void }): HTMLFormElement {
  const w = t().account
  const input = (id: Field, autocomplete: string) =>
    h('input', { id: `pw-${id}`, name: id, type: 'password', autocomplete, maxlength: 200, required: true, 'aria-describedby': `pw-${id}-error` }) as HTMLInputElement
  const inputs: Record<Field, HTMLInputElement> = {
    currentPassword: input('currentPassword', 'current-password'),
    newPassword: input('newPassword', 'new-password'),
    confirm: input('confirm', 'new-password'),
  }
  const errors = Object.fromEntries((Object.keys(inputs) as Field[]).map((f) => [f, h('span', { class: 'field-error', id: `pw-${f}-error`, hidden: true })])) as Record<Field, HTMLElement>
  const field = (f: Field, label: string) => h('div', { class: `field f-${f}` }, h('label', { for: `pw-${f}` }, label), inputs[f], errors[f])
  const show = h('input', { type: 'checkbox', id: 'pw-show' }) as HTMLInputElement
  show.addEventListener('change', () => { for (const i of Object.values(inputs)) i.type = show.checked ? 'text' : 'password' })
  const message = h('p', { class: 'notice error', id: 'pw-error', role: 'alert', hidden: true })
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'pw-save' }, w.save) as HTMLButtonElement
  const form = h('form', { class: 'password-change', id: 'password-form', novalidate: true },
    field('currentPassword', opts.forced ? w.currentOneTime : w.current),
    field('newPassword', w.new),
    h('p', { class: 'muted rules', id: 'pw-rules' }, w.rules),
    field('confirm', w.confirm),
    h('label', { class: 'check', for: 'pw-show' }, show, ' ', w.show),
    opts.forced ? null : h('p', { class: 'muted' }, w.otherSessions),
    message,
    h('div', { class: 'dlg-actions' }, submit)) as HTMLFormElement

  const refuse = (text: string, f?: Field) => {
    for (const k of Object.keys(inputs) as Field[]) {
      const on = k === f
      errors[k].hidden = !on
      errors[k].textContent = on ? text : ''
      inputs[k].closest('.field')!.classList.toggle('invalid', on)
      inputs[k].setAttribute('aria-invalid', String(on))
    }
    // a refusal of one field is said at that field; any other above the button
    message.textContent = text
    message.hidden = !!f
    if (f) inputs[f].select()
  }
  for (const [k, i] of Object.entries(inputs)) i.addEventListener('input', () => {
    errors[k as Field].hidden = true
    i.closest('.field')!.classList.remove('invalid')
    i.removeAttribute('aria-invalid')
  })

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    const [current, next, again] = [inputs.currentPassword.value, inputs.newPassword.value, inputs.confirm.value]
    const empty = (Object.keys(inputs) as Field[]).find((f) => !inputs[f].value)
    if (empty) return refuse(w.fillAll, empty)
    if (next !== again) return refuse(w.mismatch, 'confirm')
    submit.disabled = true
    submit.textContent = w.saving
    try {
      const { staff } = await apiPost<{ staff: StaffView }>('/api/auth/password', { currentPassword: current, newPassword: next })
      opts.onDone(staff)
    } catch (e) {
      submit.disabled = false
      submit.textContent = w.save
      if (e instanceof ApiError && e.status === 401) return opts.onSessionEnded(errorText(e))
      const f = e instanceof ApiError && typeof e.params.field === 'string' && e.params.field in inputs ? e.params.field as Field : undefined
      refuse(errorText(e), f)
    }
  })
  return form
}

/** The first login: this screen alone, until the account has chosen its own password. */
export function renderForcedChange(root: HTMLElement, opts: { staff: StaffView; header: HTMLElement; onDone: (staff: StaffView) => void; onSessionEnded: (message: string) => void }) {
  const w = t().account
  document.title = `${w.forcedTitle} · ${t().pages.appName}`
  const form = passwordForm({ ...opts, forced: true })
  fill(root, h('main', { class: 'login-wrap' },
    h('section', { class: 'login first-login', id: 'first-login', 'aria-labelledby': 'first-login-title' },
      opts.header,
      h('h1', { id: 'first-login-title' }, w.forcedTitle),
      h('p', null, w.forcedIntro),
      form)))
  form.querySelector<HTMLInputElement>('input')?.focus()
}

/** "Đổi mật khẩu" from the header: the form in a dialog; the success is said in the page's notice. */
export function openPasswordDialog(opts: { staff: StaffView; onDone: (staff: StaffView) => void; onSessionEnded: (message: string) => void }) {
  const w = t().account
  document.getElementById('password-dialog')?.remove()
  const dlg = h('dialog', { id: 'password-dialog', class: 'dlg', 'aria-labelledby': 'password-dialog-title' }) as HTMLDialogElement
  const close = () => { dlg.close(); dlg.remove() }
  const form = passwordForm({ ...opts, forced: false, onDone: (staff) => { close(); opts.onDone(staff) } })
  form.querySelector('.dlg-actions')!.append(h('button', { type: 'button', class: 'btn', onclick: close }, t().staff.closeDialog))
  fill(dlg, h('h2', { id: 'password-dialog-title' }, w.changeTitle), h('p', { class: 'muted' }, `${opts.staff.fullName} (${opts.staff.username})`), form)
  dlg.addEventListener('close', () => dlg.remove())
  document.body.append(dlg)
  dlg.showModal()
  form.querySelector<HTMLInputElement>('input')?.focus()
}
