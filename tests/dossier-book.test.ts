// The tracking book (Sổ theo dõi hồ sơ) and the period report (issue 21): a period with a known mix of dossiers,
// driven through the real API on a test clock; every figure checked against the scenario and against a tally
// this test computes itself from each dossier's own view (GET /api/dossiers/:id), not from the report's code.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import Papa from 'papaparse'
import { backends } from './helpers/db.js'
import { addOtherCenter, startHarness, type Harness } from './helpers/harness.js'
import type { DossierView } from '../common/dossier-types.js'
import { PERIOD_COLUMNS, type BookResponse, type BookStanding, type PeriodFigures, type PeriodResponse } from '../common/dossier-report-types.js'

type Agent = Awaited<ReturnType<Harness['login']>>
/** local time of the center (Asia/Ho_Chi_Minh, UTC+7, no DST) */
const local = (s: string) => `2026-11-${s}:00+07:00`
const applicant = (name: string) => ({ fullName: name, phone: '0912 345 679', address: 'Bản Na Sang 2, xã Na Sang', idNumber: null })
const docs = [{ name: 'Dự thảo hợp đồng', received: true }]

/*
 * The period: Mon 16 – Fri 20 Nov 2026 (local days), asked on Wed 25 Nov 10:00. Procedure "Chứng thực hợp đồng"
 * (2 working days: received Mon 09:00 → due Wed 17:00) unless said; L is "Đăng ký khai sinh" (another service).
 *   A  rec Tue 10, ready Wed 11 ............................... ended before the period: not in the book
 *   B  rec Thu 12 (due Mon 16 17:00), ready Tue 17 ............ carried over, late
 *   C  rec Wed 11, supplement Thu 12, completed Tue 17 (due restarts: Thu 19 17:00), still processing → carried, overdue
 *   D  rec Fri 13, supplement Fri 13, never completed (deadline end of 28/11) → carried, awaiting supplement
 *   E  rec Mon 2, supplement Mon 2, lapses at 18/11 00:00 ..... carried, closed incomplete (by the server)
 *   F  rec Sun 15 23:30 local (16:30 UTC Sun), stopped Wed 18 .. carried (the zone's day, not UTC's), stopped
 *   G  rec Mon 16 00:10 local (17:10 UTC Sun 15), ready Tue 17 . received in the period, early
 *   H  filed online, rec Mon 16 09:00 (due Wed 18), extended Tue 17 to Fri 20, ready Fri 20 11:00 → online, on time
 *   I  rec Tue 17 (canbo2), refused Wed 18 ..................... refused
 *   J  rec Wed 18 (due Fri 20), extended Thu 19 to Mon 23 ...... not yet due at the end
 *   K  rec Wed 18 (canbo2), due Fri 20 17:00, processing ....... overdue at the end
 *   L  khai-sinh, rec Fri 20 (canbo2), due Mon 23 .............. not yet due at the end (overdue now: the end counts)
 *   M  rec Sat 21 00:05 local (17:05 UTC Fri 20) ............... after the period: not in the book
 *   N  rec Tue 17, supplement Wed 18 ........................... awaiting supplement (requested in the period)
 *   O  rec Mon 16, ready Tue 17, handed to an authorised person Wed 18 → early
 *   R  filed online Tue 17, refused before any clerk received it  never received: not in the book
 *   S  rec Mon 16 09:00 (due Wed 18), ready Thu 19 ............. late
 *   P  came by post, rec Thu 19 09:00 (due Mon 23) .............. by post, not yet due at the end
 */
const EXPECTED: Record<string, BookStanding> = {
  B: 'late', C: 'overdue', D: 'awaiting_supplement', E: 'closed_incomplete', F: 'stopped', G: 'early', H: 'on_time', I: 'rejected',
  J: 'not_yet_due', K: 'overdue', L: 'not_yet_due', N: 'awaiting_supplement', O: 'early', S: 'late', P: 'not_yet_due',
}
const PERIOD_TOTALS: PeriodFigures = {
  carriedOver: 5, receivedCounter: 8, receivedOnline: 1, receivedPost: 1, received: 10, toHandle: 15,
  resolvedEarly: 2, resolvedOnTime: 1, resolvedLate: 2, resolved: 5, rejected: 1, stopped: 1, closedIncomplete: 1, withdrawn: 0,
  notYetDue: 3, overdue: 2, awaitingSupplement: 2, inProgress: 7, supplementRequested: 1, extended: 2,
  // H received and R refused within their 8 working hours (Art. 17.2; the late ones: tests/online-answer.test.ts)
  onlineAnswered: 2, onlineAnsweredLate: 0,
}

