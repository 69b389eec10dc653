import { TOKEN_SCOPES, type ApiTokenCreateBody, type ApiTokenView, type TokenScope } from '../common/token-schemas.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { dmy, hm } from '../web/time.js'
import { apiWrite, errorText } from './util.js'
import { attempt, fieldEl, formValue, noticeEl, type Outcome, type PanelDeps } from './settings-form.js'

const when = (iso: string) => `${hm(iso)} ${dmy(iso)}`

/**
 * API tokens of the center (issue 25): create one for a program (name, scopes, expiry), its secret shown this
 * once; the list with each token's last use; revoke (asked once more). The server keeps only the secret's hash.
 */
export class TokensPanel {
  private root: HTMLElement | null = null
  private tokens: ApiTokenView[] | null = null
  private error: string | null = null
  private outcome: Outcome | undefined
  /** the secret of the token just created, until the manager says it is saved */
  private fresh: { name: string; secret: string } | null = null
  private confirming: string | null = null
  private draft: { name: string; scopes: TokenScope[]; expires: string } = { name: '', scopes: [], expires: '' }

  constructor(private deps: PanelDeps) {}

  mount(root: HTMLElement) {
    this.root = root
    this.tokens = null
    this.outcome = undefined
    this.fresh = null
    this.confirming = null
    this.render()
    void this.refresh()
  }

  async refresh() {
    try {
      this.tokens = (await apiGet<{ tokens: ApiTokenView[] }>(`/api/centers/${encodeURIComponent(this.deps.center)}/api-tokens`)).tokens
      this.error = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.error = errorText(e)
    }
    this.render()
  }

  private render() {
    const root = this.root
    if (!root?.isConnected) return
    const w = t().apiTokens
    if (!this.tokens) {
      fill(root, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    fill(root, h('section', { class: 'settings-panel', id: 'tokens' },
      h('h1', null, w.title),
      h('p', { class: 'muted' }, w.hint, ' ', h('a', { href: '/api/docs', target: '_blank', rel: 'noopener', id: 'api-docs-link' }, w.docsLink)),
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      this.fresh ? this.secretBox(this.fresh) : this.form(),
      this.list(this.tokens)))
  }

  private form(): HTMLFormElement {
    const w = t().apiTokens
    const r = this.outcome
    const form = h('form', { class: 'card svc-form token-form', id: 'token-new', novalidate: true },
      h('div', { class: 'svc-fields token-fields' },
        fieldEl('token-name', 'name', w.name, h('input', { id: 'token-name', name: 'name', value: this.draft.name, maxlength: 80, autocomplete: 'off' }), r),
        h('fieldset', { class: `field f-scopes${r?.fields?.scopes ? ' invalid' : ''}` }, h('legend', null, w.scopes),
          ...TOKEN_SCOPES.map((s) => h('label', { class: 'check', for: `token-scope-${s.replace(':', '-')}` },
            h('input', { type: 'checkbox', id: `token-scope-${s.replace(':', '-')}`, name: 'scope', value: s, checked: this.draft.scopes.includes(s) }), ` ${w.scopeNames[s]}`)),
          r?.fields?.scopes ? h('span', { class: 'field-error' }, r.fields.scopes) : null),
        fieldEl('token-expires', 'expiresAt', w.expiresAt, h('input', { id: 'token-expires', name: 'expires', type: 'date', value: this.draft.expires }), r)),
      h('div', { class: 'svc-foot' }, noticeEl(r), h('button', { type: 'submit', class: 'btn btn-primary', id: 'token-create' }, w.create)))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const scopes = [...form.querySelectorAll<HTMLInputElement>('input[name=scope]:checked')].map((i) => i.value as TokenScope)
      this.draft = { name: formValue(form, 'name'), scopes, expires: formValue(form, 'expires') }
      void this.create(form)
    })
    return form
  }

  private async create(form: HTMLFormElement) {
    const w = t().apiTokens
    if (!this.draft.scopes.length) {
      this.outcome = { kind: 'error', text: w.scopeRequired, fields: { scopes: w.scopeRequired } }
      return this.render()
    }
    // a date: the token works through that day, Vietnam time
    const body: ApiTokenCreateBody = { name: this.draft.name, scopes: this.draft.scopes, expiresAt: this.draft.expires ? `${this.draft.expires}T23:59:59+07:00` : null }
    form.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled = true
    let made: { token: ApiTokenView; secret: string } | undefined
    const outcome = await attempt(this.deps, async () => {
      made = await apiWrite<{ token: ApiTokenView; secret: string }>('POST', `/api/centers/${encodeURIComponent(this.deps.center)}/api-tokens`, body)
      return fmt(w.created, { name: made.token.name })
    }, { name: w.nameRule, expiresAt: w.expiresRule, scopes: w.scopeRequired })
    if (!outcome) return
    this.outcome = outcome
    if (made) {
      this.fresh = { name: made.token.name, secret: made.secret }
      this.draft = { name: '', scopes: [], expires: '' }
    }
    await this.refresh()
  }

