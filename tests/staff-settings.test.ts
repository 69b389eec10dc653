// The manager's service settings: validation, roles, center scoping, the audit trail, and pages told live.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DEMO_HOURS } from '../db/seed-demo.js'
import { backends } from './helpers/db.js'
import type { DbKind } from '../db/create-db.js'
import { addOtherCenter, nextEvent, startHarness, TEST_PASSWORD, type Harness } from './helpers/harness.js'
import { addCounter, addService, issue, issued, openLine, type Agent } from './queue-fixtures.js'
import { MINUTE } from './helpers/clock.js'
import type { AuditEntry, CenterSettings, CounterSettings, FloorResponse, PriorityGroupSettings, ProcedureSettings, ServiceSettings, StaffAccount } from '../common/staff-types.js'
import type { PriorityGroupView, ProcedureView } from '../common/types.js'
import supertest from 'supertest'
import { Writable } from 'node:stream'
import { pino } from 'pino'

/** A server with a second center, and the sessions every settings test needs. */
async function settingsCast(kind: DbKind) {
  const h = await startHarness(kind)
  await addOtherCenter(h)
  const [manager, admin, clerk, otherManager] = await Promise.all(
    (['quanly', 'quantri', 'canbo1', 'quanly.muongpon'] as const).map((u) => h.login(u))) as [Agent, Agent, Agent, Agent]
  return { h, manager, admin, clerk, otherManager }
}

describe.each(backends)('service settings on %s', (kind) => {
  let h: Harness
  let manager: Agent, admin: Agent, clerk: Agent, otherManager: Agent

  beforeAll(async () => {
    ;({ h, manager, admin, clerk, otherManager } = await settingsCast(kind))
  }, 60_000)
  afterAll(async () => { await h?.close() })

  it('lists the center’s services with every setting', async () => {
    const res = await manager.get('/api/centers/na-sang/settings/services').expect(200)
    const a = (res.body.services as ServiceSettings[]).find((s) => s.prefix === 'A')
    expect(a).toEqual({ id: h.demo.services.A, code: 'ho-tich', prefix: 'A', nameVi: 'Hộ tịch', nameEn: 'Civil status', icon: 'family', active: true,
      targetWaitMinutes: 15, dailyCap: null, defaultServiceMinutes: 8, deletable: true })
    await admin.get('/api/centers/na-sang/settings/services').expect(200)
  })

  it('changes names and target wait: one audit row with from/to, and every page of the center gets a fresh board at once', async () => {
    const svc = await addService(h)
    const display = h.socket({ center: 'na-sang' })
    await nextEvent(display, 'board:snapshot')
    const fresh = nextEvent(display, 'board:snapshot')
    const res = await manager.patch(`/api/services/${svc.id}`).send({ nameVi: '  Hộ tịch – Khai sinh ', targetWaitMinutes: 25, icon: 'family' }).expect(200)
    expect(res.body.service).toMatchObject({ id: svc.id, nameVi: 'Hộ tịch – Khai sinh', targetWaitMinutes: 25, icon: 'family' })
    const snapshot = await fresh
    expect(snapshot.services.find((s) => s.id === svc.id)).toMatchObject({ nameVi: 'Hộ tịch – Khai sinh', targetWaitMinutes: 25 })
    expect(snapshot.seq).toBe((await h.http.get('/api/centers/na-sang/board')).body.seq)

    const audit = (await manager.get('/api/centers/na-sang/audit?entity=service').expect(200)).body.entries as AuditEntry[]
    expect(audit[0]).toMatchObject({
      staffName: 'Lò Văn Thắng', entity: 'service', entityId: svc.id, entityLabel: `${svc.prefix} · Hộ tịch – Khai sinh`, action: 'update',
      changes: { nameVi: { from: `Dịch vụ ${svc.prefix}`, to: 'Hộ tịch – Khai sinh' }, targetWaitMinutes: { from: 15, to: 25 }, icon: { from: '', to: 'family' } },
    })
    expect(audit[0]!.at).toBe(h.clock().toISOString())

    // the same values again change nothing and record nothing
    await manager.patch(`/api/services/${svc.id}`).send({ nameVi: 'Hộ tịch – Khai sinh', targetWaitMinutes: 25 }).expect(200)
    const again = (await manager.get('/api/centers/na-sang/audit').expect(200)).body.entries as AuditEntry[]
    expect(again.filter((e) => e.entityId === svc.id)).toHaveLength(1)
    display.disconnect()
  })

  it('an inactive service issues no ticket; a daily cap stops issuing once reached; both are undone by setting them back', async () => {
    const svc = await addService(h)
    await manager.patch(`/api/services/${svc.id}`).send({ active: false }).expect(200)
    expect((await issue(h, svc.id).expect(409)).body.error.code).toBe('SERVICE_INACTIVE')
    await manager.patch(`/api/services/${svc.id}`).send({ active: true, dailyCap: 1 }).expect(200)
    await issue(h, svc.id).expect(201)
    expect((await issue(h, svc.id).expect(409)).body.error.code).toBe('DAILY_CAP_REACHED')
    const res = await manager.patch(`/api/services/${svc.id}`).send({ dailyCap: null }).expect(200)
    expect(res.body.service.dailyCap).toBeNull()
    await issue(h, svc.id).expect(201)
    const audit = (await admin.get('/api/centers/na-sang/audit?entity=service&limit=3').expect(200)).body.entries as AuditEntry[]
    expect(audit.map((e) => e.changes)).toEqual([
      { dailyCap: { from: 1, to: null } },
      { active: { from: false, to: true }, dailyCap: { from: null, to: 1 } },
      { active: { from: true, to: false } },
    ])
    expect(audit[2]!.staffName).toBe('Lò Văn Thắng')
  })

  it('reports every problem of a bad change at once, and changes nothing', async () => {
    const svc = await addService(h)
    const res = await manager.patch(`/api/services/${svc.id}`).send({ nameVi: '   ', targetWaitMinutes: 0, dailyCap: 1.5, active: 'yes', prefix: 'Z' }).expect(400)
    expect(res.body.error.code).toBe('VALIDATION_FAILED')
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(
      ['body.active', 'body.dailyCap', 'body.nameVi', 'body.prefix', 'body.targetWaitMinutes'])
    expect((await manager.patch('/api/services/abc').send({}).expect(400)).body.error.details[0].path).toBe('params.id')
    expect((await manager.patch('/api/services/00000000-0000-4000-8000-000000000000').send({ active: false }).expect(404)).body.error.code).toBe('SERVICE_NOT_FOUND')
    expect((await manager.get('/api/centers/na-sang/audit?limit=0').expect(400)).body.error.details[0].path).toBe('query.limit')
    const badQuery = await manager.get('/api/centers/na-sang/audit?entity=docket&day=23-11-2026&staff=me').expect(400)
    expect(badQuery.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['query.day', 'query.entity', 'query.staff'])
    expect((await manager.get('/api/centers/NA/settings/services').expect(400)).body.error.code).toBe('VALIDATION_FAILED')
    const after = (await manager.get('/api/centers/na-sang/settings/services').expect(200)).body.services as ServiceSettings[]
    expect(after.find((s) => s.id === svc.id)).toMatchObject({ nameVi: `Dịch vụ ${svc.prefix}`, targetWaitMinutes: 15, active: true })
  })

  it('is for the center’s managers and admins: clerks 403, nobody 401, another center’s manager 403', async () => {
    const svc = await addService(h)
    for (const [agent, status, code] of [[clerk, 403, 'FORBIDDEN'], [h.http, 401, 'AUTH_REQUIRED'], [otherManager, 403, 'WRONG_CENTER']] as const) {
      expect((await agent.patch(`/api/services/${svc.id}`).send({ active: false }).expect(status)).body.error.code).toBe(code)
      expect((await agent.get('/api/centers/na-sang/settings/services').expect(status)).body.error.code).toBe(code)
      expect((await agent.get('/api/centers/na-sang/audit').expect(status)).body.error.code).toBe(code)
    }
    // a foreign page cannot make the manager's browser change a setting
    expect((await manager.patch(`/api/services/${svc.id}`).set('Origin', 'http://evil.example').send({ active: false }).expect(403)).body.error.code).toBe('ORIGIN_MISMATCH')
    const after = (await admin.get('/api/centers/na-sang/settings/services').expect(200)).body.services as ServiceSettings[]
    expect(after.find((s) => s.id === svc.id)!.active).toBe(true)
  })
  it('the activity log says who did what to which ticket and counter, filterable by kind, staff and day', async () => {
    const line = await openLine(h) // a counter opened by a new clerk
    const t = await issued(h, line.serviceId) // by a citizen: not staff activity
    h.clock.advance(MINUTE)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
    h.clock.advance(MINUTE)
    await line.clerk.post(`/api/tickets/${t.id}/start`).send({}).expect(200)
    const mine = (await manager.get(`/api/centers/na-sang/audit?staff=${line.staffId}`).expect(200)).body.entries as AuditEntry[]
    expect(mine.map((e) => [e.entity, e.action, e.entityLabel])).toEqual([
      ['ticket', 'started', t.code], ['ticket', 'called', t.code], ['counter', 'open', String(line.counterNumber)]])
    expect(mine[0]).toMatchObject({ staffId: line.staffId, staffName: `Cán bộ ${(await h.handle.db.selectFrom('staff').select('username').where('id', '=', line.staffId).executeTakeFirstOrThrow()).username}`,
      entityId: t.id, changes: { status: { from: 'called', to: 'serving' }, counter: { from: null, to: line.counterNumber } } })
    const counters = (await manager.get(`/api/centers/na-sang/audit?entity=counter&staff=${line.staffId}`).expect(200)).body.entries as AuditEntry[]
    expect(counters.map((e) => e.action)).toEqual(['open'])
    expect((await manager.get(`/api/centers/na-sang/audit?day=2026-11-22&staff=${line.staffId}`).expect(200)).body.entries).toEqual([])
    const today = (await manager.get(`/api/centers/na-sang/audit?staff=${line.staffId}`).expect(200)).body
    expect(today.day).toBe('2026-11-23')
    expect((await manager.get(`/api/centers/na-sang/audit?day=2026-11-23&staff=${line.staffId}`).expect(200)).body.entries).toHaveLength(3)
  })
})

