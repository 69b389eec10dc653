// Dossiers through the real API and real sockets: intake, states, display, phone, check-in, online filing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { nextEvent, startHarness, type ClientSocket, type Harness } from './helpers/harness.js'
import { boardSeq, issued, openLine, type Agent } from './queue-fixtures.js'
import type { DossierSummary, DossierView } from '../common/dossier-types.js'

const local = (day: string, hm: string) => `${day}T${hm}:00+07:00`
const MON = '2026-11-23'
const applicant = { fullName: 'Nguyễn Văn An', phone: '0912 345 678', address: 'Bản Huổi Lướng, xã Na Sang', idNumber: '011234567890' }
const docs = [{ name: 'Dự thảo hợp đồng', received: true }, { name: 'Giấy tờ tùy thân của các bên', received: true }]
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n')
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])

/** Resolves with the connect_error message, or 'connected'. */
function handshake(s: ClientSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('neither connect_error nor connect')), 5000)
    s.on('connect_error', (err) => { clearTimeout(t); resolve(err.message) })
    s.on('connect', () => { clearTimeout(t); resolve('connected') })
  })
}

describe.each(backends)('dossiers on %s', (kind) => {
  let h: Harness
  let procedures: Record<string, string>
  beforeAll(async () => {
    h = await startHarness(kind, { dossierLimits: { lookupsPerMinute: 100_000, filingsPerHour: 100_000 } })
    procedures = Object.fromEntries((await h.handle.db.selectFrom('procedure').select(['id', 'code']).execute()).map((p) => [p.code, p.id]))
  }, 60_000)
  afterAll(async () => { await h?.close() })

  /** A clerk on a fresh line with a called ticket: the citizen at the counter. */
  async function atCounter() {
    h.clock.set(local(MON, '09:00'))
    const line = await openLine(h)
    const t = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    return { ...line, ticketId: t.id }
  }

  async function received(clerk: Agent, body: Record<string, unknown> = {}): Promise<DossierView> {
    const res = await clerk.post('/api/dossiers').send({ procedureId: procedures['ct-hop-dong'], applicant, documents: docs, sets: 1, delivery: 'center', ...body })
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body.dossier
  }

  const lookup = (code: string, lookupCode?: string) =>
    h.http.get(`/api/public/dossiers/${encodeURIComponent(code)}`).query(lookupCode === undefined ? {} : { lookupCode })
  const dossierRow = (id: string) => h.handle.db.selectFrom('dossier').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const eventCount = async (id: string) => (await h.handle.db.selectFrom('dossier_event').select('id').where('dossier_id', '=', id).execute()).length

  it('the whole chain: ticket → dossier → processing ⇄ needs supplement → ready (display) → pickup check-in → returned', async () => {
    const line = await atCounter()
    const display = h.socket({ center: 'na-sang' })
    await nextEvent(display, 'board:snapshot')

    // intake from the ticket being served: code, lookup code, due date 2 working days after Monday
    const res = await line.clerk.post('/api/dossiers').send({ ticketId: line.ticketId, procedureId: procedures['ct-hop-dong'], applicant, documents: docs, sets: 2, delivery: 'center', note: 'Khách hẹn lấy buổi chiều' })
    expect(res.status).toBe(201)
    const d: DossierView = res.body.dossier
    expect(d.code).toMatch(/^NS-261123-\d{4}$/)
    expect(d.lookupCode).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}$/)
    expect(d).toMatchObject({ status: 'received', channel: 'counter', ticketId: line.ticketId, sets: 2, delivery: 'center', centerSlug: 'na-sang',
      dueAt: new Date(local('2026-11-25', '17:00')).toISOString(), receivedAt: new Date(local(MON, '09:00')).toISOString(),
      receivedByName: expect.stringContaining('Cán bộ'), applicant: { ...applicant, phone: '0912345678' /* stored in one form (issue 22) */ }, documents: docs, outcome: null,
      procedure: { id: procedures['ct-hop-dong'], processingDays: 2, code: 'ct-hop-dong' } })
    expect(d.lookupPath).toBe(`/tra-cuu?center=na-sang&code=${d.code}&lookupCode=${d.lookupCode}`)
    expect(d.history).toEqual([expect.objectContaining({ type: 'received', fromStatus: null, toStatus: 'received' })])

    // a phone follows it live
    const phone = h.socket({ dossier: { code: d.code, lookupCode: d.lookupCode } } as never)
    expect((await nextEvent(phone, 'dossier:updated')).status).toBe('received')

    const move = (status: string, note?: string) => line.clerk.post(`/api/dossiers/${d.id}/status`).send(note === undefined ? { status } : { status, note })
    const ask = (items: string[]) => line.clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'needs_supplement', items })
    const updated = nextEvent(phone, 'dossier:updated')
    expect((await move('processing')).body.dossier.status).toBe('processing')
    const pushed = await updated
    expect(pushed).toMatchObject({ status: 'processing', code: d.code, applicantMasked: 'Nguyễn V. A.' })
    for (const secret of ['0912', applicant.idNumber, 'Huổi', 'Nguyễn Văn An', 'Khách hẹn', 'Cán bộ']) expect(JSON.stringify(pushed)).not.toContain(secret)

    // needs supplement requires the list of what is missing
    const before = await dossierRow(d.id)
    const noNote = await move('needs_supplement')
    expect(noNote.status).toBe(400)
    expect(noNote.body.error.details).toEqual([expect.objectContaining({ path: 'body.items' })])
    expect(await dossierRow(d.id)).toEqual(before)
    const sup = await ask(['Thiếu bản sao sổ hộ khẩu'])
    expect(sup.body.dossier).toMatchObject({ status: 'needs_supplement', supplementNote: 'Thiếu bản sao sổ hộ khẩu' })
    expect((await lookup(d.code, d.lookupCode)).body.dossier.supplementNote).toBe('Thiếu bản sao sổ hộ khẩu')
    expect((await move('processing')).body.dossier).toMatchObject({ status: 'processing', supplementNote: null })

    // ready on Monday afternoon, before the due day: early; the display hears it with the next seq
    h.clock.set(local(MON, '15:00'))
    const seq = await boardSeq(h)
    const ready = nextEvent(display, 'dossier:ready')
    const r = await move('ready')
    expect(r.body.dossier).toMatchObject({ status: 'ready', outcome: 'early', readyAt: new Date(local(MON, '15:00')).toISOString() })
    expect(await ready).toEqual({ seq: seq + 1, code: d.code })
    expect((await h.http.get('/api/centers/na-sang/board')).body.readyDossiers).toContain(d.code)

    // the citizen checks in at the kiosk (typed in lower case): a ticket in "Trả kết quả" linked to the dossier
    const checkIn = await h.http.post('/api/centers/na-sang/check-in').send({ code: d.code.toLowerCase(), lookupCode: ` ${d.lookupCode.toLowerCase()} ` })
    expect(checkIn.status).toBe(201)
    expect(checkIn.body.ticket).toMatchObject({ serviceId: h.demo.services.G, status: 'waiting', dossierId: d.id, dossierCode: d.code })
    expect(checkIn.body.ticket.code).toMatch(/^G\d{3}$/)
    // the kiosk prints the phone page's link with the ticket's secret (tests/ticket-secret.test.ts), and its reads need it
    expect(checkIn.body.ticket.phonePath).toBe(`/t/${checkIn.body.ticket.id}#k=${checkIn.body.ticket.secret}`)
    expect((await h.http.get(`/api/tickets/${checkIn.body.ticket.id}?key=${encodeURIComponent(checkIn.body.ticket.secret)}`)).body.ticket.dossierCode).toBe(d.code)
    // a second tap while the ticket waits: the same ticket
    const again = await h.http.post('/api/centers/na-sang/check-in').send({ code: d.code, lookupCode: d.lookupCode })
    expect(again.body.ticket.id).toBe(checkIn.body.ticket.id)
    expect(again.body.ticket.secret).toBe(checkIn.body.ticket.secret) // its QR printed again

    // returned: who handed it over and when; the display drops the code
    h.clock.set(local(MON, '16:00'))
    const seqBeforeReturn = await boardSeq(h)
    const returned = nextEvent(display, 'dossier:returned')
    const ret = await line.clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'returned', handover: { to: 'applicant' } })
    expect(ret.body.dossier).toMatchObject({ status: 'returned', returnedAt: new Date(local(MON, '16:00')).toISOString(), returnedByName: expect.stringContaining('Cán bộ') })
    expect(await returned).toEqual({ seq: seqBeforeReturn + 1, code: d.code })
    expect((await h.http.get('/api/centers/na-sang/board')).body.readyDossiers).not.toContain(d.code)
    expect(ret.body.dossier.history.map((e: { toStatus: string }) => e.toStatus))
      .toEqual(['received', 'processing', 'needs_supplement', 'processing', 'ready', 'ready', 'returned'])
    expect(ret.body.dossier.history.map((e: { type: string }) => e.type)).toEqual(['received', 'status', 'supplement_requested', 'supplement_completed', 'status', 'checked_in', 'returned'])

    // nothing moves a returned dossier; a refused move changes nothing and sends nothing
    const after = await dossierRow(d.id)
    const seqAfter = await boardSeq(h)
    for (const status of ['processing', 'ready', 'rejected', 'received']) {
      const wrong = await move(status, status === 'rejected' ? 'Lý do từ chối' : undefined)
      expect({ status, http: wrong.status, code: wrong.body.error?.code }).toEqual({ status, http: 409, code: 'DOSSIER_WRONG_STATE' })
    }
    expect(await dossierRow(d.id)).toEqual(after)
    expect(await boardSeq(h)).toBe(seqAfter)
    display.disconnect(); phone.disconnect()
  })

  it('counts late and on time when the result is ready', async () => {
    const line = await atCounter()
    const late = await received(line.clerk, { procedureId: procedures['ct-ban-sao'] }) // 0 days: due today 17:00
    const onTime = await received(line.clerk, { procedureId: procedures['ct-ban-sao'] })
    expect(late.dueAt).toBe(new Date(local(MON, '17:00')).toISOString())
    for (const d of [late, onTime]) await line.clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' })
    h.clock.set(local(MON, '16:00'))
    expect((await line.clerk.post(`/api/dossiers/${onTime.id}/status`).send({ status: 'ready' })).body.dossier.outcome).toBe('on_time')
    h.clock.set(local(MON, '17:30'))
    expect((await line.clerk.post(`/api/dossiers/${late.id}/status`).send({ status: 'ready' })).body.dossier.outcome).toBe('late')
  })

  it('online filing → check-in in the procedure’s service → a clerk receives it and the due date starts then', async () => {
    h.clock.set(local(MON, '08:00'))
    const filed = await h.http.post('/api/public/dossiers').send({
      center: 'na-sang', procedureId: procedures['khai-sinh'], applicant: { ...applicant, idNumber: null }, note: 'Nộp qua điện thoại',
      attachments: [{ name: 'giay-chung-sinh.pdf', type: 'application/pdf', dataBase64: PDF.toString('base64') }, { name: 'anh.png', type: 'image/png', dataBase64: PNG.toString('base64') }],
    })
    expect(filed.status).toBe(201)
    expect(Object.keys(filed.body).sort()).toEqual(['code', 'lookupCode'])
    const { code, lookupCode } = filed.body
    const pub = (await lookup(code, lookupCode)).body.dossier
    expect(pub).toMatchObject({ status: 'submitted_online', receivedAt: null, dueAt: null, applicantMasked: 'Nguyễn V. A.' })
    const row = await h.handle.db.selectFrom('dossier').selectAll().where('code', '=', code).executeTakeFirstOrThrow()
    const files = await h.handle.db.selectFrom('dossier_attachment').select(['name', 'content_type', 'size', 'data']).where('dossier_id', '=', row.id).orderBy('name').execute()
    expect(files.map((f) => [f.name, f.content_type, f.size, Buffer.from(f.data).equals(f.name.endsWith('.pdf') ? PDF : PNG)]))
      .toEqual([['anh.png', 'image/png', PNG.length, true], ['giay-chung-sinh.pdf', 'application/pdf', PDF.length, true]])

    // check-in: a ticket in Hộ tịch (A), the procedure's service
    h.clock.set(local(MON, '09:30'))
    const ticket = (await h.http.post('/api/centers/na-sang/check-in').send({ code, lookupCode })).body.ticket
    expect(ticket).toMatchObject({ serviceId: h.demo.services.A, dossierId: row.id, dossierCode: code })

    // canbo1 at counter 1 (Hộ tịch) calls it and receives the dossier: 1 working day from Monday → Tuesday 17:00
    const clerk = await h.login('canbo1')
    await clerk.post(`/api/counters/${h.demo.counters[1]}/open`).send({})
    expect((await clerk.post(`/api/counters/${h.demo.counters[1]}/call`).send({ ticketId: ticket.id })).body.ticket.dossierCode).toBe(code)
    const rec = await clerk.post(`/api/dossiers/${row.id}/receive`).send({ ticketId: ticket.id, documents: [{ name: 'Tờ khai đăng ký khai sinh', received: true }], sets: 1, delivery: 'post' })
    expect(rec.status).toBe(200)
    expect(rec.body.dossier).toMatchObject({ status: 'received', channel: 'online', ticketId: ticket.id, delivery: 'post',
      receivedAt: new Date(local(MON, '09:30')).toISOString(), dueAt: new Date(local('2026-11-24', '17:00')).toISOString(), receivedByName: 'Quàng Thị Hoa' })
    expect(rec.body.dossier.history.map((e: { type: string }) => e.type)).toEqual(['filed_online', 'checked_in', 'received'])
    // staff download the files (never rendered in the app's origin); nobody else does
    expect(rec.body.dossier.attachments).toEqual([
      { id: expect.any(String), name: 'anh.png', type: 'image/png', size: PNG.length },
      { id: expect.any(String), name: 'giay-chung-sinh.pdf', type: 'application/pdf', size: PDF.length },
    ])
    const pdf = rec.body.dossier.attachments[1]
    const download = await clerk.get(`/api/dossiers/${row.id}/attachments/${pdf.id}`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c)); res.on('end', () => cb(null, Buffer.concat(chunks)))
    })
    expect(download.status).toBe(200)
    expect(Buffer.from(download.body).equals(PDF)).toBe(true)
    expect(download.headers['content-type']).toBe('application/pdf')
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="giay-chung-sinh.pdf"/)
    expect(download.headers['content-security-policy']).toContain('sandbox')
    expect((await h.http.get(`/api/dossiers/${row.id}/attachments/${pdf.id}`)).status).toBe(401)
    expect((await clerk.get(`/api/dossiers/${row.id}/attachments/${row.id}`)).status).toBe(404)
    const twice = await clerk.post(`/api/dossiers/${row.id}/receive`).send({ documents: [], sets: 1, delivery: 'center' })
    expect({ status: twice.status, code: twice.body.error?.code }).toEqual({ status: 409, code: 'DOSSIER_WRONG_STATE' })
    // a check-in before the result is ready says when it will be
    const early = await h.http.post('/api/centers/na-sang/check-in').send({ code, lookupCode })
    expect(early.status).toBe(409)
    expect(early.body.error).toMatchObject({ code: 'DOSSIER_NOT_READY', params: { dueAt: new Date(local('2026-11-24', '17:00')).toISOString(), due: '17:00 24/11/2026' } })
    expect(early.body.error.message).toContain('17:00 24/11/2026')
    // an online filing may be stopped at the citizen's request before anyone received it (Art. 21.2)
    const other = (await h.http.post('/api/public/dossiers').send({ center: 'na-sang', procedureId: procedures['khai-tu'], applicant })).body
    const otherId = (await h.handle.db.selectFrom('dossier').select('id').where('code', '=', other.code).executeTakeFirstOrThrow()).id
    const withdrawn = await clerk.post(`/api/dossiers/${otherId}/status`).send({ status: 'stopped', note: 'Công dân rút hồ sơ' })
    expect(withdrawn.body.dossier).toMatchObject({ status: 'stopped', receivedAt: null, dueAt: null })
    expect((await h.http.post('/api/centers/na-sang/check-in').send(other)).body.error.code).toBe('DOSSIER_WRONG_STATE')
    await clerk.post(`/api/tickets/${ticket.id}/start`).send({})
    await clerk.post(`/api/tickets/${ticket.id}/complete`).send({})
    await clerk.post(`/api/counters/${h.demo.counters[1]}/close`).send({})
  })

  it('extends the due date: later only, with a reason, recorded for the apology slip', async () => {
    const line = await atCounter()
    const d = await received(line.clerk)
    const ext = (body: Record<string, unknown>) => line.clerk.post(`/api/dossiers/${d.id}/extend`).send(body)
    const noReason = await ext({ dueAt: '2026-11-27' })
    expect(noReason.status).toBe(400)
    expect(noReason.body.error.details.map((x: { path: string }) => x.path)).toEqual(['body.reason'])
    const before = await dossierRow(d.id)
    const earlier = await ext({ dueAt: '2026-11-24', reason: 'Chờ xác minh' })
    expect(earlier.status).toBe(409)
    expect(earlier.body.error).toMatchObject({ code: 'DUE_DATE_NOT_LATER', params: { due: '17:00 25/11/2026' } })
    expect(await dossierRow(d.id)).toEqual(before)
    const ok = await ext({ dueAt: '2026-11-27', reason: 'Cần xác minh thông tin với xã Mường Pồn' })
    expect(ok.status).toBe(200)
    expect(ok.body.dossier.dueAt).toBe(new Date(local('2026-11-27', '17:00')).toISOString())
    expect(ok.body.dossier.extensions).toEqual([{ at: new Date(local(MON, '09:00')).toISOString(), previousDueAt: d.dueAt,
      newDueAt: new Date(local('2026-11-27', '17:00')).toISOString(), reason: 'Cần xác minh thông tin với xã Mường Pồn', staffName: expect.any(String) }])
    // an exact instant works too (on another dossier: one extension each)
    const d2 = await received(line.clerk)
    const exact = await line.clerk.post(`/api/dossiers/${d2.id}/extend`).send({ dueAt: '2026-11-30T10:00:00+07:00', reason: 'Gia hạn thêm' })
    expect(exact.body.dossier.dueAt).toBe('2026-11-30T03:00:00.000Z')
  })

  it('public lookup: a wrong or missing lookup code answers exactly like an unknown code, and shows no private data', async () => {
    const line = await atCounter()
    const d = await received(line.clerk, { note: 'Ghi chú nội bộ: gọi lại' })
    const unknown = await lookup('NS-261123-9999', 'ABCD')
    const wrong = await lookup(d.code, d.lookupCode === 'ABCD' ? 'ABCE' : 'ABCD')
    const missing = await lookup(d.code)
    const otherCenter = await h.http.get(`/api/public/dossiers/${d.code}`).query({ lookupCode: d.lookupCode, center: 'khong-co' })
    for (const r of [unknown, wrong, missing, otherCenter]) {
      expect(r.status).toBe(404)
      expect(r.body).toEqual(unknown.body)
    }
    expect(unknown.body.error.code).toBe('DOSSIER_NOT_FOUND')

    const ok = await lookup(d.code, d.lookupCode.toLowerCase())
    expect(ok.status).toBe(200)
    expect(ok.body.dossier).toMatchObject({ code: d.code, status: 'received', applicantMasked: 'Nguyễn V. A.', centerName: 'Trung tâm Phục vụ hành chính công xã Na Sang',
      collectAt: 'Trung tâm Phục vụ hành chính công xã Na Sang, Trả kết quả (quầy số 6)', history: [{ toStatus: 'received', at: d.receivedAt }] })
    const text = JSON.stringify(ok.body)
    for (const secret of [applicant.phone, '0912', applicant.idNumber, applicant.address, 'Huổi', 'Nguyễn Văn An', 'Ghi chú', 'Cán bộ', d.id, line.ticketId]) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false })
    }
    expect(Object.keys(ok.body.dossier).sort()).toEqual(['applicantMasked', 'centerName', 'code', 'collectAt', 'delivery', 'dueAt', 'history',
      'procedureNameEn', 'procedureNameVi', 'procedureNationalCode', 'readyAt', 'receivedAt', 'returnedAt', 'status', 'supplementNote', 'supplementItems', 'supplementDeadline', 'extendedFrom', 'readyEarly', 'earlyNoticeAt', 'resultAvailable', 'phoneSignUps'].sort())

    // a phone with the wrong lookup code is refused like an unknown dossier
    expect(await handshake(h.socket({ dossier: { code: d.code, lookupCode: 'ZZZZ' } } as never))).toBe('DOSSIER_NOT_FOUND')
    expect(await handshake(h.socket({ dossier: { code: 'NS-000000-0000', lookupCode: 'ABCD' } } as never))).toBe('DOSSIER_NOT_FOUND')
  })

  it('racing check-in taps get one ticket and one history row; after that ticket ends, a new check-in gets a new one', async () => {
    h.clock.set(local(MON, '10:00'))
    const { code, lookupCode } = (await h.http.post('/api/public/dossiers').send({ center: 'na-sang', procedureId: procedures['ket-hon'], applicant })).body
    const taps = await Promise.all(Array.from({ length: 6 }, () => h.http.post('/api/centers/na-sang/check-in').send({ code, lookupCode })))
    expect(taps.map((t) => t.status)).toEqual(taps.map(() => 201))
    const ids = new Set(taps.map((t) => t.body.ticket.id))
    expect(ids.size).toBe(1)
    const row = await h.handle.db.selectFrom('dossier').select('id').where('code', '=', code).executeTakeFirstOrThrow()
    const linked = () => h.handle.db.selectFrom('ticket').select(['id', 'status']).where('dossier_id', '=', row.id).orderBy('issued_at').execute()
    const checkIns = async () => (await h.handle.db.selectFrom('dossier_event').select('id').where('dossier_id', '=', row.id).where('type', '=', 'checked_in').execute()).length
    expect((await linked()).length).toBe(1)
    expect(await checkIns()).toBe(1)
    const clerk = await h.login('canbo1')
    expect((await clerk.post(`/api/tickets/${[...ids][0]}/cancel`).send({})).body.ticket.status).toBe('cancelled')
    const next = await h.http.post('/api/centers/na-sang/check-in').send({ code, lookupCode })
    expect(next.status).toBe(201)
    expect(next.body.ticket.id).not.toBe([...ids][0])
    expect((await linked()).map((t) => t.status)).toEqual(['cancelled', 'waiting'])
    expect(await checkIns()).toBe(2)
  })

  it('gives distinct, consecutive codes to 20 concurrent intakes', async () => {
    const line = await atCounter()
    const results = await Promise.all(Array.from({ length: 20 }, () =>
      line.clerk.post('/api/dossiers').send({ procedureId: procedures['khai-sinh'], applicant, documents: [], sets: 1, delivery: 'center' })))
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201))
    const codes = results.map((r) => r.body.dossier.code as string)
    expect(new Set(codes).size).toBe(20)
    const numbers = codes.map((c) => Number(c.slice(-4))).sort((a, b) => a - b)
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i))
  })

  it('is idempotent by requestId: a retried submit returns the same dossier', async () => {
    const line = await atCounter()
    const body = { procedureId: procedures['khai-tu'], applicant, documents: [], sets: 1, delivery: 'center', requestId: 'intake-retry-0001' }
    const [a, b] = await Promise.all([line.clerk.post('/api/dossiers').send(body), line.clerk.post('/api/dossiers').send(body)])
    expect(a.body.dossier.id).toBe(b.body.dossier.id)
    const reused = await line.clerk.post('/api/dossiers').send({ ...body, procedureId: procedures['khai-sinh'] })
    expect(reused.body.error.code).toBe('REQUEST_ID_REUSED')
  })

  it('refuses bad input with every problem listed, and creates nothing', async () => {
    const line = await atCounter()
    const count = async () => (await h.handle.db.selectFrom('dossier').select('id').execute()).length
    const before = await count()
    const res = await line.clerk.post('/api/dossiers').send({
      applicant: { fullName: ' ', phone: 'abc', address: 'Na Sang', idNumber: '12' }, documents: [{ name: 'x' }], sets: 0, delivery: 'drone', extra: 1,
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'body.applicant.fullName', 'body.applicant.idNumber', 'body.applicant.phone', 'body.delivery', 'body.documents.0.received', 'body.extra', 'body.procedureId', 'body.sets',
    ])
    // a procedure of no center, a ticket that is not being served at this clerk's counter
    expect((await line.clerk.post('/api/dossiers').send({ procedureId: '00000000-0000-4000-8000-000000000000', applicant, documents: [], sets: 1, delivery: 'center' })).body.error.code).toBe('PROCEDURE_NOT_FOUND')
    const waiting = await issued(h, line.serviceId)
    const notServed = await line.clerk.post('/api/dossiers').send({ ticketId: waiting.id, procedureId: procedures['khai-sinh'], applicant, documents: [], sets: 1, delivery: 'center' })
    expect({ status: notServed.status, code: notServed.body.error.code }).toEqual({ status: 409, code: 'DOSSIER_TICKET_NOT_SERVED' })
    const other = await openLine(h)
    const othersTicket = await line.clerk.post('/api/dossiers').send({ ticketId: line.ticketId, procedureId: procedures['khai-sinh'], applicant, documents: [], sets: 1, delivery: 'center' })
    expect(othersTicket.status).toBe(201) // its own ticket is fine …
    const foreign = await other.clerk.post('/api/dossiers').send({ ticketId: line.ticketId, procedureId: procedures['khai-sinh'], applicant, documents: [], sets: 1, delivery: 'center' })
    expect(foreign.body.error.code).toBe('DOSSIER_TICKET_NOT_SERVED') // … another clerk's is not
    expect(await count()).toBe(before + 1)
  })

  it('refuses attachments of the wrong type, a lying type, too large or too many, storing nothing', async () => {
    const count = async () => (await h.handle.db.selectFrom('dossier').select('id').execute()).length
      + (await h.handle.db.selectFrom('dossier_attachment').select('id').execute()).length
    const before = await count()
    const file = (a: Partial<{ name: string; type: string; dataBase64: string }>) => ({ name: 'a.pdf', type: 'application/pdf', dataBase64: PDF.toString('base64'), ...a })
    const send = (attachments: unknown[]) => h.http.post('/api/public/dossiers').send({ center: 'na-sang', procedureId: procedures['khai-sinh'], applicant, attachments })
    const lying = await send([file({ name: 'virus.pdf', dataBase64: Buffer.from('MZ\x90\x00 not a pdf').toString('base64') })])
    expect(lying.status).toBe(400)
    expect(lying.body.error).toMatchObject({ code: 'ATTACHMENT_REJECTED', params: { name: 'virus.pdf' } })
    const pngAsJpeg = await send([file({ name: 'anh.jpg', type: 'image/jpeg', dataBase64: PNG.toString('base64') })])
    expect(pngAsJpeg.body.error.code).toBe('ATTACHMENT_REJECTED')
    // one byte over 2 MB once decoded: refused by the server; far over: refused by the schema already
    const big = Buffer.concat([PDF, Buffer.alloc(2 * 1024 * 1024 + 1 - PDF.length)])
    const tooLarge = await send([file({ name: 'lon.pdf', dataBase64: big.toString('base64') })])
    expect({ status: tooLarge.status, code: tooLarge.body.error.code, name: tooLarge.body.error.params?.name }).toEqual({ status: 400, code: 'ATTACHMENT_REJECTED', name: 'lon.pdf' })
    const huge = await send([file({ name: 'rat-lon.pdf', dataBase64: Buffer.concat([big, Buffer.alloc(1000)]).toString('base64') })])
    expect(huge.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.attachments.0.dataBase64'])
    const html = await send([file({ type: 'text/html' }), file({ name: '../../etc/passwd' })])
    expect(html.status).toBe(400)
    expect(html.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.attachments.0.type', 'body.attachments.1.name'])
    const four = await send([file({}), file({}), file({}), file({})])
    expect(four.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.attachments'])
    // the larger body limit is for online filing only
    const bigStaff = await (await h.login('canbo1')).post('/api/dossiers').send({ procedureId: procedures['khai-sinh'], applicant, documents: [], sets: 1, delivery: 'center', note: 'x'.repeat(30_000) })
    expect(bigStaff.status).toBe(413)
    expect(await count()).toBe(before)
  })

  it('lists by state, due today and overdue, by procedure and by text; a clerk sees only their center', async () => {
    h.clock.set(local('2026-11-24', '08:00'))
    const line = await openLine(h)
    const dueToday = await received(line.clerk, { procedureId: procedures['ct-ban-sao'], applicant: { ...applicant, fullName: 'Lò Thị Tìm Kiếm' } })
    h.clock.set(local('2026-11-25', '09:00'))
    // a new day: a new session (sessions last 12 hours)
    const clerk = await h.login((await h.handle.db.selectFrom('staff').select('username').where('id', '=', line.staffId).executeTakeFirstOrThrow()).username)
    const list = async (q: Record<string, string>) => (await clerk.get('/api/dossiers').query(q)).body.dossiers as DossierSummary[]
    const overdue = await list({ view: 'overdue', limit: '200' })
    expect(overdue.find((x) => x.id === dueToday.id)).toMatchObject({ overdue: true })
    expect(overdue.every((x) => x.overdue)).toBe(true)
    expect((await list({ q: 'tìm kiếm' })).map((x) => x.id)).toEqual([dueToday.id])
    expect((await list({ q: dueToday.code })).map((x) => x.id)).toEqual([dueToday.id])
    const byProcedure = await list({ procedureId: procedures['ct-ban-sao']!, limit: '200' })
    expect(byProcedure.length).toBeGreaterThan(0)
    expect(byProcedure.every((x) => x.procedureId === procedures['ct-ban-sao'])).toBe(true)
    // due today: the "ct-hop-dong" dossiers received Monday 09:00 are due Wednesday 25/11 17:00
    const today = await list({ view: 'due_today', limit: '200' })
    expect(today.length).toBeGreaterThan(0)
    for (const x of today) expect(x.dueAt).toBe(new Date(local('2026-11-25', '17:00')).toISOString())
    const returned = await list({ status: 'returned' })
    expect(returned.every((x) => x.status === 'returned')).toBe(true)
    const bad = await clerk.get('/api/dossiers').query({ view: 'soon', limit: '0' })
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['query.limit', 'query.view'])
    // an admin names the center
    const admin = await h.login('quantri')
    expect((await admin.get('/api/dossiers')).status).toBe(400)
    expect((await admin.get('/api/dossiers').query({ center: 'na-sang', q: dueToday.code })).body.dossiers).toHaveLength(1)
  })

  it('the calendar: Vietnam’s holidays are seeded, a manager adds a day off and due dates skip it (audited)', async () => {
    const manager = await h.login('quanly')
    const days = (await manager.get('/api/centers/na-sang/calendar').query({ year: 2026 })).body.days
    expect(days).toContainEqual({ date: '2026-02-17', kind: 'holiday', name: 'Tết Nguyên đán (mùng 1)' })
    expect(days).toContainEqual({ date: '2026-01-10', kind: 'workday', name: 'Làm bù cho thứ Sáu 02/1' })
    expect(days.every((d: { date: string }) => d.date.startsWith('2026-'))).toBe(true)

    // Thursday 26/11 becomes a day off: a 2-day dossier of Wednesday is due Monday instead of Friday
    const put = await manager.put('/api/centers/na-sang/calendar/2026-11-26').send({ kind: 'holiday', name: 'Nghỉ đột xuất (bão)' })
    expect(put.status).toBe(200)
    const audit = await h.handle.db.selectFrom('audit_log').selectAll().where('entity', '=', 'calendar_day').execute()
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ entity_id: '2026-11-26', action: 'create', staff_id: h.demo.staff.quanly })
    h.clock.set(local('2026-11-25', '09:00'))
    const line = await openLine(h)
    expect((await received(line.clerk)).dueAt).toBe(new Date(local('2026-11-30', '17:00')).toISOString())

    const weekdayWork = await manager.put('/api/centers/na-sang/calendar/2026-11-27').send({ kind: 'workday', name: 'x' })
    expect(weekdayWork.status).toBe(400)
    const badDate = await manager.put('/api/centers/na-sang/calendar/2026-02-30').send({ kind: 'holidayy' })
    expect(badDate.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.kind', 'body.name', 'params.date'])
    expect((await manager.delete('/api/centers/na-sang/calendar/2026-11-26')).body).toEqual({ ok: true })
    expect((await manager.delete('/api/centers/na-sang/calendar/2026-11-26')).body.error.code).toBe('CALENDAR_DAY_NOT_FOUND')
    expect((await h.handle.db.selectFrom('audit_log').select('action').where('entity', '=', 'calendar_day').orderBy('id').execute()).map((a) => a.action)).toEqual(['create', 'delete'])
    expect((await received(line.clerk)).dueAt).toBe(new Date(local('2026-11-27', '17:00')).toISOString())
    expect(await eventCount((await received(line.clerk)).id)).toBe(1)
  })
})

