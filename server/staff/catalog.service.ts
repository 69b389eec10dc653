import type { Db } from '../../db/create-db.js'
import type { PriorityGroup, Procedure } from '../../db/types.js'
import type { PriorityGroupSettings, ProcedureSettings } from '../../common/staff-types.js'
import type { PriorityGroupCreateBody, PriorityGroupPatchBody, ProcedureCreateBody, ProcedurePatchBody } from '../../common/staff-schemas.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import type { BoardService } from '../centers/board.service.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import type { EventSink } from '../realtime/event-sink.js'
import { insertAudit, servicesOfCenter } from './settings.repository.js'
import * as catalog from './catalog.repository.js'
import { centerFor, diffFields, publishBoard, type Changes } from './settings.support.js'
import { isUniqueViolation } from '../../db/unique-violation.js'
import type { ImportPreview } from '../../common/staff-types.js'
import type { ProcedureImportBody } from '../../common/staff-schemas.js'
import { catalogs, format, type Lang } from '../../common/i18n/index.js'
import { listServices } from '../centers/center.repository.js'
import { catalogCsv, catalogJson, readCsv, readJson } from './catalog.file.js'
import { planImport } from './catalog.import.js'

function readImport(input: ProcedureImportBody, lang: Lang) {
  return input.format === 'csv' ? readCsv(input.csv, lang) : readJson(input.procedures, lang)
}

const PROCEDURE_FIELDS = {
  serviceId: 'service_id', code: 'code', nameVi: 'name_vi', nameEn: 'name_en', processingDays: 'processing_days',
  feeVnd: 'fee_vnd', feeNote: 'fee_note', documents: 'documents', active: 'active', nationalCode: 'national_code', onlineLevel: 'online_level',
} as const satisfies Record<keyof ProcedurePatchBody, keyof Procedure>

const GROUP_FIELDS = { nameVi: 'name_vi', nameEn: 'name_en', bonusMinutes: 'bonus_minutes', active: 'active' } as const satisfies Record<keyof PriorityGroupPatchBody, keyof PriorityGroup>

/**
 * The manager's catalog: procedures (what the kiosk's lookup and dossiers show) and priority groups (what
 * the kiosk offers). Nothing is deleted: a procedure or group is deactivated, so dossiers and tickets that
 * name it keep their meaning. Every change writes one audit row.
 */
export class CatalogService {
  constructor(private db: Db, private clock: Clock, private board: BoardService, private sink: EventSink) {}

  async procedures(centerSlug: string, actor: Actor): Promise<ProcedureSettings[]> {
    const center = await centerFor(this.db, centerSlug, actor)
    return (await catalog.listProcedureRows(this.db, center.id)).map(procedureSettings)
  }