describe.each(backends)('counter, hours and announcement settings on %s', (kind) => {
  let h: Harness
  let manager: Agent, admin: Agent, clerk: Agent, otherManager: Agent

  beforeAll(async () => {
    ;({ h, manager, admin, clerk, otherManager } = await settingsCast(kind))
  }, 60_000)
  afterAll(async () => { await h?.close() })

  it('lists every counter with its primary and backup services', async () => {
    const res = await manager.get('/api/centers/na-sang/settings/counters').expect(200)
    const counters = res.body.counters as CounterSettings[]
    expect(counters[0]).toMatchObject({ id: h.demo.counters[1], number: 1, name: 'Quầy số 1', status: 'closed' })
    for (const c of counters) {
      expect(c.primary.length).toBeGreaterThan(0)
      expect(c.primary.filter((id) => c.backup.includes(id))).toEqual([])
    }
    await admin.get('/api/centers/na-sang/settings/counters').expect(200)
  })

  it('an open counter gets new services and keeps working: call-next takes from the new backup tier; one audit row, a fresh board', async () => {
    const line = await openLine(h)
    const extra = await addService(h)
    const t = await issued(h, extra.id)
    const display = h.socket({ center: 'na-sang' })
    await nextEvent(display, 'board:snapshot')
    const fresh = nextEvent(display, 'board:snapshot')
    const res = await manager.patch(`/api/counters/${line.counterId}`).send({ name: '  Quầy ưu tiên ', services: { primary: [line.serviceId], backup: [extra.id] } }).expect(200)
    expect(res.body.counter).toEqual({ id: line.counterId, number: line.counterNumber, name: 'Quầy ưu tiên', status: 'open', primary: [line.serviceId], backup: [extra.id], active: true })
    const snapshot = await fresh
    expect(snapshot.counters.find((c) => c.id === line.counterId)).toMatchObject({ name: 'Quầy ưu tiên', status: 'open' })
    // still open, same clerk: the new backup service's ticket is called
    const called = await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
    expect(called.body.ticket).toMatchObject({ id: t.id, status: 'called' })

    const audit = (await manager.get('/api/centers/na-sang/audit?entity=counter').expect(200)).body.entries as AuditEntry[]
    const row = audit.find((e) => e.action === 'update')!
    expect(row).toMatchObject({ staffName: 'Lò Văn Thắng', entity: 'counter', entityId: line.counterId, entityLabel: String(line.counterNumber),
      changes: { name: { from: `Quầy ${line.counterNumber}`, to: 'Quầy ưu tiên' }, backup: { from: '', to: extra.prefix } } })
    expect(row.changes.primary).toBeUndefined()
    // the same again: nothing written
    await manager.patch(`/api/counters/${line.counterId}`).send({ name: 'Quầy ưu tiên', services: { primary: [line.serviceId], backup: [extra.id] } }).expect(200)
    const again = (await manager.get('/api/centers/na-sang/audit?entity=counter').expect(200)).body.entries as AuditEntry[]
    expect(again.filter((e) => e.entityId === line.counterId && e.action === 'update')).toHaveLength(1)
    display.disconnect()
  })

  it('refuses a counter change without a primary service, with a service in both tiers, or another center’s service; changes nothing', async () => {
    const a = await addService(h), b = await addService(h)
    const counter = await addCounter(h, [a.id])
    const bad = async (body: object, status = 400) => (await manager.patch(`/api/counters/${counter.id}`).send(body).expect(status)).body.error
    expect((await bad({ services: { primary: [], backup: [b.id] } })).details.map((d: { path: string }) => d.path)).toEqual(['body.services.primary'])
    expect((await bad({ services: { primary: [a.id], backup: [a.id] } })).details.map((d: { path: string }) => d.path)).toEqual(['body.services.backup.0'])
    expect((await bad({ name: 'x'.repeat(61), services: { primary: ['nope'] }, number: 9 })).details.map((d: { path: string }) => d.path).sort())
      .toEqual(['body.name', 'body.number', 'body.services.backup', 'body.services.primary.0'])
    const foreign = await h.handle.db.insertInto('service').values({ center_id: (await h.handle.db.selectFrom('center').select('id').where('slug', '=', 'muong-pon').executeTakeFirstOrThrow()).id,
      code: 'mp-a', prefix: 'A', name_vi: 'Hộ tịch', name_en: 'Civil status' }).returning('id').executeTakeFirstOrThrow()
    expect((await bad({ services: { primary: [foreign.id], backup: [] } }, 404)).code).toBe('SERVICE_NOT_FOUND')
    expect((await manager.patch('/api/counters/00000000-0000-4000-8000-000000000000').send({ name: 'X' }).expect(404)).body.error.code).toBe('COUNTER_NOT_FOUND')
    const after = ((await manager.get('/api/centers/na-sang/settings/counters').expect(200)).body.counters as CounterSettings[]).find((c) => c.id === counter.id)
    expect(after).toMatchObject({ name: `Quầy ${counter.number}`, primary: [a.id], backup: [] })
  })

  it('changes opening hours, cut-off and announcement: one audit row, the board says so at once; issuing follows the new cut-off', async () => {
    const before = (await manager.get('/api/centers/na-sang/settings/center').expect(200)).body.center as CenterSettings
    expect(before).toMatchObject({ slug: 'na-sang', ticketCutoff: '16:30', openingHours: DEMO_HOURS, announcementTemplate: 'Xin mời công dân có số thứ tự {code} đến quầy số {counter}' })
    const display = h.socket({ center: 'na-sang' })
    await nextEvent(display, 'board:snapshot')
    const fresh = nextEvent(display, 'board:snapshot')
    const res = await manager.patch('/api/centers/na-sang/settings/center').send({
      openingHours: { 1: [['07:00', '08:45']], 6: [['07:30', '11:00']] }, ticketCutoff: '08:30', announcementTemplate: ' Mời số {code} đến quầy {counter} ',
    }).expect(200)
    expect(res.body.center).toMatchObject({ ticketCutoff: '08:30', announcementTemplate: 'Mời số {code} đến quầy {counter}',
      openingHours: { ...DEMO_HOURS, 1: [['07:00', '08:45']], 6: [['07:30', '11:00']] } })
    const snapshot = await fresh
    expect(snapshot).toMatchObject({ hoursToday: '07:00–08:45', ticketCutoff: '08:30', announcementTemplate: 'Mời số {code} đến quầy {counter}', acceptingTickets: false })
    // it is 09:00: past the new cut-off
    expect((await issue(h, h.demo.services.A!).expect(409)).body.error.code).toBe('AFTER_CUTOFF')
    const audit = (await manager.get('/api/centers/na-sang/audit?entity=center').expect(200)).body.entries as AuditEntry[]
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ entity: 'center', entityLabel: expect.stringContaining('Na Sang'), changes: {
      day1: { from: '07:00–11:30, 13:30–17:00', to: '07:00–08:45' }, day6: { from: '', to: '07:30–11:00' },
      ticketCutoff: { from: '16:30', to: '08:30' }, announcementTemplate: { from: before.announcementTemplate, to: 'Mời số {code} đến quầy {counter}' } } })
    // back as it was (a closed day: an empty list)
    await manager.patch('/api/centers/na-sang/settings/center').send({ openingHours: { 1: DEMO_HOURS[1], 6: [] }, ticketCutoff: '16:30', announcementTemplate: before.announcementTemplate }).expect(200)
    expect((await manager.get('/api/centers/na-sang/settings/center').expect(200)).body.center).toEqual(before)
    await issue(h, h.demo.services.A!).expect(201)
    display.disconnect()
  })

  it('refuses hours out of order or overlapping, a bad cut-off, an announcement without {code} or {counter}; changes nothing', async () => {
    const res = await manager.patch('/api/centers/na-sang/settings/center').send({
      openingHours: { 1: [['13:30', '17:00'], ['07:00', '11:30']], 2: [['07:00', '12:00'], ['11:00', '17:00']], 3: [['11:00', '10:00']], 4: [['7:00', '11:00']], 8: [] },
      ticketCutoff: '25:00', announcementTemplate: 'Mời số {code}',
    }).expect(400)
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'body.announcementTemplate', 'body.openingHours.1.1', 'body.openingHours.2.1', 'body.openingHours.3.0', 'body.openingHours.4.0',
      'body.openingHours.4.0.0', 'body.openingHours.8', 'body.ticketCutoff'])
    expect((await manager.get('/api/centers/na-sang/settings/center').expect(200)).body.center).toMatchObject({ ticketCutoff: '16:30', openingHours: DEMO_HOURS })
  })

  it('is for the center’s managers and admins: clerks 403, nobody 401, another center’s manager 403', async () => {
    const counter = await addCounter(h, [h.demo.services.A!])
    for (const [agent, status, code] of [[clerk, 403, 'FORBIDDEN'], [h.http, 401, 'AUTH_REQUIRED'], [otherManager, 403, 'WRONG_CENTER']] as const) {
      expect((await agent.get('/api/centers/na-sang/settings/counters').expect(status)).body.error.code).toBe(code)
      expect((await agent.patch(`/api/counters/${counter.id}`).send({ name: 'X' }).expect(status)).body.error.code).toBe(code)
      expect((await agent.get('/api/centers/na-sang/settings/center').expect(status)).body.error.code).toBe(code)
      expect((await agent.patch('/api/centers/na-sang/settings/center').send({ ticketCutoff: null }).expect(status)).body.error.code).toBe(code)
    }
    expect((await manager.patch('/api/centers/na-sang/settings/center').set('Origin', 'http://evil.example').send({ ticketCutoff: null }).expect(403)).body.error.code).toBe('ORIGIN_MISMATCH')
    // an admin may change any center
    await admin.patch(`/api/counters/${counter.id}`).send({ name: 'Quầy thử' }).expect(200)
    expect((await manager.get('/api/centers/na-sang/settings/center').expect(200)).body.center.ticketCutoff).toBe('16:30')
  })
})

