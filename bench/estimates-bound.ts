/**
 * How honest can any printed wait be (issue 24)? The days of bench/estimates.ts (the same arrivals, services,
 * no-shows, pauses and the server's calling order: a counter's primary services in queue order, a priority ticket
 * 30 minutes earlier, its backup services only when none of those waits) played in memory, no server. At each
 * ticket's issue an oracle that knows everything the center could know and more (every ticket waiting, each
 * counter's ticket in hand and since when, every pause's end, the arrival rates and service-time laws) plays the
 * rest of the day K times with fresh draws of what nobody knows yet (arrivals to come, service times, no-shows)
 * and prints the wait most likely to fall within ±5 minutes of the real one. Its share within ±5 minutes is the
 * ceiling of the estimates bench's figure for these days: the spread that no estimator can remove.
 * `npx tsx bench/estimates-bound.ts [days] [K]` (default 20 days, K 200); prints, writes nothing.
 */
import { DEMO_COUNTERS } from '../db/seed-demo.js'
import { ARRIVALS, LUNCH, MIX, NO_SHOW, PAUSES, PRIORITY, rng } from './estimates.js'

type Rand = () => number
interface Tk { id: number; prefix: string; issued: number; queueAt: number; called?: number }
interface Ctr {
  number: number; primary: string[]; backup: string[]
  state: 'closed' | 'idle' | 'busy' | 'paused'
  /** busy: the ticket's service, when it started (after the walk) */
  prefix?: string; startedAt?: number
  breaks: [number, number][]; taken: Set<number>
}
type EvBody = { kind: 'arrive'; tk: Tk } | { kind: 'free'; c: number; end?: boolean } | { kind: 'open'; c: number }
  | { kind: 'breakStart'; c: number } | { kind: 'late' }
type Ev = EvBody & { t: number; n: number }

const SIGMA = 0.5

class Day {
  t = 0
  seq = 0
  nextId = 0
  events: Ev[] = []
  waiting: Tk[] = []
  counters: Ctr[] = []
  arrivalsLeft = 0
  constructor(public rand: Rand) {}

  duration(mean: number): number {
    const normal = Math.sqrt(-2 * Math.log(1 - this.rand())) * Math.cos(2 * Math.PI * this.rand())
    return Math.exp(Math.log(mean) - SIGMA * SIGMA / 2 + SIGMA * normal)
  }

  schedule(e: EvBody & { t: number }) {
    const ev = { ...e, n: this.seq++ } as Ev
    let i = this.events.length
    while (i > 0 && (this.events[i - 1]!.t > ev.t || (this.events[i - 1]!.t === ev.t && this.events[i - 1]!.n > ev.n))) i--
    this.events.splice(i, 0, ev)
  }

  /** Poisson arrivals from `from` on (memoryless: what a future knows of them) */
  arrivalsFrom(from: number) {
    for (const [a, b, perHour] of ARRIVALS) {
      if (b <= from) continue
      for (let t = Math.max(a, from) - Math.log(1 - this.rand()) * 60 / perHour; t < b; t += -Math.log(1 - this.rand()) * 60 / perHour) {
        let r = this.rand(), prefix = 'A'
        for (const [p, [share]] of Object.entries(MIX)) { if ((r -= share) < 0) { prefix = p; break } }
        const priority = this.rand() < PRIORITY
        this.arrivalsLeft++
        this.schedule({ t, kind: 'arrive', tk: { id: this.nextId++, prefix, issued: t, queueAt: priority ? t - 30 : t } })
      }
    }
  }

  start() {
    for (const [number, primary, backup] of DEMO_COUNTERS) {
      const c: Ctr = { number, primary, backup, state: 'closed', breaks: [...(PAUSES[number] ?? []).map(([a, b]) => [a, b] as [number, number]), [LUNCH[0], LUNCH[1] + this.rand() * 5]], taken: new Set() }
      this.counters.push(c)
      const i = this.counters.length - 1
      for (const [from] of c.breaks) this.schedule({ t: from, kind: 'breakStart', c: i })
      this.schedule({ t: 420, kind: 'open', c: i })
    }
    this.schedule({ t: 1020, kind: 'late' })
    this.arrivalsFrom(415)
  }

  /** the day from here, one event at a time; `onIssue` sees each ticket as it is issued; stops when `until` returns true */
  run(onIssue?: (tk: Tk) => void, until?: () => boolean) {
    while (this.events.length) {
      if (until?.()) return
      const e = this.events.shift()!
      this.t = e.t
      if (e.kind === 'arrive') {
        this.arrivalsLeft--
        this.waiting.push(e.tk)
        onIssue?.(e.tk)
        this.counters.forEach((c, i) => { if (c.state === 'idle') { c.state = 'busy'; c.prefix = undefined; this.schedule({ t: e.t + 1 / 6, kind: 'free', c: i }) } })
      } else if (e.kind === 'free') this.free(e.c)
      else if (e.kind === 'open') this.free(e.c)
      else if (e.kind === 'breakStart') { if (this.counters[e.c]!.state === 'idle') this.free(e.c) }
      else if (e.kind === 'late') this.counters.forEach((c, i) => { if (c.state === 'idle') this.free(i) })
    }
  }

