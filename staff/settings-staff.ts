import type { StaffAccount } from '../common/staff-types.js'
import type { StaffCreateBody, StaffPatchBody } from '../common/staff-schemas.js'
import type { StaffRole, StaffView } from '../common/types.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { apiWrite, errorText } from './util.js'
import { attempt, fieldEl, formValue, noticeEl, type Outcome, type PanelDeps } from './settings-form.js'

type Row = { kind: 'confirm' | 'password'; id: string }

/**
 * Staff accounts of the center: create one (a manager: clerks; an admin: any role), and per account
 * deactivate / reactivate (asked first), reset the password, change the role (an admin). One's own account
 * offers none of these: nobody locks or demotes themselves.
 */
export class StaffPanel {
  private root: HTMLElement | null = null
  private accounts: StaffAccount[] | null = null
  private error: string | null = null
  private createOutcome: Outcome | undefined
  private createDraft: Omit<StaffCreateBody, 'password'> | null = null
  /** the last action's outcome, shown above the list */
  private done: Outcome | undefined
  /** an account's row asking to confirm a deactivation, or holding the new-password field */
  private open: Row | null = null
  private rowOutcome: Outcome | undefined

  constructor(private deps: PanelDeps, private me: StaffView) {}

  mount(root: HTMLElement) {
    this.root = root
    this.accounts = null
    // notices and open rows of an earlier visit would read as news
    this.done = this.createOutcome = this.rowOutcome = undefined
    this.open = null
    this.render()
    void this.refresh()
  }

  async refresh() {
    try {
      this.accounts = (await apiGet<{ staff: StaffAccount[] }>(`/api/centers/${encodeURIComponent(this.deps.center)}/staff`)).staff
      this.error = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.error = errorText(e)
    }
    this.render()
  }

  /** A manager manages clerks; an admin every account; nobody their own here. */
  private manages(a: StaffAccount): boolean {
    return a.id !== this.me.id && (this.me.role === 'admin' || a.role === 'clerk')
  }

