import { spellTicketCode } from './ticket-code.js'

/** DESIGN.md §4: the default wording; a center may configure its own (board.announcementTemplate). */
export const DEFAULT_ANNOUNCEMENT_TEMPLATE = 'Xin mời công dân có số thứ tự {code} đến quầy số {counter}'

/** `A012` at counter 3 → "Xin mời công dân có số thứ tự A, không, một, hai đến quầy số 3". */
export function announcementText(template: string | null | undefined, code: string, counter: number | string): string {
  const t = template && template.trim() ? template : DEFAULT_ANNOUNCEMENT_TEMPLATE
  return t.replace(/\{code\}/g, spellTicketCode(code)).replace(/\{counter\}/g, String(counter))
}

/**
 * Plays announcements one after another, in arrival order, so two calls in one second are both
 * heard. The same key is never played twice (a call seen in a snapshot and as an event); the queue
 * and the memory of keys are bounded so a display running for days does not grow.
 */
export class AnnouncementQueue<T extends { key: string }> {
  private pending: T[] = []
  private seen: string[] = []
  private running = false

  constructor(
    private play: (item: T) => Promise<void>,
    private limits: { maxPending: number; remember: number } = { maxPending: 8, remember: 200 },
  ) {}

  /** false when this key was already queued or played */
  push(item: T): boolean {
    if (this.seen.includes(item.key)) return false
    this.remember(item.key)
    this.pending.push(item)
    // a backlog older than the screen can show is dropped from the front: the newest calls matter most
    while (this.pending.length > this.limits.maxPending) this.pending.shift()
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

  private async run(): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      while (this.pending.length) {
        const item = this.pending.shift()!
        try { await this.play(item) } catch { /* one failed announcement must not stop the next */ }
      }
    } finally {
      this.running = false
    }
  }
}
