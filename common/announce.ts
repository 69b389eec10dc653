import { spellTicketCode } from './ticket-code.js'

/** DESIGN.md §4: the default wording; a center may configure its own (board.announcementTemplate). */
export const DEFAULT_ANNOUNCEMENT_TEMPLATE = 'Xin mời công dân có số thứ tự {code} đến quầy số {counter}'

/** `A012` at counter 3 → "Xin mời công dân có số thứ tự A, không, một, hai đến quầy số 3". */
export function announcementText(template: string | null | undefined, code: string, counter: number | string): string {
  const t = template && template.trim() ? template : DEFAULT_ANNOUNCEMENT_TEMPLATE
  return t.replace(/\{code\}/g, spellTicketCode(code)).replace(/\{counter\}/g, String(counter))
}

/** With this many calls waiting behind it, an announcement takes the short form ("Số A012 đến quầy số 3"). */
export const SHORT_FROM = 2

/**
 * Issue 23 "No call left behind": how one call is said. Alone, in full and twice (the repeat only if it
 * came within 5 s and still nothing waits when the first saying ends); with calls behind it, once; with
 * SHORT_FROM or more behind it, once in the short form.
 */
export function sayingPlan(waiting: number, waitedMs: number): { short: boolean; repeat: boolean } {
  const short = waiting >= SHORT_FROM
  return { short, repeat: !short && waiting === 0 && waitedMs < 5000 }
}

/** What the queue tells `play` about the moment: how many calls wait behind this one, whether it opens a run. */
export interface PlayInfo {
  /** calls waiting behind this one now (read it again between repetitions: calls keep coming) */
  readonly waiting: number
  /** the first of a run (the queue was idle): the chime belongs there only */
  first: boolean
  /** how long this call waited in the queue before its turn */
  waitedMs: number
}

/**
 * Plays announcements one after another, in arrival order, so calls of one second are all heard. The
 * same key is never played twice (a call seen in a snapshot and as an event). Issue 23 "No call left
 * behind": a call is never dropped for the ones after it; one that waited longer than `maxAgeMs` when
 * its turn comes is dropped (its display was never held back: the screen shows every pending call).
 * `maxPending` is only a memory bound for a display that runs for days.
 */
export class AnnouncementQueue<T extends { key: string }> {
  private pending: { item: T; at: number }[] = []
  private seen: string[] = []
  private running = false
  private playing: T | null = null
  private listeners: (() => void)[] = []

  constructor(
    private play: (item: T, info: PlayInfo) => Promise<void>,
    private limits: { maxPending: number; remember: number; maxAgeMs?: number; now?: () => number; onDrop?: (item: T, waitedMs: number) => void } = { maxPending: 8, remember: 200 },
  ) {}

  /** false when this key was already queued or played */
  push(item: T): boolean {
    if (this.seen.includes(item.key)) return false
    this.remember(item.key)
    this.pending.push({ item, at: this.now() })
    // a memory bound only (see above)
    while (this.pending.length > this.limits.maxPending) this.pending.shift()
    this.changed()
    void this.run()
    return true
  }

  /** Marks keys as already handled (the calls present when the page loaded are not announced). */
  remember(key: string): void {
    if (this.seen.includes(key)) return
    this.seen.push(key)
    if (this.seen.length > this.limits.remember) this.seen.splice(0, this.seen.length - this.limits.remember)
  }

  knows(key: string): boolean {
    return this.seen.includes(key)
  }

  get size(): number {
    return this.pending.length + (this.running ? 1 : 0)
  }

  /** The call being announced (null between calls), then those waiting, in call order. */
  get current(): T | null { return this.playing }
  get waiting(): T[] { return this.pending.map((p) => p.item) }

  /** Called whenever the current or waiting calls change. */
  onChange(fn: () => void): void { this.listeners.push(fn) }

  private now(): number { return (this.limits.now ?? Date.now)() }
  private changed(): void { for (const fn of this.listeners) { try { fn() } catch { /* a listener's error is its own */ } } }

  private async run(): Promise<void> {
    if (this.running) return
    this.running = true
    let first = true
    try {
      while (this.pending.length) {
        const { item, at } = this.pending.shift()!
        const waitedMs = this.now() - at
        if (this.limits.maxAgeMs !== undefined && waitedMs > this.limits.maxAgeMs) {
          try { this.limits.onDrop?.(item, waitedMs) } catch { /* ignore */ }
          this.changed()
          continue
        }
        this.playing = item
        this.changed()
        const pending = this.pending
        const info: PlayInfo = { get waiting() { return pending.length }, first, waitedMs }
        try { await this.play(item, info) } catch { /* one failed announcement must not stop the next */ }
        first = false
        this.playing = null
        this.changed()
      }
    } finally {
      this.running = false
    }
  }
}
