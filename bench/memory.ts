/**
 * (9) Memory of the app process: its RSS (/proc/<pid>/status) idle, with 5,000 display sockets following
 * a center, with the boards of 45 centers live on one instance, and idle on PGlite. The sockets live in
 * another process (bench/fanout-clients.ts), so what is measured is the app's side of them only. The app
 * runs with BENCH_MEMORY=1 and --expose-gc: on SIGUSR2 it prints its process.memoryUsage() as it is and
 * after a full GC, and its socket count (bench/server.ts).
 *
 *   npm run bench -- memory   (BENCH_MEMORY_SOCKETS=5000, BENCH_MEMORY_CENTERS=45, BENCH_MEMORY_PER_CENTER=20,
 *                              BENCH_MEMORY_CLIENTS=raw|socket.io)
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { BENCH_PASSWORD } from './fixtures.js'
import type { BoardSnapshot } from '../common/types.js'
import { ROOT, admin, dropDatabase, fmt, freshDatabase, header, login, post, sleep, startServer, writeSection, type Server } from './lib.js'
import { clients } from './fanout.js'

const SOCKETS = Number(process.env.BENCH_MEMORY_SOCKETS ?? 5000)
const CENTERS = Number(process.env.BENCH_MEMORY_CENTERS ?? 45)
const PER_CENTER = Number(process.env.BENCH_MEMORY_PER_CENTER ?? 20)
const MODE = process.env.BENCH_MEMORY_CLIENTS ?? 'raw'
/** how long the app is left alone before each reading */
const SETTLE_MS = 2000
const MEMORY_OPTS = { nodeArgs: ['--expose-gc'], env: { BENCH_MEMORY: '1' } }

/** VmRSS and VmHWM (the peak RSS so far) of a process, in bytes. */
function rss(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
  return { rss: kb('VmRSS'), peak: kb('VmHWM') }
}

interface Usage { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number }
interface Reading { label: string; rss: number; peak: number; now?: Usage; afterGc?: Usage; sockets?: number; note?: string }

/** The app's own account of its memory (bench/server.ts, BENCH_MEMORY=1): SIGUSR2, then its `MEMORY` line. */
function memoryLine(server: Server): Promise<{ now: Usage; afterGc: Usage; sockets: number }> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { off(); reject(new Error('no MEMORY line from the app within 10 s')) }, 10_000)
    const off = server.onLine((line) => {
      if (!line.startsWith('MEMORY ')) return
      off()
      clearTimeout(t)
      resolve(JSON.parse(line.slice('MEMORY '.length)))
    })
    server.proc.kill('SIGUSR2')
  })
}

/** After SETTLE_MS: the RSS as it is (/proc), then the app's memoryUsage() before and after a full GC. */
async function read(server: Server, label: string, note?: string): Promise<Reading> {
  await sleep(SETTLE_MS)
  const r = rss(server.proc.pid!)
  const m = await memoryLine(server)
  process.stdout.write(`memory: ${label}: RSS ${mib(r.rss)} MiB, live heap ${mib(m.afterGc.heapUsed)} MiB, ${m.sockets} sockets\n`)
  return { label, ...r, ...m, note }
}

const mib = (b: number) => fmt(b / 2 ** 20, 1)

async function board(url: string, slug: string): Promise<BoardSnapshot> {
  return await (await fetch(`${url}/api/centers/${slug}/board`)).json() as BoardSnapshot
}

/** A kiosk's and a clerk's first minutes: the board, 6 tickets (A, B, C twice), counter `number` opened, `calls` calls each sent away. */
async function someRequests(url: string, slug: string, username: string, number: number, calls: number): Promise<string[]> {
  if ((await fetch(`${url}/healthz`)).status !== 200) throw new Error('healthz')
  const b = await board(url, slug)
  const [a, bb, c] = b.services
  for (const s of [a, bb, c, a, bb, c]) {
    const r = await post(`${url}/api/centers/${slug}/tickets`, { serviceId: s!.id })
    if (r.status !== 201) throw new Error(`issue at ${slug}: ${r.status} ${JSON.stringify(r.body)}`)
  }
  const cookie = await login(url, username, BENCH_PASSWORD)
  const counter = b.counters.find((k) => k.number === number)!.id
  if ((await post(`${url}/api/counters/${counter}/open`, {}, cookie)).status !== 200) throw new Error(`open at ${slug}`)
  const called: string[] = []
  for (let i = 0; i < calls; i++) {
    const r = await post(`${url}/api/counters/${counter}/call-next`, {}, cookie)
    if (r.status !== 200 || !r.body?.ticket) throw new Error(`call-next at ${slug}: ${r.status}`)
    called.push(r.body.ticket.code)
    if ((await post(`${url}/api/tickets/${r.body.ticket.id}/no-show`, {}, cookie)).status !== 200) throw new Error(`no-show at ${slug}`)
  }
  return called
}

