import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { WebhookCreateBody, WebhookDeliveryView, WebhookEvent, WebhookView } from '../../common/webhook-schemas.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import { centerFor } from '../staff/settings.support.js'
import { insertAudit } from '../staff/settings.repository.js'
import * as outbox from '../outbox/outbox.repository.js'
import { checkWebhookUrl } from '../outbox/url-policy.js'

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())

/**
 * A center's webhook subscriptions, managed by its managers and the admins: create (the signing secret
 * is answered once), pause or resume, delete, the deliveries with their failures, and a replay.
 * http:// outside this host needs an admin's explicit `allowHttp`.
 */
export class WebhookService {
  constructor(private db: Db, private clock: Clock) {}

  async list(slug: string, actor: Actor): Promise<WebhookView[]> {
    const center = await centerFor(this.db, slug, actor)
    const { rows } = await sql<{ id: string; url: string; events: string[]; personal_data: boolean; allow_http: boolean; allow_private: boolean; active: boolean
      created_at: Date; pending: number; delivered: number; failed: number }>`
      SELECT s.id, s.url, s.events, s.personal_data, s.allow_http, s.allow_private, s.active, s.created_at,
        count(*) FILTER (WHERE d.status = 'pending')::int AS pending, count(*) FILTER (WHERE d.status = 'delivered')::int AS delivered,
        count(*) FILTER (WHERE d.status = 'failed')::int AS failed
      FROM webhook_subscription s LEFT JOIN outbox_delivery d ON d.subscription_id = s.id
      WHERE s.center_id = ${center.id} GROUP BY s.id ORDER BY s.created_at`.execute(this.db)
    return rows.map((r) => ({
      id: r.id, url: r.url, events: r.events as WebhookEvent[], personalData: r.personal_data, allowHttp: r.allow_http, allowPrivate: r.allow_private, active: r.active,
      createdAt: iso(r.created_at)!, counts: { pending: r.pending, delivered: r.delivered, failed: r.failed },
    }))
  }

  async create(slug: string, body: WebhookCreateBody, actor: Actor): Promise<{ webhook: WebhookView; secret: string }> {
    const center = await centerFor(this.db, slug, actor)
    if ((body.allowHttp || body.allowPrivate) && actor.role !== 'admin') throw new AppError('FORBIDDEN')
    // the scheme, and (SSRF) the addresses the host names now; each send checks again after DNS (server/outbox/url-policy.ts)
    const verdict = await checkWebhookUrl(body.url, { allowHttp: body.allowHttp, allowPrivate: body.allowPrivate })
    if (!verdict.ok) throw verdict.code === 'WEBHOOK_URL_PRIVATE' ? new AppError(verdict.code, { address: verdict.address }) : new AppError(verdict.code)
    const secret = `whsec_${randomBytes(32).toString('base64url')}`
    const id = await this.db.transaction().execute(async (trx) => {
      const row = await trx.insertInto('webhook_subscription').values({
        center_id: center.id, url: body.url, events: body.events, secret, personal_data: body.personalData, allow_http: body.allowHttp, allow_private: body.allowPrivate,
        created_by: actor.staffId,
      }).returning('id').executeTakeFirstOrThrow()
      await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'webhook', entityId: row.id, action: 'create', at: this.clock(),
        changes: { url: { from: null, to: body.url }, events: { from: null, to: body.events }, personalData: { from: null, to: body.personalData },
          allowHttp: { from: null, to: body.allowHttp }, allowPrivate: { from: null, to: body.allowPrivate } } })
      return row.id
    })
    return { webhook: (await this.list(slug, actor)).find((w) => w.id === id)!, secret }
  }

  async setActive(id: string, active: boolean, actor: Actor): Promise<void> {
    const s = await this.find(id, actor)
    if (s.active === active) return
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('webhook_subscription').set({ active }).where('id', '=', id).execute()
      await insertAudit(trx, { centerId: s.center_id, staffId: actor.staffId, entity: 'webhook', entityId: id, action: 'update', at: this.clock(),
        changes: { active: { from: s.active, to: active } } })
    })
  }

  async remove(id: string, actor: Actor): Promise<void> {
    const s = await this.find(id, actor)
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('webhook_subscription').where('id', '=', id).execute()
      await insertAudit(trx, { centerId: s.center_id, staffId: actor.staffId, entity: 'webhook', entityId: id, action: 'delete', at: this.clock(),
        changes: { url: { from: s.url, to: null } } })
    })
  }

  async deliveries(id: string, actor: Actor): Promise<WebhookDeliveryView[]> {
    await this.find(id, actor)
    return (await outbox.listDeliveries(this.db, id, 100)).map((r) => ({
      id: r.id, eventId: r.event_uid, event: r.kind, stream: r.stream, occurredAt: iso(r.occurred_at)!, status: r.status, attempts: r.attempts,
      nextAt: iso(r.next_at)!, lastStatus: r.last_status, lastError: r.last_error, lastAttemptAt: iso(r.last_attempt_at), deliveredAt: iso(r.delivered_at),
    }))
  }

  /** Sends one delivery again now (the same event id, so the receiver can dedupe); audited. */
  async replay(deliveryId: string, actor: Actor): Promise<void> {
    const d = await outbox.findDelivery(this.db, deliveryId)
    if (!d?.subscription_id) throw new AppError('WEBHOOK_DELIVERY_NOT_FOUND')
    const s = await this.find(d.subscription_id, actor)
    await this.db.transaction().execute(async (trx) => {
      await outbox.replay(trx, deliveryId, s.id)
      await insertAudit(trx, { centerId: s.center_id, staffId: actor.staffId, entity: 'webhook', entityId: s.id, action: 'replay', at: this.clock(),
        changes: { delivery: { from: d.status, to: deliveryId } } })
    })
  }

  private async find(id: string, actor: Actor) {
    const s = await this.db.selectFrom('webhook_subscription').select(['id', 'center_id', 'url', 'active']).where('id', '=', id).executeTakeFirst()
    if (!s) throw new AppError('WEBHOOK_NOT_FOUND')
    assertCenter(actor, s.center_id)
    return s
  }
}
