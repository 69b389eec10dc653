import { join } from 'node:path'
import { pino } from 'pino'
import { createDb, type DbHandle } from '../db/create-db.js'
import { migrateToLatest } from '../db/migrate.js'
import { DEMO_STAFF } from '../db/seed-demo.js'
import { DEMO_PASSWORD_FILE, startDemo, type DemoStart } from './auth/demo-password.js'
import { ConfigError, loadConfig } from './config.js'
import { createApp } from './app.js'
import { DataDirLockedError, lockDataDir } from './data-lock.js'
import { systemClock } from './clock.js'
import { SetupService } from './setup/setup.service.js'
import { startRetention } from './outbox/retention.js'
import { notifySetup } from './notify/notify.setup.js'

async function main() {
  const startup = phases() // where a start's time goes (docs/benchmarks.md, "Start"), logged once listening
  const config = loadConfig()
  const logger = pino({ level: config.logLevel })
  // A failed background task (a socket handler while the database is down) is logged, never fatal.
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'))
  let release = () => {}
  let handle: DbHandle
  if (config.databaseUrl) {
    // one connection of the pool is the Socket.IO adapter's LISTEN connection, for good
    handle = await createDb({ databaseUrl: config.databaseUrl, poolMax: 20 })
  } else {
    release = lockDataDir(config.dataDir)
    process.on('exit', () => release()) // whatever ends the process from here on leaves no lock behind
    handle = await createDb({ dataDir: join(config.dataDir, 'pgdata') })
  }
  startup.lap('database')
  const applied = await migrateToLatest(handle.db)
  startup.lap('migrations')
  if (applied.length) logger.info({ applied }, 'migrations applied')
  // The embedded database is the demo (seeded on first start) unless SEED_DEMO=0; PostgreSQL only with SEED_DEMO=1.
  // the demo's password is this install's own, kept in DATA_DIR/demo-password.txt (server/auth/demo-password.ts)
  const demo = config.seedDemo ? await startDemo(handle.db, config.dataDir) : null
  const seeded = demo?.seeded
  // No active admin (an empty install): a new one-time set-up link, printed below; the older ones stop working.
  const setupToken = await new SetupService(handle.db, systemClock).prepare()

  startup.lap('demo and set-up')
  const app = createApp({
    dbHandle: handle, logger, publicRateLimitPerMinute: config.publicRateLimitPerMinute,
    publicReadsPerMinute: config.publicReadsPerMinute, publicSocketsPerMinute: config.publicSocketsPerMinute,
    sessionHours: config.sessionHours, trustProxy: config.trustProxy, processMetrics: true, metricsToken: config.metricsToken,
    notify: notifySetup(config, logger, handle.kind),
    publicUrl: config.publicUrlSet ? config.publicUrl : undefined,
  })
  logger.info({ realtime: app.realtimeMode }, app.realtimeMode === 'postgres-adapter'
    ? 'realtime: Socket.IO events cross instances through PostgreSQL (@socket.io/postgres-adapter)'
    : 'realtime: single instance (embedded PGlite); run more instances only on PostgreSQL (DATABASE_URL)')
  await app.tickets.expireStale()
  const expiry = setInterval(() => { app.tickets.expireStale().catch((err) => logger.warn({ err }, 'expiry failed')) }, 60_000)
  // supplement requests past their 15 days close as incomplete (Art. 19.5); reads and writes close them too
  await app.dossiers.staff.closeLapsed()
  const lapse = setInterval(() => { app.dossiers.staff.closeLapsed().catch((err) => logger.warn({ err }, 'supplement sweep failed')) }, 10 * 60_000)
  lapse.unref()
  // bookings past their 15 minutes' lateness become no-shows and free their place under the daily cap (issue 24)
  const noShows = setInterval(() => { app.appointments.markNoShows().catch((err) => logger.warn({ err }, 'no-show sweep failed')) }, 60_000)
  noShows.unref()
  expiry.unref()
  // webhooks (W6): the outbox's deliveries, sent after their commit by every instance under a lease
  app.outbox.start()
  // delivered outbox rows older than OUTBOX_KEEP_DELIVERED_DAYS go, failed ones after OUTBOX_KEEP_FAILED_DAYS
  const stopRetention = startRetention(handle.db, systemClock, config.outboxRetention, logger)

  await new Promise<void>((resolve, reject) => {
    app.httpServer.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE'
      ? new ConfigError(`Port ${config.port} is already in use on ${config.host}. Stop the other program, or choose another: PORT=3001 npm start`)
      : err))
    app.httpServer.listen(config.port, config.host, resolve)
  })
  startup.lap('app, sweeps, listen')
  logger.info({ ms: startup.ms }, 'ready')
  process.stdout.write(banner(config.publicUrl, handle.kind, config.dataDir, demo, !!seeded))
  if (setupToken) {
    logger.warn('no active admin: a one-time set-up link was printed (set up this install with it)')
    process.stdout.write(setupBanner(`${config.publicUrl}/thiet-lap#${setupToken}`))
  }

  // Graceful stop: readiness turns 503, no new connections, in-flight requests finish (≤ 10 s), sockets
  // close (pages reconnect to another instance), then the pool. Should anything hang, exit anyway.
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    const hard = setTimeout(() => { logger.error('shutdown took too long: exiting'); release(); process.exit(1) }, 15_000)
    hard.unref()
    clearInterval(expiry)
    clearInterval(lapse)
    stopRetention()
    clearInterval(noShows)
    let code = 0
    try {
      await app.close({ timeoutMs: 10_000 })
      await handle.close()
    } catch (err) {
      logger.error({ err }, 'shutdown failed')
      code = 1
    }
    release()
    logger.info('stopped')
    process.exit(code)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

