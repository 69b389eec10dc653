import { dropDatabase, freshDatabase, startServer } from './lib.js'
import { issueLoad, services } from './issue.js'
const n = Number(process.argv[2] ?? 2)
const dbUrl = await freshDatabase('exptwo')
const servers = []
for (let k = 0; k < n; k++) servers.push(await startServer(dbUrl))
const ids = await services(servers[0]!.url)
for (const conns of [10, 32]) {
  await Promise.all(servers.map((s) => issueLoad(s.url, ids, Math.ceil(conns / n), 3)))
  const rs = await Promise.all(servers.map((s, k) => issueLoad(s.url, ids, Math.floor(conns / n) + (k < conns % n ? 1 : 0), 10)))
  console.log(conns, rs.map((r) => `${r.rps} p50 ${r.p50} p99 ${r.p99}`).join(' | '), 'total', rs.reduce((a, r) => a + r.rps, 0))
}
for (const s of servers) await s.stop()
await dropDatabase(dbUrl)
process.exit(0)
