import { createHash, timingSafeEqual } from 'node:crypto'
import type { Db } from '../../db/create-db.js'
import type { DossierStatus } from '../../db/types.js'
import type { DossierView } from '../../common/dossier-types.js'
import { MAX_RESULT_BYTES, type DossierResultInfo, type ResultDownloadBody, type ResultUploadBody } from '../../common/dossier-result-schemas.js'
import type { DossierStatusBody } from '../../common/dossier-schemas.js'
import { isUniqueViolation } from '../../db/unique-violation.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import { findCenterBySlug } from '../centers/center.repository.js'
import { actingTokenId } from '../tokens/token-context.js'
import * as repo from './dossier.repository.js'
import * as results from './dossier-result.repository.js'
import type { Dossiers } from './dossiers.js'
import type { EventSink } from '../realtime/event-sink.js'

const PDF_MAGIC = Buffer.from('%PDF-')
/** a result is attached while the dossier is worked on or once it is ready (a corrected file replaces it) */
const ATTACH_STATES: DossierStatus[] = ['received', 'processing', 'ready']
/** the citizen gets it once the dossier is ready, and after the handover */
const DOWNLOAD_STATES: DossierStatus[] = ['ready', 'returned']

export interface ResultFile { name: string; data: Buffer }

/** The decoded PDF, or 400 RESULT_REJECTED: empty, over MAX_RESULT_BYTES, or not a PDF by its first bytes (whatever its name says). */
export function decodeResult(body: ResultUploadBody): Buffer {
  const data = Buffer.from(body.dataBase64, 'base64')
  if (!data.length || data.length > MAX_RESULT_BYTES || !data.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) {
    throw new AppError('RESULT_REJECTED', { max: MAX_RESULT_BYTES / 1024 / 1024 })
  }
  return data
}

/**
 * The electronic result (Decree 118 Art. 22) and the province's hold on a dossier (issue 25 "Inbound"): a clerk
 * or the province's system (API token) attaches the PDF; the citizen downloads it with both codes and the last 4
 * digits of their phone, a wrong one counted as a wrong guess of that code (server/dossiers/guess-throttle.ts).
 * The province's system finds a dossier by its own code and moves it through DossierService.setStatus: the same
 * rules and 409s as a clerk. Each attachment, the first download and each change of the code are dossier events.
 */
export class DossierResults {
  constructor(private db: Db, private clock: Clock, private dossiers: Pick<Dossiers, 'staff' | 'citizens'>, private sink?: Pick<EventSink, 'dossierUpdated' | 'publishFailed'>) {}

  async attach(id: string, body: ResultUploadBody, actor: Actor): Promise<DossierView> {
    const data = decodeResult(body)
    await this.assertDossier(id, actor)
    const sha256 = createHash('sha256').update(data).digest('hex')
    await this.db.transaction().execute(async (trx) => {
      const d = (await repo.lockDossier(trx, id))!
      if (!ATTACH_STATES.includes(d.status)) throw new AppError('DOSSIER_WRONG_STATE', { status: d.status })
      const replaced = await results.resultInfo(trx, id)
      const now = this.clock()
      await results.upsertResult(trx, { dossier_id: id, name: body.name, content_type: 'application/pdf', size: data.length, sha256, data,
        attached_by: actor.staffId, api_token_id: actingTokenId(), attached_at: now })
      await repo.insertDossierEvent(trx, { dossierId: id, centerId: d.center_id, type: 'result_attached', from: d.status, to: d.status,
        staffId: actor.staffId, at: now, note: body.name, data: { name: body.name, size: data.length, sha256, ...(replaced ? { replaced: replaced.sha256 } : {}) } })
    })
    // a phone following a ready dossier offers the download at once
    try {
      this.sink?.dossierUpdated(id, await this.dossiers.citizens.publicView(id))
    } catch (err) {
      this.sink?.publishFailed(err)
    }
    return this.dossiers.staff.get(id, actor)
  }

  /** The staff's copy (clerks and managers of the center, a token with dossiers:read). */
  async staffFile(id: string, actor: Actor): Promise<ResultFile> {
    await this.assertDossier(id, actor)
    const f = await results.resultFile(this.db, id)
    if (!f) throw new AppError('RESULT_NOT_FOUND')
    return { name: f.name, data: Buffer.from(f.data) }
  }

