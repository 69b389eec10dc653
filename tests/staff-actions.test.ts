// The console offers exactly the transitions the server allows (docs/queue.md), each with its key.
import { describe, expect, it } from '@jest/globals'
import { actionForKey, allowedActions, canCallSpecific, keyLabel, KeyQueue, splitPauseReason, whyNotKey, type ActionId } from '../staff/actions.js'
import { catalogs } from '../common/i18n/index.js'

describe('staff console actions', () => {
  it('offers per state exactly what the server accepts', () => {
    expect(allowedActions({ counterStatus: 'closed', current: null })).toEqual([])
    expect(allowedActions({ counterStatus: 'open', current: null })).toEqual(['callNext', 'pause', 'closeCounter'])
    // issue 22: D completes a called ticket too (the server implies the start)
    expect(allowedActions({ counterStatus: 'open', current: { status: 'called' } })).toEqual(['start', 'complete', 'recall', 'noShow', 'hold', 'transfer', 'cancel'])
    expect(allowedActions({ counterStatus: 'open', current: { status: 'serving' } })).toEqual(['complete', 'hold', 'transfer', 'cancel'])
    expect(allowedActions({ counterStatus: 'paused', current: null })).toEqual(['resumeCounter', 'closeCounter'])
    // paused by another tab while a citizen is at the desk: finish the ticket, or reopen; closing would be refused (COUNTER_BUSY)
    expect(allowedActions({ counterStatus: 'paused', current: { status: 'serving' } })).toEqual(['complete', 'hold', 'transfer', 'cancel', 'resumeCounter'])
  })

  it('calls a particular or held ticket only at a free, open counter', () => {
    expect(canCallSpecific({ counterStatus: 'open', current: null })).toBe(true)
    expect(canCallSpecific({ counterStatus: 'open', current: { status: 'called' } })).toBe(false)
    expect(canCallSpecific({ counterStatus: 'paused', current: null })).toBe(false)
  })

  it('maps keys to allowed actions only, case-insensitively', () => {
    const idle = allowedActions({ counterStatus: 'open', current: null })
    expect(actionForKey('F1', idle)).toBe('callNext')
    expect(actionForKey(' ', idle)).toBe('callNext')
    expect(actionForKey('s', idle)).toBeNull() // nothing to start
    const called = allowedActions({ counterStatus: 'open', current: { status: 'called' } })
    expect(actionForKey('S', called)).toBe('start')
    expect(actionForKey('r', called)).toBe('recall')
    expect(actionForKey('F1', called)).toBeNull() // one citizen at a time
    expect(actionForKey('p', allowedActions({ counterStatus: 'paused', current: null }))).toBe('resumeCounter')
    expect(keyLabel('complete')).toBe('D')
  })

  it('says why a key does nothing (issue 22)', () => {
    expect(whyNotKey('d', { counterStatus: 'open', current: null })).toEqual({ action: 'complete', why: 'noTicket' })
    expect(whyNotKey('D', { counterStatus: 'open', current: { status: 'called' } })).toBeNull()
    expect(whyNotKey(' ', { counterStatus: 'open', current: { status: 'serving' } })).toEqual({ action: 'callNext', why: 'ticketAtDesk' })
    expect(whyNotKey('n', { counterStatus: 'open', current: { status: 'serving' } })).toEqual({ action: 'noShow', why: 'notCalled' })
    expect(whyNotKey('s', { counterStatus: 'paused', current: null })).toEqual({ action: 'start', why: 'paused' })
    expect(whyNotKey('F1', { counterStatus: 'closed', current: null })).toEqual({ action: 'callNext', why: 'closed' })
    expect(whyNotKey('q', { counterStatus: 'open', current: null })).toBeNull() // not a console key
  })

  it('queues keys pressed while a request is in flight, in order; a burst of one key counts once (issue 22)', () => {
    const q = new KeyQueue()
    expect(q.press('s')).toBe('run')
    expect(q.press('s')).toBe('duplicate') // the same key again while S is in flight
    expect(q.press('d')).toBe('queued')
    expect(q.press('d')).toBe('duplicate')
    expect(q.press(' ')).toBe('queued')
    expect(q.press('h')).toBe('queued')
    expect(q.press('x')).toBe('full')
    expect(q.waiting()).toEqual(['d', ' ', 'h'])
    expect(q.done()).toBe('d')
    expect(q.done()).toBe(' ')
    expect(q.done()).toBe('h')
    expect(q.done()).toBeNull()
    expect(q.busy()).toBe(false)
    // a click's request: keys queue behind it
    q.begin()
    expect(q.press('d')).toBe('queued')
    expect(q.done()).toBe('d')
    expect(q.press('d')).toBe('duplicate')
    expect(q.done()).toBeNull()
    expect(q.press('d')).toBe('run')
    // a dialog opened: the keys behind it are dropped (the console says which)
    expect(q.press('h')).toBe('queued')
    expect(q.press('x')).toBe('queued')
    expect(q.clear()).toEqual(['h', 'x'])
    expect(q.done()).toBeNull()
  })

  it('every action has words in both languages', () => {
    const all: ActionId[] = ['callNext', 'recall', 'start', 'complete', 'noShow', 'hold', 'transfer', 'cancel', 'pause', 'resumeCounter', 'closeCounter']
    for (const lang of ['vi', 'en'] as const) {
      for (const a of all) expect((catalogs[lang].staff as unknown as Record<string, string>)[a]).toEqual(expect.any(String))
    }
    expect(catalogs.vi.staff.callNext).toBe('Gọi số tiếp theo')
  })

  it('splits a stored pause reason and its note', () => {
    expect(splitPauseReason('meeting: họp giao ban')).toEqual({ reason: 'meeting', note: 'họp giao ban' })
    expect(splitPauseReason('break')).toEqual({ reason: 'break', note: null })
    expect(splitPauseReason(null)).toEqual({ reason: null, note: null })
  })
})
