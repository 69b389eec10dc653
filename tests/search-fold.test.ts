// Search folding and phone numbers (issue 22): "Tuyet" finds "Tuyết", "nguyen van a" finds "Nguyễn Văn A",
// đ/Đ → d; a phone in any usual spelling is stored in one form and found however it is typed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { openLine, type Agent } from './queue-fixtures.js'
import { FOLD_FROM, foldText, formatPhone, isPhone, normalizePhone, phoneSearchDigits } from '../common/fold.js'
import { DossierApplicantInput } from '../common/dossier-schemas.js'

describe('folding and phone numbers (pure)', () => {
  it('folds every Vietnamese letter, đ/Đ included, and keeps the rest', () => {
    expect(foldText('Nguyễn Văn Tuyết')).toBe('nguyen van tuyet')
    expect(foldText('ĐỖ THỊ ẤN')).toBe('do thi an')
    // decomposed input (a keyboard that sends marks apart) folds the same
    expect(foldText('Tuyết'.normalize('NFD'))).toBe('tuyet')
    for (const ch of 'ăâêôơưđ') expect(foldText(ch)).toMatch(/^[aeoud]$/)
    expect(foldText('0912-345 #7')).toBe('0912-345 #7')
    expect(FOLD_FROM).toContain('ự')
    expect(FOLD_FROM).toContain('Ỹ')
  })

  it('writes a phone in one form whatever the spelling', () => {
    for (const p of ['0912 345 678', '0912-345-678', '0912.345.678', '+84 912 345 678', '84912345678', '+84-912-345-678', '0084 912 345 678'])
      expect(normalizePhone(p)).toBe('0912345678')
    expect(normalizePhone('(024) 3825 1234')).toBe('02438251234')
    expect(normalizePhone('+1 202 555 0100')).toBe('+12025550100')
    expect(phoneSearchDigits('+84 912-345')).toBe('0912345')
    expect(phoneSearchDigits('345.678')).toBe('345678')
    expect(phoneSearchDigits('Tuyết')).toBeNull()
    expect(phoneSearchDigits('12')).toBeNull()
    // printed as people read it
    expect(formatPhone('0912345678')).toBe('0912 345 678')
    expect(formatPhone('02438251234')).toBe('024 3825 1234')
    expect(formatPhone('+12025550100')).toBe('+12025550100')
  })

  it('takes in the pages exactly the phones the schemas take (isPhone: the filing and booking pages check it first)', () => {
    for (const p of ['0912 345 678', '0912-345-678', '+84 912 345 678', '84912345678', '0084 912 345 678', '(024) 3825 1234', '+1 202 555 0100'])
      expect([p, isPhone(p)]).toEqual([p, true])
    for (const p of ['', '0912', 'abc 345 678', '0912345678x', '+0 912 345 678', '12345678901234567890'])
      expect([p, isPhone(p)]).toEqual([p, false])
    for (const p of ['0912-345-678', '84912345678', 'abc', '0912'])
      expect([p, isPhone(p)]).toEqual([p, DossierApplicantInput.shape.phone.safeParse(p).success])
  })
})

describe.each(backends)('search folding on %s', (kind) => {
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

  const file = (fullName: string, phone: string) => clerk.post('/api/dossiers')
    .send({ procedureId, documents: [], sets: 1, delivery: 'center', applicant: { fullName, phone, address: 'Bản Na Sang' } })
  const search = async (q: string) => ((await clerk.get('/api/dossiers').query({ center: 'na-sang', q })).body.dossiers as { applicantName: string }[]).map((d) => d.applicantName)

  it('the database folds every letter as foldText does (the generated column, letter by letter)', async () => {
    const res = await file('Tạm Thời', '0912000111')
    expect(res.status).toBe(201)
    const id = res.body.dossier.id as string
    const letters = [...FOLD_FROM, ...'ABCXYZ']
    for (let i = 0; i < letters.length; i += 100) {
      const chunk = letters.slice(i, i + 100).join('')
      await h.handle.db.updateTable('dossier').set({ applicant_name: chunk }).where('id', '=', id).execute()
      const row = await h.handle.db.selectFrom('dossier').select('applicant_fold').where('id', '=', id).executeTakeFirstOrThrow()
      expect(row.applicant_fold).toBe(foldText(chunk))
    }
    // the fold is not written by anyone: the column refuses a value
    await expect(sql`UPDATE dossier SET applicant_fold = 'x' WHERE id = ${id}`.execute(h.handle.db)).rejects.toThrow()
  })

  it('finds names typed without marks, in any case, đ as d', async () => {
    expect((await file('Nguyễn Văn A', '0912 345 671')).status).toBe(201)
    expect((await file('Lò Thị Tuyết', '0912 345 672')).status).toBe(201)
    expect((await file('Đỗ Đức Ánh', '0912 345 673')).status).toBe(201)
    expect(await search('Tuyet')).toEqual(['Lò Thị Tuyết'])
    expect(await search('tuyết')).toEqual(['Lò Thị Tuyết'])
    expect(await search('nguyen van a')).toEqual(['Nguyễn Văn A'])
    expect(await search('NGUYEN VAN')).toEqual(['Nguyễn Văn A'])
    expect(await search('do duc')).toEqual(['Đỗ Đức Ánh'])
    expect(await search('Đỗ Đức')).toEqual(['Đỗ Đức Ánh'])
    expect(await search('Tuyệt')).toEqual(['Lò Thị Tuyết']) // the marks do not need to be the right ones
    expect(await search('Tuyen')).toEqual([])
    // LIKE's own characters are taken literally
    expect(await search('%')).toEqual([])
    expect(await search('_')).toEqual([])
  })

  it('stores a phone in one form and finds it however it is typed', async () => {
    const res = await file('Hà Phôn', '+84 987-654.321')
    expect(res.status).toBe(201)
    expect(res.body.dossier.applicant.phone).toBe('0987654321')
    const row = await h.handle.db.selectFrom('dossier').select('applicant_phone').where('id', '=', res.body.dossier.id).executeTakeFirstOrThrow()
    expect(row.applicant_phone).toBe('0987654321')
    for (const q of ['0987654321', '0987 654 321', '0987-654-321', '0987.654.321', '+84 987 654 321', '84987654321', '654 321', '+84 987'])
      expect([q, await search(q)]).toEqual([q, ['Hà Phôn']])
  })

  it('refuses what is not a phone number, and writes nothing', async () => {
    const before = await h.handle.db.selectFrom('dossier').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    for (const phone of ['abc', '0912', '0912 345 678 901 234 567', '+84 (abc)', '09-12-34-56-78-90-12-34']) {
      const res = await file('Sai Số', phone)
      expect([phone, res.status, res.body.error?.code]).toEqual([phone, 400, 'VALIDATION_FAILED'])
    }
    const after = await h.handle.db.selectFrom('dossier').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
  })
})
