// Dossiers under Decree 118/2025/NĐ-CP (issue 21): supplement once and its restart, closing when it lapses,
// refusal, the one extension, stop at the citizen's request, who took the result. Each rule through the real API.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import type { DossierSummary, DossierView } from '../common/dossier-types.js'

const local = (day: string, hm: string) => `${day}T${hm}:00+07:00`
const at = (day: string, hm: string) => new Date(local(day, hm)).toISOString()
const MON = '2026-11-23'
const applicant = { fullName: 'Lò Thị Xuân', phone: '0912 345 679', address: 'Bản Na Sang 2, xã Na Sang', idNumber: '011234567891' }
const docs = [{ name: 'Dự thảo hợp đồng', received: true }, { name: 'Giấy tờ tùy thân của các bên', received: false }]
const ITEMS = ['Giấy tờ tùy thân của các bên (bản sao)', 'Giấy chứng nhận quyền sử dụng đất (bản chính để đối chiếu)']
type Agent = Awaited<ReturnType<Harness['login']>>

describe.each(backends)('dossier lifecycle (Decree 118/2025) on %s', (kind) => {
  let h: Harness
  let clerk: Agent
  let procedureId: string
  beforeAll(async () => {
    h = await startHarness(kind, { dossierLimits: { lookupsPerMinute: 100_000, filingsPerHour: 100_000 } })
    clerk = await h.login('canbo1')
    // "Chứng thực hợp đồng": 2 working days
    procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'ct-hop-dong').executeTakeFirstOrThrow()).id
  }, 60_000)
  afterAll(async () => { await h?.close() })

  /** Moves the clock; a clerk's session lasts 12 hours of it, so the clerk logs in again. */
  async function now(t: string) {
    h.clock.set(t)
    clerk = await h.login('canbo1')
  }

  /** Received on Monday 23/11/2026 09:00: due Wednesday 25/11 17:00. */
  async function received(): Promise<DossierView> {
    await now(local(MON, '09:00'))
    const res = await clerk.post('/api/dossiers').send({ procedureId, applicant, documents: docs, sets: 1, delivery: 'center' })
    expect(res.status).toBe(201)
    expect(res.body.dossier.dueAt).toBe(at('2026-11-25', '17:00'))
    return res.body.dossier
  }
  const move = (d: { id: string }, body: Record<string, unknown>) => clerk.post(`/api/dossiers/${d.id}/status`).send(body)
  const extend = (d: { id: string }, dueAt: string, reason = 'Cần xác minh thêm tại địa phương') => clerk.post(`/api/dossiers/${d.id}/extend`).send({ dueAt, reason })
  const row = (id: string) => h.handle.db.selectFrom('dossier').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const events = async (id: string) => (await h.handle.db.selectFrom('dossier_event').select('id').where('dossier_id', '=', id).execute()).length
  const lookup = async (d: DossierView) => (await h.http.get(`/api/public/dossiers/${d.code}`).query({ lookupCode: d.lookupCode })).body.dossier
  /** A refused request: its status and code, a Vietnamese message naming the article, and nothing changed. */
  async function refused(d: DossierView, send: () => Promise<{ status: number; body: any }>, code: string, article: RegExp) {
    const before = await row(d.id)
    const n = await events(d.id)
    const res = await send()
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 409, code })
    expect(res.body.error.message).toMatch(article)
    expect(res.body.error.message).toContain('Nghị định 118/2025/NĐ-CP')
    expect(await row(d.id)).toEqual(before)
    expect(await events(d.id)).toBe(n)
  }

  it('asks for a supplement once, listing every missing item; a second request is refused with the rule', async () => {
    const d = await received()
    await now(local(MON, '10:00'))
    const noItems = await move(d, { status: 'needs_supplement', note: 'Thiếu giấy tờ' })
    expect(noItems.status).toBe(400)
    expect(noItems.body.error.details).toEqual([expect.objectContaining({ path: 'body.items' })])
    const sup = await move(d, { status: 'needs_supplement', items: ITEMS })
    expect(sup.status).toBe(200)
    expect(sup.body.dossier).toMatchObject({ status: 'needs_supplement', supplementNote: ITEMS.join('; '),
      supplement: { items: ITEMS, requestedAt: at(MON, '10:00'), deadline: at('2026-12-09', '00:00'), completedAt: null, requestedByName: expect.any(String) } })
    expect(sup.body.dossier.history.at(-1)).toMatchObject({ type: 'supplement_requested', toStatus: 'needs_supplement' })
    // the citizen sees every item and the last day to bring them
    expect(await lookup(d)).toMatchObject({ status: 'needs_supplement', supplementItems: ITEMS, supplementDeadline: at('2026-12-09', '00:00') })
    // again while it waits, and again after it was completed: refused, nothing changed
    await refused(d, () => move(d, { status: 'needs_supplement', items: ['Một giấy tờ khác'] }), 'SUPPLEMENT_ALREADY_REQUESTED', /Điều 16/)
    await now(local(MON, '11:00'))
    expect((await move(d, { status: 'processing' })).status).toBe(200)
    await refused(d, () => move(d, { status: 'needs_supplement', items: ['Một giấy tờ khác'] }), 'SUPPLEMENT_ALREADY_REQUESTED', /khoản 2 Điều 11/)
  })

  it('restarts the processing time from zero when the supplement is complete: the procedure’s working days from then', async () => {
    const d = await received()
    await now(local(MON, '10:00'))
    await move(d, { status: 'needs_supplement', items: [docs[1]!.name, ...ITEMS] })
    // past the first due date while the supplement is awaited: not overdue (its time does not run)
    await now(local('2026-11-26', '09:00'))
    const overdue = async () => ((await clerk.get('/api/dossiers').query({ view: 'overdue', limit: 200 })).body.dossiers as DossierSummary[]).some((x) => x.id === d.id)
    expect(await overdue()).toBe(false)
    // completed on Thursday 26/11 10:00, after the first due date: 2 working days from Thursday → Monday 30/11 17:00
    await now(local('2026-11-26', '10:00'))
    const done = await move(d, { status: 'processing' })
    expect(done.status).toBe(200)
    expect(done.body.dossier).toMatchObject({ status: 'processing', dueAt: at('2026-11-30', '17:00'), supplementNote: null,
      supplement: { items: [docs[1]!.name, ...ITEMS], completedAt: at('2026-11-26', '10:00'), restartedDueAt: at('2026-11-30', '17:00') } })
    // the document the request named is handed in now
    expect(done.body.dossier.documents).toEqual(docs.map((x) => ({ ...x, received: true })))
    expect(done.body.dossier.history.at(-1)).toMatchObject({ type: 'supplement_completed', fromStatus: 'needs_supplement', toStatus: 'processing' })
    expect((await lookup(d)).dueAt).toBe(at('2026-11-30', '17:00'))
    // its time runs again: not overdue on Friday, overdue on Tuesday
    await now(local('2026-11-27', '09:00'))
    expect(await overdue()).toBe(false)
    await now(local('2026-12-01', '09:00'))
    expect(await overdue()).toBe(true)
  })

  it('closes a dossier as incomplete when its supplement is not completed within 15 days of the notice, in its history', async () => {
    const d = await received()
    await now(local(MON, '10:00'))
    await move(d, { status: 'needs_supplement', items: ITEMS })
    const other = await received()
    await now(local(MON, '10:05'))
    await move(other, { status: 'needs_supplement', items: ITEMS })
    // the whole 15th day (8/12) is the citizen's
    await now(local('2026-12-08', '23:59'))
    expect((await clerk.get(`/api/dossiers/${d.id}`)).body.dossier.status).toBe('needs_supplement')
    await now(local('2026-12-09', '00:01'))
    // the server's sweep closes it without anybody looking
    expect(await h.app.dossiers.staff.closeLapsed()).toBeGreaterThanOrEqual(2)
    expect((await row(other.id)).status).toBe('closed_incomplete')
    const view: DossierView = (await clerk.get(`/api/dossiers/${d.id}`)).body.dossier
    expect(view).toMatchObject({ status: 'closed_incomplete', closing: { status: 'closed_incomplete', at: at('2026-12-09', '00:00'), staffName: null } })
    expect(view.history.at(-1)).toMatchObject({ type: 'closed_incomplete', fromStatus: 'needs_supplement', toStatus: 'closed_incomplete', at: at('2026-12-09', '00:00'), staffName: null })
    expect(await lookup(d)).toMatchObject({ status: 'closed_incomplete', supplementItems: [] })
    // too late to complete it now
    const late = await move(d, { status: 'processing' })
    expect({ status: late.status, code: late.body.error.code }).toEqual({ status: 409, code: 'DOSSIER_WRONG_STATE' })
  })

  it('closes a lapsed request when it is read, before any sweep', async () => {
    const d = await received()
    await now(local(MON, '10:00'))
    await move(d, { status: 'needs_supplement', items: ITEMS })
    await now(local('2026-12-10', '08:00'))
    expect((await lookup(d)).status).toBe('closed_incomplete')
    expect((await row(d.id)).status).toBe('closed_incomplete')
  })

  it('refuses a dossier with its reasons, printed on the refusal form', async () => {
    const d = await received()
    const bare = await move(d, { status: 'rejected' })
    expect(bare.status).toBe(400)
    expect(bare.body.error.details).toEqual([expect.objectContaining({ path: 'body.note' })])
    await now(local(MON, '11:00'))
    const res = await move(d, { status: 'rejected', note: 'Hợp đồng không thuộc thẩm quyền chứng thực của cấp xã.' })
    expect(res.body.dossier).toMatchObject({ status: 'rejected', closing: { status: 'rejected', at: at(MON, '11:00'), reason: 'Hợp đồng không thuộc thẩm quyền chứng thực của cấp xã.', staffName: expect.any(String) } })
    expect(res.body.dossier.history.at(-1)).toMatchObject({ type: 'refused', toStatus: 'rejected' })
  })

  it('extends once, at least a day before the due date, to a working day; the lookup shows the new date', async () => {
    const d = await received() // due Wednesday 25/11 17:00
    await now(local('2026-11-24', '10:00'))
    // Saturday 28/11: closed
    await refused(d, () => extend(d, '2026-11-28'), 'EXTENSION_CLOSED_DAY', /khoản 6 Điều 19/)
    // an instant on a Sunday is refused too
    await refused(d, () => extend(d, local('2026-11-29', '10:00')), 'EXTENSION_CLOSED_DAY', /28\/11|29\/11/)
    const ok = await extend(d, '2026-11-30')
    expect(ok.status).toBe(200)
    expect(ok.body.dossier).toMatchObject({ dueAt: at('2026-11-30', '17:00'), extensions: [{ previousDueAt: at('2026-11-25', '17:00'), newDueAt: at('2026-11-30', '17:00') }] })
    expect(await lookup(d)).toMatchObject({ dueAt: at('2026-11-30', '17:00'), extendedFrom: at('2026-11-25', '17:00') })
    await refused(d, () => extend(d, '2026-12-02'), 'EXTENSION_ALREADY_GIVEN', /không quá một lần.*khoản 6 Điều 19/)
  })

  it('refuses an extension asked on the due day itself', async () => {
    const d = await received()
    await now(local('2026-11-25', '08:00'))
    await refused(d, () => extend(d, '2026-11-27'), 'EXTENSION_TOO_LATE', /chậm nhất 01 ngày trước ngày hết hạn \(17:00 25\/11\/2026\)/)
    // the day before is still in time
    const d2 = await received()
    await now(local('2026-11-24', '16:59'))
    expect((await extend(d2, '2026-11-27')).status).toBe(200)
  })

  it('stops a dossier at the citizen’s request: a state of its own, never late; a returned or ready one cannot be stopped', async () => {
    const d = await received()
    await move(d, { status: 'processing' })
    expect((await move(d, { status: 'stopped' })).status).toBe(400) // the citizen's request is written down
    await now(local('2026-11-24', '09:00'))
    const stop = await move(d, { status: 'stopped', note: 'Công dân có đơn đề nghị dừng giải quyết ngày 24/11/2026.' })
    expect(stop.body.dossier).toMatchObject({ status: 'stopped', outcome: null, closing: { status: 'stopped', reason: 'Công dân có đơn đề nghị dừng giải quyết ngày 24/11/2026.' } })
    await now(local('2026-12-01', '09:00')) // long past its due date
    const rows: DossierSummary[] = (await clerk.get('/api/dossiers').query({ status: 'stopped', limit: 200 })).body.dossiers
    expect(rows.find((x) => x.id === d.id)).toMatchObject({ status: 'stopped', overdue: false })
    expect(((await clerk.get('/api/dossiers').query({ view: 'overdue', limit: 200 })).body.dossiers as DossierSummary[]).some((x) => x.id === d.id)).toBe(false)
    expect((await lookup(d)).status).toBe('stopped')

    const r = await received()
    await move(r, { status: 'processing' })
    await move(r, { status: 'ready' })
    await refused(r, () => move(r, { status: 'stopped', note: 'Đề nghị dừng' }), 'STOP_AFTER_RESULT', /Điều 21/)
    await move(r, { status: 'returned', handover: { to: 'applicant' } })
    await refused(r, () => move(r, { status: 'stopped', note: 'Đề nghị dừng' }), 'STOP_AFTER_RESULT', /Điều 21/)
  })

  it('records who took the result: the applicant, or an authorised person with name, ID number and power of attorney', async () => {
    const ready = async () => {
      const d = await received()
      await move(d, { status: 'processing' })
      await move(d, { status: 'ready' })
      // ready before its due day: the citizen is told first (Art. 22.5; tests/dossier-early-return.test.ts)
      expect((await clerk.post(`/api/dossiers/${d.id}/early-notice`).send({ channel: 'phone', contact: applicant.phone })).status).toBe(200)
      return d
    }
    const d = await ready()
    const bare = await move(d, { status: 'returned' })
    expect(bare.status).toBe(400)
    expect(bare.body.error.details).toEqual([expect.objectContaining({ path: 'body.handover' })])
    const noId = await move(d, { status: 'returned', handover: { to: 'authorised', name: 'Lò Văn Sơn', authorisation: 'Giấy ủy quyền số 15/UQ' } })
    expect(noId.status).toBe(400)
    expect(noId.body.error.details).toEqual([expect.objectContaining({ path: 'body.handover.idNumber' })])
    expect((await row(d.id)).status).toBe('ready')
    const handover = { to: 'authorised', name: 'Lò Văn Sơn', idNumber: '011098765432', authorisation: 'Giấy ủy quyền số 15/UQ ngày 20/11/2026, chứng thực tại UBND xã Na Sang' }
    const res = await move(d, { status: 'returned', handover })
    expect(res.body.dossier).toMatchObject({ status: 'returned', handover, returnedByName: expect.any(String) })
    expect(await row(d.id)).toMatchObject({ handover_to: 'authorised', handover_name: 'Lò Văn Sơn', handover_id_number: '011098765432' })
    // never on the public lookup
    const pub = JSON.stringify(await lookup(d as DossierView))
    for (const secret of ['Lò Văn Sơn', '011098765432', 'ủy quyền']) expect(pub).not.toContain(secret)

    const own = await ready()
    expect((await move(own, { status: 'returned', handover: { to: 'applicant' } })).body.dossier.handover).toEqual({ to: 'applicant' })
  })
})
