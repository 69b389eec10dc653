import './rating.css'
import type { TicketFinishedEvent } from '../common/events.js'
import {
  LOW_MAX_LEVEL, RATING_COMMENT_MAX, RATING_REASONS, levelOf, type RatingReason, type RatingScale, type RatingStatusView,
} from '../common/rating-types.js'
import { ApiError, apiGet, apiPost, errorMessage, resolveCenter } from '../web/api.js'
import { byId, fill, h, markup, param } from '../web/dom.js'
import { fmt, getLang, t } from '../web/i18n.js'
import { connectBoard } from '../web/live.js'
import { dmy, hm } from '../web/time.js'
import { ticketPhonePath } from '../common/ticket-code.js'

/**
 * The rating pages (issue 6): `/danh-gia/:ticketId#k=<the ticket's secret>` on the citizen's phone, and
 * `/danh-gia?counter=N#k=<the counter's tablet key>` on a tablet at counter N, which follows the counter
 * live and offers the ticket just completed there (the manager opens the tablet's link from the floor
 * view). A satisfied face sends at once; from "Bình thường" down the citizen may add reasons and a comment.
 */

export interface RatingPage { render(): void }

/** Where a form sends its rating and reads the ticket's state again: the phone's routes (the ticket's secret) or the tablet's (its key). */
interface RatingApi {
  send(body: Record<string, unknown>): Promise<RatingStatusView>
  reload(): Promise<RatingStatusView | null>
}

function phoneApi(ticketId: string, key: string): RatingApi {
  const path = `/api/tickets/${encodeURIComponent(ticketId)}/rating`
  return {
    send: async (body) => (await apiPost<{ rating: RatingStatusView }>(path, { ...body, key })).rating,
    reload: async () => (await apiGet<{ rating: RatingStatusView }>(`${path}?key=${encodeURIComponent(key)}`)).rating,
  }
}

function tabletApi(center: string, number: number, key: string, ticketId: string): RatingApi {
  const path = `/api/centers/${encodeURIComponent(center)}/counters/${number}/rating`
  return {
    send: async (body) => (await apiPost<{ rating: RatingStatusView }>(path, { ...body, key, ticketId })).rating,
    reload: async () => (await apiGet<{ rating: RatingStatusView | null }>(`${path}?key=${encodeURIComponent(key)}`)).rating,
  }
}

/** Faces from frowning to smiling (level 1 … 5), 64×64, drawn in currentColor. */
function face(level: number): string {
  const mouth = ['M20 46 Q32 32 44 46', 'M21 44 Q32 37 43 44', 'M21 42 L43 42', 'M21 39 Q32 47 43 39', 'M18 37 Q32 53 46 37'][level - 1]
  return `<svg viewBox="0 0 64 64" width="64" height="64" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="4" stroke-linecap="round">
    <circle cx="32" cy="32" r="28"/><circle cx="22" cy="25" r="2.5" fill="currentColor"/><circle cx="42" cy="25" r="2.5" fill="currentColor"/>
    <path d="${mouth}"/></svg>`
}

const levelWord = (level: number) => (t().rating.levels as Record<string, string>)[`l${level}`] ?? ''
/** The scores a scale offers, best first (3 levels: 3 Hài lòng, 2 Bình thường, 1 Không hài lòng). */
const scoresOf = (scale: RatingScale) => (scale === 3 ? [3, 2, 1] : [5, 4, 3, 2, 1])

/**
 * One ticket's rating: the faces, then (when low) reasons and a comment, then thanks. `onActivity` is
 * told of every touch (the tablet's idle timer); `onSent` when the rating was stored.
 */
class RatingForm {
  private chosen: number | null = null
  private reasons = new Set<RatingReason>()
  private comment = ''
  private sending = false
  private error: string | null = null
  private sent = false

  constructor(private status: RatingStatusView, private api: RatingApi,
    private opts: { channel: 'phone' | 'counter'; onActivity?: () => void; onSent?: () => void; backLink?: string }) {}

