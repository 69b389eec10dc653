import type { Transaction } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { Center, Database } from '../../db/types.js'
import type { PublicEventName, PublicFact } from '../../common/events.js'
import type { TicketView } from '../../common/types.js'
import type { Clock } from '../clock.js'
import { localTime } from '../time.js'
import type { EventSink } from '../realtime/event-sink.js'
import { bumpBoardSeq } from '../centers/center.repository.js'
import { callsResumeAt, loadServiceFigures, statOf, type ServiceFigures } from './estimate.js'
import { counterView, publicCounterView, ticketView } from './ticket-views.js'

/** Told about committed facts (metrics): their names at commit, and how long after the commit they were sent. */
export interface ChangeObserver {
  factsCommitted(names: readonly string[]): void
  factsSent(msSinceCommit: number): void
}

type Pending =
  | { name: 'queue:changed'; serviceIds: string[] }
  | { name: 'counter:changed'; counterId: string }
  | { name: Exclude<PublicEventName, 'queue:changed' | 'counter:changed'>; payload: Record<string, unknown> }

/** Payload parts a change read itself (a kiosk's tap reads its service's figures and its ticket's view in one statement). */
export interface Known { figures?: ServiceFigures[]; views?: TicketView[] }

/** A change's facts, in the order they happened, and the tickets whose views it changed. */
export class Outbox {
  events: Pending[] = []
  ticketIds = new Set<string>()
  add(e: Pending) { this.events.push(e) }
  touch(...ids: string[]) { for (const id of ids) this.ticketIds.add(id) }
}

/**
 * The one way a change of a center is written and told. `inTx` runs it in one transaction whose last
 * statement takes its facts' board seqs from the center's row (so every change locks ticket and counter
 * rows first, the center's row last, and holds that only until COMMIT). After the commit, the facts'
 * payloads and the changed tickets' views are read from the committed state and sent through the sink.
 * Within this process a center's changes are sent in the order their commits were answered. That is
 * their seq order (a change takes its seqs only once the one before it has committed) but for a commit
 * answered late on a busy host; across instances facts interleave too. Pages put facts back in seq
 * order (common/board-sync.ts); docs/queue.md says what a page may see.
 */
export class Changes {
  /** per center: settles when its last change's facts were sent */
  private sent = new Map<string, Promise<void>>()

  constructor(private db: Db, private clock: Clock, private sink: EventSink, private observer?: ChangeObserver) {}

  /** `views`: filled with the views of the tickets the change touched (the request's answer, read once). */
  async inTx<T>(center: Center, fn: (trx: Transaction<Database>, out: Outbox) => Promise<T>, views?: Map<string, TicketView>): Promise<T> {
    const out = new Outbox()
    const { result, lastSeq } = await this.db.transaction().execute(async (trx) => {
      const result = await fn(trx, out)
      return { result, lastSeq: out.events.length ? await bumpBoardSeq(trx, center.id, out.events.length) : 0 }
    })
    await this.publish(center, out, lastSeq, views)
    return result
  }

  /**
   * Sends a committed change's facts, numbered up to `lastSeq`, and its tickets' views. Call it right
   * after the commit was answered, before any other await: that fixes its place in the center's order.
   */
  publish(center: Center, out: Outbox, lastSeq: number, views?: Map<string, TicketView>, known?: Promise<Known>): Promise<void> {
    const committedAt = performance.now()
    if (out.events.length) this.observer?.factsCommitted(out.events.map((e) => e.name))
    const built = this.build(center, out, lastSeq - out.events.length + 1, known).catch((err: unknown) => {
      // committed: the request succeeded. Pages see the seq gap and refetch the board.
      this.sink.publishFailed(err)
      return undefined
    })
    const before = this.sent.get(center.id) ?? Promise.resolve()
    const mine = Promise.all([before, built]).then(([, b]) => {
      if (!b) return
      if (b.facts.length) this.sink.centerFacts(center.slug, b.facts)
      for (const v of b.views) { views?.set(v.id, v); this.sink.ticketUpdated(v) }
      if (b.facts.length) this.observer?.factsSent(performance.now() - committedAt)
    }).catch((err: unknown) => { this.sink.publishFailed(err) })
    this.sent.set(center.id, mine)
    void mine.then(() => { if (this.sent.get(center.id) === mine) this.sent.delete(center.id) })
    return mine
  }

  /** The facts' payloads and the tickets' views, read after the commit (each service's figures once). */
  private async build(center: Center, out: Outbox, firstSeq: number, known?: Promise<Known>) {
    const now = this.clock()
    const day = localTime(now, center.time_zone).day
    const { figures: knownFigures = [], views: knownViews = [] } = (await known) ?? {}
    const figures = new Map(knownFigures.map((f) => [f.id, Promise.resolve([f])]))
    const figuresOf = (ids: string[]) => {
      const key = [...ids].sort().join()
      let p = figures.get(key)
      if (!p) figures.set(key, p = loadServiceFigures(this.db, center.id, day, now, ids))
      return p
    }
    const [facts, views] = await Promise.all([
      Promise.all(out.events.map(async (e, k): Promise<PublicFact> => {
        const seq = firstSeq + k
        if (e.name === 'queue:changed') {
          const f = await figuresOf(e.serviceIds)
          return { name: e.name, payload: { seq, services: f.map(statOf), callsResumeAt: f[0] ? callsResumeAt(f[0]) : null } }
        }
        if (e.name === 'counter:changed') return { name: e.name, payload: { seq, counter: publicCounterView(await counterView(this.db, center.id, e.counterId)) } }
        return { name: e.name, payload: { seq, ...e.payload } } as PublicFact
      })),
      Promise.all([...out.ticketIds].map((id) => knownViews.find((v) => v.id === id) ?? ticketView(this.db, id, now, figuresOf))),
    ])
    return { facts, views }
  }
}
