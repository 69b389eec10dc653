// Two rules of Decree 118/2025/NĐ-CP (issue 21): a supplement is asked within 03 working days of the receipt
// (Art. 19.5), and a result handed over before its due day is announced to the citizen first (Art. 22.5).
// Through the real API on a test clock; each refusal changes nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import type { DossierView } from '../common/dossier-types.js'
import { supplementLimitAt } from '../server/dossiers/supplement-limit.js'

const local = (day: string, hm: string) => `${day}T${hm}:00+07:00`
const at = (day: string, hm: string) => new Date(local(day, hm)).toISOString()
const applicant = { fullName: 'Lò Thị Xuân', phone: '0912 345 679', address: 'Bản Na Sang 2, xã Na Sang', idNumber: null }
const docs = [{ name: 'Dự thảo hợp đồng', received: true }]
type Agent = Awaited<ReturnType<Harness['login']>>

it('the supplement limit is the end of the 3rd working day after the start day (pure)', () => {
  const cal = { timeZone: 'Asia/Ho_Chi_Minh', hours: {}, days: new Map<string, 'holiday' | 'workday'>([['2026-09-01', 'holiday'], ['2026-09-02', 'holiday']]) }
  // Thursday 10:00 → Friday, Monday, Tuesday: the whole Tuesday
  expect(supplementLimitAt(cal, new Date(local('2026-11-26', '10:00'))).toISOString()).toBe(at('2026-12-02', '00:00'))
  // Friday 28/8 → Monday 31/8, (Quốc khánh 1–2/9 off) Thursday 3/9, Friday 4/9
  expect(supplementLimitAt(cal, new Date(local('2026-08-28', '10:00'))).toISOString()).toBe(at('2026-09-05', '00:00'))
  // after closing (17:00 without hours) on Friday: counted from Monday
  expect(supplementLimitAt(cal, new Date(local('2026-11-27', '17:30'))).toISOString()).toBe(at('2026-12-04', '00:00'))
})

