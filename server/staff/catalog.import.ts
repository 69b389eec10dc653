/**
 * What an import's rows mean for a center's procedures: each row is matched to an existing procedure by
 * its national code (mã thủ tục) — or, for a row without one, by its local code — and becomes a creation,
 * an update of the fields that differ, or nothing; every problem is listed with its row number. Both the
 * preview and the import itself run this; the import writes only when it finds no problem.
 */
import type { Executor } from '../../db/create-db.js'
import type { Insertable } from 'kysely'
import type { Procedure, ProcedureTable } from '../../db/types.js'
import { catalogs, format, type Lang } from '../../common/i18n/index.js'
import type { ImportPreview, ImportProblem, ImportRowPreview } from '../../common/staff-types.js'
import { listServices } from '../centers/center.repository.js'
import * as catalog from './catalog.repository.js'
import { norm, type ImportRow } from './catalog.file.js'
import type { Changes } from './settings.support.js'

/** A row's write: a new procedure, or the columns of one to change with the audit's from → to. */
export type ImportOp =
  | { kind: 'create'; row: Insertable<ProcedureTable>; changes: Changes }
  | { kind: 'update'; id: string; set: Record<string, unknown>; changes: Changes }

/** API field → column, for the diff and the audit (the same names as a manual edit's audit). */
const FIELDS = {
  nationalCode: 'national_code', code: 'code', nameVi: 'name_vi', nameEn: 'name_en', serviceId: 'service_id', processingDays: 'processing_days',
  feeVnd: 'fee_vnd', feeNote: 'fee_note', documents: 'documents', onlineLevel: 'online_level', active: 'active',
} as const satisfies Record<string, keyof Procedure>

export async function planImport(db: Executor, centerId: string, rows: ImportRow[], fileProblems: ImportProblem[], lang: Lang): Promise<{ preview: ImportPreview; ops: ImportOp[] }> {
  const w = catalogs[lang].procImport
  const [services, existing] = await Promise.all([listServices(db, centerId), catalog.listProcedureRows(db, centerId)])
  const byNational = new Map(existing.filter((p) => p.national_code).map((p) => [p.national_code!, p]))
  const byCode = new Map(existing.map((p) => [p.code, p]))
  const seenNational = new Map<string, number>()
  const seenCode = new Map<string, number>()
  const seenProcedure = new Map<string, number>()
  const ops: ImportOp[] = []
  const previews: ImportRowPreview[] = []

  for (const r of rows) {
    const v = r.values
    const problems = [...r.problems]
    const bad = (field: string, message: string) => problems.push({ row: r.row, field, message })
    const serviceId = v.service === undefined ? undefined : findService(services, v.service)
    if (v.service !== undefined && !serviceId) bad('service', format(w.unknownService, { value: v.service }))

    // which procedure the row is: by national code, else by local code
    const nc = v.nationalCode ?? undefined
    let target: Procedure | undefined = nc ? byNational.get(nc) : undefined
    if (!target && v.code) {
      const same = byCode.get(v.code)
      if (same && (!nc || !same.national_code)) target = same
      else if (same) bad('code', format(w.codeOfOther, { code: v.code, other: same.national_code! }))
    }
    if (nc) {
      const before = seenNational.get(nc)
      if (before) bad('nationalCode', format(w.repeatedNationalCode, { code: nc, row: before }))
      else seenNational.set(nc, r.row)
    }
    if (target) {
      const before = seenProcedure.get(target.id)
      if (before && !problems.some((p) => p.field === 'nationalCode')) bad('', format(w.repeatedProcedure, { row: before }))
      else seenProcedure.set(target.id, r.row)
    }
    const code = v.code ?? target?.code ?? (nc ? localCodeOf(nc) : undefined)
    if (!target && !code && !problems.some((p) => p.field === 'nationalCode' || p.field === 'code')) bad('nationalCode', w.needOneCode)
    if (code) {
      const holder = byCode.get(code)
      const before = seenCode.get(code)
      // a row already refused for its national code or its local code is not refused again for the same reason
      const named = problems.some((p) => p.field === 'code' || p.field === 'nationalCode')
      if (holder && holder.id !== target?.id && !named) bad('code', format(w.codeTaken, { code }))
      else if (before && !named) bad('code', format(w.repeatedCode, { code, row: before }))
      seenCode.set(code, before ?? r.row)
    }

    const wanted: Record<string, unknown> = {
      nationalCode: nc, code, nameVi: v.nameVi, nameEn: v.nameEn, serviceId, processingDays: v.processingDays, feeVnd: v.feeVnd,
      feeNote: v.feeNote, documents: v.documents, onlineLevel: v.onlineLevel, active: v.active,
    }
    let action: ImportRowPreview['action'] = 'invalid'
    let changed: string[] = []
    if (!problems.length && target) {
      const { set, changes } = diff(target, wanted)
      changed = Object.keys(changes)
      action = changed.length ? 'update' : 'unchanged'
      if (changed.length) ops.push({ kind: 'update', id: target.id, set, changes })
    } else if (!problems.length) {
      const row = {
        center_id: centerId, service_id: serviceId!, code: code!, national_code: nc ?? null, name_vi: v.nameVi!, name_en: v.nameEn ?? v.nameVi!,
        processing_days: v.processingDays!, fee_vnd: v.feeVnd ?? 0, fee_note: v.feeNote ?? '', documents: JSON.stringify(v.documents ?? []),
        online_level: v.onlineLevel ?? 'info', active: v.active ?? true,
      } satisfies Insertable<ProcedureTable>
      const changes: Changes = {}
      for (const [key, column] of Object.entries(FIELDS)) {
        const to = column === 'documents' ? v.documents ?? [] : row[column]
        if (to !== null && to !== '') changes[key] = { from: null, to }
      }
      ops.push({ kind: 'create', row, changes })
      action = 'create'
    }
    const service = serviceId ? services.find((s) => s.id === serviceId)!.prefix : null
    previews.push({ row: r.row, nationalCode: nc ?? '', nameVi: v.nameVi ?? target?.name_vi ?? '', service, action, changes: changed, problems })
  }

  const problems = [...fileProblems, ...previews.flatMap((p) => p.problems)].sort((a, b) => a.row - b.row)
  const count = (a: ImportRowPreview['action']) => previews.filter((p) => p.action === a).length
  return {
    preview: { rows: previews, problems, counts: { create: count('create'), update: count('update'), unchanged: count('unchanged'), invalid: count('invalid') } },
    ops: problems.length ? [] : ops,
  }
}