/**
 * Another center shaped as Na Sang (`src`), slug bench-<k>: the center row (every column copied), its
 * board seq row, calendar, services, procedures, priority groups, counters (closed) with their services,
 * and its staff (usernames c<k>.<username>, the demo password).
 */
async function copyCenter(c: pg.Client, src: string, k: number): Promise<string> {
  const copy = (table: string, extra: string, from = `${table} x WHERE x.center_id = $1`) =>
    c.query(`INSERT INTO ${table} SELECT (jsonb_populate_record(NULL::${table}, to_jsonb(x) || jsonb_build_object(${extra}))).* FROM ${from}`, [src, id])
  const id = (await c.query(`INSERT INTO center SELECT (jsonb_populate_record(NULL::center, to_jsonb(x) || jsonb_build_object(
      'id', gen_random_uuid(), 'slug', $2::text, 'name', x.name || ' ' || $3::text, 'dossier_prefix', $4::text, 'created_at', now()))).*
    FROM center x WHERE x.id = $1 RETURNING id`, [src, `bench-${k}`, k, `B${k}`])).rows[0].id as string
  await c.query(`INSERT INTO center_board_seq (center_id) VALUES ($1)`, [id])
  await copy('calendar_day', `'center_id', $2::uuid`)
  await copy('service', `'id', gen_random_uuid(), 'center_id', $2::uuid`)
  await copy('procedure', `'id', gen_random_uuid(), 'center_id', $2::uuid, 'service_id', n.id`,
    `procedure x JOIN service o ON o.id = x.service_id JOIN service n ON n.center_id = $2 AND n.prefix = o.prefix WHERE x.center_id = $1`)
  await copy('priority_group', `'id', gen_random_uuid(), 'center_id', $2::uuid`)
  await copy('counter', `'id', gen_random_uuid(), 'center_id', $2::uuid, 'status', 'closed', 'staff_id', NULL, 'pause_reason', NULL, 'status_since', now()`)
  await c.query(`INSERT INTO counter_service (counter_id, service_id, tier)
    SELECT nc.id, ns.id, cs.tier FROM counter_service cs
      JOIN counter oc ON oc.id = cs.counter_id JOIN service os ON os.id = cs.service_id
      JOIN counter nc ON nc.center_id = $2 AND nc.number = oc.number JOIN service ns ON ns.center_id = $2 AND ns.prefix = os.prefix
    WHERE oc.center_id = $1`, [src, id])
  await copy('staff', `'id', gen_random_uuid(), 'center_id', $2::uuid, 'username', 'c${k}.' || x.username, 'created_at', now()`)
  return id
}

/** `fn` over `items`, `n` at a time */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>) {
  let i = 0
  await Promise.all(Array.from({ length: n }, async () => { while (i < items.length) await fn(items[i++]!) }))
}

