import type { Db } from '../../db/create-db.js'
import type { IssuedTicket } from '../../common/types.js'
import type { Clock } from '../clock.js'
import type { EventSink } from '../realtime/event-sink.js'
import { DossierAttachments } from './attachments.js'
import { DossierPublicService, type CheckInTickets, type FilingQuota } from './dossier-public.service.js'
import { DossierService } from './dossier.service.js'
import type { CenterTx } from './dossier.support.js'
import { AddressBudget } from './address-budget.js'
import { DbRateLimitStore } from '../http/rate-limit-store.js'
import { DEFAULT_GUESS_LIMITS, type GuessLimits } from './guess-throttle.js'
import { AppError } from '../errors.js'
import { PhoneConsent } from '../notify/consent.js'

/**
 * What a stranger may do with dossiers (docs/dossiers.md says why these numbers). Lookups: a kiosk
 * looks up and checks in once per citizen, and several kiosks may share an address. Filings: fewer
 * than ticket issue (each may carry 6 MB); staff signed in (helping residents file) are not counted.
 */
export interface DossierLimits {
  /** lookups, check-ins and dossier sockets per address a minute */
  lookupsPerMinute: number
  /** online filings per address an hour */
  filingsPerHour: number
  quota: FilingQuota
  guesses: GuessLimits
}

export const DEFAULT_DOSSIER_LIMITS: DossierLimits = {
  lookupsPerMinute: 60,
  filingsPerHour: 10,
  quota: { pendingFilings: 200, pendingBytes: 200 * 1024 * 1024 },
  guesses: DEFAULT_GUESS_LIMITS,
}

/** The dossier services of one app: the staff's work, the citizens' side, the filed files (routes: dossier.routes.ts). */
export interface Dossiers {
  staff: DossierService
  citizens: DossierPublicService
  attachments: DossierAttachments
  /** per-address budgets of the public routes: lookups (shared with dossier sockets) and filings */
  budgets: { lookups: AddressBudget; filings: AddressBudget }
}

/** What dossiers ask of the queue (server/queue): its center transaction, and a check-in's ticket. */
export interface QueueSide {
  changes: { inTx: CenterTx }
  issuing: Pick<CheckInTickets, 'issue'>
  tickets: { issuedTicket(id: string): Promise<IssuedTicket> }
}

export function createDossiers(db: Db, clock: Clock, queue: QueueSide, sink: EventSink, given: Partial<DossierLimits> = {}, phones = new PhoneConsent([])): Dossiers {
  const limits = { ...DEFAULT_DOSSIER_LIMITS, ...given }
  // the one place dossiers name the queue's transaction: facts added to `out` are sent after the commit
  const inTx: CenterTx = (center, work) => queue.changes.inTx(center, work)
  const tickets: CheckInTickets = { issue: (slug, input) => queue.issuing.issue(slug, input), get: (id) => queue.tickets.issuedTicket(id) }
  const budgets = {
    // issue 19: counted in the database, so several instances share one budget per address
    lookups: new AddressBudget(limits.lookupsPerMinute, 60_000, undefined, undefined, new DbRateLimitStore(db, 'lookup')),
    filings: new AddressBudget(limits.filingsPerHour, 60 * 60_000, (minutes) => new AppError('TOO_MANY_FILINGS', { minutes }), (req) => !!req.auth,
      new DbRateLimitStore(db, 'filing')),
  }
  return {
    staff: new DossierService(db, clock, inTx, sink, phones),
    citizens: new DossierPublicService(db, clock, inTx, tickets, { quota: limits.quota, guesses: limits.guesses, lookups: budgets.lookups }),
    attachments: new DossierAttachments(db),
    budgets,
  }
}
