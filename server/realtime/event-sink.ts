import type { PublicFact } from '../../common/events.js'
import type { BoardSnapshot, TicketView } from '../../common/types.js'
import type { PublicDossierView } from '../../common/dossier-types.js'

/**
 * Where committed changes are told: every service emits through this, and only the realtime layer
 * (server/realtime/realtime.ts `SocketSink`) knows sockets and rooms. Tests use a recorder.
 */
export interface EventSink {
  /** the public facts of one committed change of a center, in seq order (never empty) */
  centerFacts(centerSlug: string, facts: PublicFact[]): void
  /** a ticket's new view: to the phone following it and to the staff of its center */
  ticketUpdated(ticket: TicketView): void
  /** a dossier's new public view: to the phones following it */
  dossierUpdated(dossierId: string, dossier: PublicDossierView): void
  /** a setting changed what every page of the center shows: a fresh snapshot to all of them */
  boardChanged(centerSlug: string, board: BoardSnapshot): void
  /**
   * an account's sessions were revoked: its open sockets are closed now (`centerSlug`: where they sit, if
   * known; `session`: only the sockets of that one session, its token's hash)
   */
  staffSignedOut(staffId: string, centerSlug?: string, session?: string): Promise<void>
  /** facts of a committed change could not be prepared (the database went away): pages catch up on a gap */
  publishFailed(err: unknown): void
}