export async function memoryBench() {
  const t0 = Date.now()
  const dbUrl = await freshDatabase('memory')
  const rows: Reading[] = []
  let fanout = { sockets: 0, calls: 0, connectMs: 0 }
  let centers = { sockets: 0, facts: 0, firstCallEverywhere: false, connectMs: 0 }
  try {
    // (a) idle, then (b) 5,000 display sockets on Na Sang, on the same app
    let server = await startServer(dbUrl, MEMORY_OPTS)
    rows.push(await read(server, 'PostgreSQL: just started'))
    await someRequests(server.url, 'na-sang', 'canbo1', 1, 1)
    rows.push(await read(server, 'PostgreSQL: after a few requests', 'the board, 6 tickets issued, a clerk logged in, counter 1 opened, one call and its no-show'))
    const t1 = Date.now()
    const cl = await clients(server.url, SOCKETS, MODE)
    fanout.connectMs = Date.now() - t1
    rows.push(await read(server, `${SOCKETS.toLocaleString('en')} display sockets connected`))
    // some facts to every socket: 5 tickets issued, 5 calls, each seen by every socket, then sent away
    const cookie = await login(server.url, 'canbo1', BENCH_PASSWORD)
    const b = await board(server.url, 'na-sang')
    const counter = b.counters.find((k) => k.number === 1)!.id
    for (let i = 0; i < 5; i++) {
      if ((await post(`${server.url}/api/centers/na-sang/tickets`, { serviceId: b.services[0]!.id })).status !== 201) throw new Error('issue')
      const r = await post(`${server.url}/api/counters/${counter}/call-next`, {}, cookie)
      if (r.status !== 200 || !r.body?.ticket) throw new Error(`call-next: ${r.status}`)
      const got = await cl.lastFor(`ticket:called ${r.body.ticket.code}`)
      if (got.count !== SOCKETS) throw new Error(`only ${got.count} of ${SOCKETS} sockets got ${r.body.ticket.code}`)
      await post(`${server.url}/api/tickets/${r.body.ticket.id}/no-show`, {}, cookie)
      fanout.calls++
    }
    rows.push(await read(server, `${SOCKETS.toLocaleString('en')} display sockets, after 5 calls to all of them`, 'each call preceded by a ticket issued and followed by its no-show: 7 facts, each to every socket'))
    fanout.sockets = SOCKETS
    await cl.stop()
    for (let i = 0; i < 50 && (await memoryLine(server)).sockets > 0; i++) await sleep(200)
    rows.push(await read(server, `the ${SOCKETS.toLocaleString('en')} sockets closed`, 'the same process, its sockets gone'))
    await server.stop()

    // (c) CENTERS centers on one instance: a fresh app process
    const slugs = ['na-sang']
    await admin(async (c) => {
      const src = (await c.query(`SELECT id FROM center WHERE slug = 'na-sang'`)).rows[0].id as string
      for (let k = 2; k <= CENTERS; k++) { await copyCenter(c, src, k); slugs.push(`bench-${k}`) }
      await c.query('ANALYZE')
    }, dbUrl)
    server = await startServer(dbUrl, MEMORY_OPTS)
    rows.push(await read(server, `${CENTERS} centers: just started`, 'a fresh app process on the same database'))
    const t2 = Date.now()
    const boards = await clients(server.url, PER_CENTER, MODE, slugs)
    centers.connectMs = Date.now() - t2
    centers.sockets = PER_CENTER * slugs.length
    rows.push(await read(server, `${CENTERS} centers, ${PER_CENTER} display sockets each`))
    const f0 = await boards.frames()
    // every center busy: 6 tickets, counter 2 opened by its clerk, 3 calls each sent away (Na Sang's counter 1 is still open)
    await pool(slugs, 8, async (slug) => {
      await someRequests(server.url, slug, slug === 'na-sang' ? 'canbo2' : `c${slug.slice('bench-'.length)}.canbo2`, 2, 3)
    })
    // every center's first call at counter 2 is B001 (counter 2 serves B first; Na Sang's B001, issued earlier, is still
    // waiting): every socket of every center got its own
    centers.firstCallEverywhere = (await boards.lastFor('ticket:called B001')).count === centers.sockets
    rows.push(await read(server, `${CENTERS} centers, ${PER_CENTER} display sockets each, every center busy`,
      'in each center: 6 tickets issued, counter 2 opened by a clerk (a login), 3 calls each sent away; 8 centers at a time'))
    centers.facts = (await boards.frames() - f0) / centers.sockets
    await boards.stop()
    await server.stop()
  } finally {
    await dropDatabase(dbUrl)
  }

  // PGlite: the embedded database runs inside the app process
  const dir = mkdtempSync(join(tmpdir(), 'motcua-bench-memory-'))
  try {
    const server = await startServer(`pglite:${dir}`, MEMORY_OPTS)
    rows.push(await read(server, 'PGlite: just started', 'migrated and seeded at start, in the same process'))
    await someRequests(server.url, 'na-sang', 'canbo1', 1, 1)
    rows.push(await read(server, 'PGlite: after a few requests', 'as on PostgreSQL'))
    await server.stop()
    // as a PGlite install runs every day after the first: its data directory already there
    const again = await startServer(`pglite:${dir}`, MEMORY_OPTS)
    const b = await board(again.url, 'na-sang')
    if ((await post(`${again.url}/api/centers/na-sang/tickets`, { serviceId: b.services[0]!.id })).status !== 201) throw new Error('issue on PGlite')
    rows.push(await read(again, 'PGlite: restarted on its data directory', 'migrate and seed find nothing to do; the board read and a ticket issued'))
    await again.stop()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }

  // for scale: Node with tsx (the app runs under tsx, as \`npm start\` does) and nothing else loaded
  const bare = spawn(process.execPath, ['--import', 'tsx', '-e', 'setTimeout(() => {}, 60_000)'], { cwd: ROOT, stdio: 'ignore' })
  await sleep(SETTLE_MS + 1000)
  rows.unshift({ label: 'for scale: Node with tsx, nothing loaded', ...rss(bare.pid!), note: '`node --import tsx -e …`: what every row below includes' })
  bare.kill()

  const at = (label: string) => rows.find((r) => r.label.startsWith(label))!
  const idle = at('PostgreSQL: after a few requests'), many = at(`${SOCKETS.toLocaleString('en')} display sockets, after`)
  const c0 = at(`${CENTERS} centers: just started`), cN = at(`${CENTERS} centers, ${PER_CENTER} display sockets each, every`)
  const perSocket = (many.rss - idle.rss) / SOCKETS, perSocketHeap = (many.afterGc!.heapUsed - idle.afterGc!.heapUsed) / SOCKETS
  const connected = at(`${SOCKETS.toLocaleString('en')} display sockets connected`)
  const perCenter = (cN.rss - c0.rss) / CENTERS, perCenterHeap = (cN.afterGc!.heapUsed - c0.afterGc!.heapUsed) / CENTERS
  writeSection('memory', `${header('9. Memory of the app process (RSS)', 'npm run bench -- memory')}
- the app in its own process (bench/server.ts, pool 20) on a fresh PostgreSQL database, started with \`--expose-gc\`; each reading ${SETTLE_MS / 1000} s after the step before it: its RSS from \`/proc/<pid>/status\` (VmRSS; peak: VmHWM, the highest RSS of the process so far), then, asked by SIGUSR2, its own \`process.memoryUsage()\` as it was, and again after a full GC (the live heap), and its Engine.IO client count. PostgreSQL's own processes are not counted.
- display sockets: ${MODE === 'raw' ? 'the pages\' protocol spoken by hand over `ws`' : 'socket.io-client'} (bench/fanout-clients.ts: the server cannot tell them from the pages' socket.io-client), in another process, connecting in waves of 250, each following one center and holding its board snapshot: ${SOCKETS.toLocaleString('en')} on Na Sang (connected in ${fmt(fanout.connectMs / 1000, 1)} s; then 5 tickets issued and 5 calls, each call seen by every socket before the next, each sent away), then closed; on a fresh app process, ${CENTERS} centers shaped as Na Sang (44 copied by SQL: services, procedures, priority groups, counters, staff, calendar, board seq row) with ${PER_CENTER} sockets each (${centers.sockets.toLocaleString('en')} sockets, connected in ${fmt(centers.connectMs / 1000, 1)} s), every center then busy at once (8 at a time): ${fmt(centers.facts, 1)} facts per socket during it, and every socket got its own center's first call: **${centers.firstCallEverywhere ? 'yes' : 'NO'}**.
- PGlite: the app on a fresh PGlite data directory (\`pglite:<dir>\`), then stopped and started again on it: the database runs inside the app process (its WebAssembly memory counts in RSS, under external).

| state | sockets | RSS MiB | peak RSS MiB | heap used / total MiB | live heap after a full GC MiB | external MiB | RSS after the GC MiB | what happened |
|---|---|---|---|---|---|---|---|---|
${rows.map((r) => `| ${r.label} | ${r.sockets?.toLocaleString('en') ?? '–'} | ${mib(r.rss)} | ${mib(r.peak)} | ${r.now ? `${mib(r.now.heapUsed)} / ${mib(r.now.heapTotal)}` : '–'} | ${r.afterGc ? mib(r.afterGc.heapUsed) : '–'} | ${r.now ? mib(r.now.external) : '–'} | ${r.afterGc ? mib(r.afterGc.rss) : '–'} | ${r.note ?? ''} |`).join('\n')}

Per display socket (${SOCKETS.toLocaleString('en')} on one center after the calls, against the app after a few requests): ${fmt(perSocket / 1024, 1)} KiB of RSS, ${fmt(perSocketHeap / 1024, 1)} KiB of live heap; while they connected (${SOCKETS.toLocaleString('en')} board snapshots read and sent) the RSS reached ${mib(connected.peak)} MiB. Per center (${CENTERS} centers with ${PER_CENTER} sockets each, busy, against the same app just started): ${fmt(perCenter / 2 ** 20, 2)} MiB of RSS, ${fmt(perCenterHeap / 2 ** 20, 2)} MiB of live heap, its ${PER_CENTER} sockets included. The RSS moves with the GC's timing (the heap's total against its used part, memory not yet given back): of the two, the live heap after a full GC is the steadier figure.
`)
  const out = { seconds: Math.round((Date.now() - t0) / 1000), perSocketKiB: Math.round(perSocket / 102.4) / 10, perCenterMiB: Math.round(perCenter / 2 ** 20 * 100) / 100, fanout, centers,
    rows: rows.map((r) => ({ label: r.label, rssMiB: Number(mib(r.rss)), liveHeapMiB: r.afterGc ? Number(mib(r.afterGc.heapUsed)) : undefined, sockets: r.sockets })) }
  return out
}