describe.each(backends)('supplement limit and early return (Decree 118/2025) on %s', (kind) => {
  let h: Harness
  let clerk: Agent
  let procedureId: string
  beforeAll(async () => {
    h = await startHarness(kind, { sessionHours: 24 * 30, dossierLimits: { lookupsPerMinute: 100_000, filingsPerHour: 100_000 } })
    clerk = await h.login('canbo1')
    // "Chứng thực hợp đồng": 2 working days
    procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'ct-hop-dong').executeTakeFirstOrThrow()).id
  }, 60_000)
  afterAll(async () => { await h?.close() })

  const clock = (day: string, hm: string) => h.clock.set(local(day, hm))
  async function received(day: string, hm: string): Promise<DossierView> {
    clock(day, hm)
    const res = await clerk.post('/api/dossiers').send({ procedureId, applicant, documents: docs, sets: 1, delivery: 'center' })
    expect(res.status).toBe(201)
    return res.body.dossier
  }
  const move = (d: { id: string }, body: Record<string, unknown>) => clerk.post(`/api/dossiers/${d.id}/status`).send(body)
  const notice = (d: { id: string }, body: Record<string, unknown>) => clerk.post(`/api/dossiers/${d.id}/early-notice`).send(body)
  const view = async (d: { id: string }): Promise<DossierView> => (await clerk.get(`/api/dossiers/${d.id}`).expect(200)).body.dossier
  const lookup = async (d: DossierView) => (await h.http.get(`/api/public/dossiers/${d.code}`).query({ lookupCode: d.lookupCode }).expect(200)).body.dossier
  const row = (id: string) => h.handle.db.selectFrom('dossier').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const events = async (id: string) => (await h.handle.db.selectFrom('dossier_event').select('id').where('dossier_id', '=', id).execute()).length
  async function refused(d: DossierView, send: () => Promise<{ status: number; body: any }>, code: string, article: RegExp) {
    const before = await row(d.id)
    const n = await events(d.id)
    const res = await send()
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 409, code })
    expect(res.body.error.message).toMatch(article)
    expect(res.body.error.message).toContain('Nghị định 118/2025/NĐ-CP')
    expect(await row(d.id)).toEqual(before)
    expect(await events(d.id)).toBe(n)
    return res.body.error
  }
  const ITEMS = ['Giấy tờ tùy thân của các bên (bản sao)']

  it('a supplement is asked within 03 working days of the receipt; later it is refused with the rule (Art. 19.5)', async () => {
    // received Thursday 26/11 10:00: the limit is the end of Tuesday 1/12
    const late = await received('2026-11-26', '10:00')
    const inTime = await received('2026-11-26', '10:05')
    expect(late.supplementLimitAt).toBe(at('2026-12-02', '00:00'))
    clock('2026-11-27', '08:00')
    expect((await move(late, { status: 'processing' })).status).toBe(200)
    expect((await view(late)).supplementLimitAt).toBe(at('2026-12-02', '00:00'))
    clock('2026-12-01', '16:59')
    const ok = await move(inTime, { status: 'needs_supplement', items: ITEMS })
    expect(ok.status).toBe(200)
    expect(ok.body.dossier.supplementLimitAt).toBeNull() // asked: no longer shown
    clock('2026-12-02', '00:00')
    const error = await refused(late, () => move(late, { status: 'needs_supplement', items: ITEMS }), 'SUPPLEMENT_TOO_LATE', /03 ngày làm việc kể từ ngày tiếp nhận hồ sơ.*khoản 5 Điều 19/)
    expect(error.message).toContain('hết ngày 01/12/2026')
    expect(error.params).toMatchObject({ date: '01/12/2026', limitAt: at('2026-12-02', '00:00') })
    // the rest of the dossier's life goes on: it can still be refused with its reasons
    expect((await move(late, { status: 'rejected', note: 'Không đủ điều kiện chứng thực' })).status).toBe(200)
  })

  it('an online filing: the 3 working days run from its receipt at the center, not from its filing', async () => {
    clock('2026-11-02', '09:00')
    const filed = await h.http.post('/api/public/dossiers').send({ center: 'na-sang', procedureId, applicant: { fullName: 'Lò Văn Pọm', phone: '0912 345 670', address: 'Bản Na Sang 3' } })
    expect(filed.status).toBe(201)
    const id = (await h.handle.db.selectFrom('dossier').select('id').where('code', '=', filed.body.code).executeTakeFirstOrThrow()).id
    expect((await view({ id })).supplementLimitAt).toBeNull() // not received yet: answered under Art. 17.2 (8 working hours)
    clock('2026-11-09', '09:00')
    const rec = await clerk.post(`/api/dossiers/${id}/receive`).send({ documents: docs, sets: 1, delivery: 'center' })
    expect(rec.status).toBe(200)
    expect(rec.body.dossier.supplementLimitAt).toBe(at('2026-11-13', '00:00'))
    clock('2026-11-12', '16:00')
    expect((await move({ id }, { status: 'needs_supplement', items: ITEMS })).status).toBe(200)
  })

  it('a result ready before its due day is handed over only after the citizen was told; the notice is recorded (Art. 22.5)', async () => {
    // received Monday 23/11 09:00, due Wednesday 25/11 17:00; ready Monday 15:00: early
    const d = await received('2026-11-23', '09:00')
    clock('2026-11-23', '14:00')
    expect((await move(d, { status: 'processing' })).status).toBe(200)
    // not ready yet: nothing to announce
    const wrong = await notice(d, { channel: 'phone' })
    expect({ status: wrong.status, code: wrong.body.error?.code }).toEqual({ status: 409, code: 'DOSSIER_WRONG_STATE' })
    clock('2026-11-23', '15:00')
    const ready = (await move(d, { status: 'ready' })).body.dossier as DossierView
    expect(ready).toMatchObject({ outcome: 'early', earlyReturn: { open: true, notices: [] } })
    expect(await lookup(d)).toMatchObject({ status: 'ready', readyEarly: true, earlyNoticeAt: null })
    // handed over on Tuesday without a notice: refused with the rule, nothing changed
    clock('2026-11-24', '08:00')
    const error = await refused(d, () => move(d, { status: 'returned', handover: { to: 'applicant' } }), 'EARLY_RETURN_NOT_ANNOUNCED', /thông báo trước.*khoản 5 Điều 22/)
    expect(error.message).toContain('17:00 25/11/2026')
    // bad input: 400, nothing recorded
    const n = await events(d.id)
    expect((await notice(d, { channel: 'pigeon' })).status).toBe(400)
    expect((await notice(d, { channel: 'sms', extra: 1 })).status).toBe(400)
    expect((await notice(d, { channel: 'sms', message: 'x'.repeat(1001) })).status).toBe(400)
    expect(await events(d.id)).toBe(n)
    // the clerk texts the citizen and records it
    const message = 'Hồ sơ NS-… đã có kết quả trước hẹn, mời Ông/Bà đến nhận tại Trung tâm.'
    const told = await notice(d, { channel: 'sms', contact: '0912345679', message })
    expect(told.status).toBe(200)
    expect(told.body.dossier.earlyReturn).toEqual({ open: true, notices: [{ at: at('2026-11-24', '08:00'), channel: 'sms', contact: '0912345679', message, staffName: expect.any(String) }] })
    expect(told.body.dossier.history.at(-1)).toMatchObject({ type: 'early_return_announced', fromStatus: 'ready', toStatus: 'ready' })
    // the citizen's lookup says when they were told, never how or to which number
    const pub = await lookup(d)
    expect(pub).toMatchObject({ readyEarly: true, earlyNoticeAt: at('2026-11-24', '08:00') })
    expect(JSON.stringify(pub)).not.toContain('0912345679')
    expect(JSON.stringify(pub)).not.toContain(message)
    // now the early handover goes through
    clock('2026-11-24', '10:00')
    const back = await move(d, { status: 'returned', handover: { to: 'applicant' } })
    expect(back.status).toBe(200)
    expect(back.body.dossier.earlyReturn).toMatchObject({ open: false, notices: [expect.objectContaining({ channel: 'sms' })] })
  })

  it('on the due day the return is on time: no notice needed, none recorded', async () => {
    const d = await received('2026-11-30', '09:00') // due Wednesday 2/12 17:00
    clock('2026-11-30', '10:00')
    await move(d, { status: 'processing' })
    expect((await move(d, { status: 'ready' })).body.dossier.outcome).toBe('early')
    clock('2026-12-02', '08:00')
    expect((await view(d)).earlyReturn).toEqual({ open: false, notices: [] })
    const error = await refused(d, () => notice(d, { channel: 'phone' }), 'DOSSIER_NOT_EARLY', /khoản 5 Điều 22/)
    expect(error.message).toContain('17:00 02/12/2026')
    expect((await move(d, { status: 'returned', handover: { to: 'applicant' } })).status).toBe(200)
  })

  it('a citizen who checks in at the kiosk for the early result came for it: the handover goes through', async () => {
    const d = await received('2026-12-07', '09:00') // Monday, due Wednesday 9/12 17:00
    clock('2026-12-07', '10:00')
    await move(d, { status: 'processing' })
    await move(d, { status: 'ready' })
    expect((await move(d, { status: 'returned', handover: { to: 'applicant' } })).body.error?.code).toBe('EARLY_RETURN_NOT_ANNOUNCED')
    const ticket = await h.http.post('/api/centers/na-sang/check-in').send({ code: d.code, lookupCode: d.lookupCode })
    expect(ticket.status).toBe(201)
    const back = await move(d, { status: 'returned', handover: { to: 'applicant' } })
    expect(back.status).toBe(200)
    expect(back.body.dossier.earlyReturn).toEqual({ open: false, notices: [] })
  })
})
