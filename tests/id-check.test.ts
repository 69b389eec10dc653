// The ID check at the counter (issue 22; Decree 118 Art. 17.1.a): how the ID was checked, and what the card's
// QR gave (date of birth, sex), recorded on the dossier and shown in its view; a scanned card finds its dossiers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { openLine, type Agent } from './queue-fixtures.js'
import type { DossierView } from '../common/dossier-types.js'

const docs = [{ name: 'Tờ khai', received: true }]
// FAKE: province code 000 does not exist
const scanned = { fullName: 'TRẦN THỊ THỬ', phone: '0912345678', address: 'Thôn Giả, Xã Mẫu, Tỉnh Giả Định', idNumber: '000190000002', birthDate: '1990-12-31', sex: 'female' }

describe.each(backends)('the ID check on %s', (kind) => {
  let h: Harness
  let clerk: Agent
  let procedureId: string
  beforeAll(async () => {
    h = await startHarness(kind)
    h.clock.set('2026-11-23T09:00:00+07:00')
    clerk = (await openLine(h)).clerk
    procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'ct-hop-dong').executeTakeFirstOrThrow()).id
  }, 60_000)
  afterAll(async () => { await h?.close() })

  const send = (body: Record<string, unknown>) => clerk.post('/api/dossiers').send({ procedureId, documents: docs, sets: 1, delivery: 'center', ...body })
  const row = (id: string) => h.handle.db.selectFrom('dossier').select(['id_check', 'applicant_birth_date', 'applicant_sex']).where('id', '=', id).executeTakeFirstOrThrow()

  it('records a card scanned at the counter with its date of birth and sex, shows them, and finds the dossier by the number', async () => {
    const res = await send({ applicant: scanned, idCheck: 'card_scan' })
    expect(res.status).toBe(201)
    const d: DossierView = res.body.dossier
    expect(d.applicant).toMatchObject({ idNumber: '000190000002', birthDate: '1990-12-31', sex: 'female', idCheck: 'card_scan' })
    expect(await row(d.id)).toMatchObject({ id_check: 'card_scan', applicant_sex: 'female' })
    expect((await clerk.get(`/api/dossiers/${d.id}`)).body.dossier.applicant).toMatchObject({ birthDate: '1990-12-31', idCheck: 'card_scan' })
    const camera = await send({ applicant: scanned, idCheck: 'camera' })
    expect(camera.body.dossier.applicant.idCheck).toBe('camera')

    const found = await clerk.get('/api/dossiers').query({ center: 'na-sang', q: '000190000002' })
    expect(found.status).toBe(200)
    expect(found.body.dossiers.map((x: { code: string }) => x.code)).toContain(d.code)
    // a part of someone's ID number finds nothing
    expect((await clerk.get('/api/dossiers').query({ center: 'na-sang', q: '0001900' })).body.dossiers).toEqual([])
  })

  it('follows the number: typed when given without a method, none without a number (whatever was claimed)', async () => {
    const { fullName, phone, address } = scanned
    const typed = await send({ applicant: { fullName, phone, address, idNumber: '012345678' } })
    expect(typed.body.dossier.applicant).toMatchObject({ idCheck: 'typed', birthDate: null, sex: null })
    const none = await send({ applicant: { fullName, phone, address }, idCheck: 'card_scan' })
    expect(none.body.dossier.applicant.idCheck).toBe('none')
    const claimedNone = await send({ applicant: scanned, idCheck: 'none' })
    expect(claimedNone.body.dossier.applicant.idCheck).toBe('typed')
  })

  it('stores the name and address in NFC whatever the keyboard sent', async () => {
    const res = await send({ applicant: { ...scanned, fullName: 'Lò Thị Tuyết'.normalize('NFD'), address: 'Bản Huổi Lướng'.normalize('NFD') } })
    expect(res.status).toBe(201)
    const row = await h.handle.db.selectFrom('dossier').select(['applicant_name', 'applicant_address']).where('id', '=', res.body.dossier.id).executeTakeFirstOrThrow()
    expect(row).toEqual({ applicant_name: 'Lò Thị Tuyết'.normalize('NFC'), applicant_address: 'Bản Huổi Lướng'.normalize('NFC') })
  })

  it('refuses a date of birth that is not a date, an unknown sex or method, naming each field', async () => {
    const res = await send({ applicant: { ...scanned, birthDate: '1990-02-30', sex: 'x' }, idCheck: 'fingerprint' })
    expect(res.status).toBe(400)
    const paths = res.body.error.details.map((x: { path: string }) => x.path)
    expect(paths).toEqual(expect.arrayContaining(['body.applicant.birthDate', 'body.applicant.sex', 'body.idCheck']))
  })
})
