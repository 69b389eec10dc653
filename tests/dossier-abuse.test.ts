// Strangers against the dossiers' public side (issue 19, items 2, 3, 5): lookup budgets shared by HTTP
// and sockets, guessing charged to the guesser's address, and bounded online filings. Addresses vary
// through X-Forwarded-For under `trustProxy: 1`, as behind the load balancer.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { nextEvent, startHarness, type ClientSocket, type Harness } from './helpers/harness.js'
import type { DossierView } from '../common/dossier-types.js'

const MON_0900 = '2026-11-23T09:00:00+07:00'
const MINUTE = 60_000
const applicant = { fullName: 'Lò Thị Xuân', phone: '0912 345 678', address: 'Bản Na Sang 1', idNumber: null }
const PDF_1000 = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(991, 0x20)])

/** Resolves with the connect_error message, or 'connected'. */
function handshake(s: ClientSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('neither connect_error nor connect')), 5000)
    s.on('connect_error', (err) => { clearTimeout(t); resolve(err.message) })
    s.on('connect', () => { clearTimeout(t); resolve('connected') })
  })
}

/** What one address can do: lookups, check-ins, dossier sockets and filings, all from `ip`. */
function from(h: Harness, ip: string) {
  const xff = { 'x-forwarded-for': ip }
  return {
    lookup: (code: string, lookupCode: string) => h.http.get(`/api/public/dossiers/${encodeURIComponent(code)}`).query({ lookupCode }).set(xff),
    checkIn: (code: string, lookupCode: string) => h.http.post('/api/centers/na-sang/check-in').set(xff).send({ code, lookupCode }),
    socket: (code: string, lookupCode: string) => h.socket({ dossier: { code, lookupCode } } as never, { headers: xff }),
    file: (body: Record<string, unknown> = {}, lang = 'vi') =>
      h.http.post('/api/public/dossiers').query({ lang }).set(xff).send({ center: 'na-sang', procedureId: procedureId(h), applicant, ...body }),
  }
}

const procedures = new WeakMap<Harness, string>()
const procedureId = (h: Harness) => procedures.get(h)!
async function start(kind: Parameters<typeof startHarness>[0], opts: Parameters<typeof startHarness>[1]) {
  const h = await startHarness(kind, { trustProxy: 1, clockStart: MON_0900, ...opts })
  procedures.set(h, (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id)
  return h
}

/** A dossier received at a counter and moved to `ready`: its code is on the public board from then. */
async function readyDossier(h: Harness): Promise<DossierView> {
  const clerk = await h.login('canbo1')
  const res = await clerk.post('/api/dossiers').send({ procedureId: procedureId(h), applicant, documents: [], sets: 1, delivery: 'center' })
  expect(res.status).toBe(201)
  for (const status of ['processing', 'ready']) expect((await clerk.post(`/api/dossiers/${res.body.dossier.id}/status`).send({ status })).status).toBe(200)
  return res.body.dossier
}

const wrongFor = (lookupCode: string) => (lookupCode === 'AAAA' ? 'BBBB' : 'AAAA')
const statusAndCode = (r: { status: number; body: { error?: { code: string } } }) => ({ status: r.status, code: r.body.error?.code })

describe.each(backends)('the per-address lookup budget on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await start(kind, { dossierLimits: { lookupsPerMinute: 4 } }) }, 60_000)
  afterAll(async () => { await h?.close() })

  it('refuses dossier sockets past the budget with connect_error RATE_LIMITED, on the counter the HTTP lookups spend', async () => {
    const a = from(h, '10.0.1.1')
    for (let i = 0; i < 4; i++) expect(await handshake(a.socket(`NS-261123-000${i}`, 'ABCD'))).toBe('DOSSIER_NOT_FOUND')
    expect(await handshake(a.socket('NS-261123-0009', 'ABCD'))).toBe('RATE_LIMITED')
    expect(statusAndCode(await a.lookup('NS-261123-0009', 'ABCD'))).toEqual({ status: 429, code: 'RATE_LIMITED' })
    // HTTP first, then sockets: one budget, not one each
    const b = from(h, '10.0.1.2')
    expect((await b.lookup('NS-261123-0001', 'ABCD')).status).toBe(404)
    expect((await b.checkIn('NS-261123-0002', 'ABCD')).status).toBe(404)
    expect((await b.lookup('NS-261123-0003', 'ABCD')).status).toBe(404)
    expect(await handshake(b.socket('NS-261123-0004', 'ABCD'))).toBe('DOSSIER_NOT_FOUND')
    expect(await handshake(b.socket('NS-261123-0005', 'ABCD'))).toBe('RATE_LIMITED')
    // another address has its own
    expect(await handshake(from(h, '10.0.1.3').socket('NS-261123-0006', 'ABCD'))).toBe('DOSSIER_NOT_FOUND')
  })

  it('refuses a fifth lookup or check-in within a minute from one address (429 RATE_LIMITED)', async () => {
    const c = from(h, '10.0.1.4')
    for (let i = 0; i < 4; i++) expect((await c.lookup(`NS-261123-001${i}`, 'ABCD')).status).toBe(404)
    expect(statusAndCode(await c.checkIn('NS-261123-0019', 'ABCD'))).toEqual({ status: 429, code: 'RATE_LIMITED' })
  })
})

