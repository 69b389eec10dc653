/**
 * (7) SIGKILL mid-load: keep-alive clients issue tickets on PostgreSQL and record every 201 (id, service,
 * number); the app process is killed with SIGKILL in the middle, restarted on the same database, and the
 * load goes on for a while. Then: every acknowledged ticket exists with the number it was given, and no
 * (service, day, number) is in the database twice, nor was acknowledged twice.
 *
 *   npm run bench -- kill     (BENCH_KILL_CLIENTS=16, BENCH_KILL_SECONDS=6 before and after the kill)
 */
import { createServer } from 'node:net'
import { BENCH_PASSWORD } from './fixtures.js'
import { admin, freshDatabase, header, login, post, sleep, startServer, writeSection, type Server, dropDatabase } from './lib.js'
import { connectDisplay, displayMatches } from './display.js'

const CLIENTS = Number(process.env.BENCH_KILL_CLIENTS ?? 16)
const SECONDS = Number(process.env.BENCH_KILL_SECONDS ?? 6)

interface Ack { id: string; serviceId: string; day: string; number: number }

/** A port free now: the restarted app listens where the killed one did, so a display finds it again by itself. */
async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

export async function killBench() {
  const dbUrl = await freshDatabase('kill')
  const port = String(await freePort())
  let server: Server = await startServer(dbUrl, { env: { PORT: port } })
  // a wall display connected before the kill: it must come back by itself and show the server's board
  const display = connectDisplay(() => server.url)
  await new Promise<void>((r) => display.socket.once('board:snapshot', () => r()))
  const board = await (await fetch(`${server.url}/api/centers/na-sang/board`)).json() as { services: { id: string; active: boolean }[] }
  const ids = board.services.filter((s) => s.active).map((s) => s.id)
  const acks: Ack[] = []
  let phase: 'before' | 'after' = 'before'
  let failed = { before: 0, after: 0 }, non201 = { before: 0, after: 0 }
  let running = true, n = 0
  let retried = 0
  const client = async (k: number) => {
    let pending: { serviceId: string; requestId: string } | undefined
    while (running) {
      const url = server.url // read per request: after the restart the new port
      // a request cut by the kill is retried with the same requestId, as the kiosk does
      const q = pending ?? { serviceId: ids[n++ % ids.length]!, requestId: `kill-${k}-${n}-${Date.now()}` }
      try {
        const res = await fetch(`${url}/api/centers/na-sang/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(q) })
        const body = await res.json().catch(() => null) as { ticket?: { id: string; serviceId: string; serviceDay: string; number: number } } | null
        if (pending) retried++
        pending = undefined
        if (res.status === 201 && body?.ticket) acks.push({ id: body.ticket.id, serviceId: body.ticket.serviceId, day: body.ticket.serviceDay, number: body.ticket.number })
        else non201[phase]++
      } catch {
        failed[phase]++ // the connection died with the process, or none while it is down: not acknowledged
        pending = q
        await sleep(20)
      }
    }
  }
  const clients = Array.from({ length: CLIENTS }, (_, k) => client(k))
  await sleep(SECONDS * 1000)
  const ackedBeforeKill = acks.length
  server.proc.kill('SIGKILL')
  const killedAt = Date.now()
  await new Promise<void>((r) => server.proc.exitCode !== null || server.proc.signalCode !== null ? r() : server.proc.once('exit', () => r()))
  const ackedAtKill = acks.length
  phase = 'after'
  const connectsBefore = display.stats.connects
  server = await startServer(dbUrl, { env: { PORT: port } })
  const restartMs = Date.now() - killedAt
  const listeningAt = Date.now()
  const reconnectMs = await new Promise<number>((r) => {
    const check = () => (display.stats.connects > connectsBefore ? r(Date.now() - listeningAt) : setTimeout(check, 10))
    check()
  })
  await sleep(SECONDS * 1000)
  running = false
  await Promise.all(clients)
  // later events of every kind on the reconnected display: a counter opens and calls two tickets
  const clerk = await login(server.url, 'canbo1', BENCH_PASSWORD)
  const board0 = await (await fetch(`${server.url}/api/centers/na-sang/board`)).json() as { counters: { id: string; number: number }[] }
  const counter1 = board0.counters.find((c) => c.number === 1)!.id
  const later = [await post(`${server.url}/api/counters/${counter1}/open`, {}, clerk)]
  for (let i = 0; i < 2; i++) {
    const c = await post(`${server.url}/api/counters/${counter1}/call-next`, {}, clerk)
    later.push(c)
    if (c.body?.ticket) later.push(await post(`${server.url}/api/tickets/${c.body.ticket.id}/no-show`, {}, clerk))
  }
  if (later.some((r) => r.status !== 200)) throw new Error(`counter actions after the restart: ${later.map((r) => r.status).join(',')}`)
  const shown = await displayMatches(display, () => server.url)
  display.close()
  await server.stop()

  const db = await admin(async (c) => ({
    tickets: (await c.query(`SELECT id, service_id, service_day::text AS day, number FROM ticket`)).rows as { id: string; service_id: string; day: string; number: number }[],
    dupes: Number((await c.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM ticket GROUP BY service_id, service_day, number HAVING count(*) > 1) d`)).rows[0].n),
  }), dbUrl)
  const byId = new Map(db.tickets.map((t) => [t.id, t]))
  const missing = acks.filter((a) => !byId.has(a.id)).length
  const wrongNumber = acks.filter((a) => { const t = byId.get(a.id); return t && (t.number !== a.number || t.service_id !== a.serviceId || t.day !== a.day) }).length
  const seen = new Set<string>()
  let ackDupes = 0
  const idDupes = acks.length - new Set(acks.map((a) => a.id)).size
  for (const a of acks) { const k = `${a.serviceId}|${a.day}|${a.number}`; if (seen.has(k)) ackDupes++; seen.add(k) }
  const unacked = db.tickets.length - acks.length
  const displayOk = shown.same && display.stats.connects > connectsBefore
  const ok = missing === 0 && wrongNumber === 0 && ackDupes === 0 && db.dupes === 0 && idDupes === 0 && unacked === 0 && displayOk
  writeSection('kill', `${header('7. SIGKILL of the app mid-load (PostgreSQL)', 'npm run bench -- kill')}
- load: ${CLIENTS} keep-alive clients (fetch) issuing tickets in a loop over the ${ids.length} demo services, each with its own requestId (a request that fails with a connection error is retried with the same requestId until it is answered, as the kiosk does), the app in its own process (bench/server.ts, pool 20) on PostgreSQL; after ${SECONDS} s the process gets SIGKILL, a new one is started on the same database at once (migrate + seed are no-ops), and the load goes on ${SECONDS} s more. Every 201 is recorded (id, service, day, number);
- checks: every acknowledged ticket is in the database with the service, day and number it was given; no (service, day, number) twice in the database nor among the acknowledgements; no ticket id acknowledged twice; tickets in the database that no client got a 201 for (a retried request whose first try had committed must get that ticket back, not a second one).

| acknowledged before the kill | failed requests (cut at the kill, refused while down) | retried and answered | restart to listening | acknowledged after | non-201 | tickets in the database | of them never acknowledged | acknowledged but missing | acknowledged with another number | duplicate numbers (database / acknowledged) | ticket ids acknowledged twice |
|---|---|---|---|---|---|---|---|---|---|---|---|
| ${ackedAtKill} | ${failed.before + failed.after} | ${retried} | ${(restartMs / 1000).toFixed(1)} s | ${acks.length - ackedAtKill} | ${non201.before + non201.after} | ${db.tickets.length} | **${unacked}** | **${missing}** | **${wrongNumber}** | **${db.dupes} / ${ackDupes}** | ${idDupes} |

A wall display (socket.io-client with its own reconnection, the board kept as the display page keeps it: \`BoardState\` fed through \`FactOrder\`, a snapshot on every connect, each fact its own event put in seq order (one whose predecessor is missing waits up to 100 ms for it), an HTTP refetch on a gap; bench/display.ts) was connected before the kill; the app came back on the same port. After the load, counter 1 opened and called (and sent away) two tickets, so the display also got facts of every kind after its reconnect. Then its board was compared with \`GET /board\` (seq, waiting per service, counters and their current tickets, recent calls). Held on arrival: facts newer than the display's board by more than one, kept until their predecessors or a snapshot came (after the reconnect, the facts of the load that reach the socket before its snapshot are held until the snapshot); gaps: facts applied with predecessors still missing after 100 ms:

| display reconnected by itself | from the new app listening to the reconnect | connects | snapshots | facts (held on arrival) | gaps (board requests) | board equal to the server's | seq shown / server |
|---|---|---|---|---|---|---|---|
| ${display.stats.connects > connectsBefore ? 'yes' : '**no**'} | ${reconnectMs} ms | ${display.stats.connects} | ${display.stats.snapshots} | ${display.stats.facts} (${display.stats.held}) | ${display.stats.gaps} (${display.stats.refetches}) | ${shown.same ? `**yes** (after ${shown.afterMs} ms of polling)` : '**NO**'} | ${JSON.parse(shown.shown === 'no board' ? '{}' : shown.shown).seq ?? '–'} / ${shown.server === 'unreachable' ? '–' : JSON.parse(shown.server).seq} |

${ok ? `Every acknowledged ticket survived the kill, no number was issued twice, and every ticket in the database reached a client: the ${retried} requests cut by the kill, retried with their requestId, left neither a second ticket nor one nobody got.` : `**FAILED**: see the bold columns.${shown.same ? '' : ` Display: ${shown.shown} / server: ${shown.server}`}`}
`)
  await dropDatabase(dbUrl)
  return { retried, idDupes, unacked, ackedBeforeKill, ackedAtKill, total: acks.length, failed, non201, inDb: db.tickets.length, missing, wrongNumber, dbDupes: db.dupes, ackDupes, restartMs, display: { ...display.stats, reconnectMs, same: shown.same }, ok }
}
