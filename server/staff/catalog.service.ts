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

const PROCEDURE_FIELDS = {
  serviceId: 'service_id', code: 'code', nameVi: 'name_vi', nameEn: 'name_en', processingDays: 'processing_days',
  feeVnd: 'fee_vnd', feeNote: 'fee_note', documents: 'documents', active: 'active',
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
    }
    const procedure = await this.uniqueCode('procedure_center_id_code_key', input.code, 'PROCEDURE_CODE_TAKEN', () => this.db.transaction().execute(async (trx) => {
      if (await catalog.procedureCodeTaken(trx, center.id, input.code)) throw new AppError('PROCEDURE_CODE_TAKEN', { code: input.code })
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
      const u = await catalog.updateProcedure(trx, p.id, set)
      await insertAudit(trx, { centerId: p.center_id, staffId: actor.staffId, entity: 'procedure', entityId: p.id, action: 'update', changes, at: this.clock() })
      return u
    }))
    return procedureSettings(updated)
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
  }
}

function groupSettings(g: PriorityGroup): PriorityGroupSettings {
  return { id: g.id, code: g.code, nameVi: g.name_vi, nameEn: g.name_en, bonusMinutes: g.bonus_minutes, active: g.active }
}
