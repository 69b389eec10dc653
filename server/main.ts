import { join } from 'node:path'
import { pino } from 'pino'
import { createDb, type DbHandle } from '../db/create-db.js'
import { migrateToLatest } from '../db/migrate.js'
import { DEMO_PASSWORD, DEMO_STAFF, seedDemo } from '../db/seed-demo.js'
import { ConfigError, loadConfig } from './config.js'
import { createApp } from './app.js'
import { hashPassword } from './auth/auth.service.js'
import { DataDirLockedError, lockDataDir } from './data-lock.js'

async function main() {
  const config = loadConfig()
  const logger = pino({ level: config.logLevel })
  // A failed background task (a socket handler while the database is down) is logged, never fatal.
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'))
  let release = () => {}
  let handle: DbHandle
  if (config.databaseUrl) {
    handle = await createDb({ databaseUrl: config.databaseUrl })
  } else {
    release = lockDataDir(config.dataDir)
    handle = await createDb({ dataDir: join(config.dataDir, 'pgdata') })
  }
  const applied = await migrateToLatest(handle.db)
  if (applied.length) logger.info({ applied }, 'migrations applied')
  // The embedded database is the demo: it is seeded on first start. PostgreSQL only when asked.
  const seeded = (handle.kind === 'pglite' || config.seedDemo) && await seedDemo(handle.db, hashPassword)

  const app = createApp({
    dbHandle: handle, logger, publicRateLimitPerMinute: config.publicRateLimitPerMinute,
    sessionHours: config.sessionHours, trustProxy: config.trustProxy,
  })
  await app.queue.expireStale()
  const expiry = setInterval(() => { app.queue.expireStale().catch((err) => logger.warn({ err }, 'expiry failed')) }, 60_000)
  expiry.unref()

  await new Promise<void>((resolve) => app.httpServer.listen(config.port, config.host, resolve))
  const base = config.publicUrl
  const demo = handle.kind === 'pglite' || config.seedDemo
  const lines = [
    '',
    `Một Cửa is running on ${handle.kind === 'pglite' ? `the embedded database in ${config.dataDir}` : 'PostgreSQL'}${seeded ? ' (Na Sang demo center seeded)' : ''}.`,
    `  Kiosk           ${base}/kiosk?center=na-sang`,
    `  Wall display    ${base}/display?center=na-sang`,
    `  Staff console   ${base}/staff`,
    `  Board (JSON)    ${base}/api/centers/na-sang/board`,
    `  Health          ${base}/healthz`,
  ]
  if (demo) {
    lines.push('', `Demo logins (password for all: ${DEMO_PASSWORD}):`,
      ...DEMO_STAFF.map((s) => `  ${s.username.padEnd(8)} ${s.role.padEnd(8)} ${s.fullName}${s.counter ? ` (quầy ${s.counter})` : ''}`))
  }
  lines.push('', 'Stop with Ctrl+C.', '')
  process.stdout.write(lines.join('\n'))

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    clearInterval(expiry)
    await app.close()
    await handle.close()
    release()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('exit', () => release())
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    process.stderr.write(`\n${err.message}\n\n`)
  } else {
    process.stderr.write(`\nMột Cửa could not start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  }
  process.exit(1)
})
