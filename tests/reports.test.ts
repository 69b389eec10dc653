// The manager's report: a seeded scenario with known timestamps, every figure checked against a hand computation.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import Papa from 'papaparse'
import { backends } from './helpers/db.js'
import { addOtherCenter, startHarness, type Harness } from './helpers/harness.js'
import { issued, type Agent } from './queue-fixtures.js'
import { REPORT_COLUMNS, type ReportFigures, type ReportResponse } from '../common/rating-types.js'
import { reportCsv } from '../server/reports/report.service.js'

/*
 * The scenario (local time, Asia/Ho_Chi_Minh; the report covers Mon 23 and Tue 24 Nov 2026, asked on Wed 25 at 10:00).
 * Counter 1 (canbo1 "Quàng Thị Hoa"): A primary, B backup. Counter 2 (canbo2 "Lường Văn Minh"): B primary, A backup.
 *
 * Mon 23: 08:00 both counters open. Issued: t1 A001 08:00, t2 A002 08:02, t3 B001 08:04, t4 A003 08:05.
 *   c1 calls t1 08:10, starts 08:11, completes 08:21          wait 600  walk 60   service 600
 *   c2 calls t3 08:12, starts 08:14, completes 08:20          wait 480  walk 120  service 360
 *   c1 calls t2 08:21, no-show 08:22                          wait 1140
 *   c2 calls t4 08:25 (backup A), starts 08:27, completes 08:37  wait 1200 walk 120 service 600
 *   c1 pauses 08:30, resumes 08:45, closes 09:00; c2 closes 09:30
 *   t5 A004 issued 08:50, cancelled while waiting 08:52; t6 A005 issued 09:10, never called → expired (Tue 07:00)
 *   ratings (scale 5): t1 5 (level 5), t3 1 (level 1, reason attitude), t4 4 (level 4)
 * Tue 24: 08:00 c1 opens. t7 A001 issued 08:00, called 08:05, started 08:06, transferred to B 08:16   wait 300 walk 60
 *   → t8 B001 issued 08:16, c1 calls it 08:20 (backup B), starts 08:21, completes 08:29   wait 240 walk 60 service 480
 *   c1 closes 08:30. The manager switches to 3 levels at 08:35; t8 rated 2 of 3 (level 3, Bình thường).
 * Wed 25 (outside the period): t9 A001 served at c1 and rated 1 of 3 (level 2); it checked in with dossier D4.
 * Dossiers (inserted directly): D1 received Mon 08:15 from t1 by canbo1 (A), ready Tue 10:00 on time;
 *   D2 Mon 08:18 from t3 by canbo2 (B), due Tue 17:00, still processing → overdue now; D3 Tue 08:25 from t8 by canbo1 (B),
 *   ready early, returned; D4 Tue 09:00 online, received by canbo1 (A), ready late; D5 received Wed (outside);
 *   D6 filed online, never received (outside). Rated not satisfied: D2 (t3, level 1), D4 (t9, level 2).
 *
 * Counter time. c1 Mon: open 08:00–08:30 busy 08:10–08:22 (t1, t2) → idle 1800 − 720 = 1080; paused 08:30–08:45 = 900;
 *   open 08:45–09:00 idle 900 → idle 1980. c2 Mon: open 08:00–09:30 = 5400, busy 08:12–08:20 + 08:25–08:37 = 1200
 *   → idle 4200 (hour 8: 3600 − 1200 = 2400; hour 9: 1800). c1 Tue: open 08:00–08:30 = 1800, busy 08:05–08:16 + 08:20–08:29
 *   = 1200 → idle 600. Total: pause 900, idle 1980 + 4200 + 600 = 6780.
 *
 * Percentiles are percentile_cont (linear between the two nearest values): p at position (n − 1) · p of the sorted list.
 */

/** The figures of a row, zero/null unless given. */
function fig(f: Partial<ReportFigures>): ReportFigures {
  return {
    issued: 0, served: 0, noShow: 0, cancelled: 0, expired: 0, transferred: 0,
    waitAvg: null, waitMedian: null, waitP90: null, serviceAvg: null, serviceMedian: null, walkAvg: null,
    pauseSeconds: 0, idleSeconds: 0, ratings: 0, levels: [0, 0, 0, 0, 0], satisfied: 0, notSatisfied: 0, satisfiedShare: null,
    dossiersReceived: 0, dossiersEarly: 0, dossiersOnTime: 0, dossiersLate: 0, dossiersOverdueNow: 0, dossiersRatedNotSatisfied: 0, ratio766: null,
    // W2 (issue 22): none of this file's fixtures is a walk-in, after hours or a fee (tests/counter-work.test.ts has them)
    counterIssued: 0, servedAfterHours: 0, dossiersAfterHours: 0, feePayments: 0, feesCollectedVnd: 0,
    ...f,
  }
}