const paths = (res: { body: { error: { details: { path: string }[] } } }) => res.body.error.details.map((d) => d.path).sort()

describe.each(backends)('procedure settings on %s', (kind) => {
  let h: Harness
  let manager: Agent, admin: Agent, clerk: Agent, otherManager: Agent
  const lookup = async () => (await h.http.get('/api/centers/na-sang/procedures').expect(200)).body.procedures as ProcedureView[]

  beforeAll(async () => {
    ;({ h, manager, admin, clerk, otherManager } = await settingsCast(kind))
  }, 60_000)
  afterAll(async () => { await h?.close() })

  it('lists every procedure of the center with its service, days, fee and documents', async () => {
    const list = (await manager.get('/api/centers/na-sang/settings/procedures').expect(200)).body.procedures as ProcedureSettings[]
    expect(list).toHaveLength(16)
    expect(list.find((p) => p.code === 'khai-sinh')).toEqual({ id: expect.any(String), code: 'khai-sinh', serviceId: h.demo.services.A, nameVi: 'Đăng ký khai sinh',
      nameEn: 'Birth registration', processingDays: 1, feeVnd: 0, feeNote: 'Miễn lệ phí', active: true,
      documents: ['Tờ khai đăng ký khai sinh', 'Giấy chứng sinh', 'Giấy tờ tùy thân của người đi đăng ký'], nationalCode: null, onlineLevel: 'info' })
    await admin.get('/api/centers/na-sang/settings/procedures').expect(200)
  })

  it('creates a procedure and edits every field: the kiosk lookup shows it at once; one audit row each', async () => {
    const created = await manager.post('/api/centers/na-sang/procedures').send({ serviceId: h.demo.services.B, code: 'ct-di-chuc', nameVi: ' Chứng thực di chúc ',
      nameEn: 'Certification of a will', processingDays: 2, feeVnd: 50000 }).expect(201)
    const p = created.body.procedure as ProcedureSettings
    expect(p).toEqual({ id: expect.any(String), code: 'ct-di-chuc', serviceId: h.demo.services.B, nameVi: 'Chứng thực di chúc', nameEn: 'Certification of a will',
      processingDays: 2, feeVnd: 50000, feeNote: '', documents: [], active: true, nationalCode: null, onlineLevel: 'info' })
    expect((await lookup()).find((x) => x.id === p.id)).toMatchObject({ code: 'ct-di-chuc', serviceNameVi: 'Chứng thực', processingDays: 2, feeVnd: 50000 })

    const edited = await manager.patch(`/api/procedures/${p.id}`).send({ serviceId: h.demo.services.A, code: 'di-chuc', processingDays: 3, feeVnd: 60000,
      feeNote: '60.000 đồng/văn bản', documents: ['Dự thảo di chúc', ' Giấy tờ tùy thân '] }).expect(200)
    expect(edited.body.procedure).toMatchObject({ code: 'di-chuc', serviceId: h.demo.services.A, processingDays: 3, documents: ['Dự thảo di chúc', 'Giấy tờ tùy thân'] })
    expect((await lookup()).find((x) => x.id === p.id)).toMatchObject({ code: 'di-chuc', serviceNameVi: 'Hộ tịch', processingDays: 3, feeVnd: 60000,
      feeNote: '60.000 đồng/văn bản', documents: ['Dự thảo di chúc', 'Giấy tờ tùy thân'] })

    // deactivated, not deleted: the lookup no longer lists it, the settings still do
    await manager.patch(`/api/procedures/${p.id}`).send({ active: false }).expect(200)
    expect((await lookup()).some((x) => x.id === p.id)).toBe(false)
    expect(((await manager.get('/api/centers/na-sang/settings/procedures').expect(200)).body.procedures as ProcedureSettings[]).find((x) => x.id === p.id)!.active).toBe(false)
    // the same values again: nothing written
    await manager.patch(`/api/procedures/${p.id}`).send({ active: false, documents: ['Dự thảo di chúc', 'Giấy tờ tùy thân'] }).expect(200)

    const audit = (await manager.get('/api/centers/na-sang/audit?entity=procedure').expect(200)).body.entries as AuditEntry[]
    expect(audit.map((e) => [e.action, e.entityLabel, e.staffName])).toEqual([
      ['update', 'di-chuc · Chứng thực di chúc', 'Lò Văn Thắng'], ['update', 'di-chuc · Chứng thực di chúc', 'Lò Văn Thắng'], ['create', 'di-chuc · Chứng thực di chúc', 'Lò Văn Thắng']])
    expect(audit[0]!.changes).toEqual({ active: { from: true, to: false } })
    expect(audit[1]!.changes).toEqual({ serviceId: { from: h.demo.services.B, to: h.demo.services.A }, code: { from: 'ct-di-chuc', to: 'di-chuc' },
      processingDays: { from: 2, to: 3 }, feeVnd: { from: 50000, to: 60000 }, feeNote: { from: '', to: '60.000 đồng/văn bản' },
      documents: { from: [], to: ['Dự thảo di chúc', 'Giấy tờ tùy thân'] } })
    expect(audit[2]!.changes).toMatchObject({ code: { from: null, to: 'ct-di-chuc' }, nameVi: { from: null, to: 'Chứng thực di chúc' }, active: { from: null, to: true } })
  })

  it('reports every problem of a bad procedure at once; a taken code, another center’s service or an unknown id are refused; nothing changes', async () => {
    const before = await lookup()
    const bad = await manager.post('/api/centers/na-sang/procedures').send({ serviceId: 'x', code: 'Khai Sinh', nameVi: '', processingDays: -1, feeVnd: 1.5,
      documents: ['Giấy chứng sinh', 'giấy chứng sinh', ''], extra: 1 }).expect(400)
    expect(paths(bad)).toEqual(['body.code', 'body.documents.1', 'body.documents.2', 'body.extra', 'body.feeVnd', 'body.nameEn', 'body.nameVi', 'body.processingDays', 'body.serviceId'])
    const taken = await manager.post('/api/centers/na-sang/procedures').send({ serviceId: h.demo.services.A, code: 'khai-sinh', nameVi: 'X', nameEn: 'X', processingDays: 1, feeVnd: 0 }).expect(409)
    expect(taken.body.error).toMatchObject({ code: 'PROCEDURE_CODE_TAKEN', message: 'Mã nội bộ "khai-sinh" đã được dùng cho một thủ tục khác.' })
    const kt = before.find((p) => p.code === 'ket-hon')!
    expect((await manager.patch(`/api/procedures/${kt.id}`).send({ code: 'khai-sinh' }).expect(409)).body.error.code).toBe('PROCEDURE_CODE_TAKEN')
    const foreign = await h.handle.db.insertInto('service').values({ center_id: (await h.handle.db.selectFrom('center').select('id').where('slug', '=', 'muong-pon').executeTakeFirstOrThrow()).id,
      code: 'mp-b', prefix: 'B', name_vi: 'Chứng thực', name_en: 'Certification' }).returning('id').executeTakeFirstOrThrow()
    expect((await manager.patch(`/api/procedures/${kt.id}`).send({ serviceId: foreign.id }).expect(404)).body.error.code).toBe('SERVICE_NOT_FOUND')
    expect((await manager.patch('/api/procedures/00000000-0000-4000-8000-000000000000').send({ active: false }).expect(404)).body.error.code).toBe('PROCEDURE_NOT_FOUND')
    expect(paths(await manager.patch(`/api/procedures/${kt.id}`).send({ processingDays: 366, documents: 'x' }).expect(400))).toEqual(['body.documents', 'body.processingDays'])
    expect(await lookup()).toEqual(before)
  })

  it('is for the center’s managers and admins: clerks 403, nobody 401, another center’s manager 403', async () => {
    const p = (await lookup())[0]!
    const body = { serviceId: h.demo.services.A, code: 'thu-quyen', nameVi: 'Thử', nameEn: 'Try', processingDays: 1, feeVnd: 0 }
    for (const [agent, status, code] of [[clerk, 403, 'FORBIDDEN'], [h.http, 401, 'AUTH_REQUIRED'], [otherManager, 403, 'WRONG_CENTER']] as const) {
      expect((await agent.get('/api/centers/na-sang/settings/procedures').expect(status)).body.error.code).toBe(code)
      expect((await agent.post('/api/centers/na-sang/procedures').send(body).expect(status)).body.error.code).toBe(code)
      expect((await agent.patch(`/api/procedures/${p.id}`).send({ active: false }).expect(status)).body.error.code).toBe(code)
    }
    expect((await lookup())[0]).toEqual(p)
  })
})

