/**
 * A wall display in Node, for the resilience benchmarks: socket.io-client with its own reconnection, the
 * board kept by `BoardState` (common/board-sync.ts, the state the display page keeps): a snapshot on every
 * connect, facts applied in seq order, the board refetched over HTTP on a gap, and a refused handshake
 * retried (what web/live.ts does in the browser). `compare()` says whether its board is the server's.
 */
import { io, type Socket } from 'socket.io-client'
import { BoardState, type BoardEvent } from '../common/board-sync.js'
import { PUBLIC_EVENTS } from '../common/events.js'
import type { BoardSnapshot } from '../common/types.js'

export interface Display {
  socket: Socket
  state: BoardState
  /** connects (first one included), snapshots taken, facts applied, gaps seen, refetches done */
  stats: { connects: number; snapshots: number; facts: number; gaps: number; refetches: number; disconnects: number }
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
  const stats = { connects: 0, snapshots: 0, facts: 0, gaps: 0, refetches: 0, disconnects: 0 }
  // the server's address may change (a restarted bench server listens on a new port): read it at each attempt
  const socket = io(base(), { auth: { center }, transports: ['websocket'], reconnectionDelay: 200, reconnectionDelayMax: 1000 })
  socket.io.on('reconnect_attempt', () => { (socket.io as unknown as { uri: string }).uri = base() })
  let fetching = false
  const refetch = async () => {
    if (fetching) return
    fetching = true
    stats.refetches++
    try {
      // as the pages do (web/live.ts): a board that does not cover the gap is asked for again
      for (let misses = 1; misses <= 4; misses++) {
        const b = await (await fetch(`${base()}/api/centers/${center}/board`)).json() as BoardSnapshot
        if (state.acceptSnapshot(b) || !state.unsure) break
        await new Promise((r) => setTimeout(r, 100 * misses))
      }
    } catch { /* the next connect brings a snapshot */ } finally { fetching = false }
  }
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
    if (!state.acceptSnapshot(b)) void refetch()
  })
  for (const name of PUBLIC_EVENTS) {
    socket.on(name, (payload: BoardEvent['payload']) => {
      stats.facts++
      if (state.apply({ name, payload } as BoardEvent) === 'gap') { stats.gaps++; void refetch() }
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
