import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { randomUUID } from 'node:crypto'
import { pipelined } from '../db/create-db.js'
import { findIssueContext } from '../server/centers/center.repository.js'
import { issuedFrom, issueTicketStatement } from '../server/queue/ticket.repository.js'
import { addService, issue, issued } from './queue-fixtures.js'
import { statementsSent } from './helpers/sent.js'

/**
 * An issue remembers what it checked (center, service, priority group) between taps, and its one
 * statement writes only while those rows are unchanged (server/queue/queue.service.ts `issueNew`). Here
 * the rows are changed straight in the database, as another instance (or a manager's edit there) would
 * change them, and the next tap at this instance must follow the rows as they are now.
 */
describe.each(backends)('an issue follows the rows it checked on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await startHarness(kind) }, 60_000)
  afterAll(async () => { await h?.close() })

  const lastNumber = async (serviceId: string) =>
    (await h.handle.db.selectFrom('ticket_number').select('last').where('service_id', '=', serviceId).executeTakeFirst())?.last ?? 0
  const ticketCount = async (serviceId: string) =>
    Number((await h.handle.db.selectFrom('ticket').select((eb) => eb.fn.countAll<number>().as('n')).where('service_id', '=', serviceId).executeTakeFirstOrThrow()).n)

  it('a service closed elsewhere is refused at the next tap, with no number used, and taken again once reopened', async () => {
    h.clock.set('2026-11-23T09:00:00+07:00')
    const s = await addService(h)
    expect((await issued(h, s.id)).number).toBe(1)
    await h.handle.db.updateTable('service').set({ active: false }).where('id', '=', s.id).execute()
    const refused = await issue(h, s.id)
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('SERVICE_INACTIVE')
    expect(await lastNumber(s.id)).toBe(1)
    expect(await ticketCount(s.id)).toBe(1)
    // reopened elsewhere: the refusal is not remembered either
    await h.handle.db.updateTable('service').set({ active: true }).where('id', '=', s.id).execute()
    expect((await issued(h, s.id)).number).toBe(2)
  })

  it('a daily cap set elsewhere holds from the next tap', async () => {
    h.clock.set('2026-11-23T09:05:00+07:00')
    const s = await addService(h)
    await issued(h, s.id)
    await issued(h, s.id)
    await h.handle.db.updateTable('service').set({ daily_cap: 2 }).where('id', '=', s.id).execute()
    const refused = await issue(h, s.id)
    expect(refused.body.error?.code).toBe('DAILY_CAP_REACHED')
    expect(await lastNumber(s.id)).toBe(2)
  })

  it('a cut-off moved earlier elsewhere refuses the next tap', async () => {
    const s = await addService(h)
    h.clock.set('2026-11-23T15:00:00+07:00')
    await issued(h, s.id)
    await h.handle.db.updateTable('center').set({ ticket_cutoff: '14:30' }).where('id', '=', h.demo.centerId).execute()
    try {
      const refused = await issue(h, s.id)
      expect(refused.body.error?.code).toBe('AFTER_CUTOFF')
      expect(await ticketCount(s.id)).toBe(1)
    } finally {
      await h.handle.db.updateTable('center').set({ ticket_cutoff: '16:30' }).where('id', '=', h.demo.centerId).execute()
    }
    expect((await issued(h, s.id)).number).toBe(2)
  })

  it('a priority bonus changed elsewhere counts from the next tap', async () => {
    h.clock.set('2026-11-23T10:00:00+07:00')
    const s = await addService(h)
    const first = await issued(h, s.id, { priorityGroup: 'nguoi-co-cong' })
    expect(new Date(first.issuedAt).getTime() - new Date(first.queueAt).getTime()).toBe(30 * 60_000)
    const group = h.handle.db.updateTable('priority_group').where('code', '=', 'nguoi-co-cong').where('center_id', '=', h.demo.centerId)
    try {
      await group.set({ bonus_minutes: 45 }).execute()
      const second = await issued(h, s.id, { priorityGroup: 'nguoi-co-cong' })
      expect(new Date(second.issuedAt).getTime() - new Date(second.queueAt).getTime()).toBe(45 * 60_000)
      await group.set({ active: false }).execute()
      expect((await issue(h, s.id, { priorityGroup: 'nguoi-co-cong' })).body.error?.code).toBe('PRIORITY_GROUP_NOT_FOUND')
    } finally {
      await group.set({ active: true, bonus_minutes: 30 }).execute()
    }
  })

  it('a row changed between two taps: the next ticket is issued on the row as it is now', async () => {
    h.clock.set('2026-11-23T10:30:00+07:00')
    const s = await addService(h)
    await issued(h, s.id)
    // the service's prefix changes under the remembered rows: the ticket carries the new one
    await h.handle.db.updateTable('service').set({ prefix: 'ZQ' }).where('id', '=', s.id).execute()
    const t = await issued(h, s.id)
    expect(t).toMatchObject({ number: 2, code: 'ZQ002' })
    const codes = await h.handle.db.selectFrom('ticket').select('code').where('service_id', '=', s.id).orderBy('number').execute()
    expect(codes.map((c) => c.code)).toEqual([`${s.prefix}001`, 'ZQ002'])
  })

  it('the issuing statement writes nothing on versions that are no longer the rows’ own, even after an update that changed no value', async () => {
    const s = await addService(h)
    const context = (await findIssueContext(h.handle.db, 'na-sang', s.id))!
    const attempt = () => pipelined(h.handle.db, [issueTicketStatement(h.handle.db, {
      id: randomUUID(), center_id: h.demo.centerId, service_id: s.id, service_day: '2026-11-23', prefix: s.prefix, priority_group_id: null,
      queue_at: new Date(), issued_at: new Date(), request_id: null, dossier_id: null,
    }, { data: {} }, null, { center: context.center_version, service: context.service_version!, priorityGroup: null })]).then(([rows]) => issuedFrom(rows!))
    expect(await attempt()).toMatchObject({ number: 1 })
    await sql`UPDATE service SET name_vi = name_vi WHERE id = ${s.id}`.execute(h.handle.db)
    expect(await attempt()).toBe('stale')
    const fresh = (await findIssueContext(h.handle.db, 'na-sang', s.id))!
    expect(fresh.service_version).not.toBe(context.service_version)
    expect(await lastNumber(s.id)).toBe(1)
    expect(await ticketCount(s.id)).toBe(1)
  })

  it('reads what it checks on a service’s first tap only, and again after one of those rows changed', async () => {
    h.clock.set('2026-11-23T09:00:00+07:00')
    const s = await addService(h)
    const checksIn = async (fn: () => Promise<unknown>) => (await statementsSent(h.handle, fn)).sent.filter((t) => t.includes('"center_version"')).length
    expect(await checksIn(() => issued(h, s.id))).toBe(1)
    expect(await checksIn(async () => { await issued(h, s.id); await issued(h, s.id) })).toBe(0)
    await h.handle.db.updateTable('service').set({ name_en: 'Changed' }).where('id', '=', s.id).execute()
    const changed = await statementsSent(h.handle, () => issued(h, s.id))
    expect(changed.result.serviceNameEn).toBe('Changed')
    expect(changed.sent.filter((t) => t.includes('"center_version"'))).toHaveLength(1)
  })
})