/** "1.001193" → "1-001193": a new procedure's local code when the row gives none. */
export function localCodeOf(nationalCode: string): string {
  return nationalCode.toLowerCase().replace(/\./g, '-').slice(0, 40)
}

/** A service by its prefix letter ("A"), "A · Hộ tịch", or its name (either language, or its code), case and diacritics ignored. */
function findService(services: { id: string; prefix: string; code: string; name_vi: string; name_en: string; active: boolean }[], written: string): string | undefined {
  const s = written.trim()
  const prefix = /^([A-Za-z]{1,2})(?:\s*[·.:\-–]\s*.*)?$/u.exec(s)?.[1]?.toUpperCase()
  const byPrefix = (p: string) => services.find((x) => x.prefix === p && x.active) ?? services.find((x) => x.prefix === p)
  if (prefix && byPrefix(prefix)) return byPrefix(prefix)!.id
  const n = norm(s)
  return services.find((x) => [x.name_vi, x.name_en, x.code].some((name) => norm(name) === n))?.id
}

/** The fields of a row that differ from the procedure's (a field the file does not give is left alone). */
function diff(p: Procedure, wanted: Record<string, unknown>): { set: Record<string, unknown>; changes: Changes } {
  const set: Record<string, unknown> = {}
  const changes: Changes = {}
  for (const [key, column] of Object.entries(FIELDS)) {
    const to = wanted[key]
    if (to === undefined) continue
    const from = column === 'documents' && typeof p.documents === 'string' ? JSON.parse(p.documents) : p[column]
    if (JSON.stringify(from) === JSON.stringify(to)) continue
    set[column] = Array.isArray(to) ? JSON.stringify(to) : to
    changes[key] = { from, to }
  }
  return { set, changes }
}