  render(): HTMLElement {
    const r = t().rating
    const st = this.status
    const service = getLang() === 'en' ? st.serviceNameEn : st.serviceNameVi
    const head = h('div', { class: 'rating-head' },
      h('h1', null, r.title),
      h('p', { class: 'rating-ticket', id: 'rating-ticket' }, fmt(r.ticketLine, { code: st.code, service }),
        st.counterNumber ? h('span', null, ` · ${fmt(r.counterLine, { n: st.counterNumber })}`) : null))
    const back = this.opts.backLink ? h('a', { class: 'btn', href: this.opts.backLink }, r.backToTicket) : null
    if (this.sent) {
      return h('section', { class: 'card rating done', id: 'rating-thanks' }, markup('div', 'rating-thanks-face', face(5)),
        h('h1', null, r.thanks), h('p', null, r.thanksBody), back)
    }
    if (!st.open) {
      const text = st.closedReason === 'rated' && st.rating ? fmt(r.alreadyRated, { level: levelWord(st.rating.level) })
        : st.closedReason === 'too_late' ? r.tooLate : r.notDone
      return h('section', { class: 'card rating', id: 'rating-closed', 'data-reason': st.closedReason ?? '' }, head,
        h('p', { class: `status ${st.closedReason === 'rated' ? 'done' : 'bad'}` }, text), back)
    }
    const scale = st.scale
    const level = this.chosen === null ? null : levelOf(scale, this.chosen)
    const faces = h('div', { class: `faces scale-${scale}`, role: 'group', 'aria-label': r.question },
      ...scoresOf(scale).map((score) => {
        const lv = levelOf(scale, score)
        return h('button', {
          type: 'button', class: `face lv${lv}${this.chosen === score ? ' chosen' : ''}`, 'data-score': score, 'data-level': lv,
          'aria-pressed': String(this.chosen === score), disabled: this.sending,
          onclick: () => this.choose(score),
        }, markup('span', 'face-icon', face(lv)), h('span', { class: 'face-word' }, levelWord(lv)))
      }))
    const low = level !== null && level <= LOW_MAX_LEVEL
    return h('section', { class: 'card rating', id: 'rating', 'data-scale': scale }, head,
      h('p', { class: 'rating-question' }, r.question),
      faces,
      low ? this.details() : null,
      this.error ? h('p', { class: 'status bad', role: 'alert', id: 'rating-error' }, this.error) : null,
      st.closesAt ? h('p', { class: 'hint' }, fmt(r.closesAt, { time: `${hm(st.closesAt)}, ${dmy(st.closesAt)}` })) : null)
  }

  private details(): HTMLElement {
    const r = t().rating
    const comment = h('textarea', { id: 'rating-comment', maxlength: RATING_COMMENT_MAX, rows: 3 })
    comment.value = this.comment
    comment.addEventListener('input', () => { this.comment = comment.value; this.opts.onActivity?.() })
    return h('div', { class: 'rating-details', id: 'rating-details' },
      h('p', { class: 'rating-sub' }, r.reasonsTitle),
      h('div', { class: 'reasons' }, ...RATING_REASONS.map((reason) => h('label', { class: `reason${this.reasons.has(reason) ? ' on' : ''}` },
        h('input', { type: 'checkbox', name: 'reason', value: reason, checked: this.reasons.has(reason), onchange: (ev: Event) => {
          if ((ev.target as HTMLInputElement).checked) this.reasons.add(reason)
          else this.reasons.delete(reason)
          ;(ev.target as HTMLElement).parentElement?.classList.toggle('on', this.reasons.has(reason))
          this.opts.onActivity?.()
        } }), (r.reasons as Record<string, string>)[reason]))),
      h('label', { class: 'rating-sub', for: 'rating-comment' }, fmt(r.commentLabel, { n: RATING_COMMENT_MAX })),
      comment,
      h('button', { type: 'button', class: 'btn btn-primary', id: 'rating-send', disabled: this.sending, onclick: () => void this.send() },
        this.sending ? r.sending : r.send))
  }

  private choose(score: number) {
    this.opts.onActivity?.()
    this.chosen = score
    this.error = null
    if (levelOf(this.status.scale, score) > LOW_MAX_LEVEL) {
      this.reasons.clear()
      void this.send()
    } else this.redraw()
  }

  private async send() {
    if (this.chosen === null || this.sending) return
    this.sending = true
    this.redraw()
    const low = levelOf(this.status.scale, this.chosen) <= LOW_MAX_LEVEL
    const body = { score: this.chosen, channel: this.opts.channel,
      ...(low && this.reasons.size ? { reasons: [...this.reasons] } : {}),
      ...(low && this.comment.trim() ? { comment: this.comment.trim() } : {}) }
    try {
      this.status = await this.api.send(body)
      this.sent = true
      this.opts.onSent?.()
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        // rated from another device, finished too long ago, or the page is stale: show what the server says now
        this.status = (await this.api.reload().catch(() => null)) ?? this.status
      }
      this.error = e instanceof ApiError ? errorMessage(e) : t().rating.sendFailed
    } finally {
      this.sending = false
      this.redraw()
    }
  }

  /** set by the page: draws the form again where it is */
  redraw: () => void = () => {}
}

// ---------- /danh-gia/:ticketId#k=<secret> (phone) ----------