  async createProcedure(centerSlug: string, input: ProcedureCreateBody, actor: Actor): Promise<ProcedureSettings> {
    const center = await centerFor(this.db, centerSlug, actor)
    await this.assertServiceOf(center.id, input.serviceId)
    const row = {
      center_id: center.id, service_id: input.serviceId, code: input.code, name_vi: input.nameVi, name_en: input.nameEn,
      processing_days: input.processingDays, fee_vnd: input.feeVnd, fee_note: input.feeNote ?? '', documents: input.documents ?? [], active: input.active ?? true,
      national_code: input.nationalCode ?? null, online_level: input.onlineLevel ?? 'info',
    }
    const procedure = await this.uniqueCode('procedure_center_id_code_key', input.code, 'PROCEDURE_CODE_TAKEN', () => this.db.transaction().execute(async (trx) => {
      if (await catalog.procedureCodeTaken(trx, center.id, input.code)) throw new AppError('PROCEDURE_CODE_TAKEN', { code: input.code })
      if (input.nationalCode && await catalog.nationalCodeTaken(trx, center.id, input.nationalCode)) throw new AppError('PROCEDURE_NATIONAL_CODE_TAKEN', { code: input.nationalCode })
      const p = await catalog.insertProcedure(trx, { ...row, documents: JSON.stringify(row.documents) })
      const { center_id: _c, ...fields } = row
      await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'procedure', entityId: p.id, action: 'create', changes: creation(fields, PROCEDURE_FIELDS), at: this.clock() })
      return p
    }))
    return procedureSettings(procedure)
  }

  /** Any field; `documents` replaces the list. Unchanged values write nothing. */
  async updateProcedure(id: string, patch: ProcedurePatchBody, actor: Actor): Promise<ProcedureSettings> {
    const p0 = await catalog.findProcedure(this.db, id)
    if (!p0) throw new AppError('PROCEDURE_NOT_FOUND')
    assertCenter(actor, p0.center_id)
    if (patch.serviceId !== undefined) await this.assertServiceOf(p0.center_id, patch.serviceId)
    const updated = await this.uniqueCode('procedure_center_id_code_key', patch.code ?? '', 'PROCEDURE_CODE_TAKEN', () => this.db.transaction().execute(async (trx) => {
      const p = await catalog.lockProcedure(trx, id)
      const { set, changes } = diffFields(p, patch, PROCEDURE_FIELDS)
      if (!Object.keys(changes).length) return p
      if (changes.code && await catalog.procedureCodeTaken(trx, p.center_id, patch.code!, p.id)) throw new AppError('PROCEDURE_CODE_TAKEN', { code: patch.code! })
      if (changes.nationalCode && patch.nationalCode && await catalog.nationalCodeTaken(trx, p.center_id, patch.nationalCode, p.id)) throw new AppError('PROCEDURE_NATIONAL_CODE_TAKEN', { code: patch.nationalCode })
      const u = await catalog.updateProcedure(trx, p.id, set)
      await insertAudit(trx, { centerId: p.center_id, staffId: actor.staffId, entity: 'procedure', entityId: p.id, action: 'update', changes, at: this.clock() })
      return u
    }))
    return procedureSettings(updated)
  }

  /** The whole catalog (inactive procedures too) as the import reads it back: CSV for Excel, or JSON. */
  async exportCatalog(centerSlug: string, actor: Actor, fileFormat: 'csv' | 'json'): Promise<{ slug: string; body: string }> {
    const center = await centerFor(this.db, centerSlug, actor)
    const [rows, services] = await Promise.all([catalog.listProcedureRows(this.db, center.id), listServices(this.db, center.id)])
    const procedures = rows.map(procedureSettings)
    const byId = new Map(services.map((s) => [s.id, s]))
    const body = fileFormat === 'csv' ? catalogCsv(procedures, byId)
      : JSON.stringify({ center: center.slug, exportedAt: this.clock().toISOString(), procedures: catalogJson(procedures, byId) }, null, 2)
    return { slug: center.slug, body }
  }

  /** What an import would do, row by row, with every problem; writes nothing. */
  async previewImport(centerSlug: string, input: ProcedureImportBody, actor: Actor, lang: Lang): Promise<ImportPreview> {
    const center = await centerFor(this.db, centerSlug, actor)
    const { rows, problems } = readImport(input, lang)
    return (await planImport(this.db, center.id, rows, problems, lang)).preview
  }

  /**
   * Creates and updates the file's procedures (matched by national code) in one transaction, one audit row
   * each; a file with any problem writes nothing and is refused with every problem and its row number.
   */
  async importCatalog(centerSlug: string, input: ProcedureImportBody, actor: Actor, lang: Lang): Promise<ImportPreview> {
    const center = await centerFor(this.db, centerSlug, actor)
    const { rows, problems } = readImport(input, lang)
    const w = catalogs[lang].procImport
    return this.uniqueCode('procedure_center_id_code_key', '', 'PROCEDURE_CODE_TAKEN', () => this.db.transaction().execute(async (trx) => {
      await catalog.lockCatalogImport(trx, center.id)
      const { preview, ops } = await planImport(trx, center.id, rows, problems, lang)
      if (preview.problems.length) {
        throw new AppError('PROCEDURE_IMPORT_INVALID', { count: preview.problems.length }, preview.problems.map((p) => ({
          path: `row.${p.row}${p.field ? `.${p.field}` : ''}`, message: `${p.row ? format(w.rowN, { n: p.row }) : w.file}: ${p.message}`,
        })))
      }
      const at = this.clock()
      for (const op of ops) {
        if (op.kind === 'create') {
          const p = await catalog.insertProcedure(trx, op.row)
          await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'procedure', entityId: p.id, action: 'create', changes: op.changes, at })
        } else {
          await catalog.updateProcedure(trx, op.id, op.set)
          await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'procedure', entityId: op.id, action: 'update', changes: op.changes, at })
        }
      }
      return preview
    }))
  }

  async priorityGroups(centerSlug: string, actor: Actor): Promise<PriorityGroupSettings[]> {
    const center = await centerFor(this.db, centerSlug, actor)
    return (await catalog.listPriorityGroupRows(this.db, center.id)).map(groupSettings)
  }

  async createPriorityGroup(centerSlug: string, input: PriorityGroupCreateBody, actor: Actor): Promise<PriorityGroupSettings> {
    const center = await centerFor(this.db, centerSlug, actor)
    const row = { center_id: center.id, code: input.code, name_vi: input.nameVi, name_en: input.nameEn, bonus_minutes: input.bonusMinutes, active: input.active ?? true }
    const g = await this.uniqueCode('priority_group_center_id_code_key', input.code, 'PRIORITY_GROUP_CODE_TAKEN', () => this.db.transaction().execute(async (trx) => {
      if (await catalog.priorityGroupCodeTaken(trx, center.id, input.code)) throw new AppError('PRIORITY_GROUP_CODE_TAKEN', { code: input.code })
      const g = await catalog.insertPriorityGroup(trx, row)
      const { center_id: _c, code, ...fields } = row
      await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'priority_group', entityId: g.id, action: 'create',
        changes: { code: { from: null, to: code }, ...creation(fields, GROUP_FIELDS) }, at: this.clock() })
      return g
    }))
    await publishBoard(this.db, this.board, this.sink, center.id)
    return groupSettings(g)
  }

  /**
   * Names, bonus and active. A ticket's queue position was fixed when it was issued (`queue_at = issued_at −
   * bonus`): a new bonus applies to tickets issued after the change, never reorders those already waiting.
   */
  async updatePriorityGroup(id: string, patch: PriorityGroupPatchBody, actor: Actor): Promise<PriorityGroupSettings> {
    const g0 = await catalog.findPriorityGroup(this.db, id)
    if (!g0) throw new AppError('PRIORITY_GROUP_NOT_FOUND')
    assertCenter(actor, g0.center_id)
    const { group, changed } = await this.db.transaction().execute(async (trx) => {
      const g = await catalog.lockPriorityGroup(trx, id)
      const { set, changes } = diffFields(g, patch, GROUP_FIELDS)
      if (!Object.keys(changes).length) return { group: g, changed: false }
      const u = await catalog.updatePriorityGroup(trx, g.id, set)
      await insertAudit(trx, { centerId: g.center_id, staffId: actor.staffId, entity: 'priority_group', entityId: g.id, action: 'update', changes, at: this.clock() })
      return { group: u, changed: true }
    })
    // kiosks and displays learn of it at once (the kiosk refetches its priority choices)
    if (changed) await publishBoard(this.db, this.board, this.sink, group.center_id)
    return groupSettings(group)
  }

  private async assertServiceOf(centerId: string, serviceId: string) {
    if (!(await servicesOfCenter(this.db, centerId, [serviceId])).length) throw new AppError('SERVICE_NOT_FOUND')
  }

  /** A racing request took the same code between our check and our insert: PostgreSQL's unique key says so. */
  private async uniqueCode<T>(constraint: string, code: string, error: 'PROCEDURE_CODE_TAKEN' | 'PRIORITY_GROUP_CODE_TAKEN', run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (e) {
      if (isUniqueViolation(e, constraint)) throw new AppError(error, { code })
      if (isUniqueViolation(e, 'procedure_center_national_code')) throw new AppError('PROCEDURE_NATIONAL_CODE_TAKEN', { code: '' })
      throw e
    }
  }
}

/** The audit of a creation: every field from null. */
function creation<F extends Record<string, unknown>>(fields: F, columns: Record<string, string>): Changes {
  const changes: Changes = {}
  for (const [key, column] of Object.entries(columns)) if (column in fields) changes[key] = { from: null, to: fields[column] }
  return changes
}

export function procedureSettings(p: Procedure): ProcedureSettings {
  return {
    id: p.id, code: p.code, serviceId: p.service_id, nameVi: p.name_vi, nameEn: p.name_en, processingDays: p.processing_days,
    feeVnd: p.fee_vnd, feeNote: p.fee_note, documents: typeof p.documents === 'string' ? JSON.parse(p.documents) : p.documents, active: p.active,
    nationalCode: p.national_code, onlineLevel: p.online_level,
  }
}

function groupSettings(g: PriorityGroup): PriorityGroupSettings {
  return { id: g.id, code: g.code, nameVi: g.name_vi, nameEn: g.name_en, bonusMinutes: g.bonus_minutes, active: g.active }
}