  private render() {
    const root = this.root
    if (!root?.isConnected) return
    const w = t().staff
    if (!this.accounts) {
      fill(root, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    fill(root, h('section', { class: 'settings-panel', id: 'staff-accounts' },
      h('h1', null, w.staffTitle),
      h('p', { class: 'muted' }, w.staffHint),
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      this.createForm(),
      this.done ? noticeEl(this.done) : null,
      h('table', { class: 'tbl card', id: 'staff-table' },
        h('thead', null, h('tr', null, ...[w.colUsername, w.colFullName, w.colRole, w.colAtCounter, w.colState, ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, ...this.accounts.flatMap((a) => this.row(a))))))
  }

  private row(a: StaffAccount): HTMLElement[] {
    const w = t().staff
    const mine = this.manages(a)
    const roleCell = mine && this.me.role === 'admin' && a.role !== 'admin'
      ? this.roleSelect(a)
      : h('span', null, w.role[a.role])
    const tr = h('tr', { 'data-username': a.username, class: a.active ? '' : 'inactive' },
      h('td', { class: 'code' }, a.username),
      h('th', { scope: 'row' }, a.fullName, a.id === this.me.id ? h('span', { class: 'muted' }, ` (${w.itsYou})`) : null),
      h('td', null, roleCell),
      h('td', null, a.counterNumber === null ? '' : fmt(w.counterLabel, { n: a.counterNumber })),
      h('td', null, h('span', { class: `pill ${a.active ? 'open' : 'closed'}` }, a.active ? w.accountActive : w.accountInactive)),
      h('td', null, mine ? h('div', { class: 'row-actions' },
        a.active
          ? h('button', { type: 'button', class: 'btn btn-small btn-danger-outline deactivate', onclick: () => this.toggle({ kind: 'confirm', id: a.id }) }, w.deactivate)
          : h('button', { type: 'button', class: 'btn btn-small reactivate', onclick: () => void this.patch(a, { active: true }, w.reactivatedOk) }, w.reactivate),
        h('button', { type: 'button', class: 'btn btn-small reset-password', onclick: () => this.toggle({ kind: 'password', id: a.id }) }, w.resetPassword)) : null))
    if (this.open?.id !== a.id) return [tr]
    return [tr, h('tr', { class: 'edit-row' }, h('td', { colspan: 6 }, this.open.kind === 'confirm' ? this.confirmBox(a) : this.passwordForm(a)))]
  }

  private roleSelect(a: StaffAccount) {
    const w = t().staff
    const select = h('select', { class: 'role-select', 'aria-label': `${w.changeRole}: ${a.fullName}` },
      ...(['clerk', 'manager'] as const).map((r) => h('option', { value: r, selected: r === a.role }, w.role[r])))
    select.addEventListener('change', () => void this.patch(a, { role: select.value as 'clerk' | 'manager' }, w.roleChangedOk))
    return select
  }

  private toggle(row: Row) {
    this.open = this.open?.id === row.id && this.open.kind === row.kind ? null : row
    this.rowOutcome = undefined
    this.render()
    document.querySelector<HTMLElement>('.edit-row input, .edit-row .btn-danger')?.focus()
  }

  private confirmBox(a: StaffAccount) {
    const w = t().staff
    return h('div', { class: 'confirm-box', role: 'group' },
      h('p', null, fmt(w.confirmDeactivate, { name: `${a.fullName} (${a.username})` })),
      noticeEl(this.rowOutcome),
      h('div', { class: 'dlg-actions' },
        h('button', { type: 'button', class: 'btn btn-danger', id: 'confirm-deactivate', onclick: () => void this.patch(a, { active: false }, w.deactivatedOk) }, w.deactivate),
        h('button', { type: 'button', class: 'btn', onclick: () => this.toggle({ kind: 'confirm', id: a.id }) }, w.cancelEdit)))
  }

  private passwordForm(a: StaffAccount) {
    const w = t().staff
    const id = 'reset-password'
    const form = h('form', { class: 'password-form', novalidate: true },
      fieldEl(id, 'password', w.newPassword, h('input', { id, name: 'password', type: 'password', autocomplete: 'new-password', minlength: 10, maxlength: 200 }), this.rowOutcome),
      h('div', { class: 'dlg-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary', id: 'reset-save' }, w.setPassword),
        h('button', { type: 'button', class: 'btn', onclick: () => this.toggle({ kind: 'password', id: a.id }) }, w.cancelEdit)),
      this.rowOutcome?.kind === 'error' ? noticeEl(this.rowOutcome) : null)
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      void this.act(a, () => apiWrite('POST', `${this.base()}/${encodeURIComponent(a.id)}/password`, { password: formValue(form, 'password') }), w.passwordResetOk)
    })
    return form
  }

  private base() {
    return `/api/centers/${encodeURIComponent(this.deps.center)}/staff`
  }

  private patch(a: StaffAccount, patch: StaffPatchBody, okText: string) {
    return this.act(a, () => apiWrite('PATCH', `${this.base()}/${encodeURIComponent(a.id)}`, patch), okText)
  }

  /** One action on an account's row: its outcome above the list, or in the row when refused. */
  private async act(a: StaffAccount, send: () => Promise<unknown>, okText: string) {
    for (const b of this.root?.querySelectorAll<HTMLButtonElement>('#staff-table button') ?? []) b.disabled = true
    const outcome = await attempt(this.deps, async () => { await send(); return fmt(okText, { name: `${a.fullName} (${a.username})` }) }, t().staff.fieldRules)
    if (!outcome) return
    this.createOutcome = undefined
    if (outcome.kind === 'ok' || !this.open) {
      this.open = null
      this.rowOutcome = undefined
      this.done = outcome
    } else this.rowOutcome = outcome
    await this.refresh()
  }

  private createForm() {
    const w = t().staff
    const r = this.createOutcome
    const d = this.createDraft ?? { username: '', fullName: '', role: 'clerk' }
    const roles: StaffRole[] = this.me.role === 'admin' ? ['clerk', 'manager', 'admin'] : ['clerk']
    const id = (f: string) => `new-staff-${f}`
    const form = h('form', { class: 'card staff-form', id: 'staff-form', novalidate: true },
      h('h2', null, w.staffNew),
      h('div', { class: 'staff-fields' },
        fieldEl(id('username'), 'username', w.fieldNames.username, h('input', { id: id('username'), name: 'username', value: d.username, maxlength: 40, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' }), r),
        fieldEl(id('fullName'), 'fullName', w.fieldNames.fullName, h('input', { id: id('fullName'), name: 'fullName', value: d.fullName, maxlength: 120, autocomplete: 'off' }), r),
        fieldEl(id('role'), 'role', w.fieldNames.role, h('select', { id: id('role'), name: 'role' }, ...roles.map((x) => h('option', { value: x, selected: x === d.role }, w.role[x]))), r),
        fieldEl(id('password'), 'password', w.newPassword, h('input', { id: id('password'), name: 'password', type: 'password', autocomplete: 'new-password', maxlength: 200 }), r)),
      h('div', { class: 'svc-foot' }, noticeEl(r), h('button', { type: 'submit', class: 'btn btn-primary', id: id('save') }, w.create)))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const typed = { username: formValue(form, 'username'), fullName: formValue(form, 'fullName'), role: formValue(form, 'role') as StaffRole }
      form.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled = true
      void (async () => {
        const outcome = await attempt(this.deps, async () => {
          const { staff } = await apiWrite<{ staff: StaffAccount }>('POST', this.base(), { ...typed, password: formValue(form, 'password') })
          return fmt(w.createdOk, { name: `${staff.fullName} (${staff.username})` })
        }, w.fieldRules)
        if (!outcome) return
        this.createOutcome = outcome
        // the password is never kept, not even in a refused form's draft
        this.createDraft = outcome.kind === 'ok' ? null : typed
        await this.refresh()
      })()
    })
    return form
  }
}
