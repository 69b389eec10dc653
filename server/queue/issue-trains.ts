import type { CompiledQuery } from 'kysely'
import { pipelined, wroteNothing, type Db } from '../../db/create-db.js'
import { figuresAndPlaceFrom, trainReadStatement } from './estimate.js'
import { countInsertedNow, issuedFrom, seqsForIssued } from './ticket.repository.js'

/** One kiosk tap as a train carries it: its issuing statement (PREPARED), and what the train's read after it needs. */
export interface Tap {
  serviceId: string
  serviceDay: string
  ticketId: string
  /** the tap's clock (the read's figures are as of the latest of its train's taps of the same service day) */
  now: Date
  /** `issueTicketStatement` (server/queue/ticket.repository.ts) */
  issue: CompiledQuery
  /** called right before the train carrying the tap is sent (again, if its first train failed): where its change takes its SeqOrder slot */
  sending: () => void
}

/** What a tap's train answered: its issuing statement's answer (`issuedFrom`), its row of the train's read (`figuresAndPlaceFrom`), and its last board seq (null: it issued nothing). */
export interface TapAnswer { ticket: ReturnType<typeof issuedFrom>; read: ReturnType<typeof figuresAndPlaceFrom>; lastSeq: number | null }

/** The most taps one train carries: each adds its statements to the time the center's rows stay locked. */
export const MAX_TAPS_PER_TRAIN = 32
/**
 * How many trains of one center this process has in flight at once. One: a second would queue on the
 * center's seq row, and the first train's answers would wait for the second train's seqs before they are
 * published (server/queue/seq-order.ts). Measured (bench/ab.ts, 2026-12-03): 672 req/s at 32 connections
 * with one train in flight, 578 with two; the same p99 open loop.
 */
export const TRAINS_IN_FLIGHT = 1

interface Queued { tap: Tap; resolve: (a: TapAnswer) => void; reject: (e: unknown) => void }

/**
 * Ticket issues of one center, sent as trains (group commit). Every issue of a center takes the center's
 * board seq row and holds it until its COMMIT is flushed, so a center's issues go one after the other
 * however many kiosks tap at once. Here a center has at most TRAINS_IN_FLIGHT trains in flight from this
 * process: a tap that comes while they are waits for the first of them to come back and leaves with every
 * tap that came meanwhile (up to MAX_TAPS_PER_TRAIN), in one transaction and one round trip, with one seq
 * update and one commit for all of them. A tap that finds a train free leaves at once (nothing waits for
 * company), so a quiet center pays nothing. Kiosks queue here, first come first served, instead of on the
 * row lock, where a woken waiter can be overtaken by a newcomer.
 *
 * A train: BEGIN; the taps' issuing statements (in service and day order: trains of two instances lock
 * the service number rows in one order); `seqsForIssued` (the center's seq row, after them); the waiting
 * counts made now; one read for all its taps (`trainReadStatement`: each service's figures once, each
 * ticket's status and place; one per service day, so one but at midnight); COMMIT. The read sees every
 * ticket of the train, those of the taps after a tap's own too. A failing statement fails its whole
 * train, which wrote nothing: each of its taps is then sent again in a train of its own, so one tap's error (a kiosk's retry with a used request id)
 * reaches that tap only. A train that may have committed (the connection lost) is not sent again: its
 * taps fail, and a kiosk's retry with its request id finds the ticket that was made.
 *
 * Left as they are: a train waiting on a lock (a manager's edit of a service row, a transfer's number
 * row: each a short transaction) holds up every tap of its center on this instance, where before only
 * that service's taps waited; two instances' trains can still wait on each other through a request id
 * (a kiosk's retry reaching the other instance while its first tap's train waits on a number row the
 * other train holds): PostgreSQL ends one of them after deadlock_timeout (1 s), and its taps go again one
 * by one; and those go one after the other, each answer waiting until the other taps of its first train
 * know their seqs (SeqOrder): a failed train of 32 answers after 32 round trips.
 */
export class IssueTrains {
  private centers = new Map<string, { waiting: Queued[]; running: number }>()
  /** Trains sent so far, and of them those that failed and had their taps sent again one by one (tests). */
  sent = 0
  split = 0

  constructor(private db: Db, private seqsPerTicket: number, private onTrain?: (taps: number) => void) {}

