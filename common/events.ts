import type { BoardSnapshot, CallView, PublicCounterView, ServiceStat, TicketStatus, TicketView } from './types.js'
import type { PublicDossierView } from './dossier-types.js'

/**
 * Every public fact of a center carries `seq`; a page that sees a gap refetches the board. Public facts
 * carry what a wall needs: ticket codes, never a ticket's id (tests/ticket-secret.test.ts).
 */
export interface Sequenced { seq: number }

export interface TicketIssuedEvent extends Sequenced {
  ticket: { code: string; serviceId: string; issuedAt: string; priority: boolean }
}
export interface TicketCalledEvent extends Sequenced, CallView {}
export interface TicketFinishedEvent extends Sequenced {
  code: string
  status: TicketStatus
  counterId: string | null
  counterNumber: number | null
}
export interface CounterChangedEvent extends Sequenced { counter: PublicCounterView }
export interface QueueChangedEvent extends Sequenced {
  services: ServiceStat[]
  /** the board's `callsResumeAt` as of this change: 'HH:MM' in the day's break or before its opening, else null */
  callsResumeAt: string | null
}
export interface DossierReadyEvent extends Sequenced { code: string }
/** the result was handed over: the display's "ready" band drops the code */
export interface DossierReturnedEvent extends Sequenced { code: string }

export interface ServerToClientEvents {
  'board:snapshot': (board: BoardSnapshot) => void
  'ticket:issued': (e: TicketIssuedEvent) => void
  'ticket:called': (e: TicketCalledEvent) => void
  'ticket:recalled': (e: TicketCalledEvent) => void
  'ticket:finished': (e: TicketFinishedEvent) => void
  'counter:changed': (e: CounterChangedEvent) => void
  'queue:changed': (e: QueueChangedEvent) => void
  'dossier:ready': (e: DossierReadyEvent) => void
  'dossier:returned': (e: DossierReturnedEvent) => void
  /** to a phone following one dossier (auth `{ dossier: { code, lookupCode } }`, room dossier:<id>): on connect and every change */
  'dossier:updated': (dossier: PublicDossierView) => void
  /** to a phone following one ticket (room ticket:<id>) and to staff of its center */
  'ticket:updated': (ticket: TicketView) => void
}

/** Writes go over HTTP; a socket only chooses what to listen to. */
export interface ClientToServerEvents {
  /** staff: follow one counter's room; ack false when not allowed */
  'counter:watch': (counterId: string, ack?: (ok: boolean) => void) => void
}

export interface SocketData {
  centerId?: string
  centerSlug?: string
  ticketId?: string
  staffId?: string
  /** the session (its token's hash) a staff socket authenticated with: a logout ends its sockets only */
  staffSession?: string
  /** how long that session still lasted at the handshake (ms): the socket is disconnected when it ends */
  staffMsLeft?: number
  dossierId?: string
}

export type PublicEventName = Exclude<keyof ServerToClientEvents, 'board:snapshot' | 'ticket:updated' | 'dossier:updated'>
/** One public fact of a center: its event name and that event's payload. */
export type PublicFact = {
  [K in PublicEventName]: { name: K; payload: Parameters<ServerToClientEvents[K]>[0] }
}[PublicEventName]
export const PUBLIC_EVENTS: PublicEventName[] = [
  'ticket:issued', 'ticket:called', 'ticket:recalled', 'ticket:finished', 'counter:changed', 'queue:changed', 'dossier:ready',
  'dossier:returned',
]