/** Where a dossier stands at `end`, by its own view: this test's reading of docs/reports.md, written apart from the server's. */
function standingOf(d: DossierView, end: number): BookStanding {
  const t = (s: string | null | undefined) => (s ? Date.parse(s) : null)
  const endedAt = t(d.readyAt) ?? t(d.closing?.at)
  if (endedAt !== null && endedAt < end) {
    if (d.readyAt) {
      const ready = t(d.readyAt)!, due = t(d.dueAt)!
      // the due day begins at local midnight (UTC+7)
      const dueDayStart = Date.parse(`${new Date(due + 7 * 3600_000).toISOString().slice(0, 10)}T00:00:00+07:00`)
      return ready < dueDayStart ? 'early' : ready <= due ? 'on_time' : 'late'
    }
    return d.closing!.status
  }
  const asked = t(d.supplement?.requestedAt), done = t(d.supplement?.completedAt)
  if (asked !== null && asked < end && !(done !== null && done < end)) return 'awaiting_supplement'
  // the due date in force at the end: before any extension given after it
  const later = d.extensions.filter((x) => Date.parse(x.at) >= end)
  const due = later.length ? Date.parse(later[0]!.previousDueAt) : t(d.dueAt)!
  return due < end ? 'overdue' : 'not_yet_due'
}

function tally(views: DossierView[], start: number, end: number, periodEnd: number, key: (d: DossierView) => string, answerKey = key) {
  const out = new Map<string, PeriodFigures>()
  const zero = () => Object.fromEntries(PERIOD_COLUMNS.map((c) => [c, 0])) as unknown as PeriodFigures
  for (const d of views) {
    // an online filing's first answer in the period (received, returned for changes, refused), in the answering clerk's line
    const answer = d.channel === 'online' ? d.history.find((e) => e.fromStatus === 'submitted_online' && ['received', 'needs_supplement', 'rejected'].includes(e.toStatus)) : undefined
    if (answer && Date.parse(answer.at) >= start && Date.parse(answer.at) < periodEnd) {
      const f = out.get(answerKey(d)) ?? zero()
      out.set(answerKey(d), f)
      f.onlineAnswered++
    }
  }
  for (const d of views) {
    const rec = d.receivedAt ? Date.parse(d.receivedAt) : null
    const endedAt = d.readyAt ? Date.parse(d.readyAt) : d.closing ? Date.parse(d.closing.at) : null
    if (rec === null || rec >= periodEnd || (endedAt !== null && endedAt < start)) continue
    const f = out.get(key(d)) ?? zero()
    out.set(key(d), f)
    if (rec < start) f.carriedOver++
    else { f.received++; if (d.channel === 'online') f.receivedOnline++; else if (d.channel === 'post') f.receivedPost++; else f.receivedCounter++ }
    f.toHandle++
    const s = standingOf(d, end)
    const name = ({ early: 'resolvedEarly', on_time: 'resolvedOnTime', late: 'resolvedLate', rejected: 'rejected', stopped: 'stopped',
      closed_incomplete: 'closedIncomplete', withdrawn: 'withdrawn', not_yet_due: 'notYetDue', overdue: 'overdue', awaiting_supplement: 'awaitingSupplement' } as const)[s]
    f[name]++
    if (['early', 'on_time', 'late'].includes(s)) f.resolved++
    if (['not_yet_due', 'overdue', 'awaiting_supplement'].includes(s)) f.inProgress++
    const asked = d.supplement ? Date.parse(d.supplement.requestedAt) : null
    if (asked !== null && asked >= start && asked < periodEnd) f.supplementRequested++
    if (d.extensions.some((x) => Date.parse(x.at) >= start && Date.parse(x.at) < periodEnd)) f.extended++
  }
  return out
}

