import type { Executor } from '../../db/create-db.js'
import type { RatingScale } from '../../common/rating-types.js'

/** A ticket as the rating page needs it: its service, counter, center (and scale) and its rating, if any. */
export function findTicketForRating(db: Executor, ticketId: string) {
  return db.selectFrom('ticket')
    .innerJoin('service', 'service.id', 'ticket.service_id')
    .innerJoin('center', 'center.id', 'ticket.center_id')
    .leftJoin('counter', 'counter.id', 'ticket.counter_id')
    .leftJoin('rating', 'rating.ticket_id', 'ticket.id')
    .select(['ticket.id', 'ticket.code', 'ticket.status', 'ticket.center_id', 'ticket.service_id', 'ticket.counter_id', 'ticket.staff_id',
      'ticket.finished_at', 'ticket.secret', 'service.name_vi', 'service.name_en', 'center.slug', 'center.rating_scale', 'counter.number as counter_number',
      'rating.id as rating_id', 'rating.score', 'rating.scale', 'rating.level', 'rating.reasons', 'rating.created_at'])
    .where('ticket.id', '=', ticketId).executeTakeFirst()
}

export type TicketForRating = NonNullable<Awaited<ReturnType<typeof findTicketForRating>>>

/** A counter of a center by its number, with its rating-tablet key (compared by the caller). */
export function findCounterForTablet(db: Executor, centerSlug: string, number: number) {
  return db.selectFrom('counter').innerJoin('center', 'center.id', 'counter.center_id')
    .select(['counter.id', 'counter.number', 'counter.rating_key', 'center.id as center_id', 'center.slug', 'center.time_zone'])
    .where('center.slug', '=', centerSlug).where('counter.number', '=', number).executeTakeFirst()
}

/** A ticket of a center's day by its code (unique there), if it was last at this counter: what the counter's tablet may offer. */
export function findAtCounterByCode(db: Executor, centerId: string, counterId: string, serviceDay: string, code: string) {
  return db.selectFrom('ticket').select(['id', 'status']).where('center_id', '=', centerId).where('service_day', '=', serviceDay)
    .where('code', '=', code).where('counter_id', '=', counterId).executeTakeFirst()
}

/** A counter's rating-tablet key (the manager hands the tablet its link). */
export function findCounterRatingKey(db: Executor, counterId: string) {
  return db.selectFrom('counter').innerJoin('center', 'center.id', 'counter.center_id')
    .select(['counter.id', 'counter.number', 'counter.center_id', 'counter.rating_key', 'center.slug'])
    .where('counter.id', '=', counterId).executeTakeFirst()
}

/** Inserts the rating unless the ticket already has one (the unique constraint decides): returns whether it did. */
export async function insertRating(db: Executor, r: {
  ticketId: string; centerId: string; serviceId: string; counterId: string | null; staffId: string | null
  scale: RatingScale; score: number; reasons: string[]; comment: string | null; channel: 'phone' | 'counter'; at: Date
}): Promise<boolean> {
  const row = await db.insertInto('rating').values({
    ticket_id: r.ticketId, center_id: r.centerId, service_id: r.serviceId, counter_id: r.counterId, staff_id: r.staffId,
    scale: r.scale, score: r.score, reasons: r.reasons, comment: r.comment, channel: r.channel, created_at: r.at,
  }).onConflict((oc) => oc.column('ticket_id').doNothing()).returning('id').executeTakeFirst()
  return !!row
}

export function lockCenterScale(db: Executor, centerId: string) {
  return db.selectFrom('center').select(['id', 'rating_scale']).where('id', '=', centerId).forUpdate().executeTakeFirstOrThrow()
}

export function setCenterScale(db: Executor, centerId: string, scale: RatingScale) {
  return db.updateTable('center').set({ rating_scale: scale }).where('id', '=', centerId).execute()
}