export function ratingPage(main: HTMLElement, ticketId: string, key: string): RatingPage {
  const api = phoneApi(ticketId, key)
  let form: RatingForm | null = null
  let state: 'loading' | 'notFound' | 'error' | 'ready' = 'loading'
  const render = () => {
    document.title = `${t().rating.title} · ${t().pages.appName}`
    if (state === 'notFound') fill(main, h('section', { class: 'card' }, h('h1', null, t().rating.title), h('p', { class: 'status bad', id: 'not-found' }, t().rating.notFound)))
    else if (state !== 'ready' || !form) fill(main, h('p', { class: 'loading' }, state === 'error' ? t().portal.loadError : t().pages.loading))
    else fill(main, form.render())
  }
  const load = async (attempt = 0): Promise<void> => {
    try {
      const rating = (await api.reload())!
      form = new RatingForm(rating, api, { channel: 'phone', backLink: ticketPhonePath(ticketId, key) })
      form.redraw = render
      state = 'ready'
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 400)) state = 'notFound'
      else {
        state = 'error'
        setTimeout(() => void load(attempt + 1), Math.min(15_000, 1000 * 2 ** attempt))
      }
    }
    render()
  }
  render()
  void load()
  return { render }
}

// ---------- /danh-gia?counter=N&center=slug#k=<key> (tablet at the counter) ----------

/** Seconds without a touch before the tablet goes back to its idle screen (`?timeout=` for tuning, 3–300). */
function idleSeconds(): number {
  const n = Number(param('timeout'))
  return Number.isFinite(n) && n >= 3 && n <= 300 ? n : 30
}

export function counterRatingPage(main: HTMLElement, key: string): RatingPage {
  const number = Number(param('counter'))
  const offline = byId('offline')
  let center = ''
  let counterKnown: boolean | null = null
  /** the link's key is this counter's (checked once the center is known; a 404 says it is not) */
  let linkValid: boolean | null = key ? null : false
  let form: RatingForm | null = null
  let connected = true
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = idleSeconds() * 1000
  document.body.classList.add('tablet')

  const toIdle = () => { clearTimeout(timer); form = null; render() }
  const activity = () => { clearTimeout(timer); timer = setTimeout(toIdle, timeout) }

  function render() {
    const r = t().rating
    document.title = `${fmt(r.tabletTitle, { n: Number.isInteger(number) && number > 0 ? number : '?' })} · ${r.title}`
    offline.textContent = t().pages.connectionLost
    offline.hidden = connected
    if (!Number.isInteger(number) || number < 1) { fill(main, h('p', { class: 'status bad', id: 'tablet-error' }, r.tabletNeedsCounter)); return }
    if (counterKnown === false) { fill(main, h('p', { class: 'status bad', id: 'tablet-error' }, fmt(r.tabletCounterNotFound, { n: number }))); return }
    if (linkValid === false) { fill(main, h('p', { class: 'status bad', id: 'tablet-error' }, fmt(r.tabletLinkInvalid, { n: number }))); return }
    if (form) {
      fill(main, form.render())
      return
    }
    fill(main, h('section', { class: 'card tablet-idle', id: 'tablet-idle' },
      h('p', { class: 'tablet-counter' }, fmt(r.tabletTitle, { n: number })),
      markup('div', 'rating-thanks-face', face(5)),
      h('h1', null, r.tabletIdle),
      h('p', null, r.tabletIdleHint)))
  }

  /**
   * The ticket just finished here, by the code `ticket:finished` named, asked of the tablet's route with
   * its key (public facts name no ticket's id). Without a code: only the link's key is checked.
   */
  async function show(code?: string) {
    try {
      const { rating } = await apiGet<{ rating: RatingStatusView | null }>(
        `/api/centers/${encodeURIComponent(center)}/counters/${number}/rating?key=${encodeURIComponent(key)}${code ? `&code=${encodeURIComponent(code)}` : ''}`)
      if (linkValid !== true) { linkValid = true; render() }
      if (!rating?.open) return
      form = new RatingForm(rating, tabletApi(center, number, key, rating.ticketId), { channel: 'counter', onActivity: activity, onSent: activity })
      form.redraw = render
      activity()
      render()
    } catch (e) {
      // a wrong key is answered as an unknown counter; anything else: the next ticket finished here will show
      if (e instanceof ApiError && e.status === 404) { linkValid = false; render() }
    }
  }

  render()
  if (Number.isInteger(number) && number > 0) {
    void (async () => {
      center = await resolveCenter()
      if (key) void show() // checks the link's key
      connectBoard(center, {
        onBoard: (b) => {
          const known = b.counters.some((c) => c.number === number)
          if (known !== counterKnown) { counterKnown = known; render() }
        },
        onEvent: (e) => {
          if (e.name !== 'ticket:finished') return
          const f = e.payload as TicketFinishedEvent
          if (f.counterNumber === number && f.status === 'done') void show(f.code)
        },
        onStatus: (on) => { connected = on; render() },
      })
    })()
  }
  return { render }
}
