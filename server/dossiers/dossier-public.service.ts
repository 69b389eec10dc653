import { timingSafeEqual } from 'node:crypto'
import type { Db } from '../../db/create-db.js'
import type { PublicDossierView } from '../../common/dossier-types.js'
import type { PublicFilingBody } from '../../common/dossier-schemas.js'
import type { TicketView } from '../../common/types.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { localTime } from '../time.js'
import { findCenterBySlug } from '../centers/center.repository.js'
import * as repo from './dossier.repository.js'
import { GuessThrottle } from './guess-throttle.js'
import { decodeAttachments } from './attachments.js'
import { applicantColumns, newLookupCode, nextCode, once, type CenterTx } from './dossier.support.js'
import { iso, localText, parseJson, publicDossierView } from './dossier.views.js'

/** The queue's side of a check-in: a ticket linked to the dossier, or the one it already has. */
export interface CheckInTickets {
  issue(centerSlug: string, input: { serviceId: string; dossierId: string; requestId: string }): Promise<TicketView>
  get(id: string): Promise<TicketView>
}

/**
 * What a citizen does with dossiers, signed in to nothing: files one online, looks one up with its two
 * codes, checks in at the kiosk with them. Wrong codes count against the code (GuessThrottle).
 */
export class DossierPublicService {
  private guesses: GuessThrottle

  constructor(private db: Db, private clock: Clock, private inTx: CenterTx, private tickets: CheckInTickets,
    opts: { failedLookupsPerCode?: number } = {}) {
    this.guesses = new GuessThrottle(clock, opts.failedLookupsPerCode ?? 10, 15 * 60_000)
  }

  /** Online filing: a `submitted_online` dossier a clerk receives later; files kept in the database. */
  async fileOnline(body: PublicFilingBody): Promise<{ code: string; lookupCode: string }> {
    const center = await findCenterBySlug(this.db, body.center)
    if (!center) throw new AppError('CENTER_NOT_FOUND')
    const procedure = await repo.findProcedure(this.db, body.procedureId)
    if (!procedure || !procedure.active || procedure.center_id !== center.id) throw new AppError('PROCEDURE_NOT_FOUND')
    const files = decodeAttachments(body.attachments ?? [])
    const same = async () => {
      const existing = body.requestId ? await repo.findByRequestId(this.db, center.id, body.requestId) : undefined
      if (existing && existing.procedure_id !== procedure.id) throw new AppError('REQUEST_ID_REUSED')
      return existing && { code: existing.code, lookupCode: existing.lookup_code }
    }
    return once(body.requestId, same, async () => {
      const now = this.clock()
      const documents = parseJson<string[]>(procedure.documents)
      return this.inTx(center, async (trx) => {
        const d = await repo.insertDossier(trx, {
          center_id: center.id, code: await nextCode(trx, center, now), lookup_code: newLookupCode(), status: 'submitted_online',
          channel: 'online', procedure_id: procedure.id, ...applicantColumns(body.applicant),
          documents: JSON.stringify(documents.map((name) => ({ name, received: false }))), note: body.note || null,
          request_id: body.requestId ?? null, created_at: now, updated_at: now,
        })
        await repo.insertAttachments(trx, files.map((f) => ({ ...f, dossier_id: d.id, created_at: now })))
        await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: center.id, type: 'filed_online', from: null, to: 'submitted_online', at: now })
        return { code: d.code, lookupCode: d.lookup_code }
      })
    })
  }

  /**
   * The dossier a citizen's two codes name, or 404 DOSSIER_NOT_FOUND: an unknown code and a wrong
   * lookup code answer alike, and too many failures on one code are refused for a while (guessing).
   */
  async findByCodes(code: string, lookupCode: string | undefined, centerId?: string): Promise<string> {
    const key = code.trim().toUpperCase()
    this.guesses.assertAllowed(key)
    const given = Buffer.from((lookupCode ?? '').trim().toUpperCase())
    const match = (await repo.findByCode(this.db, key, centerId)).find((d) => {
      const stored = Buffer.from(d.lookup_code)
      return stored.length === given.length && timingSafeEqual(stored, given)
    })
    if (!match) {
      this.guesses.failed(key)
      throw new AppError('DOSSIER_NOT_FOUND')
    }
    return match.id
  }

  async publicLookup(code: string, lookupCode: string | undefined, centerSlug?: string): Promise<PublicDossierView> {
    let centerId: string | undefined
    if (centerSlug) {
      centerId = (await findCenterBySlug(this.db, centerSlug))?.id
      if (!centerId) throw new AppError('DOSSIER_NOT_FOUND')
    }
    return publicDossierView(this.db, await this.findByCodes(code, lookupCode, centerId))
  }

  /** The view a phone following the dossier gets (its codes checked by findByCodes). */
  publicView(id: string): Promise<PublicDossierView> {
    return publicDossierView(this.db, id)
  }

  /**
   * Kiosk check-in with a dossier's codes: a ticket linked to it, in the procedure's service for an
   * online filing (or one awaiting supplements), in the pickup service for a ready result.
   */
  async checkIn(centerSlug: string, code: string, lookupCode: string): Promise<TicketView> {
    const center = await findCenterBySlug(this.db, centerSlug)
    if (!center) throw new AppError('CENTER_NOT_FOUND')
    const id = await this.findByCodes(code, lookupCode, center.id)
    const d = (await repo.dossierDetail(this.db, id))!
    let serviceId: string
    if (d.status === 'submitted_online' || d.status === 'needs_supplement') serviceId = d.service_id
    else if (d.status === 'ready') {
      const pickup = await repo.findPickupService(this.db, center.id)
      if (!pickup) throw new AppError('NO_PICKUP_SERVICE')
      serviceId = pickup.id
    } else if (d.status === 'received' || d.status === 'processing') {
      throw new AppError('DOSSIER_NOT_READY', { due: localText(d.due_at!, center.time_zone), dueAt: iso(d.due_at)! })
    } else throw new AppError('DOSSIER_WRONG_STATE', { status: d.status })
    // a second tap while the first ticket still waits gets that ticket, not another place in the queue
    const open = await repo.openCheckInTicket(this.db, d.id, localTime(this.clock(), center.time_zone).day)
    if (open) return this.tickets.get(open.id)
    // taps racing each other carry the same request id (the n-th check-in of this dossier): one ticket
    const requestId = `checkin-${d.id}-${await repo.checkInCount(this.db, d.id)}`
    const ticket = await this.tickets.issue(center.slug, { serviceId, dossierId: d.id, requestId })
    // recorded once, whichever of the racing taps gets here first (serialised on the dossier's row)
    await this.db.transaction().execute(async (trx) => {
      await repo.lockDossier(trx, d.id)
      if (await repo.findCheckIn(trx, d.id, ticket.id)) return
      await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: center.id, type: 'checked_in', from: d.status, to: d.status,
        at: this.clock(), data: { ticketId: ticket.id, ticketCode: ticket.code } })
    })
    return ticket
  }
}