  private free(i: number) {
    const c = this.counters[i]!, t = this.t
    c.prefix = undefined
    const due = c.breaks.findIndex(([from, to], k) => t >= from && t < to && !c.taken.has(k))
    if (due >= 0) {
      c.taken.add(due)
      c.state = 'paused'
      this.schedule({ t: c.breaks[due]![1], kind: 'free', c: i })
      return
    }
    const pick = (services: string[]) => {
      let best = -1
      this.waiting.forEach((tk, k) => { if (services.includes(tk.prefix) && (best < 0 || tk.queueAt < this.waiting[best]!.queueAt)) best = k })
      return best
    }
    let k = pick(c.primary)
    if (k < 0) k = pick(c.backup)
    if (k < 0) {
      c.state = t >= 1020 && this.arrivalsLeft === 0 ? 'closed' : 'idle'
      return
    }
    const tk = this.waiting.splice(k, 1)[0]!
    tk.called = t
    c.state = 'busy'
    if (this.rand() < NO_SHOW) { this.schedule({ t: t + 1.5, kind: 'free', c: i }); return }
    c.prefix = tk.prefix
    c.startedAt = t + 0.5
    this.schedule({ t: t + 0.5 + this.duration(MIX[tk.prefix]![1]), kind: 'free', c: i, end: true })
  }

  /**
   * A copy of the day as the center knows it now, with what it cannot know drawn afresh: the arrivals to come
   * and what is left of each ticket in hand (its service time drawn given how long it has lasted already).
   */
  future(rand: Rand): Day {
    const d = new Day(rand)
    d.t = this.t
    d.seq = this.seq
    d.nextId = this.nextId
    d.waiting = this.waiting.map((tk) => ({ ...tk }))
    d.counters = this.counters.map((c) => ({ ...c, breaks: c.breaks, taken: new Set(c.taken) }))
    d.events = this.events.filter((e) => e.kind !== 'arrive' && !(e.kind === 'free' && e.end)).map((e) => ({ ...e }))
    d.counters.forEach((c, i) => {
      if (c.state !== 'busy' || c.prefix === undefined) return
      const elapsed = Math.max(0, d.t - c.startedAt!)
      let left = 0
      for (let k = 0; k < 1000; k++) { const s = d.duration(MIX[c.prefix]![1]); if (s > elapsed) { left = s - elapsed; break } }
      d.schedule({ t: Math.max(d.t, c.startedAt!) + left, kind: 'free', c: i, end: true })
    })
    d.arrivalsLeft = 0
    d.arrivalsFrom(d.t)
    return d
  }
}

/** the point x with the most of `waits` within ±5 of it, and that share */
function bestPoint(waits: number[]): { x: number; p: number } {
  const w = [...waits].sort((a, b) => a - b)
  let best = { x: w[0] ?? 0, p: 0 }, j = 0
  for (let i = 0; i < w.length; i++) {
    while (w[j]! < w[i]! - 10) j++
    if (i - j + 1 > best.p) best = { x: w[i]! - 5, p: i - j + 1 }
  }
  return { x: Math.max(0, best.x), p: best.p / Math.max(1, w.length) }
}

export function bound(days: number, k: number) {
  let n = 0, hits = 0, expected = 0, longN = 0, longHits = 0
  for (let seed = 1; seed <= days; seed++) {
    const day = new Day(rng(seed))
    day.start()
    const future = rng(1_000_003 * seed)
    const chosen = new Map<number, number>()
    const tickets: Tk[] = []
    day.run((tk) => {
      const waits: number[] = []
      for (let r = 0; r < k; r++) {
        const f = day.future(future)
        const mine = f.waiting.find((x) => x.id === tk.id)!
        f.run(undefined, () => mine.called !== undefined)
        waits.push((mine.called ?? f.t) - tk.issued)
      }
      const b = bestPoint(waits)
      chosen.set(tk.id, b.x)
      expected += b.p
      tickets.push(tk)
    })
    for (const tk of tickets) {
      if (tk.called === undefined) continue
      const real = tk.called - tk.issued, hit = Math.abs(chosen.get(tk.id)! - real) <= 5
      n++; if (hit) hits++
      if (real >= 15) { longN++; if (hit) longHits++ }
    }
  }
  return { n, within5: hits / n, expected: expected / n, long: longHits / Math.max(1, longN), longN }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const days = Number(process.argv[2] ?? 20), k = Number(process.argv[3] ?? 200)
  const t0 = Date.now()
  const r = bound(days, k)
  console.log(`${days} days, ${r.n} tickets, ${k} futures each (${((Date.now() - t0) / 1000).toFixed(0)} s): the oracle's wait within ±5 min of the real one for ${(r.within5 * 100).toFixed(1)} % (expected ${(r.expected * 100).toFixed(1)} %); real wait 15 min or more: ${(r.long * 100).toFixed(1)} % of ${r.longN}`)
}