describe.each(backends)('priority group settings on %s', (kind) => {
  let h: Harness
  let manager: Agent, admin: Agent, clerk: Agent, otherManager: Agent
  const kioskGroups = async () => (await h.http.get('/api/centers/na-sang/priority-groups').expect(200)).body.priorityGroups as PriorityGroupView[]

  beforeAll(async () => {
    ;({ h, manager, admin, clerk, otherManager } = await settingsCast(kind))
  }, 60_000)
  afterAll(async () => { await h?.close() })

  it('a new bonus orders tickets issued after the change; those already waiting keep their place', async () => {
    const groups = (await manager.get('/api/centers/na-sang/settings/priority-groups').expect(200)).body.priorityGroups as PriorityGroupSettings[]
    expect(groups.map((g) => [g.code, g.bonusMinutes, g.active])).toEqual([['tre-em-duoi-6', 30, true], ['phu-nu-mang-thai', 30, true],
      ['nguoi-khuyet-tat-nang', 30, true], ['nguoi-cao-tuoi', 30, true], ['nguoi-co-cong', 30, true]])
    const elderly = groups.find((g) => g.code === 'nguoi-cao-tuoi')!
    const line = await openLine(h)
    const early = await issued(h, line.serviceId, { priorityGroup: 'nguoi-cao-tuoi' }) // 09:00, counts from 08:30
    h.clock.advance(MINUTE)
    const plain = await issued(h, line.serviceId) // 09:01

    const display = h.socket({ center: 'na-sang' })
    await nextEvent(display, 'board:snapshot')
    const fresh = nextEvent(display, 'board:snapshot')
    const res = await manager.patch(`/api/priority-groups/${elderly.id}`).send({ bonusMinutes: 0, nameVi: ' Người cao tuổi (từ 75 tuổi) ' }).expect(200)
    expect(res.body.priorityGroup).toEqual({ ...elderly, bonusMinutes: 0, nameVi: 'Người cao tuổi (từ 75 tuổi)' })
    await fresh // kiosks refetch their choices
    expect((await kioskGroups()).find((g) => g.code === 'nguoi-cao-tuoi')).toMatchObject({ bonusMinutes: 0, nameVi: 'Người cao tuổi (từ 75 tuổi)' })

    h.clock.advance(MINUTE)
    const late = await issued(h, line.serviceId, { priorityGroup: 'nguoi-cao-tuoi' }) // 09:02 with no bonus
    expect(new Date(early.queueAt).getTime()).toBe(new Date(early.issuedAt).getTime() - 30 * MINUTE)
    expect(late.queueAt).toBe(late.issuedAt)
    const queue = (await line.clerk.get(`/api/counters/${line.counterId}/queue`).expect(200)).body.waiting as { id: string }[]
    expect(queue.map((t) => t.id)).toEqual([early.id, plain.id, late.id])

    const audit = (await admin.get('/api/centers/na-sang/audit?entity=priority_group').expect(200)).body.entries as AuditEntry[]
    expect(audit[0]).toMatchObject({ entityId: elderly.id, entityLabel: 'Người cao tuổi (từ 75 tuổi)', action: 'update', staffName: 'Lò Văn Thắng',
      changes: { bonusMinutes: { from: 30, to: 0 }, nameVi: { from: 'Người từ 75 tuổi trở lên', to: 'Người cao tuổi (từ 75 tuổi)' } } })
    display.disconnect()
  })

  it('adds a group at the end of the kiosk’s list; a deactivated group is no longer offered nor accepted', async () => {
    const line = await openLine(h)
    const res = await manager.post('/api/centers/na-sang/priority-groups').send({ code: 'thuong-binh', nameVi: 'Thương binh', nameEn: 'War invalid', bonusMinutes: 45 }).expect(201)
    const g = res.body.priorityGroup as PriorityGroupSettings
    expect(g).toEqual({ id: expect.any(String), code: 'thuong-binh', nameVi: 'Thương binh', nameEn: 'War invalid', bonusMinutes: 45, active: true })
    expect((await kioskGroups()).at(-1)).toEqual({ id: g.id, code: 'thuong-binh', nameVi: 'Thương binh', nameEn: 'War invalid', bonusMinutes: 45 })
    const t = await issued(h, line.serviceId, { priorityGroup: 'thuong-binh' })
    expect(new Date(t.issuedAt).getTime() - new Date(t.queueAt).getTime()).toBe(45 * MINUTE)

    await manager.patch(`/api/priority-groups/${g.id}`).send({ active: false }).expect(200)
    expect((await kioskGroups()).some((x) => x.code === 'thuong-binh')).toBe(false)
    expect((await issue(h, line.serviceId, { priorityGroup: 'thuong-binh' }).expect(404)).body.error.code).toBe('PRIORITY_GROUP_NOT_FOUND')
    const audit = (await manager.get('/api/centers/na-sang/audit?entity=priority_group').expect(200)).body.entries as AuditEntry[]
    expect(audit.slice(0, 2).map((e) => [e.action, e.changes])).toEqual([
      ['update', { active: { from: true, to: false } }],
      ['create', { code: { from: null, to: 'thuong-binh' }, nameVi: { from: null, to: 'Thương binh' }, nameEn: { from: null, to: 'War invalid' }, bonusMinutes: { from: null, to: 45 }, active: { from: null, to: true } }]])
  })

  it('refuses a bonus outside 0–600, empty names, a bad or taken code, a code change; and other roles', async () => {
    const before = await kioskGroups()
    const g = before[0]!
    expect(paths(await manager.post('/api/centers/na-sang/priority-groups').send({ code: 'Ưu tiên', nameVi: ' ', bonusMinutes: 601 }).expect(400)))
      .toEqual(['body.bonusMinutes', 'body.code', 'body.nameEn', 'body.nameVi'])
    expect(paths(await manager.patch(`/api/priority-groups/${g.id}`).send({ bonusMinutes: -1, code: 'x', active: 'no' }).expect(400)))
      .toEqual(['body.active', 'body.bonusMinutes', 'body.code'])
    expect((await manager.post('/api/centers/na-sang/priority-groups').send({ code: g.code, nameVi: 'A', nameEn: 'A', bonusMinutes: 10 }).expect(409)).body.error.code).toBe('PRIORITY_GROUP_CODE_TAKEN')
    expect((await manager.patch('/api/priority-groups/00000000-0000-4000-8000-000000000000').send({ bonusMinutes: 1 }).expect(404)).body.error.code).toBe('PRIORITY_GROUP_NOT_FOUND')
    for (const [agent, status, code] of [[clerk, 403, 'FORBIDDEN'], [h.http, 401, 'AUTH_REQUIRED'], [otherManager, 403, 'WRONG_CENTER']] as const) {
      expect((await agent.get('/api/centers/na-sang/settings/priority-groups').expect(status)).body.error.code).toBe(code)
      expect((await agent.post('/api/centers/na-sang/priority-groups').send({ code: 'thu', nameVi: 'A', nameEn: 'A', bonusMinutes: 10 }).expect(status)).body.error.code).toBe(code)
      expect((await agent.patch(`/api/priority-groups/${g.id}`).send({ bonusMinutes: 600 }).expect(status)).body.error.code).toBe(code)
    }
    expect(await kioskGroups()).toEqual(before)
  })
})

