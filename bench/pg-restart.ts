/**
 * (8) PostgreSQL restarted under the running app: two app instances (A takes the load, a wall display
 * sits on B), kiosks issuing tickets on A, a probe on A's /healthz; the database is stopped (fast
 * shutdown), left down a few seconds, and started again. While it is down every request must be answered
 * quickly, with 503 DB_UNAVAILABLE (never a 500, never a hang), /healthz must say 503, neither process may
 * die; afterwards both recover by themselves: tickets again, /healthz 200, the display reconnected with
 * the server's board, and a call on A reaches the display on B (the adapter's LISTEN connection is back).
 *
 * It restarts a PostgreSQL cluster of its own (others' tests use the main one): by default the cluster
 * `15 bench` on port 5433, created once with
 *   pg_createcluster 15 bench --port 5433 -- --auth-local=trust --auth-host=trust && pg_ctlcluster 15 bench start
 *   BENCH_RESTART_URL=postgres://postgres@127.0.0.1:5433/postgres BENCH_RESTART_CLUSTER="15 bench" npm run bench -- pgrestart
 */
import { execFileSync } from 'node:child_process'
import { BENCH_PASSWORD } from './fixtures.js'
import { admin, dropDatabase, freshDatabase, header, login, post, sleep, startServer, writeSection } from './lib.js'
import { connectDisplay, displayMatches } from './display.js'

const URL_ = process.env.BENCH_RESTART_URL ?? 'postgres://postgres@127.0.0.1:5433/postgres'
const CLUSTER = (process.env.BENCH_RESTART_CLUSTER ?? '15 bench').split(' ')
const DOWN_SECONDS = Number(process.env.BENCH_RESTART_DOWN ?? 4)
const KIOSKS = 4

interface Answer { at: number; ms: number; status: number; code?: string; phase: 'before' | 'down' | 'after' }

function ctl(action: 'stop' | 'start') {
  const t = Date.now()
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', ...CLUSTER, action, ...(action === 'stop' ? ['-m', 'fast'] : [])], { stdio: 'ignore' })
  return Date.now() - t
}

