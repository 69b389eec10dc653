import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { createDb, type DbHandle, type DbKind } from '../../db/create-db.js'
import { migrateToLatest } from '../../db/migrate.js'
import { testDatabaseUrl } from '../../server/config.js'

const PGLITE_VERSION = (JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string }).version
const migrationsDir = new URL('../../db/migrations/', import.meta.url).pathname

/**
 * Every test file runs on PGlite, and on PostgreSQL too when TEST_DATABASE_URL is set;
 * TEST_BACKENDS=postgres runs PostgreSQL alone (.ci/run's second run, after a PGlite run of its own).
 */
export const backends: DbKind[] = !testDatabaseUrl() ? ['pglite'] : process.env.TEST_BACKENDS === 'postgres' ? ['postgres'] : ['pglite', 'postgres']

/** Changes whenever a migration changes, so templates are rebuilt exactly then. */
function migrationsHash(): string {
  const h = createHash('sha256')
  for (const f of readdirSync(migrationsDir).sort()) h.update(f).update(readFileSync(join(migrationsDir, f)))
  return h.digest('hex').slice(0, 12)
}

async function pgliteTemplate(): Promise<Blob> {
  // keyed by PGlite's version too: a data directory of another PGlite version may not load
  const file = join(tmpdir(), `motcua-pglite-template-${PGLITE_VERSION}-${migrationsHash()}.tar.gz`)
  if (!existsSync(file)) {
    const h = await createDb({})
    await migrateToLatest(h.db)
    const blob = await h.pglite!.dumpDataDir('gzip')
    await h.close()
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
    writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()))
    renameSync(tmp, file) // atomic: a parallel worker sees the whole file or none
  }
  return new Blob([readFileSync(file)])
}

async function adminQuery<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try { return await fn(c) } finally { await c.end() }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

async function postgresTemplate(url: string): Promise<string> {
  const name = `motcua_tpl_${migrationsHash()}`
  await adminQuery(url, async (c) => {
    await c.query('SELECT pg_advisory_lock(727001)') // one worker builds it; the others wait
    try {
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
      if (exists.rowCount) return
      await c.query(`CREATE DATABASE ${name}`)
      const h = await createDb({ databaseUrl: withDatabase(url, name), poolMax: 2 })
      try { await migrateToLatest(h.db) } catch (e) {
        await h.close(); await c.query(`DROP DATABASE ${name}`); throw e
      }
      await h.close()
    } finally {
      await c.query('SELECT pg_advisory_unlock(727001)')
    }
  })
  return name
}

/** A fresh, migrated, empty database for one test file. */
export async function freshDb(kind: DbKind, opts: { poolMax?: number } = {}): Promise<DbHandle> {
  if (kind === 'pglite') return createDb({ loadDataDir: await pgliteTemplate() })
  const url = testDatabaseUrl()!
  const template = await postgresTemplate(url)
  const name = `motcua_t_${process.pid}_${randomBytes(4).toString('hex')}`
  await adminQuery(url, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`))
  // the server's own pool size (server/main.ts): three test files at once stay under max_connections (100)
  const handle = await createDb({ databaseUrl: withDatabase(url, name), poolMax: opts.poolMax ?? 20 })
  return {
    ...handle,
    async close() {
      await handle.close()
      await adminQuery(url, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    },
  }
}
