/**
 * A wall display in Node, for the resilience benchmarks: socket.io-client with its own reconnection, the
 * board kept as web/live.ts keeps it in the browser: `BoardState` fed through `FactOrder`
 * (common/board-sync.ts), a snapshot on every connect, each fact its own event, put back in seq order
 * (a fact that overtook another waits up to `HOLD_MS` for it), the board refetched over HTTP on a gap,
 * and a refused handshake retried. `compare()` says whether its board is the server's.
 */
import { io, type Socket } from 'socket.io-client'
import { BoardState, boardRefetcher, FactOrder, type BoardEvent, type Heard } from '../common/board-sync.js'
import { PUBLIC_EVENTS } from '../common/events.js'
import type { BoardSnapshot } from '../common/types.js'

export interface Display {
  socket: Socket
  state: BoardState
  /**
   * connects (first one included), snapshots taken, facts received, facts held on arrival (a predecessor
   * missing), gaps (facts applied with predecessors missing after the wait), board requests, disconnects
   */
  stats: { connects: number; snapshots: number; facts: number; held: number; gaps: number; refetches: number; disconnects: number }
  /** the parts a resident sees: seq, waiting per service, counters with their current ticket, recent calls */
  compare(server: BoardSnapshot): { same: boolean; shown: string; server: string }
  close(): void
}

/** What a resident sees on the wall, as a comparable string. */
export function visible(b: BoardSnapshot | null): string {
  if (!b) return 'no board'
  return JSON.stringify({
    seq: b.seq,
    services: b.services.map((s) => [s.prefix, s.waiting]),
    counters: b.counters.map((c) => [c.number, c.status, c.currentTicket?.code ?? null]),
    calls: b.recentCalls.map((c) => [c.code, c.counterNumber]),
  })
}

export function connectDisplay(base: () => string, center = 'na-sang'): Display {
  const state = new BoardState()
  const stats = { connects: 0, snapshots: 0, facts: 0, held: 0, gaps: 0, refetches: 0, disconnects: 0 }
  const order = new FactOrder(state, hear)
  // the server's address may change (a restarted bench server listens on a new port): read it at each attempt
  const socket = io(base(), { auth: { center }, transports: ['websocket'], reconnectionDelay: 200, reconnectionDelayMax: 1000 })
  socket.io.on('reconnect_attempt', () => { (socket.io as unknown as { uri: string }).uri = base() })

  const take = (b: BoardSnapshot, force = false): boolean => {
    if (!state.acceptSnapshot(b, force)) return false
    order.snapshotTaken(force)
    return true
  }
  function hear(facts: Heard[]): void {
    const gaps = facts.filter((f) => f.result === 'gap').length
    if (gaps) { stats.gaps += gaps; void refetch() }
  }
  // as web/live.ts does
  const refetch = boardRefetcher({
    fetchBoard: async () => (await (await fetch(`${base()}/api/centers/${center}/board`)).json()) as BoardSnapshot,
    take, unsure: () => state.unsure, fetched: () => { stats.refetches++ },
  })

  socket.on('connect', () => { stats.connects++ })
  socket.on('disconnect', (reason) => {
    stats.disconnects++
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 500)
  })
  socket.on('connect_error', () => {
    // a handshake refused by the server (its database was down) is not retried by Socket.IO itself
    if (!socket.active) setTimeout(() => socket.connect(), 500)
  })
  socket.on('board:snapshot', (b: BoardSnapshot) => {
    stats.snapshots++
    if (!take(b)) void refetch(true)
  })
  for (const name of PUBLIC_EVENTS) {
    socket.on(name, (payload: BoardEvent['payload']) => {
      stats.facts++
      const before = order.holding
      order.receive({ name, payload } as BoardEvent)
      if (order.holding > before) stats.held++
    })
  }
  return {
    socket, state, stats,
    compare(server) {
      const shown = visible(state.board), s = visible(server)
      return { same: shown === s, shown, server: s }
    },
    close: () => { socket.close() },
  }
}

/** Polls until the display shows the server's board (both read at the same seq), or `ms` pass. */
export async function displayMatches(d: Display, base: () => string, ms = 10_000): Promise<{ same: boolean; shown: string; server: string; afterMs: number }> {
  const t0 = Date.now()
  for (;;) {
    let last = { same: false, shown: visible(d.state.board), server: 'unreachable' }
    try {
      last = d.compare(await (await fetch(`${base()}/api/centers/na-sang/board`)).json() as BoardSnapshot)
    } catch { /* the server is not back yet */ }
    if (last.same || Date.now() - t0 > ms) return { ...last, afterMs: Date.now() - t0 }
    await new Promise((r) => setTimeout(r, 100))
  }
}
