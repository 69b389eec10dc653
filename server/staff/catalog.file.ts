/**
 * The procedure catalog as a file: its columns, reading a CSV or JSON import into rows with every problem
 * named by its row number, and writing the CSV and JSON exports (server/http/csv.ts conventions). Pure:
 * what the rows mean for the center's procedures is CatalogService's (`planImport`).
 */
import Papa from 'papaparse'
import { catalogs, format, type Lang } from '../../common/i18n/index.js'
import { NATIONAL_CODE, PROCEDURE_IMPORT_MAX_ROWS } from '../../common/staff-schemas.js'
import { ONLINE_LEVELS, type ImportProblem, type OnlineLevel, type ProcedureSettings } from '../../common/staff-types.js'
import { csvDocument, textCell, untextCell } from '../http/csv.js'

/** A column of the file: its key (the JSON field), and the header names it is recognised by (normalised: see `norm`). */
export const COLUMNS = [
  { key: 'nationalCode', aliases: ['ma_thu_tuc', 'ma_tthc', 'national_code'] },
  { key: 'nameVi', aliases: ['ten_thu_tuc', 'ten', 'name_vi', 'name'] },
  { key: 'nameEn', aliases: ['ten_tieng_anh', 'name_en'] },
  { key: 'service', aliases: ['linh_vuc', 'service'] },
  { key: 'processingDays', aliases: ['thoi_han_giai_quyet', 'thoi_han', 'processing_days'] },
  { key: 'feeVnd', aliases: ['le_phi', 'phi', 'fee_vnd', 'fee'] },
  { key: 'feeNote', aliases: ['ghi_chu_le_phi', 'fee_note'] },
  { key: 'documents', aliases: ['thanh_phan_ho_so', 'ho_so', 'documents'] },
  { key: 'onlineLevel', aliases: ['muc_do_dich_vu_cong_truc_tuyen', 'muc_do_truc_tuyen', 'muc_do', 'online_level'] },
  { key: 'code', aliases: ['ma_noi_bo', 'code'] },
  { key: 'active', aliases: ['dang_ap_dung', 'ap_dung', 'active'] },
] as const
export type ColumnKey = (typeof COLUMNS)[number]['key']

/** One row as read: the values of the columns the file has (a column it lacks is left as the procedure has it). */
export interface ImportRow {
  row: number
  values: {
    nationalCode?: string | null
    nameVi?: string
    nameEn?: string
    /** as written: a prefix letter, "A · Hộ tịch", or a service's name */
    service?: string
    processingDays?: number
    feeVnd?: number
    feeNote?: string
    documents?: string[]
    onlineLevel?: OnlineLevel
    code?: string
    active?: boolean
  }
  problems: ImportProblem[]
}

/** "Thời hạn giải quyết (ngày làm việc)" → "thoi_han_giai_quyet_ngay_lam_viec": headers and words compared without case or diacritics. */
export function norm(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')
}

function columnOf(header: string): ColumnKey | undefined {
  const n = norm(header)
  if (!n) return undefined
  const exact = COLUMNS.find((c) => c.aliases.some((a) => a === n) || norm(c.key) === n)
  if (exact) return exact.key
  // "Lệ phí (đồng)", "Thời hạn giải quyết (ngày làm việc)": a known name and a unit after it
  return COLUMNS.find((c) => c.aliases.some((a) => n.startsWith(`${a}_`)))?.key
}

/** Reads a CSV file's text: a header row, then one procedure per row. Row numbers are the spreadsheet's (header = 1). */
export function readCsv(text: string, lang: Lang): { rows: ImportRow[]; problems: ImportProblem[] } {
  const w = catalogs[lang].procImport
  const problems: ImportProblem[] = []
  if (text.includes('\uFFFD')) return { rows: [], problems: [{ row: 0, field: '', message: w.notUtf8 }] }
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter: '', delimitersToGuess: [';', ',', '\t'], skipEmptyLines: false })
  for (const e of parsed.errors) {
    if (e.type === 'Quotes') problems.push({ row: (e.row ?? 0) + 1, field: '', message: w.badQuotes })
  }
  const [header, ...records] = parsed.data
  if (!header || header.every((h) => !h.trim())) return { rows: [], problems: [...problems, { row: 1, field: '', message: w.noHeader }] }
  const columns: (ColumnKey | null)[] = []
  header.forEach((h, i) => {
    const key = columnOf(untextCell(h))
    if (!h.trim()) columns.push(null)
    else if (!key) { columns.push(null); problems.push({ row: 1, field: '', message: format(w.unknownColumn, { name: h.trim(), n: i + 1 }) }) }
    else if (columns.includes(key)) { columns.push(null); problems.push({ row: 1, field: key, message: format(w.repeatedColumn, { name: h.trim() }) }) }
    else columns.push(key)
  })
  for (const key of ['nationalCode', 'nameVi', 'service', 'processingDays'] as const) {
    if (!columns.includes(key) && !(key === 'nationalCode' && columns.includes('code'))) {
      problems.push({ row: 1, field: key, message: format(w.missingColumn, { name: w.headers[key] }) })
    }
  }
  const rows: ImportRow[] = []
  records.forEach((cells, i) => {
    const row = i + 2
    if (cells.every((c) => !c.trim())) return // a blank line of the spreadsheet
    const raw: Record<string, unknown> = {}
    const extra = cells.slice(header.length).filter((c) => c.trim())
    columns.forEach((key, j) => { if (key) raw[key] = untextCell(cells[j] ?? '') })
    const r = readRow(row, raw, lang)
    if (extra.length) r.problems.push({ row, field: '', message: format(w.extraCells, { n: cells.length, m: header.length }) })
    rows.push(r)
  })
  if (!rows.length && !problems.length) problems.push({ row: 2, field: '', message: w.noRows })
  if (rows.length > PROCEDURE_IMPORT_MAX_ROWS) problems.push({ row: 0, field: '', message: format(w.tooManyRows, { max: PROCEDURE_IMPORT_MAX_ROWS }) })
  return { rows, problems }
}

