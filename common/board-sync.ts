import type { BoardSnapshot, CallView, CounterView } from './types.js'
import type { PublicFact } from './events.js'

/**
 * The board a page shows, kept current from `board:snapshot` and the public facts of its center.
 * DOM-free so that pages and tests share it. Rules (DESIGN.md §2 "Board sequence"):
 * - an event whose `seq` is not newer than the board's is already in it: ignored;
 * - an event one past the board's `seq` is applied;
 * - an event further ahead is applied too (it is newer than anything shown) but reported as a gap,
 *   so the page refetches the board;
 * - a snapshot older than the board shown is refused (a page never goes back in time), except after a
 *   gap: then the facts received since the gap are kept, and a snapshot that covers the facts missed
 *   (its seq at least the gap's fact's, minus one) is taken with them replayed on top. Under a steady
 *   stream of facts the refetched board is always a little older than the board shown, and without this
 *   the missed facts (a call, a counter's change) were never shown until the next reconnect.
 */
export type BoardEvent = PublicFact

export type ApplyResult = 'applied' | 'stale' | 'gap'

/** Bounds, so a wall display can run for days without growing. */
export const MAX_RECENT_CALLS = 10
export const MAX_READY_DOSSIERS = 40

/** Facts kept after a gap, waiting for a snapshot that covers it (the oldest go first beyond this). */
export const MAX_FACTS_SINCE_GAP = 2000

export class BoardState {
  board: BoardSnapshot | null = null
  /** the facts applied since a gap (the gap's fact first), until a snapshot covers the gap; null when none */
  private sinceGap: BoardEvent[] | null = null

  /** A gap is not covered yet: the board shows the newest facts but may lack some older ones. */
  get unsure(): boolean {
    return this.sinceGap !== null
  }

  get seq(): number {
    return this.board?.seq ?? -1
  }

  /**
   * Takes a snapshot unless it is older than the board shown (`force`: the server's sequence was reset).
   * After a gap: takes one that covers the gap, with the facts since replayed on top (a later gap among
   * them must be covered too), and refuses one from before it.
   */
  acceptSnapshot(b: BoardSnapshot, force = false): boolean {
    if (this.board && b.centerSlug !== this.board.centerSlug) return false
    let board = bounded(b)
    if (this.sinceGap && !force) {
      for (const e of this.sinceGap) {
        const seq = e.payload.seq
        if (seq <= board.seq) continue
        if (seq > board.seq + 1) return false // facts missed that the snapshot does not hold either
        board = { ...reduceBoard(board, e), seq }
      }
    } else if (this.board && b.seq < this.board.seq && !force) {
      return false
    }
    this.board = board
    this.sinceGap = null
    return true
  }

  apply(e: BoardEvent): ApplyResult {
    if (!this.board) return 'gap'
    const seq = e.payload.seq
    if (seq <= this.board.seq) return 'stale'
    const gap = seq > this.board.seq + 1
    this.board = { ...reduceBoard(this.board, e), seq }
    if (gap || this.sinceGap) {
      const kept = this.sinceGap ??= []
      kept.push(e)
      if (kept.length > MAX_FACTS_SINCE_GAP) kept.shift()
    }
    return gap ? 'gap' : 'applied'
  }
}

function bounded(b: BoardSnapshot): BoardSnapshot {
  return { ...b, recentCalls: b.recentCalls.slice(0, MAX_RECENT_CALLS), readyDossiers: b.readyDossiers.slice(0, MAX_READY_DOSSIERS) }
}

function setCounter(counters: CounterView[], id: string, change: (c: CounterView) => CounterView): CounterView[] {
  return counters.map((c) => (c.id === id ? change(c) : c))
}

function pushCall(calls: CallView[], call: CallView): CallView[] {
  return [call, ...calls.filter((c) => c.ticketId !== call.ticketId)].slice(0, MAX_RECENT_CALLS)
}

/** The board after one fact (pure). */
export function reduceBoard(b: BoardSnapshot, e: BoardEvent): BoardSnapshot {
  switch (e.name) {
    case 'ticket:called':
    case 'ticket:recalled': {
      const { seq: _seq, ...call } = e.payload
      return {
        ...b,
        counters: setCounter(b.counters, call.counterId, (c) => ({ ...c, currentTicket: { id: call.ticketId, code: call.code, status: 'called' } })),
        recentCalls: pushCall(b.recentCalls, call),
      }
    }
    case 'ticket:finished': {
      const id = e.payload.ticketId
      return { ...b, counters: b.counters.map((c) => (c.currentTicket?.id === id ? { ...c, currentTicket: null } : c)) }
    }
    case 'counter:changed': {
      const next = e.payload.counter
      const known = b.counters.some((c) => c.id === next.id)
      const counters = known ? setCounter(b.counters, next.id, () => next) : [...b.counters, next].sort((x, y) => x.number - y.number)
      return { ...b, counters }
    }
    case 'queue:changed': {
      const stats = new Map(e.payload.services.map((s) => [s.id, s]))
      return {
        ...b,
        services: b.services.map((s) => {
          const st = stats.get(s.id)
          return st ? { ...s, waiting: st.waiting, estimatedWaitMinutes: st.estimatedWaitMinutes } : s
        }),
      }
    }
    case 'dossier:ready':
      return { ...b, readyDossiers: [e.payload.code, ...b.readyDossiers.filter((c) => c !== e.payload.code)].slice(0, MAX_READY_DOSSIERS) }
    case 'dossier:returned':
      return { ...b, readyDossiers: b.readyDossiers.filter((c) => c !== e.payload.code) }
    case 'ticket:issued':
      return b
  }
}

/** `?counters=1,2,3` → [1, 2, 3]; empty or invalid → null (all counters). */
export function parseCounterFilter(value: string | null | undefined): number[] | null {
  if (!value) return null
  const nums = value.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0)
  return nums.length ? [...new Set(nums)] : null
}