describe.each(backends)('guessing dossier codes on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await start(kind, { dossierLimits: { lookupsPerMinute: 100_000 } }) }, 60_000)
  afterAll(async () => { await h?.close() })

  it('a stranger’s wrong guesses of a code from the board never lock out its owner, who comes from another address', async () => {
    const d = await readyDossier(h)
    expect((await h.http.get('/api/centers/na-sang/board')).body.readyDossiers).toContain(d.code)
    const stranger = from(h, '10.0.2.1')
    const wrong = wrongFor(d.lookupCode)
    const answers: number[] = []
    for (let i = 0; i < 12; i++) answers.push((i % 3 === 2 ? await stranger.checkIn(d.code, wrong) : await stranger.lookup(d.code, wrong)).status)
    // five failures of this code from this address, then that pair is refused (and costs no lookup)
    expect(answers).toEqual([404, 404, 404, 404, 404, ...Array(7).fill(429)])
    expect(await handshake(stranger.socket(d.code, wrong))).toBe('RATE_LIMITED')
    expect((await stranger.lookup(d.code, d.lookupCode)).status).toBe(429)

    const owner = from(h, '10.0.2.2')
    const found = await owner.lookup(d.code, d.lookupCode)
    expect({ status: found.status, code: found.body.dossier?.code, state: found.body.dossier?.status }).toEqual({ status: 200, code: d.code, state: 'ready' })
    const phone = owner.socket(d.code, d.lookupCode)
    const first = nextEvent(phone, 'dossier:updated')
    expect(await handshake(phone)).toBe('connected')
    expect((await first).code).toBe(d.code)
    const pickup = await owner.checkIn(d.code, d.lookupCode)
    expect(pickup.status).toBe(201)
    expect(pickup.body.ticket).toMatchObject({ serviceId: h.demo.services.G, dossierCode: d.code })
  })

  it('refuses an address past its failure budget on any code, for a window that doubles at each lock-out', async () => {
    const d = await readyDossier(h)
    const guesser = from(h, '10.0.3.1')
    const owner = from(h, '10.0.3.2')
    /** 20 failures: 4 codes × 5, some of them by socket, none of them refused on the way */
    const spend = async (round: number) => {
      for (let c = 0; c < 4; c++) {
        const code = `NS-26112${round}-00${c}0`
        for (let i = 0; i < 4; i++) expect((await guesser.lookup(code, 'ABCD')).status).toBe(404)
        expect(await handshake(guesser.socket(code, 'ABCD'))).toBe('DOSSIER_NOT_FOUND')
      }
    }
    await spend(1)
    expect(statusAndCode(await guesser.lookup(d.code, d.lookupCode))).toEqual({ status: 429, code: 'RATE_LIMITED' })
    expect((await guesser.checkIn(d.code, d.lookupCode)).status).toBe(429)
    expect(await handshake(guesser.socket(d.code, d.lookupCode))).toBe('RATE_LIMITED')
    expect((await owner.lookup(d.code, d.lookupCode)).status).toBe(200)

    h.clock.advance(15 * MINUTE)
    expect((await guesser.lookup(d.code, d.lookupCode)).status).toBe(200)
    await spend(2)
    h.clock.advance(15 * MINUTE) // the second lock-out lasts 30 minutes
    expect((await guesser.lookup(d.code, d.lookupCode)).status).toBe(429)
    h.clock.advance(15 * MINUTE)
    expect((await guesser.lookup(d.code, d.lookupCode)).status).toBe(200)
  })
})

