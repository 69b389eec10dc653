import type { Db } from '../../db/create-db.js'
import { catalogs, format, type Lang } from '../../common/i18n/index.js'
import {
  LOW_MAX_LEVEL, RATING_WINDOW_HOURS, levelOf, type RatingReason, type RatingScale, type RatingStatusView,
} from '../../common/rating-types.js'
import type { CounterRatingBody, RatingBody } from '../../common/schemas.js'
import { secretMatches } from '../queue/ticket-secret.js'
import { localTime } from '../time.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { findCenterBySlug } from '../centers/center.repository.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import { insertAudit } from '../staff/settings.repository.js'
import * as ratings from './rating.repository.js'

const WINDOW_MS = RATING_WINDOW_HOURS * 3_600_000
const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString())

/** Who is rating: the holder of the ticket (its secret, from its QR), or the tablet at the counter it was finished at. */
type Rater = { key: string | undefined } | { counterId: string }

/**
 * Citizen ratings: the holder of a ticket (its id and the secret printed on its QR), or the tablet at the
 * counter that finished it (the counter's key), may rate it once, after it was done, within 24 hours; the
 * rating keeps the ticket's clerk, counter and service. A comment is never answered to anyone but staff
 * reports. And the center's rating scale.
 */
export class RatingService {
  constructor(private db: Db, private clock: Clock) {}

  async status(ticketId: string, key: string | undefined): Promise<RatingStatusView> {
    return this.view(await this.ticketFor(ticketId, { key }))
  }

  /** The ticket, when the rater may see it; else TICKET_NOT_FOUND, the same for an unknown id and a wrong secret. */
  private async ticketFor(ticketId: string, rater: Rater): Promise<ratings.TicketForRating> {
    const t = await ratings.findTicketForRating(this.db, ticketId)
    const allowed = !!t && ('counterId' in rater ? t.counter_id === rater.counterId : secretMatches(rater.key, t.secret))
    if (!allowed) throw new AppError('TICKET_NOT_FOUND')
    return t!
  }

  async rate(ticketId: string, body: RatingBody, lang: Lang, rater: Rater = { key: body.key }): Promise<RatingStatusView> {
    const t = await this.ticketFor(ticketId, rater)
    const scale = t.rating_scale
    // what only the center's scale can judge, reported together like any other bad input
    const words = catalogs[lang]
    const details: { path: string; message: string }[] = []
    if (body.score > scale) details.push({ path: 'body.score', message: format(words.rating.scoreRange, { max: scale }) })
    else if (body.reasons?.length && levelOf(scale, body.score) > LOW_MAX_LEVEL) details.push({ path: 'body.reasons', message: words.rating.reasonsOnlyLow })
    if (details.length) throw new AppError('VALIDATION_FAILED', {}, details)
    const closed = this.closedReason(t)
    if (closed === 'not_done') throw new AppError('TICKET_NOT_DONE', { status: t.status })
    if (closed === 'rated') throw new AppError('ALREADY_RATED')
    if (closed === 'too_late') throw new AppError('RATING_CLOSED')
    const inserted = await ratings.insertRating(this.db, {
      ticketId: t.id, centerId: t.center_id, serviceId: t.service_id, counterId: t.counter_id, staffId: t.staff_id,
      scale, score: body.score, reasons: body.reasons ?? [], comment: body.comment ? body.comment : null,
      channel: 'counterId' in rater ? 'counter' : body.channel ?? 'phone', at: this.clock(),
    })
    // two taps raced: the other one was stored first
    if (!inserted) throw new AppError('ALREADY_RATED')
    return this.view(await this.ticketFor(ticketId, rater))
  }

  // ---------- the tablet at a counter (`/danh-gia?counter=N#k=<key>`) ----------

  /** The counter whose tablet key this is; an unknown counter and a wrong key are the same COUNTER_NOT_FOUND. */
  private async tabletCounter(centerSlug: string, number: number, key: string | undefined) {
    const c = await ratings.findCounterForTablet(this.db, centerSlug, number)
    if (!c || !secretMatches(key, c.rating_key)) throw new AppError('COUNTER_NOT_FOUND')
    return c
  }

