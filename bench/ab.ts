/**
 * `npx tsx bench/ab.ts <other checkout>`: the issue load of bench/issue.ts, alternately against the app of
 * this tree and the app of another checkout (e.g. the last commit: `mkdir /tmp/head && git archive HEAD |
 * tar -x -C /tmp/head && ln -s $PWD/node_modules /tmp/head/`), each on a fresh database of its own, in
 * short interleaved rounds: on a machine shared with other work, a busy minute then falls on both alike,
 * which a before/after taken minutes apart cannot promise. Prints a markdown table; writes nothing.
 * `npx tsx bench/ab.ts <other checkout> callnext`: the same for bench/call-next.ts (50 clerks calling
 * next and marking no-show, against 20,000 waiting tickets each, in timed rounds).
 * `BENCH_AB_RATES=150,300 npx tsx bench/ab.ts <other checkout>`: the issue rows open loop instead (32 kiosks
 * at these fixed rates, bench/issue.ts `issueOpenLoop`: latency from each tap's due time).
 */
import { dropDatabase, fmt, freshDatabase, percentile, startServer } from './lib.js'
import { issueLoad, issueOpenLoop, services } from './issue.js'
import { callNextSetup, drain } from './call-next.js'

const other = process.argv[2]
if (!other) throw new Error('usage: npx tsx bench/ab.ts <other checkout> [issue|callnext]')
const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 4), SECONDS = Number(process.env.BENCH_AB_SECONDS ?? 5)
const apps = [{ name: 'this tree', root: undefined as string | undefined }, { name: other, root: other }]

if (process.argv[3] === 'callnext') {
  const started = []
  for (const [k, a] of apps.entries()) started.push({ ...a, ...await callNextSetup(20_000, 50, { root: a.root, name: `abcall${k}` }) })
  for (const a of started) await drain(a.server.url, a.clerks, performance.now() + 3000) // warm-up
  const sum = started.map(() => ({ calls: 0, seconds: 0, lat: [] as number[], failures: 0 }))
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, a] of (r % 2 ? [...started.entries()].reverse() : [...started.entries()])) {
      const x = await drain(a.server.url, a.clerks, performance.now() + SECONDS * 1000)
      sum[k]!.calls += x.got.length; sum[k]!.seconds += SECONDS; sum[k]!.lat.push(...x.lat); sum[k]!.failures += x.failures
    }
  }
  const rows = started.map((a, k) => {
    const s = sum[k]!, sorted = [...s.lat].sort((x, y) => x - y)
    return `| ${a.name} | ${fmt(s.calls / s.seconds, 0)} | ${fmt(percentile(sorted, 50))} | ${fmt(percentile(sorted, 99))} | ${s.failures} |`
  })
  for (const a of started) { await a.server.stop(); await dropDatabase(a.dbUrl) }
  process.stdout.write(`${ROUNDS} interleaved rounds of ${SECONDS} s per app (ABBA order), 50 clerks each: call-next then no-show.\n\n| app | calls/s | call-next p50 ms | p99 ms | non-200 |\n|---|---|---|---|---|\n${rows.join('\n')}\n`)
  process.exit(0)
}
const started = []
for (const [k, a] of apps.entries()) {
  const db = await freshDatabase(`ab${k}`)
  const server = await startServer(db, { root: a.root })
  const ids = await services(server.url)
  await issueLoad(server.url, ids, 10, 3) // warm-up
  started.push({ ...a, db, server, ids })
}
const rows: string[] = []
const rates = process.env.BENCH_AB_RATES?.split(',').map(Number)
for (const load of rates ?? [10, 32]) {
  const sum = started.map(() => ({ ok: 0, seconds: 0, p50: [] as number[], p99: [] as number[] }))
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, a] of (r % 2 ? [...started.entries()].reverse() : [...started.entries()])) {
      const x = rates ? await issueOpenLoop(a.server.url, a.ids, 32, SECONDS, load) : await issueLoad(a.server.url, a.ids, load, SECONDS)
      sum[k]!.ok += x.ok; sum[k]!.seconds += SECONDS; sum[k]!.p50.push(x.p50); sum[k]!.p99.push(x.p99)
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  for (const [k, a] of started.entries()) {
    const s = sum[k]!
    rows.push(`| ${rates ? `32 kiosks at ${load}/s` : load} | ${a.name} | ${fmt(s.ok / s.seconds, 0)} | ${med(s.p50)} | ${med(s.p99)} |`)
  }
}
for (const a of started) { await a.server.stop(); await dropDatabase(a.db) }
process.stdout.write(`${ROUNDS} interleaved rounds of ${SECONDS} s per app and per row (ABBA order); req/s over all rounds, p50/p99: the median of the rounds'.\n\n| ${rates ? 'load' : 'connections'} | app | req/s | p50 ms | p99 ms |\n|---|---|---|---|---|\n${rows.join('\n')}\n`)
process.exit(0)