// Whole period. Waits 240 300 480 600 1140 1200: avg 3960/6 = 660; median pos 2.5 → (480+600)/2 = 540;
// p90 pos 4.5 → 1140 + 0.5·60 = 1170. Service 360 480 600 600: avg 510, median pos 1.5 → 540. Walk 60 120 120 60 60: avg 84.
// Ratings levels 5, 1, 4, 3: satisfied (≥4) 2, not satisfied (≤2) 1, share 2/4. Dossiers D1–D4: early D3, on time D1,
// late D4, overdue now D2, rated not satisfied D2 + D4 → 766 ratio (4 − 2)/4 = 0.5.
const TOTALS = fig({
  issued: 8, served: 4, noShow: 1, cancelled: 1, expired: 1, transferred: 1,
  waitAvg: 660, waitMedian: 540, waitP90: 1170, serviceAvg: 510, serviceMedian: 540, walkAvg: 84,
  pauseSeconds: 900, idleSeconds: 6780,
  ratings: 4, levels: [1, 1, 1, 0, 1], satisfied: 2, notSatisfied: 1, satisfiedShare: 0.5,
  dossiersReceived: 4, dossiersEarly: 1, dossiersOnTime: 1, dossiersLate: 1, dossiersOverdueNow: 1, dossiersRatedNotSatisfied: 2, ratio766: 0.5,
})

describe('report CSV cells', () => {
  it('prefixes text starting with = + - @, a tab or a line break with a quote, and keeps every figure a number, negative ones too', () => {
    const labels = ['=1+1', '+84 912 345 678', '-1', '@SUM(A1)', '\tTab', '\rCR', 'Quầy 1', '2026-11-23', 'a=b']
    const report: ReportResponse = {
      center: { slug: 'na-sang', name: 'Na Sang', timeZone: 'Asia/Ho_Chi_Minh' }, from: '2026-11-23', to: '2026-11-24', groupBy: 'staff',
      generatedAt: '2026-11-25T03:00:00.000Z', ratingScale: 5,
      rows: labels.map((label, i) => ({ key: String(i), label, ...fig({ issued: 1, walkAvg: -2.4, satisfiedShare: -0.125 }) })),
      totals: fig({ walkAvg: -61 }),
    }
    const rows = Papa.parse<string[]>(reportCsv(report, 'vi').replace(/^\uFEFF/, ''), { delimiter: ';', skipEmptyLines: true }).data
    const [head, ...body] = rows
    expect(body.map((r) => r[0])).toEqual(["'=1+1", "'+84 912 345 678", "'-1", "'@SUM(A1)", "'\tTab", "'\rCR", 'Quầy 1', '2026-11-23', 'a=b', 'Tổng cộng'])
    const col = (r: string[], name: string) => r[head!.indexOf(name)]
    expect([col(body[0]!, 'Số phiếu cấp'), col(body[0]!, 'Từ lúc gọi đến quầy (giây)'), col(body[0]!, 'Tỷ lệ hài lòng (%)')]).toEqual(['1', '-2', '-12,5'])
    expect(col(body.at(-1)!, 'Từ lúc gọi đến quầy (giây)')).toBe('-61')
  })
})