  /**
   * What the tablet offers when `ticket:finished` names a code done at its counter: that ticket of today,
   * while it may be rated; else null (and null without a code: the tablet checking its link).
   */
  async tabletOffer(centerSlug: string, number: number, key: string | undefined, code: string | undefined): Promise<RatingStatusView | null> {
    const c = await this.tabletCounter(centerSlug, number, key)
    if (!code) return null
    const t = await ratings.findAtCounterByCode(this.db, c.center_id, c.id, localTime(this.clock(), c.time_zone).day, code)
    if (!t || t.status !== 'done') return null
    const view = this.view(await this.ticketFor(t.id, { counterId: c.id }))
    return view.open ? view : null
  }

  /** The tablet's rating of a ticket finished at its counter (channel `counter`). */
  async rateAtCounter(centerSlug: string, number: number, body: CounterRatingBody, lang: Lang): Promise<RatingStatusView> {
    const c = await this.tabletCounter(centerSlug, number, body.key)
    return this.rate(body.ticketId, body, lang, { counterId: c.id })
  }

  /** A counter's tablet link, for a manager of its center to open on the tablet. */
  async tabletLink(counterId: string, actor: Actor): Promise<{ counterNumber: number; path: string }> {
    const c = await ratings.findCounterRatingKey(this.db, counterId)
    if (!c) throw new AppError('COUNTER_NOT_FOUND')
    assertCenter(actor, c.center_id)
    return { counterNumber: c.number, path: `/danh-gia?center=${encodeURIComponent(c.slug)}&counter=${c.number}#k=${encodeURIComponent(c.rating_key)}` }
  }

  private closedReason(t: ratings.TicketForRating): RatingStatusView['closedReason'] {
    if (t.rating_id) return 'rated'
    if (t.status !== 'done' || !t.finished_at) return 'not_done'
    if (this.clock().getTime() > new Date(t.finished_at).getTime() + WINDOW_MS) return 'too_late'
    return null
  }

  private view(t: ratings.TicketForRating): RatingStatusView {
    const closedReason = this.closedReason(t)
    return {
      ticketId: t.id, code: t.code, centerSlug: t.slug, status: t.status, serviceNameVi: t.name_vi, serviceNameEn: t.name_en,
      counterNumber: t.counter_number, finishedAt: iso(t.finished_at), scale: t.rating_scale,
      rated: !!t.rating_id,
      rating: t.rating_id ? {
        score: t.score!, scale: t.scale!, level: t.level!, reasons: (t.reasons ?? []) as RatingReason[], createdAt: iso(t.created_at)!,
      } : null,
      open: closedReason === null, closedReason,
      closesAt: t.status === 'done' && t.finished_at ? new Date(new Date(t.finished_at).getTime() + WINDOW_MS).toISOString() : null,
    }
  }

  // ---------- the center's scale (manager setting) ----------

  async scale(centerSlug: string, actor: Actor): Promise<{ scale: RatingScale }> {
    const center = await this.center(centerSlug, actor)
    return { scale: center.rating_scale }
  }

  /** Changes the scale for new ratings; audited like the other center settings (entity `center`, field `ratingScale`). */
  async setScale(centerSlug: string, scale: RatingScale, actor: Actor): Promise<{ scale: RatingScale }> {
    const center = await this.center(centerSlug, actor)
    await this.db.transaction().execute(async (trx) => {
      const c = await ratings.lockCenterScale(trx, center.id)
      if (c.rating_scale === scale) return
      await ratings.setCenterScale(trx, c.id, scale)
      await insertAudit(trx, { centerId: c.id, staffId: actor.staffId, entity: 'center', entityId: c.id, action: 'update',
        changes: { ratingScale: { from: c.rating_scale, to: scale } }, at: this.clock() })
    })
    return { scale }
  }

  private async center(slug: string, actor: Actor) {
    const c = await findCenterBySlug(this.db, slug)
    if (!c) throw new AppError('CENTER_NOT_FOUND')
    assertCenter(actor, c.id)
    return c
  }
}