describe.each(backends)('the pause-alert limit on %s', (kind) => {
  let h: Harness
  let manager: Agent, clerk: Agent

  beforeAll(async () => {
    ;({ h, manager, clerk } = await settingsCast(kind))
  }, 60_000)
  afterAll(async () => { await h?.close() })

  it('is 30 minutes until the manager sets it; the floor alerts from the center’s own limit', async () => {
    expect((await manager.get('/api/centers/na-sang/settings/center').expect(200)).body.center.pauseAlertMinutes).toBe(30)
    const res = await manager.patch('/api/centers/na-sang/settings/center').send({ pauseAlertMinutes: 5 }).expect(200)
    expect(res.body.center.pauseAlertMinutes).toBe(5)
    const line = await openLine(h)
    await line.clerk.post(`/api/counters/${line.counterId}/pause`).send({ reason: 'meeting' }).expect(200)
    const pauseAlerts = async () => {
      const floor = (await manager.get('/api/centers/na-sang/floor').expect(200)).body as FloorResponse
      expect(floor.pauseAlertMinutes).toBe(5)
      return floor.alerts.filter((a) => a.kind === 'pause')
    }
    h.clock.advance(4 * MINUTE)
    expect(await pauseAlerts()).toEqual([])
    h.clock.advance(MINUTE)
    expect(await pauseAlerts()).toEqual([{ kind: 'pause', counterId: line.counterId, counterNumber: line.counterNumber, minutes: 5, limitMinutes: 5, reason: 'meeting' }])
    const audit = (await manager.get('/api/centers/na-sang/audit?entity=center').expect(200)).body.entries as AuditEntry[]
    expect(audit[0]!.changes).toEqual({ pauseAlertMinutes: { from: 30, to: 5 } })
    expect(paths(await manager.patch('/api/centers/na-sang/settings/center').send({ pauseAlertMinutes: 0 }).expect(400))).toEqual(['body.pauseAlertMinutes'])
    expect(paths(await manager.patch('/api/centers/na-sang/settings/center').send({ pauseAlertMinutes: 481 }).expect(400))).toEqual(['body.pauseAlertMinutes'])
    expect((await clerk.patch('/api/centers/na-sang/settings/center').send({ pauseAlertMinutes: 60 }).expect(403)).body.error.code).toBe('FORBIDDEN')
    expect((await manager.get('/api/centers/na-sang/settings/center').expect(200)).body.center.pauseAlertMinutes).toBe(5)
  })
})

