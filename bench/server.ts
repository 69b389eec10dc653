/**
 * The app as the benchmarks run it: one process (spawned by bench/*.ts, so the load generator does not
 * share its event loop), a clock that starts at Monday 2026-11-23 09:00 in Na Sang and advances in real
 * time, a rate limit no benchmark reaches. Prints `LISTENING <port>` when ready.
 *
 *   BENCH_DB=postgres://… | pglite:<dir>   (PGlite: a fresh data directory, migrated and seeded here)
 *   BENCH_POOL (default 20), BENCH_COUNT_QUERIES=1 (bench/profile.ts), BENCH_MEMORY=1 (bench/memory.ts),
 *   BENCH_OPEN_LIMITS=1 and BENCH_PAGES_DIR (bench/fuzz.ts),
 *   BENCH_CLOCK=manual (bench/estimates.ts): the clock stands at BENCH_START until a line `CLOCK <ms>` on
 *   stdin moves it (answered `CLOCKED <ms>`), so a simulated day runs in a minute or two, not ten hours
 */
import type { AddressInfo } from 'node:net'
import { createInterface } from 'node:readline'
import { pino } from 'pino'
import { createDb } from '../db/create-db.js'
import { migrateToLatest } from '../db/migrate.js'
import { seedDemo } from '../db/seed-demo.js'
import { BENCH_PASSWORD } from './fixtures.js'
import { hashPassword } from '../server/auth/auth.service.js'
import { createApp } from '../server/app.js'

export const BENCH_START = '2026-11-23T09:00:00+07:00'

const target = process.env.BENCH_DB ?? ''
const handle = target.startsWith('pglite:')
  ? await createDb({ dataDir: target.slice('pglite:'.length) })
  : await createDb({ databaseUrl: target, poolMax: Number(process.env.BENCH_POOL ?? 20) })
// BENCH_COUNT_QUERIES=1: every statement sent through the pool is counted; printed at exit (bench/profile.ts)
const counts = new Map<string, number>()
if (process.env.BENCH_COUNT_QUERIES && handle.pool) {
  handle.pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...a: unknown[]) => unknown
    ;(client as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
      const text = typeof a[0] === 'string' ? a[0] : (a[0] as { text?: string })?.text ?? '?'
      counts.set(text, (counts.get(text) ?? 0) + 1)
      return query(...a)
    }
  })
}
await migrateToLatest(handle.db)
await seedDemo(handle.db, hashPassword, BENCH_PASSWORD)
const t0 = Date.now(), start = new Date(process.env.BENCH_START ?? BENCH_START).getTime()
let manualNow = start
if (process.env.BENCH_CLOCK === 'manual') {
  createInterface({ input: process.stdin }).on('line', (line) => {
    const m = /^CLOCK (\d+)$/.exec(line)
    if (m) { manualNow = Number(m[1]); process.stdout.write(`CLOCKED ${m[1]}\n`) }
  })
}
const app = createApp({
  dbHandle: handle, clock: process.env.BENCH_CLOCK === 'manual' ? () => new Date(manualNow) : () => new Date(start + (Date.now() - t0)), logger: pino({ level: 'silent' }),
  publicRateLimitPerMinute: 1_000_000, failedLoginsPer15Min: 1_000_000,
  // issue 19: anonymous reads and socket connections per address (the socket and memory benches open thousands from 127.0.0.1)
  publicReadsPerMinute: 1_000_000, publicSocketsPerMinute: 1_000_000,
  // BENCH_OPEN_LIMITS=1 (bench/fuzz.ts): logins, dossier lookups and the set-up link unlimited too, so malformed requests meet validation
  ...(process.env.BENCH_OPEN_LIMITS ? { loginsPerMinute: 1_000_000, loginLimits: { perAddress: 1_000_000 }, dossierLimits: { lookupsPerMinute: 1_000_000, filingsPerHour: 1_000_000 }, setupPerMinute: 1_000_000 } : {}),
  ...(process.env.BENCH_PAGES_DIR ? { pagesDir: process.env.BENCH_PAGES_DIR } : {}),
})
await new Promise<void>((r) => app.httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1', r))
process.stdout.write(`LISTENING ${(app.httpServer.address() as AddressInfo).port}\n`)
// BENCH_MEMORY=1 (bench/memory.ts): on SIGUSR2 prints `MEMORY {json}`: process.memoryUsage() as it is, then after a
// full GC when node runs with --expose-gc, and the connected sockets (Engine.IO clients)
if (process.env.BENCH_MEMORY) {
  process.on('SIGUSR2', () => {
    const now = process.memoryUsage()
    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    const afterGc = gc ? process.memoryUsage() : undefined
    process.stdout.write(`MEMORY ${JSON.stringify({ now, afterGc, sockets: app.io.engine.clientsCount })}\n`)
  })
}
const stop = async () => {
  if (counts.size) process.stderr.write(`QUERIES ${JSON.stringify([...counts].sort((a, b) => b[1] - a[1]))}\n`)
  await app.close({ timeoutMs: 2000 })
  await handle.close()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
