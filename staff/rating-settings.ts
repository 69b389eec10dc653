import type { RatingScale } from '../common/rating-types.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { apiPatch, errorText } from './util.js'

/** The manager's rating scale (5 or 3 levels): a small panel, saved on its own and audited by the server. */
export class RatingSettings {
  private root: HTMLElement | null = null
  private scale: RatingScale | null = null
  private outcome: { kind: 'ok' | 'error'; text: string } | null = null

  constructor(private deps: { center: string; onSessionEnded: (message: string) => void }) {}

  mount(root: HTMLElement) {
    this.root = root
    this.outcome = null
    this.render()
    void this.load()
  }

  private async load() {
    try {
      this.scale = (await apiGet<{ rating: { scale: RatingScale } }>(`/api/centers/${encodeURIComponent(this.deps.center)}/settings/rating`)).rating.scale
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.outcome = { kind: 'error', text: errorText(e) }
    }
    this.render()
  }

  private render() {
    const root = this.root
    if (!root || !root.isConnected) return
    const r = t().rating
    const option = (n: RatingScale, text: string) => h('label', { class: 'scale-option' },
      h('input', { type: 'radio', name: 'rating-scale', value: n, checked: this.scale === n, id: `rating-scale-${n}` }), ` ${text}`)
    const form = h('form', { class: 'card rating-settings', id: 'rating-settings' },
      h('h2', null, r.scaleTitle),
      h('div', { class: 'scale-options' }, option(5, r.scale5), option(3, r.scale3)),
      h('p', { class: 'muted small' }, r.scaleHint),
      this.outcome ? h('p', { class: `notice ${this.outcome.kind}`, role: this.outcome.kind === 'error' ? 'alert' : 'status', id: 'rating-scale-outcome' }, this.outcome.text) : null,
      h('button', { type: 'submit', class: 'btn btn-primary btn-small', id: 'rating-scale-save', disabled: this.scale === null }, t().staff.save))
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const chosen = Number((form.querySelector<HTMLInputElement>('input[name="rating-scale"]:checked'))?.value) as RatingScale
      if (chosen !== 3 && chosen !== 5) return
      try {
        const same = chosen === this.scale
        this.scale = (await apiPatch<{ rating: { scale: RatingScale } }>(`/api/centers/${encodeURIComponent(this.deps.center)}/settings/rating`, { scale: chosen })).rating.scale
        this.outcome = { kind: 'ok', text: same ? t().staff.nothingChanged : fmt(r.scaleSaved, { n: this.scale }) }
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
        this.outcome = { kind: 'error', text: errorText(e) }
      }
      this.render()
    })
    fill(root, form)
  }
}