describe.each(backends)('the kiosk and the board follow the calendar on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await startHarness(kind, { clockStart: local('2026-11-25', '09:00') }) }, 60_000)
  afterAll(async () => { await h?.close() })

  const board = async () => (await h.http.get('/api/centers/na-sang/board')).body
  const issue = () => h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A })

  it('a holiday closes the kiosk and the board at once; a make-up Saturday opens them with weekday hours', async () => {
    const manager = await h.login('quanly')
    expect(await board()).toMatchObject({ open: true, acceptingTickets: true, hoursToday: '07:00–11:30, 13:30–17:00' })
    expect((await manager.put('/api/centers/na-sang/calendar/2026-11-25').send({ kind: 'holiday', name: 'Nghỉ đột xuất' })).status).toBe(200)
    expect(await board()).toMatchObject({ open: false, acceptingTickets: false, closedReason: 'closed_day', hoursToday: '' })
    const refused = await issue()
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 409, code: 'CENTER_CLOSED' })
    expect((await manager.delete('/api/centers/na-sang/calendar/2026-11-25')).status).toBe(200)
    expect((await issue()).status).toBe(201)

    // Saturday 28/11 is closed, unless the calendar makes it a working day
    expect((await manager.put('/api/centers/na-sang/calendar/2026-11-28').send({ kind: 'workday', name: 'Làm bù' })).status).toBe(200)
    h.clock.set(local('2026-11-28', '09:00'))
    expect(await board()).toMatchObject({ open: true, acceptingTickets: true, closedReason: null, hoursToday: '07:00–11:30, 13:30–17:00' })
    expect((await issue()).status).toBe(201)
    h.clock.set(local('2026-11-29', '09:00')) // Sunday: closed as always
    expect(await board()).toMatchObject({ open: false, acceptingTickets: false, closedReason: 'closed_day' })
  })
})
