/**
 * (1) Ticket issue over HTTP (autocannon, 10 and 32 connections, spread over the demo services) beside
 * pgbench running the same transaction shape on the same database; (5) the same over embedded PGlite.
 */
import { execFileSync } from 'node:child_process'
import http from 'node:http'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { admin, fmt, freshDatabase, header, percentile, startServer, writeSection, dropDatabase } from './lib.js'

const DURATION = Number(process.env.BENCH_SECONDS ?? 15)
const CONNECTIONS = [10, 32]

export async function services(url: string): Promise<string[]> {
  const board = await (await fetch(`${url}/api/centers/na-sang/board`)).json() as { services: { id: string; active: boolean }[] }
  return board.services.filter((s) => s.active).map((s) => s.id)
}

export async function issueLoad(url: string, ids: string[], connections: number, duration: number) {
  let i = 0
  const r = await autocannon({
    url, connections, duration,
    requests: [{
      method: 'POST', path: '/api/centers/na-sang/tickets', headers: { 'content-type': 'application/json' },
      // as a kiosk sends it: every tap with its own request id (its retries would reuse it)
      setupRequest: (req: Record<string, unknown>) => ({ ...req, body: JSON.stringify({ serviceId: ids[i++ % ids.length], requestId: randomUUID() }) }),
    }],
  })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, ok: r['2xx'], non2xx: r.non2xx, errors: r.errors }
}

/**
 * Open loop: `rate` taps a second, evenly spaced, over at most `kiosks` keep-alive connections (a tap
 * finding them all busy waits for one). Each latency runs from the moment its tap was due, not from when
 * it could be sent, so a slow answer counts for the taps queued behind it too (no coordinated omission;
 * autocannon's `overallRate` sends each second's budget in a burst at its start instead).
 */
export async function issueOpenLoop(url: string, ids: string[], kiosks: number, duration: number, rate: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: kiosks })
  const { hostname, port } = new URL(url)
  const lat: number[] = []
  let ok = 0, failed = 0, sent = 0
  const total = Math.floor(rate * duration)
  const answered: Promise<void>[] = []
  const tap = (due: number) => new Promise<void>((resolve) => {
    const body = JSON.stringify({ serviceId: ids[sent % ids.length], requestId: randomUUID() })
    const req = http.request({ agent, hostname, port, method: 'POST', path: '/api/centers/na-sang/tickets',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume()
      res.on('end', () => { lat.push(performance.now() - due); if (res.statusCode === 201) ok++; else failed++; resolve() })
    })
    req.on('error', () => { failed++; resolve() })
    req.end(body)
  })
  const start = performance.now()
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now()
      while (sent < total && start + (sent * 1000) / rate <= now) answered.push(tap(start + (sent++ * 1000) / rate))
      if (sent < total) setTimeout(tick, 1)
      else resolve()
    }
    tick()
  })
  await Promise.all(answered)
  const seconds = (performance.now() - start) / 1000
  agent.destroy()
  lat.sort((a, b) => a - b)
  return { rps: ok / seconds, p50: Math.round(percentile(lat, 50)), p99: Math.round(percentile(lat, 99)), ok, non2xx: failed, errors: 0 }
}

/**
 * pgbench, one script per demo service (equal weights), in one of two shapes:
 * - `statement`: a tap's writes as the app makes them (`issueTicket` in server/queue/ticket.repository.ts):
 *   one statement, committed on its own: the number upsert, the ticket, its event and the board seqs;
 * - `transaction`: the same writes as `BEGIN; number; ticket; event; seq; END`, six round trips.
 * Left out: the app's read before (what it checks: center, service, priority group, calendar) and its
 * reads after (the ticket's view and its service's figures, for the answer and the facts).
 */
