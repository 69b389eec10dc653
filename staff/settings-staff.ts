import type { StaffAccount } from '../common/staff-types.js'
import type { StaffCreateBody, StaffPatchBody } from '../common/staff-schemas.js'
import type { StaffRole, StaffView } from '../common/types.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { apiWrite, errorText } from './util.js'
import { attempt, fieldEl, formValue, noticeEl, type Outcome, type PanelDeps } from './settings-form.js'

type Row = { kind: 'confirm' | 'password'; id: string }
/** a one-time password the server just made: shown once, above the list, until the panel is left or acted on again */
type OneTime = { text: string; password: string; seen?: boolean }

/**
 * Staff accounts of the center: create one (a manager: clerks; an admin: any role), and per account
 * deactivate / reactivate (asked first), reset the password (asked first), change the role (an admin). One's own
 * account offers none of these: nobody locks or demotes themselves, and one's own password is changed from the
 * header. A new or reset account's one-time password is made by the server and shown here once.
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
  private oneTime: OneTime | null = null

  constructor(private deps: PanelDeps, private me: StaffView) {}

  mount(root: HTMLElement) {
    this.root = root
    this.accounts = null
    // notices and open rows of an earlier visit would read as news
    this.done = this.createOutcome = this.rowOutcome = undefined
    this.open = null
    this.oneTime = null
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
      this.oneTime ? this.oneTimeBox(this.oneTime) : this.done ? noticeEl(this.done) : null,
      h('table', { class: 'tbl card', id: 'staff-table' },
        h('thead', null, h('tr', null, ...[w.colUsername, w.colFullName, w.colRole, w.colAtCounter, w.colState, ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, ...this.accounts.flatMap((a) => this.row(a))))))
    // a one-time password is brought into view once, wherever the manager had scrolled to
    if (this.oneTime && !this.oneTime.seen) {
      this.oneTime.seen = true
      document.getElementById('one-time-password')?.scrollIntoView({ block: 'nearest' })
    }
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
      h('td', null, h('span', { class: `pill ${a.active ? 'open' : 'closed'}` }, a.active ? w.accountActive : w.accountInactive),
        a.active && a.firstLogin ? h('span', { class: 'pill pending', 'data-first-login': '' }, t().account.firstLoginPending) : null),
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
    document.querySelector<HTMLElement>('.edit-row input, .edit-row .btn-danger, .edit-row #reset-save')?.focus()
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

  /** A reset is asked first; the server makes the one-time password, shown once above the list. */
  private passwordForm(a: StaffAccount) {
    const w = t().staff
    const name = `${a.fullName} (${a.username})`
    return h('div', { class: 'confirm-box', role: 'group' },
      h('p', null, fmt(t().account.confirmReset, { name })),
      noticeEl(this.rowOutcome),
      h('div', { class: 'dlg-actions' },
        h('button', { type: 'button', class: 'btn btn-primary', id: 'reset-save', onclick: () => void this.act(a, async () => {
          const { oneTimePassword } = await apiWrite<{ oneTimePassword: string }>('POST', `${this.base()}/${encodeURIComponent(a.id)}/password`, {})
          this.oneTime = { text: fmt(t().account.otpReset, { name }), password: oneTimePassword }
        }, w.passwordResetOk) }, w.resetPassword),
        h('button', { type: 'button', class: 'btn', onclick: () => this.toggle({ kind: 'password', id: a.id }) }, w.cancelEdit)))
  }

  private oneTimeBox(o: OneTime) {
    const w = t().account
    return h('div', { class: 'otp-box', id: 'one-time-password', role: 'status' },
      h('p', null, h('strong', null, o.text)),
      h('p', null, w.otpLabel, ' ', h('span', { class: 'otp-value', id: 'otp-value' }, o.password)),
      h('p', { class: 'muted' }, w.otpHint))
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
    this.oneTime = null
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
        fieldEl(id('role'), 'role', w.fieldNames.role, h('select', { id: id('role'), name: 'role' }, ...roles.map((x) => h('option', { value: x, selected: x === d.role }, w.role[x]))), r)),
      h('div', { class: 'svc-foot' }, noticeEl(r), h('button', { type: 'submit', class: 'btn btn-primary', id: id('save') }, w.create)))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const typed = { username: formValue(form, 'username'), fullName: formValue(form, 'fullName'), role: formValue(form, 'role') as StaffRole }
      form.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled = true
      this.oneTime = null
      void (async () => {
        // no password is typed: the server makes a one-time password, shown once above the list
        const outcome = await attempt(this.deps, async () => {
          const { staff, oneTimePassword } = await apiWrite<{ staff: StaffAccount; oneTimePassword: string }>('POST', this.base(), typed)
          const name = `${staff.fullName} (${staff.username})`
          this.oneTime = { text: fmt(t().account.otpCreated, { name }), password: oneTimePassword }
          return fmt(w.createdOk, { name })
        }, w.fieldRules)
        if (!outcome) return
        this.createOutcome = outcome.kind === 'ok' ? undefined : outcome
        this.createDraft = outcome.kind === 'ok' ? null : typed
        await this.refresh()
      })()
    })
    return form
  }
}
