// Online filings are accepted or returned for changes within 8 working hours (Decree 118/2025 Art. 17.2.c; issue 21):
// the console's list shows the working time left, the manager's floor alerts under 2 working hours, holidays and
// closed hours do not count.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import type { DossierSummary } from '../common/dossier-types.js'
import type { FloorResponse } from '../common/staff-types.js'
import type { PeriodResponse } from '../common/dossier-report-types.js'
import Papa from 'papaparse'

type Agent = Awaited<ReturnType<Harness['login']>>
const local = (day: string, hm: string) => `${day}T${hm}:00+07:00`
const at = (day: string, hm: string) => new Date(local(day, hm)).toISOString()
const applicant = { fullName: 'Lò Văn Pọm', phone: '0912 345 670', address: 'Bản Na Sang 3, xã Na Sang' }

describe.each(backends)('online filings answered within 8 working hours on %s', (kind) => {
  let h: Harness
  let procedureId: string
  beforeAll(async () => {
    h = await startHarness(kind, { sessionHours: 24 * 30, dossierLimits: { filingsPerHour: 100_000 } })
    procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
  }, 60_000)
  afterAll(async () => { await h?.close() })

  async function file(when: string): Promise<string> {
    h.clock.set(when)
    const res = await h.http.post('/api/public/dossiers').send({ center: 'na-sang', procedureId, applicant })
    expect(res.status).toBe(201)
    return res.body.code
  }
  const listed = async (agent: Agent, code: string): Promise<DossierSummary> =>
    ((await agent.get('/api/dossiers?center=na-sang&status=submitted_online').expect(200)).body.dossiers as DossierSummary[]).find((d) => d.code === code)!
  const onlineAlerts = async (manager: Agent) => ((await manager.get('/api/centers/na-sang/floor').expect(200)).body as FloorResponse).alerts.filter((a) => a.kind === 'online')

  it('counts working hours only (Na Sang: 07:00–11:30, 13:30–17:00): filed Monday 10:00, due Tuesday 10:00; the floor alerts under 2 hours', async () => {
    const code = await file(local('2026-11-23', '10:00'))
    const clerk = await h.login('canbo1')
    const manager = await h.login('quanly')
    // 10:00–11:30 and 13:30–17:00 on Monday (5 h), 07:00–10:00 on Tuesday (3 h)
    expect(await listed(clerk, code)).toMatchObject({ answerDueAt: at('2026-11-24', '10:00'), answerLeftMinutes: 480 })
    expect(await onlineAlerts(manager)).toEqual([])
    // Monday 16:00: 1 h + 3 h left; the lunch break and the night do not count
    h.clock.set(local('2026-11-23', '16:00'))
    expect((await listed(clerk, code)).answerLeftMinutes).toBe(240)
    h.clock.set(local('2026-11-24', '08:00'))
    expect((await listed(clerk, code)).answerLeftMinutes).toBe(120)
    expect(await onlineAlerts(manager)).toEqual([])
    // under 2 working hours: the manager's floor alerts, with the code and the time left
    h.clock.set(local('2026-11-24', '08:01'))
    expect(await onlineAlerts(manager)).toEqual([{ kind: 'online', dossierId: expect.any(String), code, leftMinutes: 119, answerDueAt: at('2026-11-24', '10:00') }])
    // past the 8 hours: late by the working time since
    h.clock.set(local('2026-11-24', '10:30'))
    expect((await listed(clerk, code)).answerLeftMinutes).toBe(-30)
    expect((await onlineAlerts(manager))[0]).toMatchObject({ code, leftMinutes: -30 })
    // answered (received): off the list's count and the floor
    const id = (await h.handle.db.selectFrom('dossier').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id
    expect((await clerk.post(`/api/dossiers/${id}/receive`).send({ documents: [{ name: 'Tờ khai', received: true }], sets: 1, delivery: 'center' })).status).toBe(200)
    const after = ((await clerk.get('/api/dossiers?center=na-sang').expect(200)).body.dossiers as DossierSummary[]).find((d) => d.code === code)!
    expect(after).toMatchObject({ status: 'received', answerDueAt: null, answerLeftMinutes: null })
    expect(await onlineAlerts(manager)).toEqual([])
  })

  it('skips holidays and days off of the center’s calendar: filed Wednesday 31/12/2025 16:00, due Monday 5/1/2026 16:00', async () => {
    // 1 h on Wednesday; Thursday 1/1 (New Year) and Friday 2/1 (swapped for Saturday 10/1) off, the weekend; 7 h on Monday
    const code = await file(local('2025-12-31', '16:00'))
    const clerk = await h.login('canbo1')
    expect(await listed(clerk, code)).toMatchObject({ answerDueAt: at('2026-01-05', '16:00'), answerLeftMinutes: 480 })
    h.clock.set(local('2026-01-02', '10:00'))
    expect((await listed(clerk, code)).answerLeftMinutes).toBe(420)
  })

  it('the period report counts the filings answered in the period and those answered after their 8 working hours', async () => {
    // the first test's filing was received on Tuesday 24/11 10:30, 30 working minutes late; this one is refused in time
    const code = await file(local('2026-11-30', '09:00'))
    h.clock.set(local('2026-11-30', '09:30'))
    const clerk = await h.login('canbo1')
    const id = (await h.handle.db.selectFrom('dossier').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id
    expect((await clerk.post(`/api/dossiers/${id}/status`).send({ status: 'rejected', note: 'Không thuộc thẩm quyền của xã' })).status).toBe(200)
    const manager = await h.login('quanly')
    const report = async (from: string, to: string) => (await manager.get('/api/reports/period').query({ center: 'na-sang', from, to }).expect(200)).body.onlineAnswers
    expect(await report('2026-11-23', '2026-11-30')).toEqual({ answered: 2, late: 1 })
    expect(await report('2026-11-24', '2026-11-24')).toEqual({ answered: 1, late: 1 })
    expect(await report('2026-11-25', '2026-11-29')).toEqual({ answered: 0, late: 0 })
    expect(await report('2026-11-30', '2026-11-30')).toEqual({ answered: 1, late: 0 })
  })

  it('the period report counts them per procedure, service and answering clerk, in its lines and its CSV', async () => {
    // a fourth filing, on another procedure, refused by another clerk: Tuesday 1/12 08:00 + 8 working hours = Wednesday 08:00; answered at 16:00, late
    const hopDong = (await h.handle.db.selectFrom('procedure').select(['id', 'service_id']).where('code', '=', 'ct-hop-dong').executeTakeFirstOrThrow())
    h.clock.set(local('2026-12-01', '08:00'))
    const filed = await h.http.post('/api/public/dossiers').send({ center: 'na-sang', procedureId: hopDong.id, applicant })
    expect(filed.status).toBe(201)
    h.clock.set(local('2026-12-02', '16:00'))
    const id = (await h.handle.db.selectFrom('dossier').select('id').where('code', '=', filed.body.code).executeTakeFirstOrThrow()).id
    expect((await (await h.login('canbo2')).post(`/api/dossiers/${id}/status`).send({ status: 'rejected', note: 'Không thuộc thẩm quyền của xã' })).status).toBe(200)
    const manager = await h.login('quanly')
    const period = async (groupBy: string) => (await manager.get('/api/reports/period').query({ center: 'na-sang', from: '2026-11-23', to: '2026-12-02', groupBy }).expect(200)).body as PeriodResponse
    const online = (r: PeriodResponse, by: 'key' | 'label') => Object.fromEntries(r.rows.filter((x) => x.onlineAnswered)
      .map((x) => [x[by], [x.onlineAnswered, x.onlineAnsweredLate]]))
    const khaiSinh = (await h.handle.db.selectFrom('procedure').select('service_id').where('id', '=', procedureId).executeTakeFirstOrThrow()).service_id
    // the first test's filing received late by canbo1, the third refused in time by canbo1, this one refused late by canbo2
    const byProcedure = await period('procedure')
    expect(online(byProcedure, 'key')).toEqual({ [procedureId]: [2, 1], [hopDong.id]: [1, 1] })
    expect(byProcedure.totals).toMatchObject({ onlineAnswered: 3, onlineAnsweredLate: 2 })
    expect(byProcedure.onlineAnswers).toEqual({ answered: 3, late: 2 })
    // never received, the fourth is in no book line: its procedure's line holds only the answer
    expect(byProcedure.rows.find((x) => x.key === hopDong.id)).toMatchObject({ label: expect.stringContaining('ct-hop-dong'), received: 0, toHandle: 0 })
    expect(online(await period('service'), 'key')).toEqual({ [khaiSinh]: [2, 1], [hopDong.service_id]: [1, 1] })
    expect(online(await period('staff'), 'label')).toEqual({ 'Quàng Thị Hoa': [2, 1], 'Lường Văn Minh': [1, 1] })
    const csv = await manager.get('/api/reports/period').query({ center: 'na-sang', from: '2026-11-23', to: '2026-12-02', groupBy: 'staff', format: 'csv' })
      .buffer(true).parse((r, cb) => { let s = ''; r.setEncoding('utf8'); r.on('data', (c: string) => { s += c }); r.on('end', () => cb(null, s)) }).expect(200)
    const lines = Papa.parse<string[]>((csv.body as string).slice(1), { delimiter: ';', skipEmptyLines: true }).data
    expect(lines[0]!.slice(-2)).toEqual(['Trực tuyến đã trả lời', 'Trả lời quá 08 giờ'])
    expect(lines.find((l) => l[0] === 'Lường Văn Minh')!.slice(-2)).toEqual(['1', '1'])
    expect(lines.at(-1)!.slice(-2)).toEqual(['3', '2'])
  })
})