export async function pgRestartBench() {
  const dbUrl = await freshDatabase('pgrestart', URL_)
  const a = await startServer(dbUrl)
  const b = await startServer(dbUrl)
  const display = connectDisplay(() => b.url)
  await new Promise<void>((r) => display.socket.once('board:snapshot', () => r()))
  const board = await (await fetch(`${a.url}/api/centers/na-sang/board`)).json() as { services: { id: string; active: boolean }[]; counters: { id: string; number: number }[] }
  const ids = board.services.filter((s) => s.active).map((s) => s.id)
  const clerk = await login(a.url, 'canbo1', BENCH_PASSWORD)
  const counter1 = board.counters.find((c) => c.number === 1)!.id
  if ((await post(`${a.url}/api/counters/${counter1}/open`, {}, clerk)).status !== 200) throw new Error('open counter 1')

  let phase: Answer['phase'] = 'before'
  const answers: Answer[] = [], health: Answer[] = []
  const acked: string[] = []
  let networkErrors = 0, running = true, n = 0
  const timed = async (url: string, init?: RequestInit) => {
    const t = Date.now()
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) })
      const body = await res.json().catch(() => null) as { error?: { code: string }; ticket?: { id: string } } | null
      return { at: t, ms: Date.now() - t, status: res.status, code: body?.error?.code, ticket: body?.ticket, phase }
    } catch {
      networkErrors++
      return { at: t, ms: Date.now() - t, status: 0, phase }
    }
  }
  const kiosk = async (k: number) => {
    while (running) {
      const requestId = `restart-${k}-${n++}`
      // a kiosk retries a refused tap with the same requestId until it is answered with a ticket
      for (;;) {
        const r = await timed(`${a.url}/api/centers/na-sang/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ serviceId: ids[n % ids.length], requestId }) })
        answers.push(r)
        if (r.status === 201) { acked.push(r.ticket!.id); break }
        if (!running) break
        await sleep(100)
      }
    }
  }
  const probe = async () => {
    while (running) { health.push(await timed(`${a.url}/healthz`)); await sleep(100) }
  }
  const load = [...Array.from({ length: KIOSKS }, (_, k) => kiosk(k)), probe()]
  await sleep(2000)
  phase = 'down'
  const downAt = Date.now()
  const stopMs = ctl('stop')
  await sleep(DOWN_SECONDS * 1000)
  const startMs = ctl('start')
  const upAt = Date.now()
  phase = 'after'
  // recovered: the first ticket and the first healthy probe after the start
  const firstOk = async (list: Answer[], status: number) => {
    for (;;) {
      const x = list.find((r) => r.at >= upAt && r.status === status)
      if (x) return x.at + x.ms - upAt
      if (Date.now() - upAt > 30_000) return NaN
      await sleep(20)
    }
  }
  const [ticketAfter, healthAfter] = await Promise.all([firstOk(answers, 201), firstOk(health, 200)])
  await sleep(2000)
  running = false
  await Promise.all(load)

  // the display on B: reconnected, and a call on A reaches it through the adapter
  const reconnected = display.stats.connects > 1 || display.socket.connected
  const called = await post(`${a.url}/api/counters/${counter1}/call-next`, {}, clerk)
  const code = called.body?.ticket?.code as string | undefined
  const gotCall = await new Promise<boolean>((r) => {
    const t = setTimeout(() => r(false), 10_000)
    const check = () => { if (display.state.board?.recentCalls[0]?.code === code) { clearTimeout(t); r(true) } else setTimeout(check, 20) }
    check()
  })
  const shown = await displayMatches(display, () => b.url)
  display.close()
  const alive = a.proc.exitCode === null && b.proc.exitCode === null
  await a.stop()
  await b.stop()
  const db = await admin(async (c) => ({
    ids: new Set((await c.query(`SELECT id FROM ticket`)).rows.map((r) => r.id as string)),
    dupes: Number((await c.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM ticket GROUP BY service_id, service_day, number HAVING count(*) > 1) d`)).rows[0].n),
  }), dbUrl)
  await dropDatabase(dbUrl)

  const down = answers.filter((r) => r.phase === 'down')
  const byStatus = (list: Answer[]) => Object.entries(list.reduce<Record<string, number>>((m, r) => {
    const k = r.status === 0 ? 'no answer' : `${r.status}${r.code ? ` ${r.code}` : ''}`
    m[k] = (m[k] ?? 0) + 1
    return m
  }, {})).map(([k, v]) => `${k}: ${v}`).join(', ')
  const maxDownMs = Math.max(0, ...down.map((r) => r.ms), ...health.filter((r) => r.phase === 'down').map((r) => r.ms))
  const fiveHundreds = answers.filter((r) => r.status === 500).length + health.filter((r) => r.status === 500).length
  const missing = acked.filter((id) => !db.ids.has(id)).length
  const ok = alive && fiveHundreds === 0 && networkErrors === 0 && down.some((r) => r.status === 503) && maxDownMs < 5000 &&
    Number.isFinite(ticketAfter) && Number.isFinite(healthAfter) && gotCall && shown.same && missing === 0 && db.dupes === 0
  writeSection('pgrestart', `${header('8. PostgreSQL restarted under the running app', 'npm run bench -- pgrestart')}
- a PostgreSQL cluster of its own (\`${CLUSTER.join(' ')}\`, ${new URL(URL_).host}, same version and settings as the main one) so nobody else's tests see the restart; two app processes on it (bench/server.ts, pool 20): A takes ${KIOSKS} kiosks issuing tickets in a loop (a refused tap retried every 100 ms with its requestId, as the kiosk does) and a /healthz probe every 100 ms; a wall display (bench/display.ts: the display page's board, facts put in seq order, a refetch on a gap) sits on B. After 2 s: \`pg_ctlcluster ${CLUSTER.join(' ')} stop -m fast\` (${stopMs} ms), ${DOWN_SECONDS} s down, \`start\` (${startMs} ms). Then: a call on A must reach the display on B (through the adapter, whose LISTEN connection died with the server), and the display's board must equal \`GET /board\`.

| | while down (${fmtS(upAt - downAt)}) | after the start |
|---|---|---|
| ticket requests (a 201 here had committed before the stop) | ${byStatus(down)} | ${byStatus(answers.filter((r) => r.phase === 'after'))}; first ticket ${fmtMs(ticketAfter)} after the start |
| /healthz | ${byStatus(health.filter((r) => r.phase === 'down'))} | ${byStatus(health.filter((r) => r.phase === 'after'))}; first 200 ${fmtMs(healthAfter)} after the start |
| slowest answer | ${maxDownMs} ms | |

- answers 500: **${fiveHundreds}**; requests without an answer (connection refused/reset, timeout): **${networkErrors}**; both processes alive at the end: **${alive ? 'yes' : 'NO'}**
- display on B: connected at the end **${reconnected ? 'yes' : 'NO'}** (connects ${display.stats.connects}: ${display.stats.connects > 1 ? 'it reconnected by itself' : 'its websocket never dropped, only the database went away'}; snapshots ${display.stats.snapshots}, facts ${display.stats.facts}, held on arrival ${display.stats.held}, gaps ${display.stats.gaps}, board requests ${display.stats.refetches}); the call on A after the restart reached it: **${gotCall ? 'yes' : 'NO'}**; its board equal to the server's: **${shown.same ? 'yes' : 'NO'}**
- tickets acknowledged: ${acked.length}, missing from the database: **${missing}**, duplicate numbers: **${db.dupes}**

${ok ? 'The app neither crashed nor hung: while the database was down it answered 503 DB_UNAVAILABLE (and /healthz 503) at once, and it came back by itself, sockets and cross-instance events included.' : '**FAILED**: see the bold figures.'}
`)
  return { ok, stopMs, startMs, ticketAfter, healthAfter, maxDownMs, fiveHundreds, networkErrors, alive, reconnected, gotCall, same: shown.same, acked: acked.length, missing, dupes: db.dupes, down: byStatus(down), display: display.stats }
}

const fmtMs = (ms: number) => (Number.isFinite(ms) ? `${Math.round(ms)} ms` : '**never (30 s)**')
const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`