  send(centerId: string, tap: Tap): Promise<TapAnswer> {
    return new Promise((resolve, reject) => {
      let center = this.centers.get(centerId)
      if (!center) this.centers.set(centerId, center = { waiting: [], running: 0 })
      center.waiting.push({ tap, resolve, reject })
      if (center.running < TRAINS_IN_FLIGHT) void this.run(centerId, center)
    })
  }

  /**
   * Sends what waits, then whatever came meanwhile, until nothing waits. A train's answers are handed
   * out before the next train leaves (its taps take their SeqOrder slots in `sending`): each answered
   * tap learns its seq in its first continuation, queued ahead of this loop's, so it never waits for the
   * next train's seqs (an `await` before `reserved()` in `issueAs` would make it).
   */
  private async run(centerId: string, center: { waiting: Queued[]; running: number }) {
    center.running++
    try {
      while (center.waiting.length) await this.carry(centerId, center.waiting.splice(0, MAX_TAPS_PER_TRAIN))
    } catch (e) {
      for (const q of center.waiting.splice(0)) q.reject(e) // a bug: no tap waits for ever
    } finally {
      if (--center.running === 0) this.centers.delete(centerId)
    }
  }

  private async carry(centerId: string, batch: Queued[]) {
    try {
      const answers = await this.train(centerId, batch.map((q) => q.tap))
      batch.forEach((q, k) => q.resolve(answers[k]!))
    } catch (e) {
      if (batch.length === 1 || !(e instanceof WroteNothing)) { for (const q of batch) q.reject(e instanceof WroteNothing ? e.cause : e); return }
      this.split++
      for (const q of batch) {
        try { q.resolve((await this.train(centerId, [q.tap]))[0]!) } catch (e1) { q.reject(e1 instanceof WroteNothing ? e1.cause : e1) }
      }
    }
  }

  private async train(centerId: string, taps: Tap[]): Promise<TapAnswer[]> {
    const key = (t: Tap) => `${t.serviceId}|${t.serviceDay}`
    const order = taps.map((_, k) => k).sort((a, b) => compare(key(taps[a]!), key(taps[b]!)) || a - b)
    const n = taps.length
    this.sent++
    for (const t of taps) t.sending()
    const days = [...new Set(taps.map((t) => t.serviceDay))]
    const byDay = days.map((day) => taps.map((t, k) => k).filter((k) => taps[k]!.serviceDay === day))
    const rows = await pipelined(this.db, [
      ...order.map((k) => taps[k]!.issue),
      seqsForIssued(this.db, centerId, taps.map((t) => t.ticketId), this.seqsPerTicket),
      countInsertedNow,
      ...byDay.map((ks, d) => trainReadStatement(this.db, centerId, days[d]!, new Date(Math.max(...ks.map((k) => taps[k]!.now.getTime()))), ks.map((k) => taps[k]!))),
    ]).catch((e: unknown) => { throw wroteNothing(this.db, e) ? new WroteNothing(e) : e })
    this.onTrain?.(n)
    const seqs = rows[n]![0] as { seq: number; issued: number } | undefined
    const answers: TapAnswer[] = new Array(n)
    const tickets = order.map((_, i) => issuedFrom(rows[i]!))
    // the tickets issued, in train order, took the seqs up to the last one `seqsPerTicket` apart
    const made = order.filter((_, i) => typeof tickets[i] === 'object')
    if (made.length && !seqs) throw new Error(`center ${centerId} has no center_board_seq row`)
    if (made.length !== (seqs?.issued ?? 0)) throw new Error(`train of center ${centerId}: ${made.length} tickets issued, ${seqs?.issued ?? 0} given seqs`)
    const read: TapAnswer['read'][] = new Array(n)
    byDay.forEach((ks, d) => ks.forEach((k, i) => { read[k] = figuresAndPlaceFrom(rows[n + 2 + d]![i]) }))
    order.forEach((k, i) => {
      const j = made.indexOf(k)
      answers[k] = { ticket: tickets[i]!, read: read[k]!, lastSeq: j < 0 ? null : seqs!.seq - this.seqsPerTicket * (made.length - 1 - j) }
    })
    return answers
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** A train's transaction failed and wrote nothing for certain (db/create-db.ts `wroteNothing`): its taps may go again. */
class WroteNothing extends Error {
  constructor(override readonly cause: unknown) { super('the train wrote nothing', { cause }) }
}