  private secretBox(f: { name: string; secret: string }): HTMLElement {
    const w = t().apiTokens
    const input = h('input', { id: 'token-secret', readonly: true, value: f.secret, spellcheck: 'false', 'aria-label': w.secretLabel })
    const copied = h('span', { class: 'muted', role: 'status' })
    return h('div', { class: 'card token-secret', id: 'token-fresh' },
      h('p', { class: 'notice ok', role: 'status' }, fmt(w.created, { name: f.name })),
      h('label', { for: 'token-secret' }, w.secretLabel),
      h('div', { class: 'token-secret-row' }, input,
        h('button', { type: 'button', class: 'btn', id: 'token-copy', onclick: () => {
          input.select()
          void navigator.clipboard?.writeText(f.secret).then(() => { copied.textContent = w.copied }, () => undefined)
        } }, w.copy), copied),
      h('button', { type: 'button', class: 'btn btn-primary', id: 'token-done', onclick: () => { this.fresh = null; this.outcome = undefined; this.render() } }, w.done))
  }

  private list(tokens: ApiTokenView[]): HTMLElement {
    const w = t().apiTokens
    const c = w.columns
    if (!tokens.length) return h('p', { class: 'muted', id: 'token-none' }, w.none)
    const now = Date.now()
    return h('table', { class: 'tbl card token-table', id: 'token-list' },
      h('thead', null, h('tr', null, ...[c.name, c.prefix, c.scopes, c.createdBy, c.createdAt, c.expiresAt, c.lastUsed, c.status, ''].map((x) => h('th', null, x)))),
      h('tbody', null, ...tokens.map((tk) => {
        const expired = !!tk.expiresAt && new Date(tk.expiresAt).getTime() <= now
        const status = tk.revokedAt ? fmt(w.revoked, { at: when(tk.revokedAt) }) : expired ? w.expired : w.active
        const live = !tk.revokedAt && !expired
        return h('tr', { 'data-token': tk.id, class: live ? '' : 'inactive' },
          h('td', { class: 'token-name' }, tk.name),
          h('td', null, h('code', null, `${tk.prefix}…`)),
          h('td', null, tk.scopes.map((s) => w.scopeNames[s]).join(', ')),
          h('td', null, tk.createdBy ?? ''),
          h('td', null, when(tk.createdAt)),
          h('td', null, tk.expiresAt ? when(tk.expiresAt) : w.noExpiry),
          h('td', { class: 'token-last-use' }, tk.lastUsedAt ? `${when(tk.lastUsedAt)}${tk.lastUsedAddress ? ` · ${tk.lastUsedAddress}` : ''}` : w.never),
          h('td', { class: 'token-status' }, status),
          h('td', null, live ? this.revokeCell(tk) : null))
      })))
  }

  private revokeCell(tk: ApiTokenView): HTMLElement {
    const w = t().apiTokens
    if (this.confirming !== tk.id) {
      return h('button', { type: 'button', class: 'btn btn-danger token-revoke', onclick: () => { this.confirming = tk.id; this.render() } }, w.revoke)
    }
    return h('div', { class: 'token-confirm', role: 'group' },
      h('span', null, fmt(w.revokeConfirm, { name: tk.name })), ' ',
      h('button', { type: 'button', class: 'btn btn-danger token-revoke-yes', onclick: () => void this.revoke(tk) }, w.revokeYes), ' ',
      h('button', { type: 'button', class: 'btn', onclick: () => { this.confirming = null; this.render() } }, w.cancel))
  }

  private async revoke(tk: ApiTokenView) {
    const w = t().apiTokens
    const outcome = await attempt(this.deps, async () => {
      await apiWrite('POST', `/api/api-tokens/${encodeURIComponent(tk.id)}/revoke`, {})
      return fmt(w.revokedOk, { name: tk.name })
    }, {})
    if (!outcome) return
    this.confirming = null
    this.outcome = outcome
    await this.refresh()
  }
}