/** Reads a JSON list (the JSON export's `procedures`): item 1 is row 1. */
export function readJson(items: Record<string, unknown>[], lang: Lang): { rows: ImportRow[]; problems: ImportProblem[] } {
  const w = catalogs[lang].procImport
  const keys = new Set<string>(COLUMNS.map((c) => c.key))
  return {
    rows: items.map((item, i) => {
      const known: Record<string, unknown> = {}
      const unknown: string[] = []
      for (const [k, v] of Object.entries(item)) (keys.has(k) ? (known[k] = v) : unknown.push(k))
      const r = readRow(i + 1, known, lang)
      for (const k of unknown) r.problems.push({ row: i + 1, field: '', message: format(w.unknownField, { name: k }) })
      for (const k of ['nationalCode', 'nameVi', 'service', 'processingDays'] as const) {
        if (!(k in known) && !(k === 'nationalCode' && 'code' in known)) r.problems.push({ row: i + 1, field: k, message: format(w.required, { field: w.headers[k] }) })
      }
      return r
    }),
    problems: [],
  }
}

/** One row's values, each checked on its own; a cell or field the file does not have stays undefined. */
function readRow(row: number, raw: Record<string, unknown>, lang: Lang): ImportRow {
  const w = catalogs[lang].procImport
  const problems: ImportProblem[] = []
  const values: ImportRow['values'] = {}
  const bad = (field: ColumnKey, message: string) => problems.push({ row, field, message })
  const text = (v: unknown) => (v == null ? '' : typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null)
  const has = (k: ColumnKey) => k in raw

  if (has('nationalCode')) {
    const s = text(raw.nationalCode)?.toUpperCase()
    if (s === undefined || s === null) bad('nationalCode', format(w.invalidNationalCode, { value: '…' }))
    else if (!s) values.nationalCode = null
    else if (!NATIONAL_CODE.test(s)) bad('nationalCode', format(w.invalidNationalCode, { value: s }))
    else values.nationalCode = s
  }
  if (has('nameVi')) {
    const s = text(raw.nameVi)
    if (!s) bad('nameVi', format(w.required, { field: w.headers.nameVi }))
    else if (s.length > 200) bad('nameVi', format(w.tooLong, { field: w.headers.nameVi, max: 200 }))
    else values.nameVi = s
  }
  if (has('nameEn')) {
    const s = text(raw.nameEn)
    if (s === null) bad('nameEn', format(w.invalid, { field: w.headers.nameEn }))
    else if (s.length > 200) bad('nameEn', format(w.tooLong, { field: w.headers.nameEn, max: 200 }))
    else if (s) values.nameEn = s
  }
  if (has('service')) {
    const s = text(raw.service)
    if (!s) bad('service', format(w.required, { field: w.headers.service }))
    else values.service = s
  }
  if (has('processingDays')) {
    const v = raw.processingDays
    const s = text(v)
    const m = typeof v === 'number' ? [String(v), String(v)] : s ? /^(\d{1,4})(?:\s*ngày.*)?$/iu.exec(s) : null
    const n = m ? Number(m[1]) : Number.NaN
    if (!s) bad('processingDays', format(w.required, { field: w.headers.processingDays }))
    else if (!Number.isInteger(n) || n < 0 || n > 365) bad('processingDays', format(w.invalidDays, { value: s }))
    else values.processingDays = n
  }
  if (has('feeVnd')) {
    const v = raw.feeVnd
    const s = text(v) ?? ''
    // "8.000", "8,000", "8 000 đồng": Vietnamese writes thousands with dots
    const digits = typeof v === 'number' ? String(v) : s.replace(/\s*(đồng|đ|vnđ|vnd)\.?$/iu, '').replace(/[.,\s]/g, '')
    const n = digits === '' ? 0 : /^\d+$/.test(digits) ? Number(digits) : Number.NaN
    if (!Number.isInteger(n) || n < 0 || n > 100_000_000) bad('feeVnd', format(w.invalidFee, { value: s }))
    else values.feeVnd = n
  }
  if (has('feeNote')) {
    const s = text(raw.feeNote)
    if (s === null || s.length > 200) bad('feeNote', format(w.tooLong, { field: w.headers.feeNote, max: 200 }))
    else values.feeNote = s
  }
  if (has('documents')) {
    const v = raw.documents
    const list = Array.isArray(v) ? v.map((d) => (typeof d === 'string' ? d.trim() : null))
      : (text(v) ?? '').split(/\r?\n|\|/).map((d) => d.trim()).filter(Boolean)
    const seen = new Set<string>()
    const problemsBefore = problems.length
    if (!Array.isArray(v) && text(v) === null) bad('documents', format(w.invalid, { field: w.headers.documents }))
    else if (list.length > 30) bad('documents', format(w.tooManyDocs, { n: list.length, max: 30 }))
    list.forEach((d, i) => {
      if (!d) bad('documents', format(w.emptyDoc, { n: i + 1 }))
      else if (d.length > 300) bad('documents', format(w.longDoc, { n: i + 1, max: 300 }))
      else if (seen.has(d.toLocaleLowerCase('vi'))) bad('documents', format(w.repeatedDoc, { name: d }))
      else seen.add(d.toLocaleLowerCase('vi'))
    })
    if (problems.length === problemsBefore) values.documents = list as string[]
  }
  if (has('onlineLevel')) {
    const s = text(raw.onlineLevel)
    const level = s === null ? undefined : onlineLevelOf(s)
    if (!level) bad('onlineLevel', format(w.invalidLevel, { value: s ?? '…' }))
    else values.onlineLevel = level
  }
  if (has('code')) {
    const s = text(raw.code)
    if (s === null || (s && !/^[a-z0-9-]{2,40}$/.test(s))) bad('code', format(w.invalidCode, { value: s ?? '…' }))
    else if (s) values.code = s
  }
  if (has('active')) {
    const v = raw.active
    const n = typeof v === 'boolean' ? (v ? 'co' : 'khong') : norm(text(v) ?? '?')
    if (['', 'co', 'x', 'true', '1', 'yes', 'dang_ap_dung'].includes(n)) values.active = true
    else if (['khong', 'false', '0', 'no', 'ngung_ap_dung', 'ngung'].includes(n)) values.active = false
    else bad('active', format(w.invalidActive, { value: text(v) ?? '…' }))
  }
  if (values.nationalCode === null && has('code') && !values.code && !problems.some((p) => p.field === 'code')) {
    bad('nationalCode', w.needOneCode)
  }
  return { row, values, problems }
}

