/**
 * `npx tsx bench/profile.ts [callnext] [seconds]`: the issue load at 10 connections (BENCH_CONNECTIONS) (or 50 clerks
 * calling next and marking no-show, bench/call-next.ts) against the app started with
 * --cpu-prof; prints the functions with the most self time and the share of time per package, and
 * counts the SQL statements one issue request sends (pg_stat_statements is not needed: the pool's
 * query() is wrapped in bench/server.ts when BENCH_COUNT_QUERIES=1).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { dropDatabase, freshDatabase, startServer } from './lib.js'
import { callNextSetup, drain } from './call-next.js'

const callnext = process.argv[2] === 'callnext'
const seconds = Number(process.argv[callnext ? 3 : 2] ?? 10)
const dir = mkdtempSync(join(tmpdir(), 'motcua-prof-'))
const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${dir}`]
const setup = callnext ? await callNextSetup(20_000, 50, { name: 'profile', nodeArgs }) : undefined
const dbUrl = setup?.dbUrl ?? await freshDatabase('profile')
const server = setup?.server ?? await startServer(dbUrl, { nodeArgs })
if (setup) {
  const { got } = await drain(server.url, setup.clerks, performance.now() + seconds * 1000)
  process.stdout.write(`${(got.length / seconds).toFixed(1)} calls/s (call-next and no-show)\n`)
} else {
  const board = await (await fetch(`${server.url}/api/centers/na-sang/board`)).json() as { services: { id: string }[] }
  const ids = board.services.map((s) => s.id)
  let i = 0
  const r = await autocannon({ url: server.url, connections: Number(process.env.BENCH_CONNECTIONS ?? 10), duration: seconds, requests: [{ method: 'POST', path: '/api/centers/na-sang/tickets',
    headers: { 'content-type': 'application/json' }, setupRequest: (req: Record<string, unknown>) => ({ ...req, body: JSON.stringify({ serviceId: ids[i++ % ids.length] }) }) }] })
  process.stdout.write(`${r.requests.average} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms\n`)
}
await server.stop()
await dropDatabase(dbUrl)

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const prof = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] }
const self = new Map<number, number>()
prof.samples.forEach((id, k) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[k] ?? 0)))
const total = [...self.values()].reduce((a, b) => a + b, 0)
const byFn = new Map<string, number>(), byPkg = new Map<string, number>()
for (const n of prof.nodes) {
  const t = self.get(n.id) ?? 0
  const url = n.callFrame.url
  const key = `${n.callFrame.functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/main\//, '')}:${n.callFrame.lineNumber}`
  byFn.set(key, (byFn.get(key) ?? 0) + t)
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.includes('/main/') ? 'app' : url.startsWith('node:') ? 'node' : n.callFrame.functionName || '(vm)')
  byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + t)
}
const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${(100 * v / total).toFixed(1).padStart(5)}%  ${k}`).join('\n')
process.stdout.write(`\nby package:\n${top(byPkg, 15)}\n\nby function (self):\n${top(byFn, 30)}\n`)
process.exit(0)
