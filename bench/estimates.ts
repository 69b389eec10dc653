/**
 * How honest the wait estimates are (issue 24): one simulated day of Na Sang against the real server
 * (PostgreSQL, the app in its own process, its clock moved by this script): arrivals all day (the lunch
 * break included, as the kiosk issues then), seven services of varied length, priority tickets,
 * no-shows, a clerk's meeting, field work and the lunch break. Each ticket's estimate at issue (what the
 * kiosk printed) is compared with its real wait, issue to call. `npm run bench -- estimates` writes
 * docs/benchmarks.md's "Estimates"; BENCH_NO_WRITE=1 prints it; BENCH_ESTIMATES_ROOT=<dir> runs another
 * checkout's app (a copy of this bench/server.ts in it) for a before figure; BENCH_SEEDS=1,2,3 the days.
 */
import { dropDatabase, fmt, freshDatabase, header, login, post, startServer, writeSection, type Server } from './lib.js'
import { writeFileSync } from 'node:fs'
import { BENCH_PASSWORD } from './fixtures.js'

const DAY = '2026-11-23' // a Monday: 07:00–11:30, 13:30–17:00, tickets until 16:30
const at = (min: number) => new Date(`${DAY}T00:00:00+07:00`).getTime() + min * 60_000
const hm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(Math.floor(min % 60)).padStart(2, '0')}`

/** tickets per hour, by local minute ranges (the kiosk issues from 07:00 to 16:30, lunch included) */
export const ARRIVALS: [number, number, number][] = [[420, 480, 30], [480, 600, 42], [600, 690, 30], [690, 810, 8], [810, 900, 34], [900, 960, 28], [960, 990, 16]]
/** prefix → share of arrivals, mean minutes at the counter (the seed's defaults are 8, 4, 12, 10, 10, 10, 3) */
export const MIX: Record<string, [number, number]> = { A: [0.22, 9], B: [0.25, 5], C: [0.08, 15], D: [0.10, 11], E: [0.07, 12], F: [0.08, 14], G: [0.20, 2.5] }
export const NO_SHOW = 0.06, PRIORITY = 0.05
/** counter number → its pauses besides lunch: [from, to, reason] */
export const PAUSES: Record<number, [number, number, string][]> = { 4: [[570, 600, 'meeting']], 3: [[870, 930, 'field_work']] }
export const LUNCH: [number, number] = [690, 810]

export function rng(seed: number) {
  let a = seed >>> 0
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296 }
}

interface Rec { id: string; prefix: string; issued: number; estimate: number; ahead: number; priority: boolean; called?: number }
interface Counter { id: string; number: number; cookie: string; paused: boolean; idle: boolean; taken: Set<number>; closed: boolean; breaks: [number, number, string][] }

/** One simulated day against `server`; the records of its tickets. */
async function simulate(server: Server, seed: number): Promise<Rec[]> {
  const rand = rng(seed)
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
  const duration = (mean: number) => { const s = 0.5; return Math.exp(Math.log(mean) - s * s / 2 + s * normal()) }
  const base = server.url
  // the clock: one line on stdin, answered once it is set
  let clockAt = 0
  const setClock = async (min: number) => {
    const ms = Math.round(at(min))
    if (ms === clockAt) return
    await new Promise<void>((resolve) => {
      const stop = server.onLine((line) => { if (line === `CLOCKED ${ms}`) { stop(); resolve() } })
      server.proc.stdin!.write(`CLOCK ${ms}\n`)
    })
    clockAt = ms
  }
  const events: { t: number; n: number; run: () => Promise<void> }[] = []
  let n = 0
  const schedule = (t: number, run: () => Promise<void>) => {
    const e = { t, n: n++, run }
    let i = events.length
    while (i > 0 && (events[i - 1]!.t > t || (events[i - 1]!.t === t && events[i - 1]!.n > e.n))) i--
    events.splice(i, 0, e)
  }
  const must = async (path: string, body: unknown, cookie: string) => {
    const r = await post(`${base}${path}`, body, cookie)
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`)
    return r.body
  }

  await setClock(415)
  const board = await (await fetch(`${base}/api/centers/na-sang/board`)).json() as { services: { id: string; prefix: string }[]; counters: { id: string; number: number }[] }
  const serviceId = Object.fromEntries(board.services.map((s) => [s.prefix, s.id]))
  const counters: Counter[] = []
  for (const c of board.counters) {
    counters.push({ id: c.id, number: c.number, cookie: await login(base, `canbo${c.number}`, BENCH_PASSWORD), paused: false, idle: false, taken: new Set(), closed: false,
      breaks: [...(PAUSES[c.number] ?? []), [LUNCH[0], LUNCH[1] + rand() * 5, 'break']] })
  }
  const recs = new Map<string, Rec>()
  let arrivalsLeft = 0

  // arrivals: a Poisson process per range
  for (const [from, to, perHour] of ARRIVALS) {
    for (let t = from + -Math.log(1 - rand()) * 60 / perHour; t < to; t += -Math.log(1 - rand()) * 60 / perHour) {
      let r = rand(), prefix = 'A'
      for (const [p, [share]] of Object.entries(MIX)) { if ((r -= share) < 0) { prefix = p; break } }
      const priority = rand() < PRIORITY
      const time = t
      arrivalsLeft++
      schedule(time, async () => {
        arrivalsLeft--
        const r2 = await post(`${base}/api/centers/na-sang/tickets`, { serviceId: serviceId[prefix], ...(priority ? { priorityGroup: 'nguoi-cao-tuoi' } : {}) })
        if (r2.status !== 201) throw new Error(`issue at ${hm(time)}: ${r2.status} ${JSON.stringify(r2.body)}`)
        const tk = r2.body.ticket
        recs.set(tk.id, { id: tk.id, prefix, issued: time, estimate: tk.estimatedWaitMinutes, ahead: tk.ahead, priority })
        for (const c of counters) if (c.idle && !c.paused) { c.idle = false; schedule(time + 1 / 6, () => free(c, time + 1 / 6)) }
      })
    }
  }

  /** a counter with nothing in hand: a pause that is due, else the next ticket */
  async function free(c: Counter, t: number): Promise<void> {
    const due = c.breaks.find(([from, to], i) => t >= from && t < to && !c.taken.has(i))
    if (due) {
      c.taken.add(c.breaks.indexOf(due))
      c.paused = true
      // the clerk says when they will be back from a meeting or field work (they know its end), not from lunch (the hours say it)
      await must(`/api/counters/${c.id}/pause`, { reason: due[2], ...(due[2] !== 'break' ? { minutes: Math.max(1, Math.round(due[1] - t)) } : {}) }, c.cookie)
      schedule(due[1], async () => { c.paused = false; await must(`/api/counters/${c.id}/resume`, {}, c.cookie); await free(c, due[1]) })
      return
    }
    const { ticket } = await must(`/api/counters/${c.id}/call-next`, {}, c.cookie)
    if (!ticket) {
      if (t >= 1020 && arrivalsLeft === 0) { c.closed = true; await must(`/api/counters/${c.id}/close`, {}, c.cookie) } else c.idle = true
      return
    }
    const rec = recs.get(ticket.id)!
    rec.called = t
    if (rand() < NO_SHOW) {
      schedule(t + 1.5, async () => { await must(`/api/tickets/${ticket.id}/no-show`, {}, c.cookie); await free(c, t + 1.5) })
      return
    }
    const start = t + 0.5, end = start + duration(MIX[rec.prefix]![1])
    schedule(start, async () => { await must(`/api/tickets/${ticket.id}/start`, {}, c.cookie) })
    schedule(end, async () => { await must(`/api/tickets/${ticket.id}/complete`, {}, c.cookie); await free(c, end) })
  }
  // pauses that fall while a counter is idle start on time
  for (const c of counters) {
    for (const [from] of c.breaks) schedule(from, async () => { if (c.idle) { c.idle = false; await free(c, from) } })
    schedule(420, async () => { await must(`/api/counters/${c.id}/open`, {}, c.cookie); await free(c, 420) })
  }
  // past 17:00 an idle counter looks once more, then closes
  schedule(1020, async () => { for (const c of counters) if (c.idle && !c.paused) { c.idle = false; await free(c, 1020) } })

  while (events.length) {
    const e = events.shift()!
    await setClock(e.t)
    await e.run()
  }
  return [...recs.values()]
}

