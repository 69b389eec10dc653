// Centers, services and counters administered from the console (issue 20): create, edit, reorder,
// deactivate, delete only what nothing names, "new center from a template", 409s naming the field, roles.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { backends } from './helpers/db.js'
import { addOtherCenter, nextEvent, startHarness, type Harness } from './helpers/harness.js'
import { issue, issued, type Agent } from './queue-fixtures.js'
import type { AuditEntry, CenterAdminView, CounterSettings, ServiceSettings, StaffCountersResponse } from '../common/staff-types.js'
import type { BoardSnapshot } from '../common/types.js'

/**
 * Tables with a `center_id` that hold what a center works *with*, not what it did: a template copies every
 * row of each. A new center-scoped table must be listed here or in HISTORY, so this test says which.
 */
const SETTINGS = ['service', 'procedure', 'counter', 'priority_group', 'calendar_day']
/** what a center did (never copied), and rows of its own that a new center makes fresh */
const HISTORY = ['ticket', 'ticket_event', 'audit_log', 'rating', 'dossier', 'dossier_event', 'dossier_number', 'center_board_seq', 'staff',
  // a center's own machine clients and their deliveries: secrets of that center, never copied to another
  'api_token', 'webhook_subscription', 'outbox_event',
  // a center's own voice (issue 23): its staff's recordings, never another center's
  'voice_language', 'voice_clip',
  // a center's bookings (issue 24): citizens' appointments, never copied (the services' slot rules are)
  'appointment',
  // citizens' sign-ups for messages about their own ticket or dossier (issue 24)
  'notify_subscription']

