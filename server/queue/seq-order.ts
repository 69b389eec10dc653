/**
 * Sends a center's facts in `seq` order within this process, whatever order the database's answers
 * are read in.
 *
 * A change reserves its seqs on the center's `center_board_seq` row, which stays locked until it
 * commits: seqs are reserved in commit order. A write that reserves and commits in one statement
 * (the ticket issue: no client round trip while the row is locked) is answered only after its commit,
 * and two such answers can be read by this process in either order. Still: if A's seq is below B's,
 * A committed before B took the row, so A's statement had been sent before B's answer was read. So
 * when a change learns its seq, it waits for the changes that were sent and are still unsent-to-pages
 * at that moment: for each, until its seq is known, and then, if it is lower, until it was published.
 * A change waits only on lower seqs, so no two wait on each other. (Seqs reserved by another instance
 * are not waited for: there, a page's gap check and refetch remain the answer.)
 */
export class SeqOrder {
  private open = new Map<string, Set<Slot>>()

  /** Call synchronously right before sending the statement that reserves the change's seqs. */
  slot(centerId: string): Slot {
    let set = this.open.get(centerId)
    if (!set) this.open.set(centerId, set = new Set())
    const slot = new Slot(set, () => { set.delete(slot); if (!set.size && this.open.get(centerId) === set) this.open.delete(centerId) })
    set.add(slot)
    return slot
  }

  /** Changes not yet published (tests, metrics). */
  get pending(): number {
    let n = 0
    for (const s of this.open.values()) n += s.size
    return n
  }
}

export class Slot {
  private resolveSeq!: (seq: number | null) => void
  private resolvePublished!: () => void
  private settled = false
  /** the change's first seq, or null: it reserved none (failed, rolled back, or had no facts) */
  readonly seq: Promise<number | null> = new Promise((resolve) => { this.resolveSeq = resolve })
  readonly published: Promise<void> = new Promise((resolve) => { this.resolvePublished = resolve })

  constructor(private peers: Set<Slot>, private remove: () => void) {}

  /**
   * The change's seqs are known (`firstSeq`): settles once every change of lower seq that this process
   * had sent by now was published (or given up).
   */
  reserved(firstSeq: number): Promise<void> {
    const before = [...this.peers].filter((p) => p !== this)
    this.resolveSeq(firstSeq)
    return Promise.all(before.map(async (p) => {
      const s = await p.seq
      if (s !== null && s < firstSeq) await p.published
    })).then(() => undefined)
  }

  /** Its facts were sent, given up, or never were: later changes stop waiting for it. Idempotent. */
  done() {
    if (this.settled) return
    this.settled = true
    this.resolveSeq(null) // no-op once reserved
    this.resolvePublished()
    this.remove()
  }
}
