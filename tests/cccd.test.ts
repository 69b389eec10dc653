import { describe, expect, it } from '@jest/globals'
import { CCCD_PREFIX, CCCD_PROBLEMS, cccdDate, parseCccd, type CccdProblem } from '../common/cccd.js'
import { catalogs } from '../common/i18n/index.js'

// FAKE payloads only: province code 000 does not exist, so no real person holds these numbers
// (the variations are those of ../shared/reference/cccd-qr.md).
const SEVEN = '000090000001|000000001|NGUYỄN VĂN MẪU|01011990|Nam|Số 1 Đường Thử, Phường Mẫu, Tỉnh Giả Định|15062021'
const NO_OLD = '000190000002||TRẦN THỊ THỬ|31121990|Nữ|Thôn Giả, Xã Mẫu, Tỉnh Giả Định|20072022'
const SIX = '000190000002|TRẦN THỊ THỬ|31121990|Nữ|Thôn Giả, Xã Mẫu, Tỉnh Giả Định|20072022'
const EIGHT = `${SEVEN}|15062046`

const refused = (raw: string): CccdProblem | 'ok' => { const r = parseCccd(raw); return r.ok ? 'ok' : r.problem }

describe('the CCCD QR parser', () => {
  it('reads the usual 7 fields with the old 9-digit CMND', () => {
    expect(parseCccd(SEVEN)).toEqual({ ok: true, card: {
      idNumber: '000090000001', oldIdNumber: '000000001', fullName: 'NGUYỄN VĂN MẪU', birthDate: '1990-01-01', sex: 'male',
      address: 'Số 1 Đường Thử, Phường Mẫu, Tỉnh Giả Định', issueDate: '2021-06-15', fields: 7 } })
  })

  it('reads 7 fields with the old number empty (||), a woman', () => {
    const r = parseCccd(NO_OLD)
    expect(r.ok && r.card).toMatchObject({ idNumber: '000190000002', oldIdNumber: null, fullName: 'TRẦN THỊ THỬ', birthDate: '1990-12-31', sex: 'female', fields: 7 })
  })

  it('tolerates 6 fields (no CMND column) and an 8th (expiry) field', () => {
    const six = parseCccd(SIX)
    expect(six.ok && six.card).toMatchObject({ idNumber: '000190000002', oldIdNumber: null, fullName: 'TRẦN THỊ THỬ', birthDate: '1990-12-31', fields: 6 })
    const eight = parseCccd(EIGHT)
    expect(eight.ok && eight.card).toMatchObject({ fullName: 'NGUYỄN VĂN MẪU', issueDate: '2021-06-15', fields: 8 })
  })

  it('accepts dd/MM/yyyy dates, sex words in any case or decomposition, the scanner\'s CR/LF/Tab suffix', () => {
    const slashes = parseCccd('000090000001|000000001|NGUYỄN VĂN MẪU|01/01/1990|NAM|Số 1 Đường Thử, Tỉnh Giả Định|15/06/2021\r\n')
    expect(slashes.ok && slashes.card).toMatchObject({ birthDate: '1990-01-01', sex: 'male', issueDate: '2021-06-15' })
    expect(refused(`${NO_OLD.replace('Nữ', 'NỮ')}\t`)).toBe('ok')
    expect(refused(NO_OLD.replace('Nữ', 'Nu\u0303'.replace('u\u0303', 'ư\u0303')))).toBe('ok')
  })

  it('stores names and addresses in NFC, whatever the scanner sent', () => {
    const r = parseCccd(SEVEN.normalize('NFD'))
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.card.fullName).toBe('NGUYỄN VĂN MẪU'.normalize('NFC'))
    expect(r.card.fullName.normalize('NFC')).toBe(r.card.fullName)
    expect(r.card.address).toBe('Số 1 Đường Thử, Phường Mẫu, Tỉnh Giả Định'.normalize('NFC'))
  })

  it('takes a broken bar or full-width bar for the separator when no | came (another keyboard layout)', () => {
    expect(refused(SEVEN.replaceAll('|', '¦'))).toBe('ok')
    expect(refused(SEVEN.replaceAll('|', '｜'))).toBe('ok')
  })

  it.each<[string, string, CccdProblem]>([
    ['empty', '  \r\n', 'empty'],
    ['wrong separator', SEVEN.replaceAll('|', ';'), 'separator'],
    ['one separator missing (cut short)', '000090000001|000000001|NGUYỄN VĂN MẪU|01011990|Nam|Số 1 Đường Thử', 'field_count'],
    ['too many separators', `${SEVEN}|x|y`, 'field_count'],
    ['a name where the CMND column should be, with 7 fields', '000090000001|NGUYỄN VĂN MẪU|01011990|Nam|Số 1, Tỉnh Giả Định|15062021|x', 'field_count'],
    ['truncated mid-date', '000090000001|000000001|NGUYỄN VĂN MẪU|0101', 'field_count'],
    ['an 11-digit ID', SEVEN.replace('000090000001', '00009000001'), 'bad_id'],
    ['a health-insurance card', 'GD4797920123456|Nguyễn Văn Mẫu|01/01/1990|1|Số 1|79-123|01/01/2024', 'not_cccd'],
    ['a URL', 'https://example.vn/abc', 'not_cccd'],
    ['a 7-digit old number', SEVEN.replace('|000000001|', '|0000001|'), 'bad_old_id'],
    ['31 February', SEVEN.replace('01011990', '31021990'), 'bad_birth_date'],
    ['a 6-digit date', SEVEN.replace('01011990', '010190'), 'bad_birth_date'],
    ['month 13', SEVEN.replace('01011990', '01131990'), 'bad_birth_date'],
    ['a bad issue date', SEVEN.replace('15062021', '15132021'), 'bad_issue_date'],
    ['issued before birth', SEVEN.replace('15062021', '15061980'), 'bad_issue_date'],
    ['sex in English', SEVEN.replace('|Nam|', '|Male|'), 'bad_sex'],
    ['sex as a digit', SEVEN.replace('|Nam|', '|1|'), 'bad_sex'],
    ['sex that disagrees with the ID number', SEVEN.replace('|Nam|', '|Nữ|'), 'id_mismatch'],
    ['a birth year that disagrees with the ID number', SEVEN.replace('01011990', '01011991'), 'id_mismatch'],
    ['an empty name', SEVEN.replace('NGUYỄN VĂN MẪU', ''), 'bad_name'],
    ['an empty address', SEVEN.replace('Số 1 Đường Thử, Phường Mẫu, Tỉnh Giả Định', ''), 'bad_address'],
    // a scanner read as Latin-1 / Windows-1252 (UTF-8 bytes shown one by one)
    ['UTF-8 read as Windows-1252', SEVEN.replace('NGUYỄN VĂN MẪU', 'NGUYá»„N VÄ‚N Máºªu'), 'encoding'],
    ['UTF-8 read as Latin-1 with C1 controls', SEVEN.replace('Đường', '\u00c4\u0090\u00c6\u00b0\u00e1\u00bb\u009dng'), 'encoding'],
    ['a replacement character', SEVEN.replace('MẪU', 'M\ufffdU'), 'encoding'],
    ['hex-encoded name', SEVEN.replace('NGUYỄN VĂN MẪU', '4e475559e1bb844e'), 'encoding'],
    // an input method (Unikey) on while the scanner typed ASCII
    ['Telex keystrokes', SEVEN.replace('NGUYỄN VĂN MẪU', 'NGUYEENX VAWN MAAUX').replace('Số 1 Đường Thử, Phường Mẫu, Tỉnh Giả Định', 'Soos 1 DDuowngf Thuwr, Tinhr Gia Ddinhj'), 'typing_mode'],
    ['VNI keystrokes', SEVEN.replace('NGUYỄN VĂN MẪU', 'NGUYE64N VA8N MA64U'), 'typing_mode'],
    ['marks dropped (ASCII mode)', SEVEN.replace('NGUYỄN VĂN MẪU', 'NGUYEN VAN MAU').replace('Số 1 Đường Thử, Phường Mẫu, Tỉnh Giả Định', 'So 1 Duong Thu, Phuong Mau, Tinh Gia Dinh'), 'no_diacritics'],
  ])('refuses %s, filling nothing', (_what, raw, problem) => {
    expect(refused(raw)).toBe(problem)
  })

  it('never fills a field from a partial payload: every prefix of a good one is refused', () => {
    for (let i = 0; i < SEVEN.length - 8; i++) expect(refused(SEVEN.slice(0, i))).not.toBe('ok')
  })

  it('says every refusal in Vietnamese (and English)', () => {
    for (const p of CCCD_PROBLEMS) {
      expect(catalogs.vi.cccd.problems[p]).toMatch(/\S/)
      expect(catalogs.en.cccd.problems[p]).toMatch(/\S/)
    }
    expect(catalogs.vi.cccd.problems.typing_mode).toContain('Telex')
  })

  it('reads dates strictly', () => {
    expect(cccdDate('29022000')).toBe('2000-02-29')
    expect(cccdDate('29021900')).toBeNull()
    expect(cccdDate('01/011990')).toBeNull()
    expect(cccdDate('01011890')).toBeNull()
  })

  it('recognises a scan from its first keystrokes', () => {
    expect(CCCD_PREFIX.test('000090000001|')).toBe(true)
    expect(CCCD_PREFIX.test('0912345678')).toBe(false)
  })
})