function pgbench(dbUrl: string, centerId: string, ids: { id: string; prefix: string }[], clients: number, duration: number, shape: 'statement' | 'transaction') {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-pgbench-'))
  const files = ids.map((s, k) => {
    const f = join(dir, `issue-${k}.sql`)
    writeFileSync(f, shape === 'statement' ? `WITH n AS (
  INSERT INTO ticket_number AS tn (service_id, service_day, last) VALUES ('${s.id}', '2026-11-23', 1)
  ON CONFLICT (service_id, service_day) DO UPDATE SET last = tn.last + 1 WHERE NULL::int IS NULL OR tn.last < NULL::int RETURNING last
), t AS (
  INSERT INTO ticket (center_id, service_id, service_day, number, code, priority_group_id, queue_at, issued_at, request_id, dossier_id)
  SELECT '${centerId}', '${s.id}', '2026-11-23', n.last, '${s.prefix}' || CASE WHEN n.last < 1000 THEN lpad(n.last::text, 3, '0') ELSE n.last::text END,
    NULL, now(), now(), NULL, NULL FROM n RETURNING *
), e AS (
  INSERT INTO ticket_event (ticket_id, center_id, type, from_status, to_status, at, data)
  SELECT t.id, t.center_id, 'issued', NULL, 'waiting', t.issued_at, '{}' FROM t
), s AS (
  UPDATE center_board_seq SET seq = seq + 2 WHERE center_id = '${centerId}' AND EXISTS (SELECT 1 FROM t) RETURNING seq
)
SELECT t.*, s.seq FROM t LEFT JOIN s ON true;
` : `BEGIN;
INSERT INTO ticket_number (service_id, service_day, last) VALUES ('${s.id}', '2026-11-23', 1)
  ON CONFLICT (service_id, service_day) DO UPDATE SET last = ticket_number.last + 1 RETURNING last AS num \\gset
INSERT INTO ticket (center_id, service_id, service_day, number, code, priority_group_id, queue_at, issued_at, request_id)
  VALUES ('${centerId}', '${s.id}', '2026-11-23', :num, '${s.prefix}' || lpad(:num::text, 3, '0'), NULL, now(), now(), NULL) RETURNING id \\gset
INSERT INTO ticket_event (ticket_id, center_id, type, from_status, to_status, counter_id, staff_id, at, data)
  VALUES (':id', '${centerId}', 'issued', NULL, 'waiting', NULL, NULL, now(), '{}');
UPDATE center_board_seq SET seq = seq + 2 WHERE center_id = '${centerId}' RETURNING seq;
END;
`)
    return f
  })
  const out = execFileSync('pgbench', ['-n', '-c', String(clients), '-j', '2', '-T', String(duration), '-l', '--log-prefix', join(dir, 'log'),
    ...files.flatMap((f) => ['-f', `${f}@1`]), dbUrl], { stdio: ['ignore', 'pipe', 'pipe'] }).toString()
  const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1])
  const lat: number[] = []
  for (const f of readdirSync(dir).filter((f) => f.startsWith('log'))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const us = Number(line.split(' ')[2])
      if (line && Number.isFinite(us)) lat.push(us / 1000)
    }
  }
  rmSync(dir, { recursive: true, force: true })
  lat.sort((a, b) => a - b)
  return { tps, p50: percentile(lat, 50), p99: percentile(lat, 99) }
}