/** "Toàn trình", "một phần", "Mức 4", "full", "" … → a level; undefined when it is none of them. */
export function onlineLevelOf(s: string): OnlineLevel | undefined {
  const n = norm(s).replace(/^(muc_do|muc)_/, '')
  if ((ONLINE_LEVELS as readonly string[]).includes(n)) return n as OnlineLevel
  if (['toan_trinh', 'dich_vu_cong_truc_tuyen_toan_trinh', '4'].includes(n)) return 'full'
  if (['mot_phan', 'dich_vu_cong_truc_tuyen_mot_phan', '3'].includes(n)) return 'partial'
  if (['', 'cung_cap_thong_tin', 'thong_tin', 'cung_cap_thong_tin_truc_tuyen', 'khong', '1', '2'].includes(n)) return 'info'
  return undefined
}

/** The export as the import reads it back: one row per procedure, Vietnamese headers, text cells never formulas. */
export function catalogCsv(procedures: ProcedureSettings[], services: Map<string, { prefix: string; name_vi: string }>): string {
  // Vietnamese whatever the console's language: the file is the center's data, like the slips
  const w = catalogs.vi.procImport
  const head = COLUMNS.map((c) => w.headers[c.key])
  const lines = procedures.map((p) => {
    const s = services.get(p.serviceId)
    const cells: Record<ColumnKey, string> = {
      nationalCode: p.nationalCode ?? '', nameVi: p.nameVi, nameEn: p.nameEn, service: s ? `${s.prefix} · ${s.name_vi}` : '',
      processingDays: String(p.processingDays), feeVnd: String(p.feeVnd), feeNote: p.feeNote, documents: p.documents.join('\n'),
      onlineLevel: w.levels[p.onlineLevel], code: p.code, active: p.active ? w.yes : w.no,
    }
    return COLUMNS.map((c) => (c.key === 'processingDays' || c.key === 'feeVnd' ? cells[c.key] : textCell(cells[c.key])))
  })
  return csvDocument([head.map(textCell), ...lines])
}

/** The JSON export: what `readJson` reads back, the service by its prefix letter. */
export function catalogJson(procedures: ProcedureSettings[], services: Map<string, { prefix: string }>) {
  return procedures.map((p) => ({
    nationalCode: p.nationalCode, code: p.code, nameVi: p.nameVi, nameEn: p.nameEn, service: services.get(p.serviceId)?.prefix ?? '',
    processingDays: p.processingDays, feeVnd: p.feeVnd, feeNote: p.feeNote, documents: p.documents, onlineLevel: p.onlineLevel, active: p.active,
  }))
}
