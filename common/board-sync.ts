import type { BoardSnapshot, CallView, PublicCounterView } from './types.js'
import type { PublicFact } from './events.js'

/**
 * The board a page shows, kept current from `board:snapshot` and the public facts of its center
 * (`FactOrder` below puts the facts back in seq order first). DOM-free so that pages and tests share it.
 * Rules (DESIGN.md §2 "Board sequence"):
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

/** How long a fact whose predecessors are missing waits for them before the page calls it a gap. */
export const HOLD_MS = 100

/** The clock and timer `FactOrder` runs on; tests pass a manual one. */
export interface HoldClock {
  now(): number
  set(run: () => void, ms: number): unknown
  clear(handle: unknown): void
}

const realClock: HoldClock = {
  now: () => Date.now(),
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** A fact as the page hears it, with what the board made of it. */
export interface Heard { fact: BoardEvent; result: ApplyResult }

/**
 * Puts a center's facts back in seq order before they reach the board. A fact may overtake the one before
 * it (across app instances, or two commits answered swapped on a busy host; such a gap closes within
 * ~20 ms), so a fact whose predecessors are missing is held up to `HOLD_MS` from its arrival: when they
 * come, all are applied in seq order; when they do not, the oldest held fact is applied as a gap (the
 * page refetches the board) and the ones after it keep their own wait. Facts already in the board are
 * heard at once as stale.
 */
export class FactOrder {
  private held = new Map<number, { fact: BoardEvent; at: number }>()
  private timer: unknown = null
  /** the held seq the timer waits for */
  private timedSeq: number | null = null

  constructor(
    readonly state: BoardState,
    /** facts applied or found stale, in seq order; a 'gap' among them means some were missed */
    private hear: (facts: Heard[]) => void,
    private clock: HoldClock = realClock,
    private holdMs = HOLD_MS,
  ) {}

  /** how many facts wait for their predecessors */
  get holding(): number {
    return this.held.size
  }

  receive(fact: BoardEvent): void {
    const seq = fact.payload.seq
    // already shown, or a second copy of one held
    if ((this.state.board && seq <= this.state.seq) || this.held.has(seq)) return this.hear([{ fact, result: 'stale' }])
    this.held.set(seq, { fact, at: this.clock.now() })
    this.release(false)
  }

  /**
   * The board took a snapshot: held facts it already holds are stale, those that now follow it are
   * applied. `reset` (a forced snapshot: the server's sequence started again) drops every held fact.
   */
  snapshotTaken(reset = false): void {
    if (reset) {
      const dropped = this.sorted().map((seq) => ({ fact: this.held.get(seq)!.fact, result: 'stale' as const }))
      this.held.clear()
      this.arm()
      if (dropped.length) this.hear(dropped)
      return
    }
    this.release(false)
  }

  private sorted(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b)
  }

  /** Applies what follows the board; `expired`: the oldest held fact waited long enough and goes as a gap. */
  private release(expired: boolean): void {
    const heard: Heard[] = []
    for (const seq of this.sorted()) {
      const { fact } = this.held.get(seq)!
      const board = this.state.board
      if (board && seq <= board.seq) heard.push({ fact, result: 'stale' })
      else if ((board && seq === board.seq + 1) || expired) {
        heard.push({ fact, result: this.state.apply(fact) })
        // without a board every held fact is a gap (the refetch brings one); with one, only the oldest
        expired &&= !this.state.board
      } else break
      this.held.delete(seq)
    }
    this.arm()
    if (heard.length) this.hear(heard)
  }

  /** Times the oldest held fact from its arrival; nothing held, no timer. */
  private arm(): void {
    const oldest = this.sorted()[0]
    if (oldest === this.timedSeq) return
    if (this.timer !== null) this.clock.clear(this.timer)
    this.timer = null
    this.timedSeq = oldest ?? null
    if (oldest === undefined) return
    const wait = Math.max(0, this.held.get(oldest)!.at + this.holdMs - this.clock.now())
    this.timer = this.clock.set(() => {
      this.timer = null
      this.timedSeq = null
      this.release(true)
    }, wait)
  }
}

function bounded(b: BoardSnapshot): BoardSnapshot {
  return { ...b, recentCalls: b.recentCalls.slice(0, MAX_RECENT_CALLS), readyDossiers: b.readyDossiers.slice(0, MAX_READY_DOSSIERS) }
}

function setCounter(counters: PublicCounterView[], id: string, change: (c: PublicCounterView) => PublicCounterView): PublicCounterView[] {
  return counters.map((c) => (c.id === id ? change(c) : c))
}

function pushCall(calls: CallView[], call: CallView): CallView[] {
  // a ticket's code is unique in its center's day (the board's calls are today's): a recall replaces its call
  return [call, ...calls.filter((c) => c.code !== call.code)].slice(0, MAX_RECENT_CALLS)
}

/** The board after one fact (pure). */
export function reduceBoard(b: BoardSnapshot, e: BoardEvent): BoardSnapshot {
  switch (e.name) {
    case 'ticket:called':
    case 'ticket:recalled': {
      const { seq: _seq, ...call } = e.payload
      return {
        ...b,
        counters: setCounter(b.counters, call.counterId, (c) => ({ ...c, currentTicket: { code: call.code, status: 'called' } })),
        recentCalls: pushCall(b.recentCalls, call),
      }
    }
    case 'ticket:finished': {
      const code = e.payload.code
      return { ...b, counters: b.counters.map((c) => (c.currentTicket?.code === code ? { ...c, currentTicket: null } : c)) }
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
        callsResumeAt: e.payload.callsResumeAt ?? null,
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

/**
 * A page's board refetch over HTTP (web/live.ts; bench/display.ts does as the pages do): one at a time,
 * and asked again while one runs, once more after it. After a gap, a board read before the missed facts
 * were committed does not cover them: it is asked for again, at most 3 times, 100, 200, 300 ms apart.
 * `forceIfOlder`: a board older than the one shown even over HTTP means the server's sequence started
 * again (a restored database): taken all the same. A failed fetch ends the attempt (`failed`).
 */
export function boardRefetcher(o: {
  fetchBoard(): Promise<BoardSnapshot>
  /** takes the board unless older than the one shown (`force`: even then); whether it was taken */
  take(b: BoardSnapshot, force?: boolean): boolean
  /** a gap is not covered yet (BoardState.unsure) */
  unsure(): boolean
  fetched?(): void
  failed?(): void
}): (forceIfOlder?: boolean) => Promise<void> {
  let fetching: Promise<void> | null = null
  let again = false
  const once = async (forceIfOlder: boolean) => {
    o.fetched?.()
    const b = await o.fetchBoard()
    return o.take(b) || (forceIfOlder && o.take(b, true))
  }
  return function refetch(forceIfOlder = false) {
    if (fetching) { again = true; return fetching }
    fetching = (async () => {
      try {
        let misses = 0
        do {
          again = false
          if (!await once(forceIfOlder) && o.unsure() && ++misses <= 3) {
            await new Promise((r) => setTimeout(r, 100 * misses))
            again = true
          }
        } while (again)
      } catch {
        o.failed?.()
      } finally {
        fetching = null
      }
    })()
    return fetching
  }
}

/** `?counters=1,2,3` → [1, 2, 3]; empty or invalid → null (all counters). */
export function parseCounterFilter(value: string | null | undefined): number[] | null {
  if (!value) return null
  const nums = value.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0)
  return nums.length ? [...new Set(nums)] : null
}