export async function issueBench(opts: { cpuProfDir?: string } = {}) {
  const dbUrl = await freshDatabase('issue')
  const server = await startServer(dbUrl, { nodeArgs: opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [] })
  const ids = await services(server.url)
  await issueLoad(server.url, ids, 10, 3) // warm-up
  const app: Record<number, Awaited<ReturnType<typeof issueLoad>>> = {}
  for (const c of CONNECTIONS) app[c] = await issueLoad(server.url, ids, c, DURATION)
  await server.stop()
  const { centerId, svc } = await admin(async (c) => {
    const center = (await c.query(`SELECT id FROM center WHERE slug = 'na-sang'`)).rows[0].id as string
    const svc = (await c.query(`SELECT id, prefix FROM service WHERE center_id = $1 AND active ORDER BY sort_order`, [center])).rows as { id: string; prefix: string }[]
    return { centerId: center, svc }
  }, dbUrl)
  const bench: Record<number, ReturnType<typeof pgbench>> = {}, benchTx: Record<number, ReturnType<typeof pgbench>> = {}
  for (const c of CONNECTIONS) {
    bench[c] = pgbench(dbUrl, centerId, svc, c, DURATION, 'statement')
    benchTx[c] = pgbench(dbUrl, centerId, svc, c, DURATION, 'transaction')
  }

  // 32 kiosks offering together a fixed rate, open loop: the latency a kiosk sees at a given load, apart
  // from the queueing of a closed loop run flat out; the rates are shares of pgbench's at 32 (half: the
  // throughput the goal asks for)
  // (on a database of its own: pgbench's tickets queue at the database's clock, hours after the app's)
  const SHARES = [0.15, 0.3, 0.5]
  const openDb = await freshDatabase('issueopen')
  const again = await startServer(openDb)
  const openIds = await services(again.url)
  await issueOpenLoop(again.url, openIds, 32, 3, Math.round(bench[32]!.tps * SHARES[0]!))
  const openLoop: { share: number; rate: number; r: Awaited<ReturnType<typeof issueOpenLoop>> }[] = []
  for (const share of SHARES) {
    const rate = Math.round(bench[32]!.tps * share)
    openLoop.push({ share, rate, r: await issueOpenLoop(again.url, openIds, 32, DURATION, rate) })
  }
  await again.stop()
  await dropDatabase(openDb)

  // (5) the same HTTP load on the embedded database
  const dir = mkdtempSync(join(tmpdir(), 'motcua-bench-pglite-'))
  const lite = await startServer(`pglite:${join(dir, 'pgdata')}`)
  const liteIds = await services(lite.url)
  await issueLoad(lite.url, liteIds, 10, 3)
  const embedded: Record<number, Awaited<ReturnType<typeof issueLoad>>> = {}
  for (const c of CONNECTIONS) embedded[c] = await issueLoad(lite.url, liteIds, c, DURATION)
  await lite.stop()
  rmSync(dir, { recursive: true, force: true })

  const rows = CONNECTIONS.map((c) => `| ${c} | ${fmt(app[c]!.rps, 0)} | ${app[c]!.p50} | ${app[c]!.p99} | ${app[c]!.non2xx + app[c]!.errors} | ${fmt(bench[c]!.tps, 0)} | ${fmt(bench[c]!.p50, 2)} | ${fmt(bench[c]!.p99, 2)} | **${fmt(app[c]!.rps / bench[c]!.tps, 2)}** | ${fmt(benchTx[c]!.tps, 0)} | ${fmt(benchTx[c]!.p99, 2)} | ${fmt(app[c]!.rps / benchTx[c]!.tps, 2)} |`)
  const liteRows = CONNECTIONS.map((c) => `| ${c} | ${fmt(embedded[c]!.rps, 0)} | ${embedded[c]!.p50} | ${embedded[c]!.p99} | ${embedded[c]!.non2xx + embedded[c]!.errors} | ${fmt(app[c]!.rps, 0)} | ${app[c]!.p99} | ${fmt(embedded[c]!.rps / app[c]!.rps, 2)} |`)
  writeSection('issue', `${header('1. Ticket issue over HTTP vs pgbench (same transaction shape, same database)', 'npm run bench -- issue')}
- load: autocannon, ${DURATION} s per row after a 3 s warm-up, \`POST /api/centers/na-sang/tickets\` rotating over the ${ids.length} demo services; the app in its own process (bench/server.ts, pool 20, clock running from Monday 09:00 Asia/Ho_Chi_Minh); then pgbench \`-c N -j 2 -T ${DURATION}\` on the same database, one script per service, in two shapes: **statement**, a tap's writes as the app makes them (number upsert, ticket, event and the board seqs in one statement, committed on its own), and **transaction**, the same writes as \`BEGIN; number; ticket; event; seq; END\`. Simple protocol; latencies from pgbench's per-transaction log. The app also reads what it checks before (center, service, priority group, calendar) and, after the commit, the ticket's view and its service's figures (for the answer and the facts), and answers over HTTP through Express; pgbench does none of that.

| connections | app req/s | app p50 ms | app p99 ms | app non-2xx/errors | pgbench statement tx/s | p50 ms | p99 ms | app / pgbench statement | pgbench transaction tx/s | p99 ms | app / pgbench transaction |
|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

32 kiosks at fixed rates, shares of pgbench's at 32 connections (half: the throughput the goal asks for), on a fresh database: open loop (\`issueOpenLoop\`: taps evenly spaced over at most 32 keep-alive connections of node:http, a heavier client than autocannon's; each latency from the moment its tap was due, so a rate above what the app answers shows as a queue that grows for the whole run).

| kiosks | offered req/s (share of pgbench) | app req/s | p50 ms | p99 ms | non-2xx/errors |
|---|---|---|---|---|---|
${openLoop.map(({ share, rate, r }) => `| 32 | ${rate} (${share}) | ${fmt(r.rps, 0)} | ${r.p50} | ${r.p99} | ${r.non2xx + r.errors} |`).join('\n')}
`)
  writeSection('pglite', `${header('5. Embedded PGlite vs PostgreSQL (the same issue load)', 'npm run bench -- issue')}
| connections | PGlite req/s | PGlite p50 ms | PGlite p99 ms | PGlite non-2xx/errors | PostgreSQL req/s | PostgreSQL p99 ms | PGlite / PostgreSQL |
|---|---|---|---|---|---|---|---|
${liteRows.join('\n')}
`)
  await dropDatabase(dbUrl)
  return { app, bench, openLoop, embedded }
}