describe.each(backends)('staff accounts on %s', (kind) => {
  let h: Harness
  let manager: Agent, admin: Agent, clerk: Agent, otherManager: Agent
  const login = (username: string, password: string) => h.http.post('/api/auth/login').send({ username, password })
  /** A logged-in agent of an account just created through the API. */
  const agentOf = async (username: string, password: string) => {
    const a = supertest.agent(h.url)
    await a.post('/api/auth/login').send({ username, password }).expect(200)
    return a
  }
  /** an account someone else made, logged in after choosing its own password (`password` + '-rieng') */
  const ownAgent = async (username: string, password: string) => {
    const a = await agentOf(username, password)
    await a.post('/api/auth/password').send({ currentPassword: password, newPassword: `${password}-rieng` }).expect(200)
    return a
  }
  const create = (by: Agent, body: Record<string, unknown>) => by.post('/api/centers/na-sang/staff').send(body)

  beforeAll(async () => {
    ;({ h, manager, admin, clerk, otherManager } = await settingsCast(kind))
  }, 60_000)
  afterAll(async () => { await h?.close() })

  it('lists the center’s staff with role, state and counter; an admin sees the admins too', async () => {
    const mine = (await manager.get('/api/centers/na-sang/staff').expect(200)).body.staff as StaffAccount[]
    expect(mine.map((s) => s.username)).toEqual(['quanly', 'canbo1', 'canbo2', 'canbo3', 'canbo4', 'canbo5', 'canbo6'])
    expect(mine[1]).toEqual({ id: h.demo.staff.canbo1, username: 'canbo1', fullName: 'Quàng Thị Hoa', role: 'clerk', active: true, centerSlug: 'na-sang',
      counterNumber: null, createdAt: expect.any(String), firstLogin: false })
    const all = (await admin.get('/api/centers/na-sang/staff').expect(200)).body.staff as StaffAccount[]
    expect(all[0]).toMatchObject({ username: 'quantri', role: 'admin', centerSlug: null })
    expect(JSON.stringify(all)).not.toMatch(/password|hash|argon/i)
  })

  it('a manager creates a clerk who logs in; the password is hashed, never returned nor written to the audit', async () => {
    const res = await create(manager, { username: ' CanBo7 ', fullName: ' Lò Thị Bảy ', role: 'clerk', password: 'mat-khau-moi-7' }).expect(201)
    expect(res.body.staff).toEqual({ id: expect.any(String), username: 'canbo7', fullName: 'Lò Thị Bảy', role: 'clerk', active: true, centerSlug: 'na-sang', counterNumber: null, createdAt: expect.any(String), firstLogin: true })
    expect(JSON.stringify(res.body)).not.toContain('mat-khau-moi-7')
    const me = await (await agentOf('canbo7', 'mat-khau-moi-7')).get('/api/auth/me').expect(200)
    expect(me.body.staff).toMatchObject({ username: 'canbo7', role: 'clerk', centerSlug: 'na-sang' })
    const row = await h.handle.db.selectFrom('staff').select('password_hash').where('username', '=', 'canbo7').executeTakeFirstOrThrow()
    expect(row.password_hash).toMatch(/^\$argon2/)
    const audit = (await manager.get('/api/centers/na-sang/audit?entity=staff').expect(200)).body.entries as AuditEntry[]
    expect(audit[0]).toMatchObject({ action: 'create', entityId: res.body.staff.id, entityLabel: 'Lò Thị Bảy (canbo7)', staffName: 'Lò Văn Thắng',
      changes: { username: { from: null, to: 'canbo7' }, fullName: { from: null, to: 'Lò Thị Bảy' }, role: { from: null, to: 'clerk' }, active: { from: null, to: true } } })
    expect(JSON.stringify(audit)).not.toContain('mat-khau-moi-7')
    expect((await create(manager, { username: 'canbo7', fullName: 'X', role: 'clerk', password: 'mat-khau-khac-1' }).expect(409)).body.error).toMatchObject({ code: 'USERNAME_TAKEN', params: { username: 'canbo7' } })
  })

  it('reports every problem of a bad account at once; a short password is refused', async () => {
    const before = await h.handle.db.selectFrom('staff').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(paths(await create(manager, { username: 'a b', fullName: '', role: 'boss', password: 'ngan', centerId: 'x' }).expect(400)))
      .toEqual(['body.centerId', 'body.fullName', 'body.role', 'body.username'])
    expect((await create(manager, { username: 'canbo8', fullName: 'Cán bộ 8', role: 'clerk', password: '123456789' }).expect(400)).body.error).toMatchObject({ code: 'PASSWORD_TOO_SHORT', params: { min: 12, field: 'password' } })
    expect(paths(await manager.patch(`/api/centers/na-sang/staff/${h.demo.staff.canbo1}`).send({ role: 'admin', active: 'no', password: 'x' }).expect(400)))
      .toEqual(['body.active', 'body.password', 'body.role'])
    expect(paths(await manager.post(`/api/centers/na-sang/staff/${h.demo.staff.canbo1}/password`).send({ password: 'short' }).expect(400))).toEqual(['body.password'])
    expect((await manager.patch('/api/centers/na-sang/staff/00000000-0000-4000-8000-000000000000').send({ active: false }).expect(404)).body.error.code).toBe('STAFF_NOT_FOUND')
    expect(await h.handle.db.selectFrom('staff').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual(before)
  })

  it('deactivating a clerk closes their free counter, ends their sessions and disconnects their sockets; reactivating lets them log in again', async () => {
    const line = await openLine(h)
    const cookie = (await login((await h.handle.db.selectFrom('staff').select('username').where('id', '=', line.staffId).executeTakeFirstOrThrow()).username, TEST_PASSWORD).expect(200))
      .headers['set-cookie']![0]!.split(';')[0]!
    const socket = h.socket({ center: 'na-sang' }, { cookie })
    await nextEvent(socket, 'board:snapshot')
    const gone = new Promise<string>((resolve) => socket.on('disconnect', resolve))
    const res = await manager.patch(`/api/centers/na-sang/staff/${line.staffId}`).send({ active: false }).expect(200)
    expect(res.body.staff).toMatchObject({ active: false, counterNumber: null })
    expect(await gone).toBe('io server disconnect')
    expect((await line.clerk.get('/api/auth/me').expect(401)).body.error.code).toBe('AUTH_REQUIRED')
    const counters = (await manager.get('/api/centers/na-sang/counters').expect(200)).body.counters as { id: string; status: string }[]
    expect(counters.find((c) => c.id === line.counterId)!.status).toBe('closed')
    const username = (await h.handle.db.selectFrom('staff').select('username').where('id', '=', line.staffId).executeTakeFirstOrThrow()).username
    expect((await login(username, TEST_PASSWORD).expect(401)).body.error.code).toBe('LOGIN_FAILED')
    const audit = (await manager.get(`/api/centers/na-sang/audit?staff=${h.demo.staff.quanly}`).expect(200)).body.entries as AuditEntry[]
    // the test clock stands still: the account's creation shares the deactivation's moment, listed by source then id
    expect(audit.filter((e) => e.action !== 'create').slice(0, 2).map((e) => [e.entity, e.action, e.changes])).toEqual([
      ['staff', 'update', { active: { from: true, to: false } }], ['counter', 'close', {}]])

    await manager.patch(`/api/centers/na-sang/staff/${line.staffId}`).send({ active: true }).expect(200)
    await login(username, TEST_PASSWORD).expect(200)
  })

  it('refuses to deactivate a clerk while a citizen is at their counter', async () => {
    const line = await openLine(h)
    const t = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
    const res = await manager.patch(`/api/centers/na-sang/staff/${line.staffId}`).send({ active: false }).expect(409)
    expect(res.body.error).toMatchObject({ code: 'COUNTER_BUSY', params: { code: t.code } })
    await line.clerk.get('/api/auth/me').expect(200)
  })

  it('a new password ends every session of the account; the old password stops working', async () => {
    await create(manager, { username: 'canbo9', fullName: 'Cán bộ Chín', role: 'clerk', password: 'mat-khau-cu-99' }).expect(201)
    const old = await agentOf('canbo9', 'mat-khau-cu-99')
    const id = (await old.get('/api/auth/me').expect(200)).body.staff.id as string
    const res = await manager.post(`/api/centers/na-sang/staff/${id}/password`).send({}).expect(200)
    expect(JSON.stringify(res.body)).not.toContain('mat-khau')
    await old.get('/api/auth/me').expect(401)
    await login('canbo9', 'mat-khau-cu-99').expect(401)
    await login('canbo9', res.body.oneTimePassword).expect(200)
    const audit = (await manager.get('/api/centers/na-sang/audit?entity=staff').expect(200)).body.entries as AuditEntry[]
    expect(audit[0]).toMatchObject({ entityId: id, action: 'reset_password', changes: { firstLogin: { from: null, to: true } } })
    expect(JSON.stringify(audit)).not.toContain('mat-khau')
  })

  it('never writes a password to the log, even at trace level', async () => {
    const lines: string[] = []
    const logger = pino({ level: 'trace' }, new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done() } }))
    const logged = await startHarness(kind, { logger })
    try {
      const m = await logged.login('quanly')
      const res = await m.post('/api/centers/na-sang/staff').send({ username: 'canbo-log', fullName: 'Cán bộ Nhật ký', role: 'clerk', password: 'bi-mat-khong-ghi-log' }).expect(201)
      const otp = (await m.post(`/api/centers/na-sang/staff/${res.body.staff.id}/password`).send({}).expect(200)).body.oneTimePassword as string
      await m.post('/api/centers/na-sang/staff').send({ username: 'canbo-log', fullName: 'X', role: 'clerk', password: 'bi-mat-lan-hai-khong' }).expect(409)
      expect(lines.length).toBeGreaterThan(3)
      expect(lines.join('\n')).not.toMatch(/bi-mat|motcua-demo|argon2/)
      expect(lines.join('\n')).not.toContain(otp)
    } finally {
      await logged.close()
    }
  })

  it('an admin setting their own password keeps the session in hand and ends the others; the settings log lists setting changes only', async () => {
    const a4 = (await create(admin, { username: 'quantri4', fullName: 'Quản trị Bốn', role: 'admin', password: 'mat-khau-qt-4' }).expect(201)).body.staff as StaffAccount
    const [here, elsewhere] = [await agentOf('quantri4', 'mat-khau-qt-4'), await agentOf('quantri4', 'mat-khau-qt-4')]
    expect((await here.post(`/api/centers/na-sang/staff/${a4.id}/password`).send({}).expect(403)).body.error.code).toBe('PASSWORD_CHANGE_REQUIRED')
    await here.post('/api/auth/password').send({ currentPassword: 'mat-khau-qt-4', newPassword: 'mat-khau-qt-4-moi' }).expect(200)
    await here.get('/api/auth/me').expect(200)
    await elsewhere.get('/api/auth/me').expect(401)
    await login('quantri4', 'mat-khau-qt-4-moi').expect(200)

    const line = await openLine(h) // a counter opening: activity, not a setting
    await issued(h, line.serviceId)
    const entries = (await manager.get('/api/centers/na-sang/audit?entity=settings&limit=200').expect(200)).body.entries as AuditEntry[]
    expect(entries.length).toBeGreaterThan(0)
    expect(entries.filter((e) => !e.id.startsWith('a'))).toEqual([])
    expect(entries[0]).toMatchObject({ entity: 'staff', action: 'change_password', entityLabel: 'Quản trị Bốn (quantri4)' })
  })

  it('a manager manages clerks only; an admin creates managers and admins and changes roles', async () => {
    expect((await create(manager, { username: 'quanly2', fullName: 'Quản lý Hai', role: 'manager', password: 'mat-khau-ql-2' }).expect(403)).body.error.code).toBe('FORBIDDEN')
    expect((await create(manager, { username: 'quantri2', fullName: 'Quản trị Hai', role: 'admin', password: 'mat-khau-qt-2' }).expect(403)).body.error.code).toBe('FORBIDDEN')
    expect((await manager.patch(`/api/centers/na-sang/staff/${h.demo.staff.canbo2}`).send({ role: 'manager' }).expect(403)).body.error.code).toBe('FORBIDDEN')
    const m2 = (await create(admin, { username: 'quanly2', fullName: 'Quản lý Hai', role: 'manager', password: 'mat-khau-ql-2' }).expect(201)).body.staff as StaffAccount
    expect(m2).toMatchObject({ role: 'manager', centerSlug: 'na-sang' })
    // a manager cannot touch another manager (nor an admin)
    for (const [path, body] of [[`/api/centers/na-sang/staff/${m2.id}`, { active: false }], [`/api/centers/na-sang/staff/${h.demo.staff.quantri}`, { fullName: 'X' }]] as const) {
      expect((await manager.patch(path).send(body)).body.error.code).toMatch(/^(FORBIDDEN|STAFF_NOT_FOUND)$/)
    }
    expect((await manager.post(`/api/centers/na-sang/staff/${m2.id}/password`).send({}).expect(403)).body.error.code).toBe('FORBIDDEN')
    // nor anyone of another center
    expect((await otherManager.patch(`/api/centers/na-sang/staff/${h.demo.staff.canbo3}`).send({ active: false }).expect(403)).body.error.code).toBe('WRONG_CENTER')
    expect((await otherManager.patch(`/api/centers/muong-pon/staff/${h.demo.staff.canbo3}`).send({ active: false }).expect(404)).body.error.code).toBe('STAFF_NOT_FOUND')
    expect((await clerk.get('/api/centers/na-sang/staff').expect(403)).body.error.code).toBe('FORBIDDEN')
    expect((await h.http.post('/api/centers/na-sang/staff').send({ username: 'x', fullName: 'x', role: 'clerk', password: '1234567890' }).expect(401)).body.error.code).toBe('AUTH_REQUIRED')

    const demoted = await admin.patch(`/api/centers/na-sang/staff/${m2.id}`).send({ role: 'clerk' }).expect(200)
    expect(demoted.body.staff.role).toBe('clerk')
    const a2 = (await create(admin, { username: 'quantri2', fullName: 'Quản trị Hai', role: 'admin', password: 'mat-khau-qt-2' }).expect(201)).body.staff as StaffAccount
    expect(a2).toMatchObject({ role: 'admin', centerSlug: null })
    expect((await admin.patch(`/api/centers/na-sang/staff/${a2.id}`).send({ role: 'manager' }).expect(409)).body.error.code).toBe('ADMIN_ROLE_FIXED')
    const audit = (await admin.get('/api/centers/na-sang/audit?entity=staff&limit=3').expect(200)).body.entries as AuditEntry[]
    expect(audit.map((e) => [e.action, e.changes.role])).toEqual([['create', { from: null, to: 'admin' }], ['update', { from: 'manager', to: 'clerk' }], ['create', { from: null, to: 'manager' }]])
  })

  it('nobody deactivates or demotes themselves; of two admins deactivating each other at once, one stays', async () => {
    expect((await admin.patch(`/api/centers/na-sang/staff/${h.demo.staff.quantri}`).send({ active: false }).expect(409)).body.error.code).toBe('OWN_ACCOUNT')
    const m3 = (await create(admin, { username: 'quanly3', fullName: 'Quản lý Ba', role: 'manager', password: 'mat-khau-ql-3' }).expect(201)).body.staff as StaffAccount
    const self = await ownAgent('quanly3', 'mat-khau-ql-3')
    expect((await self.patch(`/api/centers/na-sang/staff/${m3.id}`).send({ active: false }).expect(409)).body.error.code).toBe('OWN_ACCOUNT')
    expect((await admin.patch(`/api/centers/na-sang/staff/${m3.id}`).send({ role: 'clerk' }).expect(200)).body.staff.role).toBe('clerk')

    const a3 = (await create(admin, { username: 'quantri3', fullName: 'Quản trị Ba', role: 'admin', password: 'mat-khau-qt-3' }).expect(201)).body.staff as StaffAccount
    const other = await ownAgent('quantri3', 'mat-khau-qt-3')
    // every other admin is deactivated first, so the two below are the last two
    const admins = await h.handle.db.selectFrom('staff').select('id').where('role', '=', 'admin').where('id', 'not in', [h.demo.staff.quantri!, a3.id]).execute()
    for (const a of admins) await admin.patch(`/api/centers/na-sang/staff/${a.id}`).send({ active: false }).expect(200)
    const [x, y] = await Promise.all([
      admin.patch(`/api/centers/na-sang/staff/${a3.id}`).send({ active: false }),
      other.patch(`/api/centers/na-sang/staff/${h.demo.staff.quantri}`).send({ active: false }),
    ])
    expect([x.status, y.status].filter((s) => s === 200)).toHaveLength(1)
    for (const r of [x, y]) if (r.status !== 200) expect(r.body.error.code).toMatch(/^(LAST_ADMIN|AUTH_REQUIRED)$/)
    const active = await h.handle.db.selectFrom('staff').select('username').where('role', '=', 'admin').where('active', '=', true).execute()
    expect(active).toHaveLength(1)
  })
})
