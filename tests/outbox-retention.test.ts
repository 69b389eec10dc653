// The outbox's retention (issue 25): delivered rows older than N days are deleted, failed ones kept longer for the
// admin, pending ones never; an event goes with its last delivery. On both backends; the days come from the config.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { pruneOutbox } from '../server/outbox/retention.js'
import { ConfigError, loadConfig } from '../server/config.js'

const DAY = 24 * 60 * 60_000

describe('the retention settings', () => {
  it('default to 30 days for delivered and 90 for failed, and refuse nonsense with the variable\'s name', () => {
    expect(loadConfig({}).outboxRetention).toEqual({ deliveredDays: 30, failedDays: 90 })
    expect(loadConfig({ OUTBOX_KEEP_DELIVERED_DAYS: '7', OUTBOX_KEEP_FAILED_DAYS: '365' }).outboxRetention).toEqual({ deliveredDays: 7, failedDays: 365 })
    expect(() => loadConfig({ OUTBOX_KEEP_DELIVERED_DAYS: '0' })).toThrow(ConfigError)
    expect(() => loadConfig({ OUTBOX_KEEP_FAILED_DAYS: 'forever' })).toThrow(/OUTBOX_KEEP_FAILED_DAYS/)
  })
})

describe.each(backends)('outbox retention (%s)', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await startHarness(kind) }, 60_000)
  afterAll(async () => { await h?.close() })

  it('deletes delivered rows past their days, keeps failed ones longer and pending ones always, then the events left empty', async () => {
    const db = h.handle.db
    const now = new Date('2026-12-07T03:00:00Z')
    const ago = (days: number) => new Date(now.getTime() - days * DAY)
    const sub = await db.insertInto('webhook_subscription').values({ center_id: h.demo.centerId, url: 'https://tinh.example/hook', events: ['ticket.issued'], secret: 'whsec_x' })
      .returning('id').executeTakeFirstOrThrow()
    const sub2 = await db.insertInto('webhook_subscription').values({ center_id: h.demo.centerId, url: 'https://bao-cao.example/hook', events: ['ticket.issued'], secret: 'whsec_y' })
      .returning('id').executeTakeFirstOrThrow()
    const rows: Record<string, { event: string; delivery: string }> = {}
    const add = async (name: string, at: Date, status: 'pending' | 'delivered' | 'failed', subscription = sub.id, event?: string) => {
      const e = event ?? (await db.insertInto('outbox_event').values({ center_id: h.demo.centerId, kind: 'ticket.issued', stream: `ticket:${name}`, occurred_at: at,
        data: JSON.stringify({ name }), personal: null, created_at: at as never }).returning('id').executeTakeFirstOrThrow()).id
      const d = await db.insertInto('outbox_delivery').values({ event_id: e, subscription_id: subscription, stream: `ticket:${name}`, status, attempts: 1, next_at: at as never,
        last_attempt_at: status === 'pending' ? null : at, delivered_at: status === 'delivered' ? at : null }).returning('id').executeTakeFirstOrThrow()
      rows[name] = { event: String(e), delivery: String(d.id) }
    }
    await add('delivered-31', ago(31), 'delivered')
    await add('delivered-29', ago(29), 'delivered')
    await add('failed-31', ago(31), 'failed')
    await add('failed-91', ago(91), 'failed')
    await add('pending-200', ago(200), 'pending')
    // one event, two webhooks: one delivery old and delivered, the other failed and kept: the event stays
    await add('shared-a', ago(40), 'delivered')
    await add('shared-b', ago(40), 'failed', sub2.id, rows['shared-a']!.event)

    expect(await pruneOutbox(db, now, { deliveredDays: 30, failedDays: 90 })).toEqual({ delivered: 2, failed: 1, events: 2 })
    const left = (await db.selectFrom('outbox_delivery').select('id').execute()).map((r) => String(r.id))
    const gone = ['delivered-31', 'failed-91', 'shared-a']
    for (const [name, r] of Object.entries(rows)) expect([name, left.includes(r.delivery)]).toEqual([name, !gone.includes(name)])
    const events = (await db.selectFrom('outbox_event').select('id').execute()).map((r) => String(r.id))
    expect(events).not.toContain(rows['delivered-31']!.event)
    expect(events).not.toContain(rows['failed-91']!.event)
    expect(events).toContain(rows['shared-a']!.event)
    expect(events).toContain(rows['pending-200']!.event)
    // a second pass finds nothing; a shorter setting takes the rest of the delivered ones
    expect(await pruneOutbox(db, now, { deliveredDays: 30, failedDays: 90 })).toEqual({ delivered: 0, failed: 0, events: 0 })
    expect((await pruneOutbox(db, now, { deliveredDays: 7, failedDays: 30 })).delivered).toBe(1)
    const pending = await db.selectFrom('outbox_delivery').select('status').execute()
    expect(pending.map((r) => r.status)).toEqual(['pending'])
    await sql`DELETE FROM webhook_subscription`.execute(db)
  })
})
