// The manager's service settings: validation, roles, center scoping, the audit trail, and pages told live.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DEMO_HOURS } from '../db/seed-demo.js'
import { backends } from './helpers/db.js'
import type { DbKind } from '../db/create-db.js'
import { addOtherCenter, nextEvent, startHarness, type Harness } from './helpers/harness.js'
import { addCounter, addService, issue, issued, openLine, type Agent } from './queue-fixtures.js'
import { MINUTE } from './helpers/clock.js'
import type { AuditEntry, CenterSettings, CounterSettings, ServiceSettings } from '../common/staff-types.js'

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
      targetWaitMinutes: 15, dailyCap: null, defaultServiceMinutes: 8 })
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
    const badQuery = await manager.get('/api/centers/na-sang/audit?entity=dossier&day=23-11-2026&staff=me').expect(400)
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
    expect(res.body.counter).toEqual({ id: line.counterId, number: line.counterNumber, name: 'Quầy ưu tiên', status: 'open', primary: [line.serviceId], backup: [extra.id] })
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
