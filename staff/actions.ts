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
  if (s.current?.status === 'called') out.push('start', 'recall', 'noShow', 'hold', 'transfer', 'cancel')
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
