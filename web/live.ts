import { io, type Socket } from 'socket.io-client'
import { BoardState, boardRefetcher, FactOrder, type ApplyResult, type BoardEvent, type Heard } from '../common/board-sync.js'
import type { ClientToServerEvents, ServerToClientEvents } from '../common/events.js'
import type { BoardSnapshot } from '../common/types.js'
import { apiGet } from './api.js'
import { onPublicFacts } from './facts.js'

export type PageSocket = Socket<ServerToClientEvents, ClientToServerEvents>

export interface LiveBoard {
  socket: PageSocket
  state: BoardState
  refetch(): Promise<void>
}

export interface LiveOptions {
  /** the board changed (a snapshot or a fact) */
  onBoard(board: BoardSnapshot): void
  /** every public fact as it arrives, after it was applied */
  onEvent?(e: BoardEvent, result: ApplyResult): void
  /** connected or not; `fatal` when the center does not exist */
  onStatus(connected: boolean, fatal?: string): void
  /** a snapshot replaced the board after a reconnect or a gap (facts may have been missed) */
  onResync?(board: BoardSnapshot, previous: BoardSnapshot | null): void
}

/**
 * A public page's live board: joins `center:<slug>`, takes `board:snapshot` on every connect, applies
 * facts in `seq` order (a fact that overtook another waits for it a moment, `FactOrder`) and refetches
 * the board over HTTP on a gap. Socket.IO reconnects by itself after a transport failure; after a
 * refused handshake (e.g. the database was down) we retry ourselves.
 */
export function connectBoard(center: string, opts: LiveOptions): LiveBoard {
  const socket: PageSocket = io({ auth: { center }, transports: ['websocket', 'polling'] })
  const state = new BoardState()
  const order = new FactOrder(state, hear)
  const take = (b: BoardSnapshot, force = false): boolean => {
    const previous = state.board
    if (!state.acceptSnapshot(b, force)) return false
    opts.onResync?.(state.board!, previous)
    opts.onBoard(state.board!)
    order.snapshotTaken(force)
    return true
  }

  // the page draws once for the facts released together, then hears each (sounds, flashes) in seq order
  function hear(facts: Heard[]): void {
    if (facts.some((f) => f.result !== 'stale') && state.board) opts.onBoard(state.board)
    for (const { fact, result } of facts) opts.onEvent?.(fact, result)
    if (facts.some((f) => f.result === 'gap')) void refetch()
  }

  const refetch = boardRefetcher({
    fetchBoard: () => apiGet<BoardSnapshot>(`/api/centers/${encodeURIComponent(center)}/board`),
    take, unsure: () => state.unsure,
    // the socket's next connect brings a snapshot; until then retry now and then
    failed: () => { setTimeout(() => { if (socket.connected) void refetch() }, 3000) },
  })

  socket.on('board:snapshot', (b) => {
    if (!take(b)) void refetch(true)
  })
  onPublicFacts(socket, (fact) => order.receive(fact))
  socket.on('connect', () => opts.onStatus(true))
  let retry: ReturnType<typeof setTimeout> | undefined
  socket.on('disconnect', (reason) => {
    opts.onStatus(false)
    // a server shutting down cleanly disconnects us on purpose: Socket.IO then waits for us to reconnect
    if (reason === 'io server disconnect') {
      clearTimeout(retry)
      retry = setTimeout(() => socket.connect(), 1000 + Math.random() * 2000)
    }
  })
  socket.on('connect_error', (err) => {
    const fatal = err.message === 'CENTER_NOT_FOUND' ? err.message : undefined
    opts.onStatus(false, fatal)
    // a refused handshake is not retried by Socket.IO itself
    if (!socket.active) {
      clearTimeout(retry)
      retry = setTimeout(() => socket.connect(), fatal ? 30_000 : 3000)
    }
  })
  return { socket, state, refetch: () => refetch() }
}