describe.each(backends)('tracking book and period report on %s', (kind) => {
  let h: Harness
  let manager: Agent, canbo1: Agent, canbo2: Agent, clerk: Agent, otherManager: Agent
  const ids: Record<string, string> = {}
  let views: DossierView[] = []

  beforeAll(async () => {
    h = await startHarness(kind, { clockStart: local('02T08:00'), sessionHours: 24 * 40, dossierLimits: { lookupsPerMinute: 100_000, filingsPerHour: 100_000 } })
    await addOtherCenter(h)
    manager = await h.login('quanly'); canbo1 = await h.login('canbo1'); canbo2 = await h.login('canbo2')
    clerk = await h.login('canbo3'); otherManager = await h.login('quanly.muongpon')
    const proc = async (code: string) => (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id
    const [hopDong, khaiSinh] = [await proc('ct-hop-dong'), await proc('khai-sinh')]
    const at = (s: string) => h.clock.set(local(s))
    const ok = async (res: Promise<{ status: number; body: any }>, status = 200) => {
      const r = await res
      if (r.status !== status) throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
      return r.body
    }
    const receive = async (name: string, when: string, by: Agent = canbo1, procedureId = hopDong, channel = 'counter') => {
      at(when)
      ids[name] = (await ok(by.post('/api/dossiers').send({ procedureId, applicant: applicant(`Người nộp ${name}`), documents: docs, sets: 1, delivery: 'center', channel }), 201)).dossier.id
    }
    const move = async (name: string, when: string, body: Record<string, unknown>, by: Agent = canbo1) => {
      at(when)
      await ok(by.post(`/api/dossiers/${ids[name]}/status`).send(body))
    }
    const ready = async (name: string, processing: string, when: string) => {
      await move(name, processing, { status: 'processing' })
      await move(name, when, { status: 'ready' })
    }
    const supplement = (name: string, when: string) => move(name, when, { status: 'needs_supplement', items: ['Giấy tờ tùy thân của các bên (bản sao)'] })
    const extend = async (name: string, when: string, dueAt: string) => {
      at(when)
      await ok(canbo1.post(`/api/dossiers/${ids[name]}/extend`).send({ dueAt, reason: 'Cần xác minh thêm' }))
    }
    const fileOnline = async (name: string, when: string) => {
      at(when)
      ids[name] = (await ok(h.http.post('/api/public/dossiers').send({ center: 'na-sang', procedureId: hopDong, applicant: applicant(`Người nộp ${name}`) }), 201)).dossier?.id
        ?? (await h.handle.db.selectFrom('dossier').select('id').where('applicant_name', '=', `Người nộp ${name}`).executeTakeFirstOrThrow()).id
    }

    await receive('E', '02T09:00'); await supplement('E', '02T10:00')
    await receive('A', '10T09:00'); await ready('A', '10T10:00', '11T09:00')
    await receive('C', '11T09:00'); await supplement('C', '12T10:00')
    await receive('B', '12T09:00')
    await receive('D', '13T09:00'); await supplement('D', '13T10:00')
    await receive('F', '15T23:30', canbo2)
    await receive('G', '16T00:10')
    await fileOnline('H', '16T08:00')
    at('16T09:00'); await ok(canbo1.post(`/api/dossiers/${ids.H}/receive`).send({ documents: docs, sets: 1, delivery: 'center' }))
    await receive('S', '16T09:00')
    await receive('O', '16T09:30')
    await receive('I', '17T09:00', canbo2)
    await move('C', '17T09:00', { status: 'processing' })
    await ready('O', '17T08:00', '17T09:00')
    await ready('B', '17T09:30', '17T10:00')
    await ready('G', '17T09:40', '17T10:00')
    await extend('H', '17T10:00', '2026-11-20')
    await receive('N', '17T10:00')
    await fileOnline('R', '17T11:00'); await move('R', '17T11:30', { status: 'rejected', note: 'Hồ sơ không thuộc thẩm quyền' })
    await move('O', '18T08:30', { status: 'returned', handover: { to: 'authorised', name: 'Lò Văn Được', idNumber: '011234567890', authorisation: 'Giấy ủy quyền số 12, UBND xã chứng thực 16/11/2026' } })
    await move('I', '18T09:00', { status: 'rejected', note: 'Thiếu thẩm quyền giải quyết' }, canbo2)
    await receive('J', '18T09:00')
    await receive('K', '18T10:00', canbo2)
    await move('F', '18T10:00', { status: 'stopped', note: 'Người nộp đề nghị dừng' }, canbo2)
    await supplement('N', '18T10:00')
    await extend('J', '19T10:00', '2026-11-23')
    await ready('S', '19T09:00', '19T10:00')
    await receive('P', '19T09:00', canbo1, hopDong, 'post')
    await receive('L', '20T09:00', canbo2, khaiSinh)
    await ready('H', '20T10:00', '20T11:00')
    await receive('M', '21T00:05')
    at('25T10:00')
    views = await Promise.all(Object.values(ids).map(async (id) => (await manager.get(`/api/dossiers/${id}`).expect(200)).body.dossier as DossierView))
  }, 120_000)
  afterAll(async () => { await h?.close() })

  const START = Date.parse(local('16T00:00')), END = Date.parse(local('21T00:00'))
  const book = async (q = 'from=2026-11-16&to=2026-11-20') => (await manager.get(`/api/reports/book?center=na-sang&${q}`).expect(200)).body as BookResponse
  const period = async (groupBy: string, q = 'from=2026-11-16&to=2026-11-20') =>
    (await manager.get(`/api/reports/period?center=na-sang&${q}&groupBy=${groupBy}`).expect(200)).body as PeriodResponse
  const nameOf = (id: string) => Object.entries(ids).find(([, v]) => v === id)![0]

  it('the book lists the period\'s dossiers (carried over across its start in the zone\'s days) with their dates and standing at its end', async () => {
    const b = await book()
    expect(b).toMatchObject({ from: '2026-11-16', to: '2026-11-20', asOf: new Date(END).toISOString() })
    const got = Object.fromEntries(b.rows.map((r) => [nameOf(r.id), r.standing]))
    expect(got).toEqual(EXPECTED)
    // and the test's own reading of every dossier agrees with the scenario
    const mine = Object.fromEntries(views.filter((v) => nameOf(v.id) in EXPECTED).map((v) => [nameOf(v.id), standingOf(v, END)]))
    expect(mine).toEqual(EXPECTED)
    const row = (n: string) => b.rows.find((r) => r.id === ids[n])!
    expect(b.rows.filter((r) => r.carriedOver).map((r) => nameOf(r.id)).sort()).toEqual(['B', 'C', 'D', 'E', 'F'])
    // H: due at intake Wed 18 17:00, extended to Fri 20 17:00, online, result Fri 20 11:00, resolved by canbo1
    expect(row('H')).toMatchObject({ channel: 'online', dueAtIntake: new Date(local('18T17:00')).toISOString(), extendedTo: new Date(local('20T17:00')).toISOString(),
      dueAt: new Date(local('20T17:00')).toISOString(), readyAt: new Date(local('20T11:00')).toISOString(), receivedBy: 'Quàng Thị Hoa', readyBy: 'Quàng Thị Hoa' })
    // C: supplement asked Thu 12, completed Tue 17; due at intake Fri 13, restarted to Thu 19
    expect(row('C')).toMatchObject({ supplementRequestedAt: new Date(local('12T10:00')).toISOString(), supplementCompletedAt: new Date(local('17T09:00')).toISOString(),
      dueAtIntake: new Date(local('13T17:00')).toISOString(), dueAt: new Date(local('19T17:00')).toISOString(), extendedTo: null })
    expect(row('O')).toMatchObject({ returnedAt: new Date(local('18T08:30')).toISOString(), handoverTo: 'Lò Văn Được', status: 'returned' })
    // E closed by the server at its deadline, the end of the 15th day after the notice
    expect(row('E')).toMatchObject({ closedAt: new Date(local('18T00:00')).toISOString(), status: 'closed_incomplete' })
    expect(row('F')).toMatchObject({ closedAt: new Date(local('18T10:00')).toISOString(), status: 'stopped' })
  })

  it('the period report: every figure equals the scenario\'s and the test\'s own tally, by procedure, service and clerk, with totals', async () => {
    for (const g of ['procedure', 'service', 'staff'] as const) {
      const r = await period(g)
      expect(r.totals).toEqual(PERIOD_TOTALS)
      const key = (d: DossierView) => g === 'procedure' ? d.procedure.id : g === 'service' ? d.procedure.serviceId : d.receivedByName ?? ''
      const answeredBy = (d: DossierView) => g === 'staff' ? d.history.find((e) => e.fromStatus === 'submitted_online')?.staffName ?? '' : key(d)
      const mine = tally(views, START, END, END, key, answeredBy)
      const byKey = Object.fromEntries(r.rows.map(({ key: k, label, ...f }) => [g === 'staff' ? label : k, f]))
      expect(byKey).toEqual(Object.fromEntries(mine))
      const all = tally(views, START, END, END, () => 'all').get('all')!
      expect(all).toEqual(PERIOD_TOTALS)
      // the balance: carried over + received = ended in the period + still open at its end
      const t = r.totals
      expect(t.carriedOver + t.received).toBe(t.resolved + t.rejected + t.stopped + t.closedIncomplete + t.withdrawn + t.inProgress)
    }
    const staff = await period('staff')
    expect(staff.rows.map((r) => [r.label, r.toHandle])).toEqual([['Lường Văn Minh', 4], ['Quàng Thị Hoa', 11]])
  })

  it('the next period carries over what was open at this one\'s end; a period not yet ended is taken as of now', async () => {
    const first = await period('service')
    const next = await period('service', 'from=2026-11-21&to=2026-11-30')
    expect(next.totals.carriedOver).toBe(first.totals.inProgress)
    expect(next.asOf).toBe(new Date(Date.parse(local('25T10:00')) + 1).toISOString())
    const now = Date.parse(local('25T10:00')) + 1
    const mine = tally(views, Date.parse(local('21T00:00')), now, Date.parse(local('31T00:00')) /* Dec 1 */, () => 'all').get('all')!
    expect(next.totals).toEqual(mine)
    // J (extended to Mon 23), L and P (due Mon 23) are overdue now, C and K were already; M (received Saturday night) is due Wed 25 17:00
    expect(next.totals).toMatchObject({ carriedOver: 7, received: 1, overdue: 5, notYetDue: 1, awaitingSupplement: 2 })
  })

  it('CSV: BOM, `;`, the book\'s every dossier and the report\'s totals; text never a formula', async () => {
    const res = await manager.get('/api/reports/book?center=na-sang&from=2026-11-16&to=2026-11-20&format=csv').buffer(true).parse((r, cb) => {
      let s = ''; r.setEncoding('utf8'); r.on('data', (c: string) => { s += c }); r.on('end', () => cb(null, s))
    }).expect(200)
    expect(res.headers['content-type']).toMatch(/text\/csv/)
    const text = res.body as string
    expect(text.startsWith('\uFEFF')).toBe(true)
    const rows = Papa.parse<string[]>(text.slice(1), { delimiter: ';', skipEmptyLines: true }).data
    expect(rows[0]!.slice(0, 3)).toEqual(['STT', 'Mã hồ sơ', 'Thủ tục'])
    expect(rows.length).toBe(1 + Object.keys(EXPECTED).length)
    const h1 = rows.find((r) => r.includes(views.find((v) => v.id === ids.H)!.code))!
    expect(h1).toContain('Trực tuyến')
    expect(h1).toContain('20/11/2026 11:00')
    expect(h1).toContain('Đúng hạn')
    const p = await manager.get('/api/reports/period?center=na-sang&from=2026-11-16&to=2026-11-20&groupBy=service&format=csv').buffer(true).parse((r, cb) => {
      let s = ''; r.setEncoding('utf8'); r.on('data', (c: string) => { s += c }); r.on('end', () => cb(null, s))
    }).expect(200)
    const prow = Papa.parse<string[]>((p.body as string).slice(1), { delimiter: ';', skipEmptyLines: true }).data
    expect(prow.at(-1)).toEqual(['Tổng cộng', ...PERIOD_COLUMNS.map((c) => String(PERIOD_TOTALS[c]))])
  })

  it('managers of the center and admins only', async () => {
    await clerk.get('/api/reports/book?center=na-sang').expect(403)
    await clerk.get('/api/reports/period?center=na-sang').expect(403)
    expect((await otherManager.get('/api/reports/period?center=na-sang').expect(403)).body.error.code).toBe('WRONG_CENTER')
    await h.http.get('/api/reports/book?center=na-sang').expect(401)
    await manager.get('/api/reports/period?center=na-sang&groupBy=day').expect(400)
    await manager.get('/api/reports/book?center=na-sang&from=2026-11-20&to=2026-11-16').expect(400)
    const admin = await h.login('quantri')
    await admin.get('/api/reports/book?center=na-sang&from=2026-11-16&to=2026-11-20').expect(200)
  })
})
