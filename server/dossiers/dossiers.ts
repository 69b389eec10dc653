import type { Db } from '../../db/create-db.js'
import type { TicketView } from '../../common/types.js'
import type { Clock } from '../clock.js'
import type { EventSink } from '../realtime/event-sink.js'
import { DossierAttachments } from './attachments.js'
import { DossierPublicService, type CheckInTickets } from './dossier-public.service.js'
import { DossierService } from './dossier.service.js'
import type { CenterTx } from './dossier.support.js'

/** The dossier services of one app: the staff's work, the citizens' side, the filed files (routes: dossier.routes.ts). */
export interface Dossiers {
  staff: DossierService
  citizens: DossierPublicService
  attachments: DossierAttachments
}

/** What dossiers ask of the queue (server/queue): its center transaction, and a check-in's ticket. */
export interface QueueSide {
  changes: { inTx: CenterTx }
  issuing: Pick<CheckInTickets, 'issue'>
  tickets: { getTicket(id: string): Promise<TicketView> }
}

export function createDossiers(db: Db, clock: Clock, queue: QueueSide, sink: EventSink, opts: { failedLookupsPerCode?: number } = {}): Dossiers {
  // the one place dossiers name the queue's transaction: facts added to `out` are sent after the commit
  const inTx: CenterTx = (center, work) => queue.changes.inTx(center, work)
  const tickets: CheckInTickets = { issue: (slug, input) => queue.issuing.issue(slug, input), get: (id) => queue.tickets.getTicket(id) }
  return {
    staff: new DossierService(db, clock, inTx, sink),
    citizens: new DossierPublicService(db, clock, inTx, tickets, opts),
    attachments: new DossierAttachments(db),
  }
}
