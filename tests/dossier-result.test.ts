// The electronic result (issue 21, Decree 118 Art. 22): a clerk attaches the PDF, the citizen downloads it from the
// lookup with both codes and the last 4 digits of their phone, throttled like the lookup; on both backends.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { addOtherCenter, nextEvent, startHarness, type Harness } from './helpers/harness.js'
import { MAX_RESULT_BYTES } from '../common/dossier-result-schemas.js'

type Agent = Awaited<ReturnType<Harness['login']>>
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
const b64 = (b: Buffer) => b.toString('base64')
const binary = (res: { on: (e: string, f: (c: Buffer) => void) => void }, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = []
  res.on('data', (c: Buffer) => chunks.push(c))
  res.on('end', () => cb(null, Buffer.concat(chunks)))
}

describe.each(backends)('electronic result (%s)', (kind) => {
  let h: Harness
  let clerk: Agent
  let procedureId = ''
  const newDossier = async () => (await clerk.post('/api/dossiers').send({ procedureId, applicant: { fullName: 'Lò Thị Kết Quả', phone: '0912 345 678', address: 'Bản Na Sang' },
    documents: [], sets: 1, delivery: 'center' }).expect(201)).body.dossier as { id: string; code: string; lookupCode: string }

  beforeAll(async () => {
    h = await startHarness(kind, { dossierLimits: { guesses: { perAddress: 6, addressWindowMs: 3_600_000, perAddressCode: 3, codeWindowMs: 900_000, blockMs: 900_000, maxBlockMs: 86_400_000 } } })
    await addOtherCenter(h)
    clerk = await h.login('canbo1')
    procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
  }, 60_000)
  afterAll(async () => { await h?.close() })

  it('a clerk attaches a PDF: checked by its first bytes and its size, described in the dossier view, in its history', async () => {
    const d = await newDossier()
    const notPdf = await clerk.put(`/api/dossiers/${d.id}/result`).send({ name: 'ket-qua.pdf', dataBase64: b64(Buffer.from('<html><script>alert(1)</script>')) })
    expect([notPdf.status, notPdf.body.error.code]).toEqual([400, 'RESULT_REJECTED'])
    const big = Buffer.concat([PDF, Buffer.alloc(MAX_RESULT_BYTES + 1 - PDF.length)])
    const tooBig = await clerk.put(`/api/dossiers/${d.id}/result`).send({ name: 'ket-qua.pdf', dataBase64: b64(big) })
    expect([tooBig.status, tooBig.body.error.code]).toEqual([400, 'RESULT_REJECTED'])
    const badName = await clerk.put(`/api/dossiers/${d.id}/result`).send({ name: '../etc/passwd', dataBase64: b64(PDF) })
    expect([badName.status, badName.body.error.code]).toEqual([400, 'VALIDATION_FAILED'])
    expect(await h.handle.db.selectFrom('dossier_result').select('dossier_id').where('dossier_id', '=', d.id).execute()).toEqual([])

    const res = await clerk.put(`/api/dossiers/${d.id}/result`).send({ name: 'Giấy khai sinh.pdf', dataBase64: b64(PDF) }).expect(200)
    expect(res.body.dossier.result).toMatchObject({ name: 'Giấy khai sinh.pdf', size: PDF.length, attachedByName: expect.any(String), attachedByToken: null, downloads: 0 })
    expect(res.body.dossier.result.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(res.body.dossier.history.at(-1)).toMatchObject({ type: 'result_attached', note: 'Giấy khai sinh.pdf' })

    const file = await clerk.get(`/api/dossiers/${d.id}/result`).buffer(true).parse(binary).expect(200)
    expect(Buffer.compare(file.body as Buffer, PDF)).toBe(0)
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="Gi_y khai sinh.pdf"; filename\*=UTF-8''Gi%E1%BA%A5y%20khai%20sinh.pdf$/)
    expect(file.headers['content-security-policy']).toBe("default-src 'none'; sandbox")
    expect(file.headers['x-content-type-options']).toBe('nosniff')
  })

  it('is refused to another center\'s staff, and to a dossier refused or stopped', async () => {
    const d = await newDossier()
    const other = await h.login('canbo.muongpon')
    expect((await other.put(`/api/dossiers/${d.id}/result`).send({ name: 'a.pdf', dataBase64: b64(PDF) })).body.error.code).toBe('WRONG_CENTER')
    expect((await other.get(`/api/dossiers/${d.id}/result`)).body.error.code).toBe('WRONG_CENTER')
    expect((await h.http.put(`/api/dossiers/${d.id}/result`).send({ name: 'a.pdf', dataBase64: b64(PDF) })).body.error.code).toBe('AUTH_REQUIRED')
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'rejected', note: 'Không thuộc thẩm quyền' }).expect(200)
    const late = await clerk.put(`/api/dossiers/${d.id}/result`).send({ name: 'a.pdf', dataBase64: b64(PDF) })
    expect([late.status, late.body.error.code]).toEqual([409, 'DOSSIER_WRONG_STATE'])
    expect((await clerk.get(`/api/dossiers/${d.id}/result`)).body.error.code).toBe('RESULT_NOT_FOUND')
  })

  it('the citizen downloads it once ready, with both codes and the phone\'s last 4 digits; the first download is recorded', async () => {
    const d = await newDossier()
    const url = `/api/public/dossiers/${d.code}/result`
    await clerk.put(`/api/dossiers/${d.id}/result`).send({ name: 'ket-qua.pdf', dataBase64: b64(PDF) }).expect(200)
    // processing: attached but not yet the citizen's
    const early = await h.http.post(url).send({ lookupCode: d.lookupCode, phoneLast4: '5678' })
    expect([early.status, early.body.error.code]).toEqual([404, 'RESULT_NOT_FOUND'])
    expect((await h.http.get(`/api/public/dossiers/${d.code}?lookupCode=${d.lookupCode}`).expect(200)).body.dossier.resultAvailable).toBe(false)
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' }).expect(200)
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'ready' }).expect(200)
    expect((await h.http.get(`/api/public/dossiers/${d.code}?lookupCode=${d.lookupCode}`).expect(200)).body.dossier.resultAvailable).toBe(true)

    const got = await h.http.post(url).send({ lookupCode: d.lookupCode.toLowerCase(), phoneLast4: '5678' }).buffer(true).parse(binary).expect(200)
    expect(Buffer.compare(got.body as Buffer, PDF)).toBe(0)
    expect(got.headers['content-type']).toBe('application/pdf')
    expect(got.headers['content-disposition']).toMatch(/^attachment;/)
    expect(got.headers['content-security-policy']).toBe("default-src 'none'; sandbox")
    expect(got.headers['cache-control']).toBe('private, no-store')
    await h.http.post(url).send({ lookupCode: d.lookupCode, phoneLast4: '5678' }).expect(200)
    const view = (await clerk.get(`/api/dossiers/${d.id}`).expect(200)).body.dossier
    expect(view.result).toMatchObject({ downloads: 2, lastDownloadedAt: expect.any(String) })
    expect(view.history.filter((e: { type: string }) => e.type === 'result_downloaded')).toHaveLength(1)
  })

  it('a phone following a ready dossier hears of a result attached afterwards', async () => {
    const d = await newDossier()
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' }).expect(200)
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'ready' }).expect(200)
    const phone = h.socket({ dossier: { code: d.code, lookupCode: d.lookupCode } } as never)
    expect(await nextEvent(phone, 'dossier:updated')).toMatchObject({ status: 'ready', resultAvailable: false })
    const pushed = nextEvent(phone, 'dossier:updated')
    await clerk.put(`/api/dossiers/${d.id}/result`).send({ name: 'ket-qua.pdf', dataBase64: b64(PDF) }).expect(200)
    expect(await pushed).toMatchObject({ code: d.code, status: 'ready', resultAvailable: true })
    phone.disconnect()
  })

  it('a wrong lookup code or wrong digits change nothing, and count as wrong guesses until the address is refused', async () => {
    const d = await newDossier()
    await clerk.put(`/api/dossiers/${d.id}/result`).send({ name: 'ket-qua.pdf', dataBase64: b64(PDF) }).expect(200)
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' }).expect(200)
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'ready' }).expect(200)
    const url = `/api/public/dossiers/${d.code}/result`
    const wrongCode = await h.http.post(url).send({ lookupCode: 'ZZZZ', phoneLast4: '5678' })
    expect([wrongCode.status, wrongCode.body.error.code]).toEqual([404, 'DOSSIER_NOT_FOUND'])
    const wrongDigits = await h.http.post(url).send({ lookupCode: d.lookupCode, phoneLast4: '1234' })
    expect([wrongDigits.status, wrongDigits.body.error.code]).toEqual([403, 'RESULT_CHECK_FAILED'])
    expect(wrongDigits.body.error.message).toMatch(/Bốn số cuối/)
    const malformed = await h.http.post(url).send({ lookupCode: d.lookupCode, phoneLast4: '12a4' })
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'VALIDATION_FAILED'])
    await h.http.post(url).send({ lookupCode: d.lookupCode, phoneLast4: '0000' }).expect(403)
    // 3 wrong tries of this code from this address: even the right digits are refused until the window ends
    const locked = await h.http.post(url).send({ lookupCode: d.lookupCode, phoneLast4: '5678' })
    expect([locked.status, locked.body.error.code]).toEqual([429, 'RATE_LIMITED'])
    const row = await h.handle.db.selectFrom('dossier_result').select(['downloads']).where('dossier_id', '=', d.id).executeTakeFirstOrThrow()
    expect(row.downloads).toBe(0)
    h.clock.advance(16 * 60_000)
    await h.http.post(url).send({ lookupCode: d.lookupCode, phoneLast4: '5678' }).expect(200)
  })
})
