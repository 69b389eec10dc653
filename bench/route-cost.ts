/**
 * `npx tsx bench/route-cost.ts`: the app's CPU per request on a few routes, 32 connections flat out
 * (autocannon, 8 s each after 2 s of warm-up), the app in its own process on a fresh PostgreSQL database:
 * `GET /healthz/live` (Express and the app-wide middlewares, nothing else), a POST to an unknown API path
 * (the API's middlewares and the 404), the board, and the kiosk's tap. What the framework costs beside
 * what the work costs (docs/benchmarks.md, round 8).
 */
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { dropDatabase, freshDatabase, startServer } from './lib.js'
import { services } from './issue.js'
const ticks = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return Number(f[11]) + Number(f[12]) }
const dbUrl = await freshDatabase('floor')
const server = await startServer(dbUrl)
const ids = await services(server.url)
let i = 0
const cases: Record<string, object> = {
  live: { method: 'GET', path: '/healthz/live' },
  api404: { method: 'POST', path: '/api/nothing', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ serviceId: ids[0] }) },
  board: { method: 'GET', path: '/api/centers/na-sang/board' },
  issue: { method: 'POST', path: '/api/centers/na-sang/tickets', headers: { 'content-type': 'application/json' }, setupRequest: (req: Record<string, unknown>) => ({ ...req, body: JSON.stringify({ serviceId: ids[i++ % ids.length] }) }) },
}
for (const [name, req] of Object.entries(cases)) {
  await autocannon({ url: server.url, connections: 32, duration: 2, requests: [req] })
  const a = ticks(server.proc.pid!)
  const r = await autocannon({ url: server.url, connections: 32, duration: 8, requests: [req] })
  const b = ticks(server.proc.pid!)
  console.log(`${name}: ${r.requests.average} req/s p99 ${r.latency.p99} ms, app CPU ${((b - a) * 10 / r.requests.total).toFixed(3)} ms/req, non2xx ${r.non2xx}`)
}
await server.stop(); await dropDatabase(dbUrl); process.exit(0)