describe.each(backends)('centers, services and counters administration on %s', (kind) => {
  let h: Harness
  let admin: Agent, manager: Agent, clerk: Agent, otherManager: Agent
  const na = () => h.demo.centerId

  beforeAll(async () => {
    h = await startHarness(kind)
    await addOtherCenter(h)
    ;[admin, manager, clerk, otherManager] = await Promise.all(['quantri', 'quanly', 'canbo1', 'quanly.muongpon'].map((u) => h.login(u))) as [Agent, Agent, Agent, Agent]
  }, 60_000)
  afterAll(async () => { await h?.close() })

  const db = () => h.handle.db
  const centerId = async (slug: string) => (await db().selectFrom('center').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id

  it('creates "Mường Chà" from the Na Sang template: every settings row of every center-scoped table, in one audited step', async () => {
    const res = await admin.post('/api/centers').send({ slug: 'muong-cha', name: 'Trung tâm Phục vụ hành chính công xã Mường Chà', template: 'na-sang',
      address: 'Bản Na Pheo, xã Mường Chà', province: 'Điện Biên' }).expect(201)
    expect(res.body.center).toMatchObject({ slug: 'muong-cha', dossierPrefix: 'MC', active: true, services: 7, counters: 6, address: 'Bản Na Pheo, xã Mường Chà', province: 'Điện Biên' })
    const mc = await centerId('muong-cha')

    // every table with a center_id is either copied or named as history
    const { rows } = await sql<{ table_name: string }>`SELECT table_name FROM information_schema.columns
      WHERE column_name = 'center_id' AND table_schema = current_schema() ORDER BY table_name`.execute(db())
    const unknown = rows.map((r) => r.table_name).filter((t) => !SETTINGS.includes(t) && !HISTORY.includes(t))
    expect(unknown).toEqual([])
    for (const table of SETTINGS) {
      const count = async (id: string) => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE center_id = ${id}`.execute(db())).rows[0]!.n)
      expect([table, await count(mc)]).toEqual([table, await count(na())])
      expect(await count(mc)).toBeGreaterThan(0)
    }
    // the rows themselves, every column but the ids
    const strip = (r: Record<string, unknown>) => { const { id: _i, center_id: _c, service_id: _s, status_since: _t, ...rest } = r; return rest }
    for (const table of ['service', 'priority_group', 'counter'] as const) {
      const of = async (id: string) => (await db().selectFrom(table).selectAll().where('center_id', '=', id).execute()).map((r) => strip(r as never)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
      expect(await of(mc)).toEqual(await of(na()))
    }
    const procs = async (id: string) => (await db().selectFrom('procedure').innerJoin('service', 'service.id', 'procedure.service_id')
      .selectAll('procedure').select('service.prefix').where('procedure.center_id', '=', id).orderBy('procedure.code').execute()).map((r) => strip(r as never))
    expect(await procs(mc)).toEqual(await procs(na()))
    const tiers = async (id: string) => (await db().selectFrom('counter_service').innerJoin('counter', 'counter.id', 'counter_service.counter_id')
      .innerJoin('service', 'service.id', 'counter_service.service_id').select(['counter.number', 'service.prefix', 'counter_service.tier'])
      .where('counter.center_id', '=', id).orderBy('counter.number').orderBy('service.prefix').execute())
    expect(await tiers(mc)).toEqual(await tiers(na()))
    const days = async (id: string) => (await db().selectFrom('calendar_day').select(['date', 'kind', 'name']).where('center_id', '=', id).orderBy('date').execute())
    expect(await days(mc)).toEqual(await days(na()))
    const settingsOf = (id: string) => db().selectFrom('center').select(['opening_hours', 'ticket_cutoff', 'announcement_template', 'rating_scale', 'pause_alert_minutes', 'time_zone'])
      .where('id', '=', id).executeTakeFirstOrThrow()
    expect(await settingsOf(mc)).toEqual(await settingsOf(na()))

    // the new center works at once: its own board, its own numbering, nothing of Na Sang's
    const board = (await h.http.get('/api/centers/muong-cha/board').expect(200)).body as BoardSnapshot
    expect(board.services.map((s) => s.prefix)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G'])
    expect(board.counters.every((c) => c.status === 'closed')).toBe(true)
    const audit = (await admin.get('/api/centers/muong-cha/audit?entity=center').expect(200)).body.entries as AuditEntry[]
    expect(audit[0]).toMatchObject({ action: 'create', staffName: 'Quản trị hệ thống', changes: { slug: { to: 'muong-cha' }, template: { to: 'na-sang' }, copied_services: { to: 7 } } })
    expect((await h.http.get('/api/centers').expect(200)).body.centers.map((c: { slug: string }) => c.slug)).toContain('muong-cha')
  })

  it('a center without a template starts with the usual hours and the national holidays, and nothing else', async () => {
    const res = await admin.post('/api/centers').send({ slug: 'xa-trong', name: 'Xã Trống', nameEn: 'Empty commune', dossierPrefix: 'xt' }).expect(201)
    expect(res.body.center).toMatchObject({ slug: 'xa-trong', nameEn: 'Empty commune', dossierPrefix: 'XT', services: 0, counters: 0 })
    const id = await centerId('xa-trong')
    expect(Number((await db().selectFrom('calendar_day').select((eb) => eb.fn.countAll<number>().as('n')).where('center_id', '=', id).executeTakeFirstOrThrow()).n)).toBeGreaterThan(10)
    const board = (await h.http.get('/api/centers/xa-trong/board').expect(200)).body as BoardSnapshot
    expect(board).toMatchObject({ services: [], counters: [], hoursToday: '07:00–11:30, 13:30–17:00', acceptingTickets: true })
  })

  it('a duplicate slug: 409 naming the field, in Vietnamese; nothing written', async () => {
    const before = Number((await db().selectFrom('center').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
    const res = await admin.post('/api/centers').send({ slug: 'na-sang', name: 'Trùng', template: 'na-sang' }).expect(409)
    expect(res.body.error).toMatchObject({ code: 'CENTER_SLUG_TAKEN', message: 'Mã trung tâm (slug) "na-sang" đã được dùng cho một trung tâm khác.', details: [{ path: 'body.slug' }] })
    expect(Number((await db().selectFrom('center').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(before)
    // two admins at once with the same new slug: one center
    const both = await Promise.all([1, 2].map(() => admin.post('/api/centers').send({ slug: 'song-song', name: 'Song song', template: 'na-sang' })))
    expect(both.map((r) => r.status).sort()).toEqual([201, 409])
    await admin.post('/api/centers').send({ slug: 'Bad Slug!', name: 'x' }).expect(400)
    await admin.post('/api/centers').send({ slug: 'khong-co', name: 'x', template: 'khong-ton-tai' }).expect(404)
  })

  it('only an admin lists, creates or edits centers; a manager sees only theirs, a clerk none of the settings', async () => {
    for (const agent of [manager, clerk, otherManager]) {
      expect((await agent.post('/api/centers').send({ slug: 'cam-1', name: 'Cấm' }).expect(403)).body.error.code).toBe('FORBIDDEN')
      await agent.patch('/api/centers/na-sang').send({ active: false }).expect(403)
      await agent.get('/api/admin/centers').expect(403)
    }
    await h.http.post('/api/centers').send({ slug: 'cam-2', name: 'Cấm' }).expect(401)
    // a manager works in their own center only, whatever the URL says
    expect((await manager.get('/api/centers/muong-cha/settings/services').expect(403)).body.error.code).toBe('WRONG_CENTER')
    expect((await otherManager.post('/api/centers/na-sang/services').send({ prefix: 'Q', nameVi: 'Q', nameEn: 'Q' }).expect(403)).body.error.code).toBe('WRONG_CENTER')
    expect((await otherManager.post('/api/centers/na-sang/counters').send({ number: 50, services: { primary: [h.demo.services.A], backup: [] } }).expect(403)).body.error.code).toBe('WRONG_CENTER')
    await otherManager.delete(`/api/services/${h.demo.services.A}`).expect(403)
    await otherManager.put('/api/centers/na-sang/settings/service-order').send({ serviceIds: [h.demo.services.A] }).expect(403)
    // a clerk: none of it
    await clerk.post('/api/centers/na-sang/services').send({ prefix: 'Q', nameVi: 'Q', nameEn: 'Q' }).expect(403)
    await clerk.post('/api/centers/na-sang/counters').send({ number: 50, services: { primary: [h.demo.services.A], backup: [] } }).expect(403)
    await clerk.delete(`/api/services/${h.demo.services.A}`).expect(403)
    await clerk.patch(`/api/counters/${h.demo.counters[1]}`).send({ active: false }).expect(403)
    const list = (await admin.get('/api/admin/centers').expect(200)).body.centers as CenterAdminView[]
    expect(list.map((c) => c.slug)).toEqual(expect.arrayContaining(['na-sang', 'muong-pon', 'muong-cha']))
  })

  it('a deactivated center issues no ticket, its kiosk is told "center_inactive" at once, and it leaves the public list; reactivated, it works again', async () => {
    const mc = await centerId('muong-cha')
    const service = (await db().selectFrom('service').select('id').where('center_id', '=', mc).where('prefix', '=', 'A').executeTakeFirstOrThrow()).id
    await h.http.post('/api/centers/muong-cha/tickets').send({ serviceId: service }).expect(201) // remembered by the issue context
    const kiosk = h.socket({ center: 'muong-cha' })
    await nextEvent(kiosk, 'board:snapshot')
    const fresh = nextEvent(kiosk, 'board:snapshot')
    const res = await admin.patch('/api/centers/muong-cha').send({ active: false, name: 'Xã Mường Chà', address: 'Trung tâm xã Mường Chà' }).expect(200)
    expect(res.body.center).toMatchObject({ active: false, name: 'Xã Mường Chà', address: 'Trung tâm xã Mường Chà', province: 'Điện Biên' })
    expect(await fresh).toMatchObject({ acceptingTickets: false, closedReason: 'center_inactive', open: false })
    expect((await h.http.post('/api/centers/muong-cha/tickets').send({ serviceId: service }).expect(409)).body.error).toMatchObject({
      code: 'CENTER_INACTIVE', message: 'Trung tâm đã ngừng hoạt động và không cấp số thứ tự.' })
    expect((await h.http.get('/api/centers').expect(200)).body.centers.map((c: { slug: string }) => c.slug)).not.toContain('muong-cha')
    // nobody would receive an online filing either
    const procedure = (await db().selectFrom('procedure').select('id').where('center_id', '=', mc).where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
    const applicant = { fullName: 'Nguyễn Văn An', phone: '0912 345 678', address: 'Bản Mường Chà' }
    expect((await h.http.post('/api/public/dossiers').send({ center: 'muong-cha', procedureId: procedure, applicant }).expect(409)).body.error.code).toBe('CENTER_INACTIVE')
    expect((await admin.get('/api/admin/centers').expect(200)).body.centers.find((c: CenterAdminView) => c.slug === 'muong-cha')).toMatchObject({ active: false })
    const audit = (await admin.get('/api/centers/muong-cha/audit?entity=center&limit=1').expect(200)).body.entries as AuditEntry[]
    expect(audit[0]).toMatchObject({ action: 'update', changes: { active: { from: true, to: false }, name: { to: 'Xã Mường Chà' } } })
    await admin.patch('/api/centers/muong-cha').send({ active: true }).expect(200)
    await h.http.post('/api/centers/muong-cha/tickets').send({ serviceId: service }).expect(201)
    await h.http.post('/api/public/dossiers').send({ center: 'muong-cha', procedureId: procedure, applicant }).expect(201)
    kiosk.disconnect()
  })

  it('creates a service: last on the kiosk at once, issuing at once; a prefix taken by an active service is a 409 naming the field', async () => {
    const kiosk = h.socket({ center: 'na-sang' })
    await nextEvent(kiosk, 'board:snapshot')
    const fresh = nextEvent(kiosk, 'board:snapshot')
    const res = await manager.post('/api/centers/na-sang/services').send({ prefix: 'h', nameVi: 'Tư pháp', nameEn: 'Justice', icon: 'book', targetWaitMinutes: 20 }).expect(201)
    const hService = res.body.service as ServiceSettings
    expect(hService).toMatchObject({ prefix: 'H', code: 'tu-phap', nameVi: 'Tư pháp', active: true, targetWaitMinutes: 20, dailyCap: null, deletable: true })
    const board = await fresh
    expect(board.services.at(-1)).toMatchObject({ id: hService.id, prefix: 'H', active: true })
    expect((await issued(h, hService.id)).code).toBe('H001')

    const dup = await manager.post('/api/centers/na-sang/services').send({ prefix: 'A', nameVi: 'Trùng', nameEn: 'Dup' }).expect(409)
    expect(dup.body.error).toMatchObject({ code: 'SERVICE_PREFIX_TAKEN', message: 'Ký hiệu "A" đã được dùng cho một lĩnh vực đang tiếp nhận khác của trung tâm.', details: [{ path: 'body.prefix' }] })
    // the same letter in another center is fine
    await otherManager.post('/api/centers/muong-pon/services').send({ prefix: 'A', nameVi: 'Hộ tịch', nameEn: 'Civil status' }).expect(201)
    // two managers at once with one new letter: PostgreSQL's partial unique index keeps one
    const both = await Promise.all([1, 2].map((i) => manager.post('/api/centers/na-sang/services').send({ prefix: 'K', nameVi: `Kép ${i}`, nameEn: `Twin ${i}` })))
    expect(both.map((r) => r.status).sort()).toEqual([201, 409])
    await expect(db().insertInto('service').values({ center_id: na(), code: 'x-k', prefix: 'K', name_vi: 'x', name_en: 'x' }).execute()).rejects.toMatchObject({ code: '23505' })
    await manager.post('/api/centers/na-sang/services').send({ prefix: '1', nameVi: '', nameEn: 'x' }).expect(400)
    const audit = (await manager.get('/api/centers/na-sang/audit?entity=service').expect(200)).body.entries as AuditEntry[]
    expect(audit.find((e) => e.entityId === hService.id)).toMatchObject({ action: 'create', entityLabel: 'H · Tư pháp', changes: { prefix: { from: null, to: 'H' }, nameVi: { to: 'Tư pháp' } } })
    kiosk.disconnect()
  })

  it('deactivating a service with people waiting: the kiosk stops offering it at once, those waiting stay in the queue and are called; its letter may then go to a new service, and it cannot come back while that one holds it', async () => {
    const created = (await manager.post('/api/centers/na-sang/services').send({ prefix: 'L', nameVi: 'Lâm nghiệp', nameEn: 'Forestry' }).expect(201)).body.service as ServiceSettings
    const counter = (await manager.post('/api/centers/na-sang/counters').send({ number: 21, name: 'Quầy lâm nghiệp', services: { primary: [created.id], backup: [] } }).expect(201)).body.counter as CounterSettings
    const waiting = await issued(h, created.id)
    await manager.patch(`/api/services/${created.id}`).send({ active: false }).expect(200)
    expect((await issue(h, created.id).expect(409)).body.error.code).toBe('SERVICE_INACTIVE')
    const board = (await h.http.get('/api/centers/na-sang/board').expect(200)).body as BoardSnapshot
    expect(board.services.find((s) => s.id === created.id)).toMatchObject({ active: false, waiting: 1 })
    // the manager calls it at the counter serving that service
    await manager.post(`/api/counters/${counter.id}/open`).send({}).expect(200)
    const called = await manager.post(`/api/counters/${counter.id}/call-next`).send({}).expect(200)
    expect(called.body.ticket).toMatchObject({ id: waiting.id, status: 'called', counterNumber: 21 })
    await manager.post(`/api/tickets/${waiting.id}/start`).send({}).expect(200)
    await manager.post(`/api/tickets/${waiting.id}/complete`).send({}).expect(200)
    await manager.post(`/api/counters/${counter.id}/close`).send({}).expect(200)

    const again = (await manager.post('/api/centers/na-sang/services').send({ prefix: 'L', nameVi: 'Lao động', nameEn: 'Labour' }).expect(201)).body.service as ServiceSettings
    expect(again.prefix).toBe('L')
    const back = await manager.patch(`/api/services/${created.id}`).send({ active: true }).expect(409)
    expect(back.body.error.code).toBe('SERVICE_PREFIX_TAKEN')
  })

  it('reorders the services: the kiosk gets the new order at once, one audit row; a list that is not every service once is refused', async () => {
    const current = (await manager.get('/api/centers/na-sang/settings/services').expect(200)).body.services as ServiceSettings[]
    const order = [...current].reverse().map((s) => s.id)
    const kiosk = h.socket({ center: 'na-sang' })
    await nextEvent(kiosk, 'board:snapshot')
    const fresh = nextEvent(kiosk, 'board:snapshot')
    const res = await manager.put('/api/centers/na-sang/settings/service-order').send({ serviceIds: order }).expect(200)
    expect((res.body.services as ServiceSettings[]).map((s) => s.id)).toEqual(order)
    expect((await fresh).services.map((s) => s.id)).toEqual(order)
    const audit = (await manager.get('/api/centers/na-sang/audit?entity=center&limit=1').expect(200)).body.entries as AuditEntry[]
    expect(audit[0]).toMatchObject({ action: 'reorder', changes: { serviceOrder: { from: current.map((s) => s.prefix).join(', '), to: [...current].reverse().map((s) => s.prefix).join(', ') } } })
    await manager.put('/api/centers/na-sang/settings/service-order').send({ serviceIds: order.slice(1) }).expect(400)
    await manager.put('/api/centers/na-sang/settings/service-order').send({ serviceIds: [order[0]!, order[0]!] }).expect(400)
    await manager.put('/api/centers/na-sang/settings/service-order').send({ serviceIds: current.map((s) => s.id) }).expect(200)
    kiosk.disconnect()
  })

  it('deletes a service only while no ticket, dossier or rating names it', async () => {
    const fresh = (await manager.post('/api/centers/na-sang/services').send({ prefix: 'M', nameVi: 'Môi trường', nameEn: 'Environment' }).expect(201)).body.service as ServiceSettings
    // a service with tickets: refused, it can only be deactivated
    await issued(h, h.demo.services.A!)
    const res = await manager.delete(`/api/services/${h.demo.services.A}`).expect(409)
    expect(res.body.error).toMatchObject({ code: 'SERVICE_IN_USE' })
    expect(res.body.error.message).toContain('"A"')
    const listed = (await manager.get('/api/centers/na-sang/settings/services').expect(200)).body.services as ServiceSettings[]
    expect(listed.find((s) => s.id === h.demo.services.A)!.deletable).toBe(false)
    expect(listed.find((s) => s.id === fresh.id)!.deletable).toBe(true)
    expect((await manager.delete(`/api/services/${fresh.id}`).expect(200)).body).toEqual({ deleted: fresh.id })
    expect(await db().selectFrom('service').select('id').where('id', '=', fresh.id).executeTakeFirst()).toBeUndefined()
    const audit = (await manager.get('/api/centers/na-sang/audit?entity=service').expect(200)).body.entries as AuditEntry[]
    // labelled by what it was (the row is gone)
    expect(audit.find((e) => e.entityId === fresh.id && e.action === 'delete')).toMatchObject({ entityLabel: 'M · Môi trường', changes: { prefix: { from: 'M', to: null } } })
    await manager.delete(`/api/services/${fresh.id}`).expect(404)
  })

  it('creates a counter with its two tiers; a duplicate number is a 409 naming the field; deactivated (closed only), it is offered to no clerk and cannot be opened', async () => {
    const hId = (await db().selectFrom('service').select('id').where('center_id', '=', na()).where('prefix', '=', 'H').executeTakeFirstOrThrow()).id
    const res = await manager.post('/api/centers/na-sang/counters').send({ number: 7, name: 'Quầy tư pháp', services: { primary: [hId], backup: [h.demo.services.B] } }).expect(201)
    const c7 = res.body.counter as CounterSettings
    expect(c7).toMatchObject({ number: 7, name: 'Quầy tư pháp', status: 'closed', active: true, primary: [hId], backup: [h.demo.services.B] })
    const dup = await manager.post('/api/centers/na-sang/counters').send({ number: 7, services: { primary: [hId], backup: [] } }).expect(409)
    expect(dup.body.error).toMatchObject({ code: 'COUNTER_NUMBER_TAKEN', message: 'Số quầy 7 đã có ở trung tâm này.', details: [{ path: 'body.number' }] })
    await manager.post('/api/centers/na-sang/counters').send({ number: 8, services: { primary: [], backup: [] } }).expect(400)
    await manager.post('/api/centers/na-sang/counters').send({ number: 0, services: { primary: [hId], backup: [] } }).expect(400)
    // another center's service: refused
    const mpService = (await db().selectFrom('service').innerJoin('center', 'center.id', 'service.center_id').select('service.id').where('center.slug', '=', 'muong-pon').executeTakeFirstOrThrow()).id
    await manager.post('/api/centers/na-sang/counters').send({ number: 9, services: { primary: [mpService], backup: [] } }).expect(404)

    // a clerk opens it and gets the H ticket
    await clerk.post(`/api/counters/${c7.id}/open`).send({}).expect(200)
    const deact = await manager.patch(`/api/counters/${c7.id}`).send({ active: false }).expect(409)
    expect(deact.body.error.code).toBe('COUNTER_NOT_CLOSED')
    await clerk.post(`/api/counters/${c7.id}/close`).send({}).expect(200)
    const off = await manager.patch(`/api/counters/${c7.id}`).send({ active: false }).expect(200)
    expect(off.body.counter).toMatchObject({ active: false })
    const consoleList = (await clerk.get('/api/centers/na-sang/counters').expect(200)).body as StaffCountersResponse
    expect(consoleList.counters.map((c) => c.number)).not.toContain(7)
    expect(((await h.http.get('/api/centers/na-sang/board')).body as BoardSnapshot).counters.map((c) => c.number)).not.toContain(7)
    expect((await clerk.post(`/api/counters/${c7.id}/open`).send({}).expect(409)).body.error.code).toBe('COUNTER_INACTIVE')
    await manager.patch(`/api/counters/${c7.id}`).send({ active: true }).expect(200)
    expect((await clerk.get('/api/centers/na-sang/counters').expect(200)).body.counters.map((c: { number: number }) => c.number)).toContain(7)
    const audit = (await manager.get('/api/centers/na-sang/audit?entity=settings').expect(200)).body.entries as AuditEntry[]
    const mine = audit.filter((e) => e.entityId === c7.id)
    expect(mine.map((e) => [e.action, e.changes])).toEqual([
      ['update', { active: { from: false, to: true } }],
      ['update', { active: { from: true, to: false } }],
      ['create', { number: { from: null, to: 7 }, name: { from: null, to: 'Quầy tư pháp' }, primary: { from: null, to: 'H' }, backup: { from: null, to: 'B' } }],
    ])
  })
})
