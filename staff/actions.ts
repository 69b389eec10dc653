// DOM-free: which actions the console offers in each state, and their keys. Shared by the page and its tests.
import type { CounterStatus } from '../common/types.js'

export type ActionId =
  | 'callNext' | 'recall' | 'start' | 'complete' | 'noShow' | 'hold' | 'transfer' | 'cancel'
  | 'pause' | 'resumeCounter' | 'closeCounter'

export interface ConsoleState {
  counterStatus: CounterStatus
  current: { status: 'called' | 'serving' } | null
}

/**
 * Exactly the transitions the server allows from this state (docs/queue.md), so no button can only
 * answer 409. Pausing and closing are offered only with no ticket at the counter: a citizen at the
 * desk is finished (or held) first.
 */
export function allowedActions(s: ConsoleState): ActionId[] {
  if (s.counterStatus === 'closed') return []
  const out: ActionId[] = []
  // issue 22: D on a called ticket completes it, the start implied (the server records both)
  if (s.current?.status === 'called') out.push('start', 'complete', 'recall', 'noShow', 'hold', 'transfer', 'cancel')
  else if (s.current?.status === 'serving') out.push('complete', 'hold', 'transfer', 'cancel')
  else if (s.counterStatus === 'open') out.push('callNext', 'pause', 'closeCounter')
  if (s.counterStatus === 'paused') out.push('resumeCounter', ...(s.current ? [] : ['closeCounter' as const]))
  return out
}

/** Calling a particular waiting ticket, or a held one back, needs a free open counter, like call-next. */
export function canCallSpecific(s: ConsoleState): boolean {
  return s.counterStatus === 'open' && !s.current
}

/** Keys shown on screen beside each action (KeyboardEvent.key, lower-cased for letters). */
export const SHORTCUTS: Partial<Record<ActionId, string[]>> = {
  callNext: ['F1', ' '],
  recall: ['r'],
  start: ['s'],
  complete: ['d'],
  noShow: ['n'],
  hold: ['h'],
  transfer: ['t'],
  cancel: ['x'],
  pause: ['p'],
  resumeCounter: ['p'],
}

/** The label of an action's key for the screen: "F1", "R", … */
export function keyLabel(action: ActionId): string | null {
  const k = SHORTCUTS[action]?.[0]
  return k ? k.toUpperCase() : null
}

/** The allowed action a key press asks for, if any. */
export function actionForKey(key: string, allowed: ActionId[]): ActionId | null {
  const k = key.length === 1 ? key.toLowerCase() : key
  for (const a of allowed) if (SHORTCUTS[a]?.includes(k)) return a
  return null
}

/** A pause reason is stored as `reason` or `reason: note`. */
export function splitPauseReason(text: string | null): { reason: string | null; note: string | null } {
  if (!text) return { reason: null, note: null }
  const i = text.indexOf(':')
  return i < 0 ? { reason: text, note: null } : { reason: text.slice(0, i), note: text.slice(i + 1).trim() || null }
}

/** Why a console key does nothing in this state (issue 22: the shortcut bar says so), or null when it acts. */
export type KeyRefusal = 'closed' | 'paused' | 'noTicket' | 'ticketAtDesk' | 'notCalled'

export function whyNotKey(key: string, s: ConsoleState): { action: ActionId; why: KeyRefusal } | null {
  const k = key.length === 1 ? key.toLowerCase() : key
  const allowed = allowedActions(s)
  if (actionForKey(k, allowed)) return null
  const action = (Object.keys(SHORTCUTS) as ActionId[]).find((a) => SHORTCUTS[a]!.includes(k) && a !== 'resumeCounter')
  if (!action) return null
  if (s.counterStatus === 'closed') return { action, why: 'closed' }
  if (s.counterStatus === 'paused') return { action, why: 'paused' }
  if (action === 'callNext' || action === 'pause') return { action, why: 'ticketAtDesk' }
  if (!s.current) return { action, why: 'noTicket' }
  return { action, why: 'notCalled' }
}

/**
 * Keys pressed while a request is in flight (issue 22): queued and run in order once it is answered (each
 * against the state then), never silently dropped; a key the same as the one in flight, or as the last
 * queued, is a burst of one press and is dropped (and said so), so a burst never sends two requests.
 */
export class KeyQueue {
  private inFlight: string | null = null
  private queued: string[] = []
  static readonly MAX = 3

  /** A key pressed: 'run' it now (it is then in flight), or it was 'queued', a 'duplicate', or the queue is 'full'. */
  press(key: string): 'run' | 'queued' | 'duplicate' | 'full' {
    if (this.inFlight === null) { this.inFlight = key; return 'run' }
    if (key === (this.queued.at(-1) ?? this.inFlight)) return 'duplicate'
    if (this.queued.length >= KeyQueue.MAX) return 'full'
    this.queued.push(key)
    return 'queued'
  }

  /** Marks a request in flight that no key started (a click), so keys pressed meanwhile queue behind it. */
  begin(): void { this.inFlight ??= '' }

  /** The request was answered: the next queued key, now in flight, or null (nothing in flight any more). */
  done(): string | null {
    const next = this.queued.shift() ?? null
    this.inFlight = next
    return next
  }

  /** A dialog took the keyboard: the keys waiting are dropped (the caller says which), the one in flight stays. */
  clear(): string[] {
    const dropped = this.queued
    this.queued = []
    return dropped
  }

  /** The keys waiting, in order. */
  waiting(): readonly string[] { return this.queued }
  busy(): boolean { return this.inFlight !== null }
}