export interface Honesty { n: number; within5: number; mae: number; bias: number; p90: number }
export function honesty(recs: Rec[]): Honesty {
  const errs = recs.filter((r) => r.called !== undefined).map((r) => r.estimate - (r.called! - r.issued))
  const abs = errs.map(Math.abs).sort((a, b) => a - b)
  return {
    n: errs.length, within5: errs.filter((e) => Math.abs(e) <= 5).length / Math.max(1, errs.length),
    mae: abs.reduce((a, b) => a + b, 0) / Math.max(1, abs.length), bias: errs.reduce((a, b) => a + b, 0) / Math.max(1, errs.length),
    p90: abs[Math.min(abs.length - 1, Math.ceil(abs.length * 0.9) - 1)] ?? NaN,
  }
}

const PERIODS: [string, (r: Rec) => boolean][] = [
  ['all tickets', () => true],
  ['issued 07:00–11:30', (r) => r.issued < 690],
  ['issued in the lunch break', (r) => r.issued >= 690 && r.issued < 810],
  ['issued 13:30–16:30', (r) => r.issued >= 810],
  ['whose wait crossed the break', (r) => r.issued < 690 && (r.called ?? 0) >= 810],
  ['real wait under 15 min', (r) => r.called !== undefined && r.called - r.issued < 15],
  ['real wait 15 min or more', (r) => r.called !== undefined && r.called - r.issued >= 15],
]