  /**
   * The citizen's download from the lookup page: both codes (checked, and throttled, as the lookup checks them),
   * then the phone's last 4 digits (403 RESULT_CHECK_FAILED, counted as a wrong guess), then a ready result.
   */
  async citizenFile(code: string, body: ResultDownloadBody, address: string): Promise<ResultFile> {
    let centerId: string | undefined
    if (body.center) {
      centerId = (await findCenterBySlug(this.db, body.center))?.id
      if (!centerId) throw new AppError('DOSSIER_NOT_FOUND')
    }
    const id = await this.dossiers.citizens.findByCodes(code, body.lookupCode, { address, centerId })
    const d = (await repo.findDossier(this.db, id))!
    const digits = d.applicant_phone.replace(/\D/g, '').slice(-4)
    if (!safeEqual(digits, body.phoneLast4)) {
      await this.dossiers.citizens.guessFailed(address, code)
      throw new AppError('RESULT_CHECK_FAILED')
    }
    const f = DOWNLOAD_STATES.includes(d.status) ? await results.resultFile(this.db, id) : undefined
    if (!f) throw new AppError('RESULT_NOT_FOUND')
    await this.db.transaction().execute(async (trx) => {
      const locked = (await repo.lockDossier(trx, id))!
      const now = this.clock()
      // the first download is the result delivered (in the history and to the province); later ones are counted
      if (await results.countDownload(trx, id, now) === 0) {
        await repo.insertDossierEvent(trx, { dossierId: id, centerId: locked.center_id, type: 'result_downloaded', from: locked.status, to: locked.status, at: now })
      }
    })
    return { name: f.name, data: Buffer.from(f.data) }
  }

  /** Links (or, with null, unlinks) the province's code; 409 PROVINCIAL_CODE_TAKEN when another dossier of the center has it. */
  async setProvincialCode(id: string, code: string | null, actor: Actor): Promise<DossierView> {
    await this.assertDossier(id, actor)
    try {
      await this.db.transaction().execute(async (trx) => {
        const d = (await repo.lockDossier(trx, id))!
        if (d.provincial_code === code) return
        await repo.updateDossier(trx, id, { provincial_code: code, updated_at: this.clock() })
        await repo.insertDossierEvent(trx, { dossierId: id, centerId: d.center_id, type: 'provincial_code_set', from: d.status, to: d.status,
          staffId: actor.staffId, at: this.clock(), note: code, data: { from: d.provincial_code, to: code } })
      })
    } catch (e) {
      if (isUniqueViolation(e, 'dossier_provincial_code')) throw new AppError('PROVINCIAL_CODE_TAKEN', { code: code ?? '' })
      throw e
    }
    return this.dossiers.staff.get(id, actor)
  }

  /** The dossier of the center that carries this province code (404 DOSSIER_NOT_FOUND; 403 WRONG_CENTER for another center's caller). */
  async byProvincialCode(centerSlug: string, code: string, actor: Actor): Promise<string> {
    const center = await findCenterBySlug(this.db, centerSlug)
    if (!center) throw new AppError('CENTER_NOT_FOUND')
    assertCenter(actor, center.id)
    const d = await results.findByProvincialCode(this.db, center.id, code)
    if (!d) throw new AppError('DOSSIER_NOT_FOUND')
    return d.id
  }

  async getByProvincialCode(centerSlug: string, code: string, actor: Actor): Promise<DossierView> {
    return this.dossiers.staff.get(await this.byProvincialCode(centerSlug, code, actor), actor)
  }

  async setStatusByProvincialCode(centerSlug: string, code: string, body: DossierStatusBody, actor: Actor): Promise<DossierView> {
    return this.dossiers.staff.setStatus(await this.byProvincialCode(centerSlug, code, actor), body, actor)
  }

  async attachByProvincialCode(centerSlug: string, code: string, body: ResultUploadBody, actor: Actor): Promise<DossierView> {
    return this.attach(await this.byProvincialCode(centerSlug, code, actor), body, actor)
  }

  private async assertDossier(id: string, actor: Actor) {
    const d = await repo.findDossier(this.db, id)
    if (!d) throw new AppError('DOSSIER_NOT_FOUND')
    assertCenter(actor, d.center_id)
    return d
  }
}

/** What staff see of the result (dossier.views.ts adds it to the dossier view). */
export async function resultInfoView(db: Db, dossierId: string): Promise<DossierResultInfo | null> {
  const r = await results.resultInfo(db, dossierId)
  if (!r) return null
  return { name: r.name, size: r.size, sha256: r.sha256, attachedAt: new Date(r.attached_at).toISOString(), attachedByName: r.attached_by_name,
    attachedByToken: r.token_name, downloads: r.downloads, lastDownloadedAt: r.last_downloaded_at ? new Date(r.last_downloaded_at).toISOString() : null }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
