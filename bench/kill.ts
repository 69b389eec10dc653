/**
 * (7) SIGKILL mid-load: keep-alive clients issue tickets on PostgreSQL and record every 201 (id, service,
 * number); the app process is killed with SIGKILL in the middle, restarted on the same database, and the
 * load goes on for a while. Then: every acknowledged ticket exists with the number it was given, and no
 * (service, day, number) is in the database twice, nor was acknowledged twice.
 *
 *   npm run bench -- kill     (BENCH_KILL_CLIENTS=16, BENCH_KILL_SECONDS=6 before and after the kill)
 */
import { admin, freshDatabase, header, sleep, startServer, writeSection, type Server } from './lib.js'

const CLIENTS = Number(process.env.BENCH_KILL_CLIENTS ?? 16)
const SECONDS = Number(process.env.BENCH_KILL_SECONDS ?? 6)

interface Ack { id: string; serviceId: string; day: string; number: number }

export async function killBench() {
  const dbUrl = await freshDatabase('kill')
  let server: Server = await startServer(dbUrl)
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
  server = await startServer(dbUrl)
  const restartMs = Date.now() - killedAt
  await sleep(SECONDS * 1000)
  running = false
  await Promise.all(clients)
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
  const ok = missing === 0 && wrongNumber === 0 && ackDupes === 0 && db.dupes === 0 && idDupes === 0 && unacked === 0
  writeSection('kill', `${header('7. SIGKILL of the app mid-load (PostgreSQL)', 'npm run bench -- kill')}
- load: ${CLIENTS} keep-alive clients (fetch) issuing tickets in a loop over the ${ids.length} demo services, each with its own requestId (a request that fails with a connection error is retried with the same requestId until it is answered, as the kiosk does), the app in its own process (bench/server.ts, pool 20) on PostgreSQL; after ${SECONDS} s the process gets SIGKILL, a new one is started on the same database at once (migrate + seed are no-ops), and the load goes on ${SECONDS} s more. Every 201 is recorded (id, service, day, number);
- checks: every acknowledged ticket is in the database with the service, day and number it was given; no (service, day, number) twice in the database nor among the acknowledgements; no ticket id acknowledged twice; tickets in the database that no client got a 201 for (a retried request whose first try had committed must get that ticket back, not a second one).

| acknowledged before the kill | failed requests (cut at the kill, refused while down) | retried and answered | restart to listening | acknowledged after | non-201 | tickets in the database | of them never acknowledged | acknowledged but missing | acknowledged with another number | duplicate numbers (database / acknowledged) | ticket ids acknowledged twice |
|---|---|---|---|---|---|---|---|---|---|---|---|
| ${ackedAtKill} | ${failed.before + failed.after} | ${retried} | ${(restartMs / 1000).toFixed(1)} s | ${acks.length - ackedAtKill} | ${non201.before + non201.after} | ${db.tickets.length} | **${unacked}** | **${missing}** | **${wrongNumber}** | **${db.dupes} / ${ackDupes}** | ${idDupes} |

${ok ? `Every acknowledged ticket survived the kill, no number was issued twice, and every ticket in the database reached a client: the ${retried} requests cut by the kill, retried with their requestId, left neither a second ticket nor one nobody got.` : '**FAILED**: see the bold columns.'}
`)
  return { retried, idDupes, unacked, ackedBeforeKill, ackedAtKill, total: acks.length, failed, non201, inDb: db.tickets.length, missing, wrongNumber, dbDupes: db.dupes, ackDupes, restartMs, ok }
}