describe.each(backends)('online filings per address on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await start(kind, { dossierLimits: { filingsPerHour: 3 } }) }, 60_000)
  afterAll(async () => { await h?.close() })

  it('refuses a fourth filing within an hour from one address (429 TOO_MANY_FILINGS, Vietnamese first); others and signed-in staff still file', async () => {
    const a = from(h, '10.0.4.1')
    for (let i = 0; i < 3; i++) expect((await a.file()).status).toBe(201)
    const refused = await a.file()
    expect(statusAndCode(refused)).toEqual({ status: 429, code: 'TOO_MANY_FILINGS' })
    expect(refused.body.error.params.minutes).toBeGreaterThanOrEqual(59)
    expect(refused.body.error.message).toBe(`Bạn đã nộp nhiều hồ sơ trực tuyến trong một giờ qua. Vui lòng thử lại sau ${refused.body.error.params.minutes} phút, hoặc đến trung tâm để được hỗ trợ.`)
    expect((await a.file({}, 'en')).body.error.message).toMatch(/^You have filed several dossiers online in the past hour/)
    expect((await from(h, '10.0.4.2').file()).status).toBe(201)
    // the center's help desk files for residents while signed in: not counted
    const clerk = await h.login('canbo1')
    const helped = await clerk.post('/api/public/dossiers').set('x-forwarded-for', '10.0.4.1')
      .send({ center: 'na-sang', procedureId: procedureId(h), applicant })
    expect(helped.status).toBe(201)
  })
})

describe.each(backends)('a center’s pending online filings on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await start(kind, { dossierLimits: { filingsPerHour: 100_000, quota: { pendingFilings: 4, pendingBytes: 2500 } } }) }, 60_000)
  afterAll(async () => { await h?.close() })
  const stored = async () => ({
    dossiers: (await h.handle.db.selectFrom('dossier').select('id').execute()).length,
    attachments: (await h.handle.db.selectFrom('dossier_attachment').select('id').execute()).length,
  })
  const pdf = (name: string) => ({ name, type: 'application/pdf', dataBase64: PDF_1000.toString('base64') })

  it('refuses files past the bytes quota (413) and filings past the count (429), storing nothing; a clerk’s decision makes room', async () => {
    const a = from(h, '10.0.5.1')
    expect((await a.file({ attachments: [pdf('1.pdf'), pdf('2.pdf')] })).status).toBe(201)
    const before = await stored()
    const full = await a.file({ attachments: [pdf('3.pdf')] })
    expect(statusAndCode(full)).toEqual({ status: 413, code: 'CENTER_FILING_STORAGE_FULL' })
    expect(full.body.error.message).toMatch(/^Trung tâm tạm thời không nhận thêm tệp đính kèm/)
    expect(await stored()).toEqual(before)
    // without files the filing still goes through, up to the count
    for (let i = 0; i < 3; i++) expect((await a.file()).status).toBe(201)
    const tooMany = await from(h, '10.0.5.2').file()
    expect(statusAndCode(tooMany)).toEqual({ status: 429, code: 'CENTER_FILINGS_FULL' })
    expect(tooMany.body.error.message).toMatch(/^Trung tâm đang có quá nhiều hồ sơ trực tuyến chờ tiếp nhận/)
    expect((await stored()).dossiers).toBe(before.dossiers + 3)

    // the clerk rejects the filing with the files: a place and its bytes are free again
    const clerk = await h.login('canbo1')
    const withFiles = await h.handle.db.selectFrom('dossier').innerJoin('dossier_attachment', 'dossier_attachment.dossier_id', 'dossier.id')
      .select('dossier.id').where('dossier.status', '=', 'submitted_online').executeTakeFirstOrThrow()
    expect((await clerk.post(`/api/dossiers/${withFiles.id}/status`).send({ status: 'rejected', note: 'Hồ sơ không hợp lệ' })).status).toBe(200)
    expect((await a.file({ attachments: [pdf('4.pdf'), pdf('5.pdf')] })).status).toBe(201)
  })
})

describe.each(backends)('racing online filings on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await start(kind, { dossierLimits: { filingsPerHour: 100_000, quota: { pendingFilings: 3, pendingBytes: 10_000_000 } } }) }, 60_000)
  afterAll(async () => { await h?.close() })

  it('lets exactly as many of 10 concurrent filings through as the center has room for', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => from(h, `10.0.6.${i}`).file()))
    expect(answers.map((r) => r.status).sort()).toEqual([201, 201, 201, ...Array(7).fill(429)])
    const pending = await h.handle.db.selectFrom('dossier').select('id').where('status', '=', 'submitted_online').execute()
    expect(pending.length).toBe(3)
  })
})
