import { timingSafeEqual } from 'node:crypto'
import type { Db, Executor } from '../../db/create-db.js'
import type { PublicDossierView } from '../../common/dossier-types.js'
import type { PublicFilingBody } from '../../common/dossier-schemas.js'
import type { IssuedTicket } from '../../common/types.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { localTime } from '../time.js'
import { findCenterBySlug } from '../centers/center.repository.js'
import * as repo from './dossier.repository.js'
import { GuessThrottle, type GuessLimits } from './guess-throttle.js'
import type { AddressBudget } from './address-budget.js'
import { decodeAttachments } from './attachments.js'
import { closeLapsedSupplements } from './supplement-lapse.js'
import { applicantColumns, newLookupCode, nextCode, once, type CenterTx } from './dossier.support.js'
import { iso, localText, parseJson, publicDossierView } from './dossier.views.js'

/** The queue's side of a check-in: a ticket linked to the dossier, or the one it already has. */
export interface CheckInTickets {
  issue(centerSlug: string, input: { serviceId: string; dossierId: string; requestId: string }): Promise<IssuedTicket>
  /** the ticket with its secret: the kiosk prints its QR again */
  get(id: string): Promise<IssuedTicket>
}

/** What a center keeps of online filings no clerk has received yet (status `submitted_online`). */
export interface FilingQuota {
  pendingFilings: number
  /** bytes of those filings' attachments */
  pendingBytes: number
}

/** What the citizens' side is given: its quotas and budgets (server/dossiers/dossiers.ts sets them). */
export interface PublicLimits {
  quota: FilingQuota
  guesses: GuessLimits
  /** the per-address budget of lookups and check-ins, which a phone's dossier socket spends too */
  lookups: AddressBudget
}

/** Where a lookup comes from: the caller's address (for the guess throttle), and the center it names, if any. */
export interface LookupFrom { address: string; centerId?: string }

/**
 * What a citizen does with dossiers, signed in to nothing: files one online, looks one up with its two
 * codes, checks in at the kiosk with them. Wrong codes count against the guesser's address (GuessThrottle).
 */
export class DossierPublicService {
  private guesses: GuessThrottle

  constructor(private db: Db, private clock: Clock, private inTx: CenterTx, private tickets: CheckInTickets, private limits: PublicLimits) {
    this.guesses = new GuessThrottle(db, clock, limits.guesses)
  }

  /** Online filing: a `submitted_online` dossier a clerk receives later; files kept in the database. */
  async fileOnline(body: PublicFilingBody): Promise<{ code: string; lookupCode: string }> {
    const center = await findCenterBySlug(this.db, body.center)
    if (!center) throw new AppError('CENTER_NOT_FOUND')
    if (!center.active) throw new AppError('CENTER_INACTIVE') // deactivated by an admin: nobody would receive it (H6)
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
        await this.assertRoomFor(trx, center.id, files)
        const d = await repo.insertDossier(trx, {
          center_id: center.id, code: await nextCode(trx, center, now), lookup_code: newLookupCode(), status: 'submitted_online',
          channel: 'online', procedure_id: procedure.id, ...applicantColumns(body.applicant),
          documents: JSON.stringify(documents.map((name) => ({ name, received: false }))), note: body.note || null,
          delivery: body.delivery ?? 'center',
          request_id: body.requestId ?? null, created_at: now, updated_at: now,
        })
        await repo.insertAttachments(trx, files.map((f) => ({ ...f, dossier_id: d.id, created_at: now })))
        await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: center.id, type: 'filed_online', from: null, to: 'submitted_online', at: now })
        return { code: d.code, lookupCode: d.lookup_code }
      })
    })
  }

  /**
   * Room under the center's quota of pending online filings, taken under the center's filing lock (held
   * to the commit): 429 CENTER_FILINGS_FULL past the count; 413 CENTER_FILING_STORAGE_FULL when this
   * filing's files would pass the bytes (a filing without files still goes through).
   */
  private async assertRoomFor(trx: Executor, centerId: string, files: { size: number }[]) {
    await repo.lockOnlineFilings(trx, centerId)
    const pending = await repo.pendingOnlineFilings(trx, centerId)
    if (pending.filings >= this.limits.quota.pendingFilings) throw new AppError('CENTER_FILINGS_FULL')
    const bytes = files.reduce((n, f) => n + f.size, 0)
    if (bytes > 0 && pending.bytes + bytes > this.limits.quota.pendingBytes) throw new AppError('CENTER_FILING_STORAGE_FULL')
  }

  /**
   * The dossier a citizen's two codes name, or 404 DOSSIER_NOT_FOUND: an unknown code and a wrong
   * lookup code answer alike; an address that failed too often is refused for a while (guessing).
   */
  async findByCodes(code: string, lookupCode: string | undefined, from: LookupFrom): Promise<string> {
    const key = code.trim().toUpperCase()
    // counted as a failure before the codes are checked (lookups racing in are counted exactly), given back if right
    const guess = await this.guesses.take(from.address, key)
    const given = Buffer.from((lookupCode ?? '').trim().toUpperCase())
    const found = await repo.findByCode(this.db, key, from.centerId).catch(async (err: unknown) => {
      await guess.right().catch(() => {}) // a database outage is nobody's guess
      throw err
    })
    const match = found.find((d) => {
      const stored = Buffer.from(d.lookup_code)
      return stored.length === given.length && timingSafeEqual(stored, given)
    })
    if (!match) {
      await guess.failed()
      throw new AppError('DOSSIER_NOT_FOUND')
    }
    await guess.right()
    // a supplement request past its deadline is closed before the citizen sees or acts on the dossier (Art. 19.5)
    await closeLapsedSupplements(this.db, this.clock(), { dossierId: match.id })
    return match.id
  }

  /** A wrong second factor of a lookup code's holder (the electronic result's download) counts as a wrong guess of that code. */
  guessFailed(address: string, code: string): Promise<void> {
    return this.guesses.failed(address, code.trim().toUpperCase())
  }

  async publicLookup(code: string, lookupCode: string | undefined, centerSlug: string | undefined, address: string): Promise<PublicDossierView> {
    let centerId: string | undefined
    if (centerSlug) {
      centerId = (await findCenterBySlug(this.db, centerSlug))?.id
      if (!centerId) throw new AppError('DOSSIER_NOT_FOUND')
    }
    return publicDossierView(this.db, await this.findByCodes(code, lookupCode, { address, centerId }))
  }

  /**
   * A phone's socket following a dossier: one try of the address's lookup budget (the HTTP lookups'
   * own counter, so sockets add nothing to it), then the codes, checked as findByCodes checks them.
   */
  async follow(code: string, lookupCode: string, address: string): Promise<string> {
    await this.limits.lookups.take(address)
    return this.findByCodes(code, lookupCode, { address })
  }

  /** The view a phone following the dossier gets (its codes checked by follow). */
  publicView(id: string): Promise<PublicDossierView> {
    return publicDossierView(this.db, id)
  }

  /**
   * Kiosk check-in with a dossier's codes: a ticket linked to it, in the procedure's service for an
   * online filing (or one awaiting supplements), in the pickup service for a ready result.
   */
  async checkIn(centerSlug: string, code: string, lookupCode: string, address: string): Promise<IssuedTicket> {
    const center = await findCenterBySlug(this.db, centerSlug)
    if (!center) throw new AppError('CENTER_NOT_FOUND')
    const id = await this.findByCodes(code, lookupCode, { address, centerId: center.id })
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
