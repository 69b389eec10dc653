// The counter's work (issue 22, W2): walk-ins issued at the counter after the cut-off, dossiers without a
// ticket and how they came, the fee (Decree 118 Art. 24), and the report's after-hours and fee figures.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { addClerk, addCounter, addService, issue, openLine, ticketEvents, type Agent } from './queue-fixtures.js'
import type { DossierView } from '../common/dossier-types.js'
import type { ReportResponse } from '../common/rating-types.js'

const local = (day: string, hm: string) => `${day}T${hm}:00+07:00`
const applicant = { fullName: 'Lò Thị Tuyết', phone: '0912 345 678', address: 'Bản Na Sang 1, xã Na Sang' }
const docs = [{ name: 'Dự thảo hợp đồng', received: true }]

describe.each(backends)('counter work on %s', (kind) => {
  let h: Harness
  let procedures: Record<string, string>
  beforeAll(async () => {
    h = await startHarness(kind, { dossierLimits: { lookupsPerMinute: 100_000, filingsPerHour: 100_000 } })
    procedures = Object.fromEntries((await h.handle.db.selectFrom('procedure').select(['id', 'code']).execute()).map((p) => [p.code, p.id]))
  }, 60_000)
  afterAll(async () => { await h?.close() })

  const walkIn = (clerk: Agent, counterId: string, serviceId: string) => clerk.post(`/api/counters/${counterId}/walk-in`).send({ serviceId })

  it('after the cut-off the kiosk refuses, and the clerk issues a walk-in straight into serving at the counter, logged as counter-issued', async () => {
    h.clock.set(local('2026-11-23', '10:00'))
    const line = await openLine(h)
    expect((await issue(h, line.serviceId)).status).toBe(201) // number 1, by the kiosk
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    const first = await h.handle.db.selectFrom('ticket').select('id').where('service_id', '=', line.serviceId).executeTakeFirstOrThrow()
    await line.clerk.post(`/api/tickets/${first.id}/start`).send({})
    await line.clerk.post(`/api/tickets/${first.id}/complete`).send({})

    h.clock.set(local('2026-11-23', '16:45')) // the demo's cut-off is 16:30
    const kiosk = await issue(h, line.serviceId)
    expect(kiosk.status).toBe(409)
    expect(kiosk.body.error.code).toBe('AFTER_CUTOFF')

    const res = await walkIn(line.clerk, line.counterId, line.serviceId)
    expect(res.status).toBe(200)
    const t = res.body.ticket
    expect(t).toMatchObject({ status: 'serving', counterId: line.counterId, counterIssued: true, number: 2, code: `${line.prefix}002` })
    expect(t.calledAt).toBe(t.issuedAt)
    expect(t.startedAt).toBe(t.issuedAt)
    const events = await ticketEvents(h, t.id)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ type: 'issued_at_counter', to_status: 'serving', staff_id: line.staffId, counter_id: line.counterId })
    expect(events[0]!.data).toMatchObject({ kioskClosed: 'after_cutoff' })

    // the counter is busy with it now: a second walk-in waits until this one is finished
    const busy = await walkIn(line.clerk, line.counterId, line.serviceId)
    expect(busy.status).toBe(409)
    expect(busy.body.error.code).toBe('COUNTER_BUSY')
    // in the activity log (Nhật ký), by that clerk
    const log = await (await h.login('quanly')).get('/api/centers/na-sang/audit?entity=ticket&day=2026-11-23')
    expect(log.status).toBe(200)
    expect(JSON.stringify(log.body)).toContain('issued_at_counter')
    expect((await line.clerk.post(`/api/tickets/${t.id}/complete`).send({})).status).toBe(200)
  })

  it('refuses a walk-in without a session, at another clerk\'s counter, with a bad body, or for another center\'s service', async () => {
    h.clock.set(local('2026-11-23', '10:30'))
    const line = await openLine(h)
    expect((await h.http.post(`/api/counters/${line.counterId}/walk-in`).send({ serviceId: line.serviceId })).status).toBe(401)
    const other = await h.login((await addClerk(h)).username)
    expect((await walkIn(other, line.counterId, line.serviceId)).body.error.code).toBe('NOT_AT_COUNTER')
    const bad = await line.clerk.post(`/api/counters/${line.counterId}/walk-in`).send({ serviceId: 'x', extra: 1 })
    expect(bad.status).toBe(400)
    const unknown = await walkIn(line.clerk, line.counterId, '00000000-0000-4000-8000-000000000000')
    expect(unknown.body.error.code).toBe('SERVICE_NOT_FOUND')
  })

  it('walk-ins at 5 counters raced against 30 kiosk taps of the same service: every number once, 1..35', async () => {
    h.clock.set(local('2026-11-24', '10:00'))
    const s = await addService(h)
    const seats = await Promise.all(Array.from({ length: 5 }, async () => {
      const c = await addCounter(h, [s.id])
      const clerk = await h.login((await addClerk(h)).username)
      expect((await clerk.post(`/api/counters/${c.id}/open`).send({})).status).toBe(200)
      return { c, clerk }
    }))
    const res = await Promise.all([
      ...Array.from({ length: 30 }, () => issue(h, s.id)),
      ...seats.map(({ c, clerk }) => walkIn(clerk, c.id, s.id)),
    ])
    expect(res.map((r) => r.status).sort()).toEqual([...Array(5).fill(200), ...Array(30).fill(201)].sort())
    const numbers = res.map((r) => r.body.ticket.number as number).sort((a, b) => a - b)
    expect(numbers).toEqual(Array.from({ length: 35 }, (_, i) => i + 1))
    const rows = await h.handle.db.selectFrom('ticket').select(['number', 'counter_issued', 'status']).where('service_id', '=', s.id).execute()
    expect(new Set(rows.map((r) => r.number)).size).toBe(35)
    expect(rows.filter((r) => r.counter_issued).map((r) => r.status)).toEqual(Array(5).fill('serving'))
    const last = await h.handle.db.selectFrom('ticket_number').select('last').where('service_id', '=', s.id).executeTakeFirstOrThrow()
    expect(last.last).toBe(35)
  })

  it('a dossier without a ticket, by post, with its fee; an online filing keeps the citizen\'s delivery; the fee is corrected and logged', async () => {
    h.clock.set(local('2026-11-25', '09:00'))
    const line = await openLine(h)
    const post = await line.clerk.post('/api/dossiers').send({
      procedureId: procedures['ct-hop-dong'], applicant, documents: docs, sets: 1, delivery: 'post', channel: 'post',
      fee: { paidVnd: 50000, method: 'bank_transfer', receiptNumber: 'BL-0012' },
    })
    expect(post.status).toBe(201)
    const d: DossierView = post.body.dossier
    expect(d).toMatchObject({ channel: 'post', ticketId: null, delivery: 'post' })
    expect(d.fee).toMatchObject({ dueVnd: 50000, paidVnd: 50000, method: 'bank_transfer', receiptNumber: 'BL-0012' })
    expect(d.fee.collectedByName).toMatch(/^Cán bộ tclerk/)
    expect(d.history.map((e) => e.type)).toEqual(['received', 'fee_recorded'])

    const wrong = await line.clerk.post(`/api/dossiers/${d.id}/fee`).send({ paidVnd: -1, method: 'cheque' })
    expect(wrong.status).toBe(400)
    const fixed = await line.clerk.post(`/api/dossiers/${d.id}/fee`).send({ paidVnd: 40000, method: 'cash' })
    expect(fixed.status).toBe(200)
    expect(fixed.body.dossier.fee).toMatchObject({ paidVnd: 40000, method: 'cash', receiptNumber: null })
    const ev = await h.handle.db.selectFrom('dossier_event').select('data').where('dossier_id', '=', d.id).where('type', '=', 'fee_recorded').orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(ev.data).toMatchObject({ paidVnd: 40000, previous: { paidVnd: 50000, method: 'bank_transfer', receiptNumber: 'BL-0012' } })
    expect((await h.http.post(`/api/dossiers/${d.id}/fee`).send({ paidVnd: 1, method: 'cash' })).status).toBe(401)

    // online: the citizen chose post; the clerk receives it without naming a delivery, and it stays post
    const filed = await h.http.post('/api/public/dossiers').send({ center: 'na-sang', procedureId: procedures['ct-hop-dong'], applicant, delivery: 'post' })
    expect(filed.status).toBe(201)
    const row = await h.handle.db.selectFrom('dossier').select(['id', 'delivery']).where('code', '=', filed.body.code).executeTakeFirstOrThrow()
    expect(row.delivery).toBe('post')
    const got = await line.clerk.post(`/api/dossiers/${row.id}/receive`).send({ documents: docs, sets: 1 })
    expect(got.status).toBe(200)
    expect(got.body.dossier).toMatchObject({ delivery: 'post', channel: 'online', status: 'received' })
    expect(got.body.dossier.fee).toMatchObject({ dueVnd: 50000, paidVnd: null })
  })

  it('the report counts walk-ins, work after closing time per clerk, and fees collected per day and per clerk, with CSV', async () => {
    h.clock.set(local('2026-11-26', '10:00'))
    const line = await openLine(h)
    const pay = (fee: number) => line.clerk.post('/api/dossiers').send({
      procedureId: procedures['ct-hop-dong'], applicant, documents: docs, sets: 1, delivery: 'center', fee: { paidVnd: fee, method: 'cash' } })
    expect((await pay(50000)).status).toBe(201) // in hours
    h.clock.set(local('2026-11-26', '17:20')) // after the 17:00 closing
    const w = await walkIn(line.clerk, line.counterId, line.serviceId)
    expect(w.status).toBe(200)
    const late = await line.clerk.post('/api/dossiers').send({
      ticketId: w.body.ticket.id, procedureId: procedures['ct-hop-dong'], applicant, documents: docs, sets: 1, delivery: 'center',
      fee: { paidVnd: 30000, method: 'national_portal', receiptNumber: 'DVC-778' } })
    expect(late.status).toBe(201)
    expect((await line.clerk.post(`/api/tickets/${w.body.ticket.id}/complete`).send({})).status).toBe(200)

    const manager = await h.login('quanly')
    const day = await manager.get('/api/reports/summary?from=2026-11-26&to=2026-11-26&groupBy=day')
    expect(day.status).toBe(200)
    const r: ReportResponse = day.body
    expect(r.totals).toMatchObject({ counterIssued: 1, servedAfterHours: 1, dossiersAfterHours: 1, feePayments: 2, feesCollectedVnd: 80000 })
    const byStaff: ReportResponse = (await manager.get('/api/reports/summary?from=2026-11-26&to=2026-11-26&groupBy=staff')).body
    const mine = byStaff.rows.find((x) => x.key === line.staffId)!
    expect(mine).toMatchObject({ servedAfterHours: 1, dossiersAfterHours: 1, feesCollectedVnd: 80000, counterIssued: 1 })
    const csv = await manager.get('/api/reports/summary?from=2026-11-26&to=2026-11-26&groupBy=staff&format=csv')
    expect(csv.status).toBe(200)
    const [head, ...lines] = csv.text.replace(/^\uFEFF/, '').split('\r\n')
    const cols = head!.split(';')
    const feeCol = cols.indexOf('Phí, lệ phí đã thu (đồng)')
    expect(feeCol).toBeGreaterThan(0)
    expect(lines.find((l) => l.startsWith(mine.label))!.split(';')[feeCol]).toBe('80000')
    expect(cols).toContain('Phục vụ ngoài giờ')
  })
})