function table(recs: Rec[]): string {
  const rows = PERIODS.map(([name, f]) => {
    const h = honesty(recs.filter(f))
    return `| ${name} | ${h.n} | **${fmt(h.within5 * 100, 0)} %** | ${fmt(h.mae)} | ${fmt(h.bias)} | ${fmt(h.p90)} |`
  })
  const services = Object.keys(MIX).map((p) => {
    const h = honesty(recs.filter((r) => r.prefix === p))
    return `| service ${p} | ${h.n} | ${fmt(h.within5 * 100, 0)} % | ${fmt(h.mae)} | ${fmt(h.bias)} | ${fmt(h.p90)} |`
  })
  return ['| tickets | n | within ±5 min | mean abs. error (min) | bias (min, + = said longer) | p90 abs. error |', '|---|---:|---:|---:|---:|---:|', ...rows, ...services].join('\n')
}

export async function estimatesBench() {
  const seeds = (process.env.BENCH_SEEDS ?? '1,2,3').split(',').map(Number)
  const root = process.env.BENCH_ESTIMATES_ROOT
  const all: Rec[] = []
  const perDay: string[] = []
  for (const seed of seeds) {
    const db = await freshDatabase('estimates')
    const server = await startServer(db, { env: { BENCH_CLOCK: 'manual', BENCH_START: `${DAY}T06:55:00+07:00` }, ...(root ? { root } : {}) })
    try {
      const recs = await simulate(server, seed)
      // BENCH_ESTIMATES_DUMP=<file>: every ticket's record, for a closer look
      if (process.env.BENCH_ESTIMATES_DUMP) writeFileSync(`${process.env.BENCH_ESTIMATES_DUMP}.${seed}.json`, JSON.stringify(recs))
      const h = honesty(recs)
      perDay.push(`seed ${seed}: ${recs.length} tickets, ${fmt(h.within5 * 100, 0)} % within ±5 min, mean abs. error ${fmt(h.mae)} min, last call ${hm(Math.max(...recs.map((r) => r.called ?? 0)))}`)
      all.push(...recs)
    } finally {
      await server.stop()
      await dropDatabase(db)
    }
  }
  const h = honesty(all)
  const md = `${header(root ? 'Estimates: how honest the printed wait is (issue 24), an older tree' : 'Estimates: how honest the printed wait is (issue 24), latest run', `npm run bench -- estimates${root ? ` (BENCH_ESTIMATES_ROOT=${root})` : ''}`)}
One simulated Monday per seed against the real server (PostgreSQL; the app's clock moved by the bench: a day takes one to two minutes here, not ten hours): ${ARRIVALS.map(([a, b, r]) => `${hm(a)}–${hm(b)} ${r}/h`).join(', ')} (Poisson); services ${Object.entries(MIX).map(([p, [s, m]]) => `${p} ${Math.round(s * 100)} % × ${m} min`).join(', ')} (log-normal, σ 0.5; the estimator starts from the seed's defaults and learns the last 20); ${PRIORITY * 100} % priority (30 min earlier), ${NO_SHOW * 100} % no-shows (90 s lost), six counters with their two tiers, lunch ${hm(LUNCH[0])}–${hm(LUNCH[1])} (each clerk pauses after the ticket in hand and comes back up to 5 min late), counter 4 in a meeting 09:30–10:00, counter 3 on field work 14:30–15:30 (their clerks say when they will be back), clerks serve past 17:00 until the queue is empty. The estimate is the ticket's \`estimatedWaitMinutes\` at issue; the real wait is issue to call.

${perDay.map((l) => `- ${l}`).join('\n')}

Over ${seeds.length} days: **${fmt(h.within5 * 100, 0)} % within ±5 minutes** (goal 80 %), mean absolute error ${fmt(h.mae)} min.

${table(all)}
`
  writeSection(root ? 'estimates-before' : 'estimates', md)
  return { tickets: h.n, within5: Number(fmt(h.within5 * 100, 0)), mae: Number(fmt(h.mae)) }
}
