import { PUBLIC_EVENTS, type PublicFact } from '../common/events.js'
import type { PageSocket } from './live.js'

/**
 * Hands each public fact of the socket's center to `handler` as it arrives, one event at a time.
 * Apart from web/live.ts so that a page without a board (the phone ticket, the staff console) does not
 * load the board's code with it.
 */
export function onPublicFacts(socket: PageSocket, handler: (fact: PublicFact) => void): void {
  for (const name of PUBLIC_EVENTS) {
    socket.on(name, (payload: PublicFact['payload']) => handler({ name, payload } as PublicFact))
  }
}