describe.each(backends)('reports on %s', (kind) => {
  let h: Harness
  let manager: Agent, admin: Agent, clerk: Agent, otherManager: Agent
  const ids = {} as Record<'t1' | 't2' | 't3' | 't4' | 't5' | 't6' | 't7' | 't8' | 't9', string>

  beforeAll(async () => {
    // sessions outlive the three days the scenario spans
    h = await startHarness(kind, { clockStart: '2026-11-23T08:00:00+07:00', sessionHours: 96 })
    await addOtherCenter(h)
    const at = (hm: string, day = '23') => h.clock.set(`2026-11-${day}T${hm}:00+07:00`)
    const [c1, c2] = [h.demo.counters[1]!, h.demo.counters[2]!]
    let canbo1: Agent, canbo2: Agent
    ;[canbo1, canbo2, manager, admin, clerk, otherManager] = await Promise.all(
      ['canbo1', 'canbo2', 'quanly', 'quantri', 'canbo3', 'quanly.muongpon'].map((u) => h.login(u))) as Agent[] as [Agent, Agent, Agent, Agent, Agent, Agent]
    const ok = async (agent: Agent, path: string, body: Record<string, unknown> = {}) => {
      const r = await agent.post(path).send(body)
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`)
      return r.body
    }
    const call = async (agent: Agent, counter: string, expected: string) => {
      const b = await ok(agent, `/api/counters/${counter}/call-next`)
      expect(b.ticket.id).toBe(expected)
    }
    const rate = async (ticket: string, body: Record<string, unknown>) => {
      // as the ticket's holder: with the secret its QR carries
      const { secret } = await h.handle.db.selectFrom('ticket').select('secret').where('id', '=', ticket).executeTakeFirstOrThrow()
      const r = await h.http.post(`/api/tickets/${ticket}/rating`).send({ ...body, key: secret })
      if (r.status !== 201) throw new Error(`rating: ${r.status} ${JSON.stringify(r.body)}`)
    }
    const A = h.demo.services.A!, B = h.demo.services.B!

    // ---- Monday 23 ----
    at('08:00'); await ok(canbo1, `/api/counters/${c1}/open`); await ok(canbo2, `/api/counters/${c2}/open`)
    ids.t1 = (await issued(h, A)).id
    at('08:02'); ids.t2 = (await issued(h, A)).id
    at('08:04'); ids.t3 = (await issued(h, B)).id
    at('08:05'); ids.t4 = (await issued(h, A)).id
    at('08:10'); await call(canbo1, c1, ids.t1)
    at('08:11'); await ok(canbo1, `/api/tickets/${ids.t1}/start`)
    at('08:12'); await call(canbo2, c2, ids.t3)
    at('08:14'); await ok(canbo2, `/api/tickets/${ids.t3}/start`)
    at('08:20'); await ok(canbo2, `/api/tickets/${ids.t3}/complete`)
    at('08:21'); await ok(canbo1, `/api/tickets/${ids.t1}/complete`); await call(canbo1, c1, ids.t2)
    at('08:22'); await ok(canbo1, `/api/tickets/${ids.t2}/no-show`)
    at('08:25'); await call(canbo2, c2, ids.t4); await rate(ids.t3, { score: 1, reasons: ['attitude'], channel: 'counter' })
    at('08:27'); await ok(canbo2, `/api/tickets/${ids.t4}/start`)
    at('08:30'); await ok(canbo1, `/api/counters/${c1}/pause`, { reason: 'break' }); await rate(ids.t1, { score: 5 })
    at('08:37'); await ok(canbo2, `/api/tickets/${ids.t4}/complete`)
    at('08:40'); await rate(ids.t4, { score: 4 })
    at('08:45'); await ok(canbo1, `/api/counters/${c1}/resume`)
    at('08:50'); ids.t5 = (await issued(h, A)).id
    at('08:52'); await ok(canbo1, `/api/tickets/${ids.t5}/cancel`)
    at('09:00'); await ok(canbo1, `/api/counters/${c1}/close`)
    at('09:10'); ids.t6 = (await issued(h, A)).id
    at('09:30'); await ok(canbo2, `/api/counters/${c2}/close`)

    // ---- Tuesday 24 ----
    at('07:00', '24'); expect(await h.app.tickets.expireStale()).toBe(1)
    at('08:00', '24'); await ok(canbo1, `/api/counters/${c1}/open`); ids.t7 = (await issued(h, A)).id
    at('08:05', '24'); await call(canbo1, c1, ids.t7)
    at('08:06', '24'); await ok(canbo1, `/api/tickets/${ids.t7}/start`)
    at('08:16', '24'); ids.t8 = (await ok(canbo1, `/api/tickets/${ids.t7}/transfer`, { serviceId: B })).ticket.id as string
    at('08:20', '24'); await call(canbo1, c1, ids.t8)
    at('08:21', '24'); await ok(canbo1, `/api/tickets/${ids.t8}/start`)
    at('08:29', '24'); await ok(canbo1, `/api/tickets/${ids.t8}/complete`)
    at('08:30', '24'); await ok(canbo1, `/api/counters/${c1}/close`)
    at('08:35', '24'); expect((await manager.patch('/api/centers/na-sang/settings/rating').send({ scale: 3 })).status).toBe(200)
    at('08:40', '24'); await rate(ids.t8, { score: 2 })

    // ---- Wednesday 25 (outside the period) ----
    at('08:00', '25'); await ok(canbo1, `/api/counters/${c1}/open`); ids.t9 = (await issued(h, A)).id
    at('08:01', '25'); await call(canbo1, c1, ids.t9)
    at('08:02', '25'); await ok(canbo1, `/api/tickets/${ids.t9}/start`)
    at('08:05', '25'); await ok(canbo1, `/api/tickets/${ids.t9}/complete`)
    at('08:06', '25'); await rate(ids.t9, { score: 1 })
    at('08:10', '25'); await ok(canbo1, `/api/counters/${c1}/close`)

    // ---- dossiers ----
    const db = h.handle.db
    const proc = async (code: string) => (await db.selectFrom('procedure').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id
    const [pa, pb] = [await proc('khai-sinh'), await proc('ct-ban-sao')]
    const local = (s: string) => new Date(`${s}+07:00`)
    const dossier = async (d: { code: string; status: string; channel?: string; procedure: string; ticket?: string; receivedAt?: string; by?: string;
      due?: string; ready?: string; outcome?: string; returned?: string }) => {
      const created = local(d.receivedAt ?? '2026-11-24T10:00:00')
      const row = await sql<{ id: string }>`
        INSERT INTO dossier (center_id, code, lookup_code, status, channel, procedure_id, applicant_name, applicant_phone, applicant_address,
          ticket_id, received_at, received_by, due_at, ready_at, outcome, returned_at, returned_by, created_at, updated_at)
        VALUES (${h.demo.centerId}, ${d.code}, 'ABCD', ${d.status}::dossier_status, ${d.channel ?? 'counter'}, ${d.procedure}, 'Lò Văn Test', '0912345678', 'Bản Na Sang',
          ${d.ticket ?? null}, ${d.receivedAt ? local(d.receivedAt) : null}, ${d.by ?? null}, ${d.due ? local(d.due) : null},
          ${d.ready ? local(d.ready) : null}, ${d.outcome ?? null}, ${d.returned ? local(d.returned) : null}, ${d.returned ? d.by : null}, ${created}, ${created})
        RETURNING id`.execute(db)
      return row.rows[0]!.id
    }
    const s1 = h.demo.staff.canbo1!, s2 = h.demo.staff.canbo2!
    await dossier({ code: 'NS-261123-0001', status: 'ready', procedure: pa, ticket: ids.t1, receivedAt: '2026-11-23T08:15:00', by: s1, due: '2026-11-24T17:00:00', ready: '2026-11-24T10:00:00', outcome: 'on_time' })
    await dossier({ code: 'NS-261123-0002', status: 'processing', procedure: pb, ticket: ids.t3, receivedAt: '2026-11-23T08:18:00', by: s2, due: '2026-11-24T17:00:00' })
    await dossier({ code: 'NS-261124-0001', status: 'returned', procedure: pb, ticket: ids.t8, receivedAt: '2026-11-24T08:25:00', by: s1, due: '2026-11-26T17:00:00', ready: '2026-11-24T09:00:00', outcome: 'early', returned: '2026-11-24T09:30:00' })
    const d4 = await dossier({ code: 'NS-261124-0002', status: 'ready', channel: 'online', procedure: pa, receivedAt: '2026-11-24T09:00:00', by: s1, due: '2026-11-24T16:00:00', ready: '2026-11-25T08:00:00', outcome: 'late' })
    await dossier({ code: 'NS-261125-0001', status: 'processing', procedure: pa, receivedAt: '2026-11-25T08:00:00', by: s1, due: '2026-11-24T17:00:00' })
    await dossier({ code: 'NS-261124-0003', status: 'submitted_online', channel: 'online', procedure: pa })
    await db.updateTable('ticket').set({ dossier_id: d4 }).where('id', '=', ids.t9!).execute()

    at('10:00', '25')
  }, 120_000)
  afterAll(async () => { await h?.close() })

  const report = async (groupBy: string, agent: Agent = manager, extra = '') =>
    (await agent.get(`/api/reports/summary?center=na-sang&from=2026-11-23&to=2026-11-24&groupBy=${groupBy}${extra}`).expect(200)).body as ReportResponse
  const rows = (r: ReportResponse) => r.rows.map(({ key, label, ...f }) => ({ key, label, ...f }))

  it('by day: Monday and Tuesday, with the totals of the period', async () => {
    const r = await report('day')
    expect(r).toMatchObject({ center: { slug: 'na-sang', timeZone: 'Asia/Ho_Chi_Minh' }, from: '2026-11-23', to: '2026-11-24', groupBy: 'day',
      generatedAt: '2026-11-25T03:00:00.000Z', ratingScale: 3 })
    expect(rows(r)).toEqual([
      // Mon: t1–t6. Waits 480 600 1140 1200: avg 855, median pos 1.5 → 870, p90 pos 2.7 → 1140 + 0.7·60 = 1182.
      // Service 360 600 600: avg 520, median 600. Walk 60 120 120: avg 100. Pause 900; idle 1980 + 4200 = 6180.
      // Ratings 5, 1, 4: satisfied 2 of 3 = 0.6667. Dossiers D1, D2: on time 1, overdue 1, D2 rated bad → (2 − 1)/2.
      { key: '2026-11-23', label: '2026-11-23', ...fig({ issued: 6, served: 3, noShow: 1, cancelled: 1, expired: 1,
        waitAvg: 855, waitMedian: 870, waitP90: 1182, serviceAvg: 520, serviceMedian: 600, walkAvg: 100, pauseSeconds: 900, idleSeconds: 6180,
        ratings: 3, levels: [1, 1, 0, 0, 1], satisfied: 2, notSatisfied: 1, satisfiedShare: 0.6667,
        dossiersReceived: 2, dossiersOnTime: 1, dossiersOverdueNow: 1, dossiersRatedNotSatisfied: 1, ratio766: 0.5 }) },
      // Tue: t7, t8. Waits 240 300: avg 270, median 270, p90 pos 0.9 → 240 + 0.9·60 = 294. Service 480. Walk 60 60.
      // Idle 600. Rating level 3: neither. Dossiers D3 (early), D4 (late, rated bad via t9) → (2 − 1)/2.
      { key: '2026-11-24', label: '2026-11-24', ...fig({ issued: 2, served: 1, transferred: 1,
        waitAvg: 270, waitMedian: 270, waitP90: 294, serviceAvg: 480, serviceMedian: 480, walkAvg: 60, pauseSeconds: 0, idleSeconds: 600,
        ratings: 1, levels: [0, 0, 1, 0, 0], satisfiedShare: 0,
        dossiersReceived: 2, dossiersEarly: 1, dossiersLate: 1, dossiersRatedNotSatisfied: 1, ratio766: 0.5 }) },
    ])
    expect(r.totals).toEqual(TOTALS)
  })

  it('by service: A and B (counter time only in the totals)', async () => {
    const r = await report('service')
    expect(rows(r)).toEqual([
      // A: t1 t2 t4 t5 t6 t7. Waits 300 600 1140 1200: avg 810, median 870, p90 1182. Service 600 600. Walk 60 120 60: 80.
      // Ratings 5, 4 → share 1. Dossiers D1 (on time), D4 (late, bad) → 0.5.
      { key: h.demo.services.A, label: 'A · Hộ tịch', ...fig({ issued: 6, served: 2, noShow: 1, cancelled: 1, expired: 1, transferred: 1,
        waitAvg: 810, waitMedian: 870, waitP90: 1182, serviceAvg: 600, serviceMedian: 600, walkAvg: 80, pauseSeconds: null, idleSeconds: null,
        ratings: 2, levels: [1, 1, 0, 0, 0], satisfied: 2, satisfiedShare: 1,
        dossiersReceived: 2, dossiersOnTime: 1, dossiersLate: 1, dossiersRatedNotSatisfied: 1, ratio766: 0.5 }) },
      // B: t3 t8. Waits 240 480: avg 360, median 360, p90 240 + 0.9·240 = 456. Service 360 480: 420. Walk 120 60: 90.
      // Ratings 1, 3 → share 0. Dossiers D2 (overdue, bad), D3 (early) → 0.5.
      { key: h.demo.services.B, label: 'B · Chứng thực', ...fig({ issued: 2, served: 2,
        waitAvg: 360, waitMedian: 360, waitP90: 456, serviceAvg: 420, serviceMedian: 420, walkAvg: 90, pauseSeconds: null, idleSeconds: null,
        ratings: 2, levels: [0, 0, 1, 0, 1], notSatisfied: 1, satisfiedShare: 0,
        dossiersReceived: 2, dossiersEarly: 1, dossiersOverdueNow: 1, dossiersRatedNotSatisfied: 1, ratio766: 0.5 }) },
    ])
    expect(r.totals).toEqual(TOTALS)
  })

  it('by counter: 1, 2, and the tickets never called', async () => {
    const r = await report('counter')
    expect(rows(r)).toEqual([
      // c1: t1 t2 t7 t8. Waits 240 300 600 1140: avg 570, median 450, p90 pos 2.7 → 600 + 0.7·540 = 978. Service 600 480: 540.
      // Walk 60 60 60. Pause 900, idle 1980 + 600. Ratings 5, 3 → 0.5. Dossiers from t1 (D1 on time), t8 (D3 early) → 1.
      { key: h.demo.counters[1], label: 'Quầy số 1', ...fig({ issued: 4, served: 2, noShow: 1, transferred: 1,
        waitAvg: 570, waitMedian: 450, waitP90: 978, serviceAvg: 540, serviceMedian: 540, walkAvg: 60, pauseSeconds: 900, idleSeconds: 2580,
        ratings: 2, levels: [1, 0, 1, 0, 0], satisfied: 1, satisfiedShare: 0.5,
        dossiersReceived: 2, dossiersEarly: 1, dossiersOnTime: 1, ratio766: 1 }) },
      // c2: t3 t4. Waits 480 1200: avg 840, median 840, p90 480 + 0.9·720 = 1128. Service 360 600: 480. Walk 120.
      // Idle 4200. Ratings 1, 4 → 0.5. Dossier D2 (overdue, bad) → 0.
      { key: h.demo.counters[2], label: 'Quầy số 2', ...fig({ issued: 2, served: 2,
        waitAvg: 840, waitMedian: 840, waitP90: 1128, serviceAvg: 480, serviceMedian: 480, walkAvg: 120, pauseSeconds: 0, idleSeconds: 4200,
        ratings: 2, levels: [0, 1, 0, 0, 1], satisfied: 1, notSatisfied: 1, satisfiedShare: 0.5,
        dossiersReceived: 1, dossiersOverdueNow: 1, dossiersRatedNotSatisfied: 1, ratio766: 0 }) },
      // never called: t5 (cancelled), t6 (expired); D4 came from no ticket (late, bad) → 0.
      { key: null, label: 'Chưa được gọi (không có quầy)', ...fig({ issued: 2, cancelled: 1, expired: 1, pauseSeconds: null, idleSeconds: null,
        dossiersReceived: 1, dossiersLate: 1, dossiersRatedNotSatisfied: 1, ratio766: 0 }) },
    ])
    expect(r.totals).toEqual(TOTALS)
  })

  it('by clerk: tickets by who called them, counter time by who opened, dossiers by who received them', async () => {
    const r = await report('staff')
    expect(rows(r)).toEqual([
      // sorted by name: "Lường Văn Minh" (canbo2) before "Quàng Thị Hoa" (canbo1); figures as counter 2 / counter 1,
      // except dossiers: canbo2 received D2 only
      { key: h.demo.staff.canbo2, label: 'Lường Văn Minh', ...fig({ issued: 2, served: 2,
        waitAvg: 840, waitMedian: 840, waitP90: 1128, serviceAvg: 480, serviceMedian: 480, walkAvg: 120, pauseSeconds: 0, idleSeconds: 4200,
        ratings: 2, levels: [0, 1, 0, 0, 1], satisfied: 1, notSatisfied: 1, satisfiedShare: 0.5,
        dossiersReceived: 1, dossiersOverdueNow: 1, dossiersRatedNotSatisfied: 1, ratio766: 0 }) },
      // canbo1 received D1 (on time), D3 (early), D4 (late, bad) → (3 − 1)/3
      { key: h.demo.staff.canbo1, label: 'Quàng Thị Hoa', ...fig({ issued: 4, served: 2, noShow: 1, transferred: 1,
        waitAvg: 570, waitMedian: 450, waitP90: 978, serviceAvg: 540, serviceMedian: 540, walkAvg: 60, pauseSeconds: 900, idleSeconds: 2580,
        ratings: 2, levels: [1, 0, 1, 0, 0], satisfied: 1, satisfiedShare: 0.5,
        dossiersReceived: 3, dossiersEarly: 1, dossiersOnTime: 1, dossiersLate: 1, dossiersRatedNotSatisfied: 1, ratio766: 0.6667 }) },
      { key: null, label: 'Chưa được gọi (không có cán bộ)', ...fig({ issued: 2, cancelled: 1, expired: 1, pauseSeconds: null, idleSeconds: null }) },
    ])
    expect(r.totals).toEqual(TOTALS)
  })

  it('by hour of day: tickets by the hour they were taken, counter time sliced by the hour', async () => {
    const r = await report('hour')
    expect(rows(r)).toEqual([
      // 8h: every ticket but t6 (t8 was issued by the transfer at 08:16) → the period's waits, services and walks.
      // Counter time 08:00–09:00: pause 900; idle c1 Mon 1980 + c2 Mon 2400 + c1 Tue 600. Every rating (all tickets of 8h).
      // Dossiers received 08:15, 08:18, 08:25: D1 on time, D2 overdue + bad, D3 early → (3 − 1)/3.
      { key: '8', label: '08:00–09:00', ...fig({ issued: 7, served: 4, noShow: 1, cancelled: 1, transferred: 1,
        waitAvg: 660, waitMedian: 540, waitP90: 1170, serviceAvg: 510, serviceMedian: 540, walkAvg: 84, pauseSeconds: 900, idleSeconds: 4980,
        ratings: 4, levels: [1, 1, 1, 0, 1], satisfied: 2, notSatisfied: 1, satisfiedShare: 0.5,
        dossiersReceived: 3, dossiersEarly: 1, dossiersOnTime: 1, dossiersOverdueNow: 1, dossiersRatedNotSatisfied: 1, ratio766: 0.6667 }) },
      // 9h: t6 (expired); c2 open 09:00–09:30 idle 1800; D4 received 09:00 (late, bad) → 0.
      { key: '9', label: '09:00–10:00', ...fig({ issued: 1, expired: 1, pauseSeconds: 0, idleSeconds: 1800,
        dossiersReceived: 1, dossiersLate: 1, dossiersRatedNotSatisfied: 1, ratio766: 0 }) },
    ])
    expect(r.totals).toEqual(TOTALS)
  })

  it('exports each table as CSV: UTF-8 with a BOM, `;` between fields, decimal comma, Vietnamese intact', async () => {
    for (const groupBy of ['day', 'service', 'counter', 'staff', 'hour']) {
      const res = await manager.get(`/api/reports/summary?center=na-sang&from=2026-11-23&to=2026-11-24&groupBy=${groupBy}&format=csv`)
        .buffer(true).parse((r, cb) => { const chunks: Buffer[] = []; r.on('data', (c: Buffer) => chunks.push(c)); r.on('end', () => cb(null, Buffer.concat(chunks))) }).expect(200)
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
      expect(res.headers['content-disposition']).toBe(`attachment; filename="bao-cao-na-sang-2026-11-23-2026-11-24-${groupBy}.csv"`)
      const bytes = res.body as Buffer
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
      const text = bytes.toString('utf8')
      const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter: ';', skipEmptyLines: true })
      expect(parsed.errors).toEqual([])
      const [head, ...body] = parsed.data
      expect(head).toHaveLength(1 + REPORT_COLUMNS.length)
      expect(head!.slice(0, 3)).toEqual([{ day: 'Ngày', service: 'Lĩnh vực', counter: 'Quầy', staff: 'Cán bộ', hour: 'Giờ trong ngày' }[groupBy], 'Số phiếu cấp', 'Đã phục vụ'])
      expect(head).toContain('Chờ trung bình (giây)')
      expect(head).toContain('Tỷ lệ hài lòng (QĐ 766) (%)')
      const total = body.at(-1)!
      expect(total[0]).toBe('Tổng cộng')
      const col = (name: string) => total[head!.indexOf(name)]
      expect([col('Số phiếu cấp'), col('Chờ trung bình (giây)'), col('Chờ (90%) (giây)'), col('Quầy mở nhưng trống (giây)'),
        col('Rất hài lòng'), col('Tỷ lệ hài lòng (%)'), col('Tỷ lệ hài lòng (QĐ 766) (%)')]).toEqual(['8', '660', '1170', '6780', '1', '50,0', '50,0'])
      expect(body).toHaveLength({ day: 3, service: 3, counter: 4, staff: 4, hour: 3 }[groupBy]!)
    }
    const staffCsv = (await manager.get('/api/reports/summary?center=na-sang&from=2026-11-23&to=2026-11-24&groupBy=staff&format=csv').expect(200)).text
    // W2's columns: counter-issued and served after hours after the ticket counts, received after hours before the 766 ratio, the fees last
    expect(staffCsv).toContain('Quàng Thị Hoa;4;2;1;0;0;1;0;0;570;450;978;540;540;60;900;2580;2;1;0;1;0;0;1;0;50,0;3;1;1;1;0;1;0;66,7;0;0')
    const en = (await manager.get('/api/reports/summary?center=na-sang&from=2026-11-23&to=2026-11-24&groupBy=service&format=csv&lang=en').expect(200)).text
    expect(en.split('\r\n')[0]).toMatch(/^\uFEFFService;Issued;Served;/)
    expect(en).toContain('A · Civil status;6;2;1;1;1;1;')
  })

  it('writes a staff name a spreadsheet would run as a formula as text: `=HYPERLINK(…)` becomes `\'=HYPERLINK(…)`', async () => {
    const evil = '=HYPERLINK("http://x","y")'
    await h.handle.db.updateTable('staff').set({ full_name: evil }).where('username', '=', 'canbo2').execute()
    try {
      const csv = (await manager.get('/api/reports/summary?center=na-sang&from=2026-11-23&to=2026-11-24&groupBy=staff&format=csv').expect(200)).text
      expect(csv).toContain(`"'=HYPERLINK(""http://x"",""y"")";`)
      const labels = Papa.parse<string[]>(csv.replace(/^\uFEFF/, ''), { delimiter: ';', skipEmptyLines: true }).data.map((r) => r[0])
      expect(labels).toContain(`'${evil}`)
      expect(labels).not.toContain(evil)
      // JSON is data for programs: the name as it is
      expect((await report('staff')).rows.map((r) => r.label)).toContain(evil)
    } finally {
      await h.handle.db.updateTable('staff').set({ full_name: 'Lường Văn Minh' }).where('username', '=', 'canbo2').execute()
    }
  })

  it('lets a manager read their center and an admin any center; refuses clerks, other centers and bad queries (listing every problem)', async () => {
    // the manager's own center by default; this month so far (1–25 Nov) by default
    const mine = (await manager.get('/api/reports/summary').expect(200)).body as ReportResponse
    expect(mine).toMatchObject({ from: '2026-11-01', to: '2026-11-25', groupBy: 'day' })
    expect(mine.totals.issued).toBe(9) // t9 of Wednesday too
    expect((await report('day', admin)).totals).toEqual(TOTALS)
    const noCenter = await admin.get('/api/reports/summary').expect(400)
    expect(noCenter.body.error.details).toEqual([{ path: 'query.center', message: 'bắt buộc' }])
    expect((await clerk.get('/api/reports/summary').expect(403)).body.error.code).toBe('FORBIDDEN')
    expect((await h.http.get('/api/reports/summary').expect(401)).body.error.code).toBe('AUTH_REQUIRED')
    expect((await otherManager.get('/api/reports/summary?center=na-sang').expect(403)).body.error.code).toBe('WRONG_CENTER')
    expect((await manager.get('/api/reports/summary?center=khong-co').expect(404)).body.error.code).toBe('CENTER_NOT_FOUND')
    const bad = await manager.get('/api/reports/summary?center=NA!&from=2026-13-01&to=x&groupBy=week&format=xml&other=1').expect(400)
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort())
      .toEqual(['query.center', 'query.format', 'query.from', 'query.groupBy', 'query.other', 'query.to'])
    const reversed = await manager.get('/api/reports/summary?from=2026-11-24&to=2026-11-23').expect(400)
    expect(reversed.body.error.details.map((d: { path: string }) => d.path)).toEqual(['query.to'])
    // an empty period: zeros, no rows
    const empty = (await manager.get('/api/reports/summary?from=2026-10-01&to=2026-10-31').expect(200)).body as ReportResponse
    expect(empty.rows).toEqual([])
    expect(empty.totals).toEqual(fig({}))
  })
})