/** What `npm start` prints once listening: where the pages are, and the demo logins. */
function banner(base: string, kind: DbHandle['kind'], dataDir: string, demo: DemoStart | null, seeded: boolean): string {
  const lines = [
    '',
    `Một Cửa is running on ${kind === 'pglite' ? `the embedded database in ${dataDir}` : 'PostgreSQL'}${seeded ? ' (Na Sang demo center seeded)' : ''}.`,
    kind === 'pglite'
      ? '  Single instance: the embedded database belongs to this one process. To run several instances, use PostgreSQL (DATABASE_URL).'
      : '  Scale-out ready: several instances on this database share live events (Socket.IO PostgreSQL adapter).',
    `  Kiosk           ${base}/kiosk?center=na-sang`,
    `  Wall display    ${base}/display?center=na-sang`,
    `  Staff console   ${base}/staff`,
    `  Board (JSON)    ${base}/api/centers/na-sang/board`,
    `  Health          ${base}/healthz (ready) · ${base}/healthz/live · ${base}/metrics`,
  ]
  if (demo) {
    lines.push('', demo.password
      ? `Demo logins (this install's own password for all: ${demo.password} — kept in ${demo.file}):`
      : `Demo logins (their password is in ${DEMO_PASSWORD_FILE} of the instance that seeded the demo):`,
    ...DEMO_STAFF.map((s) => `  ${s.username.padEnd(8)} ${s.role.padEnd(8)} ${s.fullName}${s.counter ? ` (quầy ${s.counter})` : ''}`))
  }
  lines.push('', 'Stop with Ctrl+C.', '')
  return lines.join('\n')
}

/** The set-up link of an empty install: printed at each start until it is used, a new one each time. */
function setupBanner(link: string): string {
  return ['', 'Set up this install (thiết lập hệ thống): open this one-time link in a browser to create the first admin and center:',
    `  ${link}`,
    '  It works once. Each start prints a new link and the older ones stop working. Or: npm run staff:create', ''].join('\n')
}

/** Milliseconds of each phase of a start, from the process's own start (so 'modules' is Node and the imports). */
function phases() {
  const ms: Record<string, number> = { modules: Math.round(performance.now()) }
  let last = performance.now()
  return { ms, lap(name: string) { const now = performance.now(); ms[name] = Math.round(now - last); last = now } }
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    process.stderr.write(`\n${err.message}\n\n`)
  } else {
    process.stderr.write(`\nMột Cửa could not start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  }
  process.exit(1)
})
