import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, type Transaction } from 'kysely'
import pg from 'pg'
import { PGliteDialect } from './pglite-dialect.js'
import type { Database } from './types.js'

export type Db = Kysely<Database>
/** A repository runs on the caller's choice: the pool or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>
export type DbKind = 'pglite' | 'postgres'

export interface DbHandle {
  db: Db
  kind: DbKind
  /** the pg pool (PostgreSQL only): for LISTEN/NOTIFY users such as the Socket.IO adapter */
  pool?: pg.Pool
  /** the embedded database (PGlite only): tests dump a migrated template from it */
  pglite?: PGlite
  close(): Promise<void>
}

export type DbConfig =
  | { databaseUrl: string; poolMax?: number }
  | { dataDir?: string; loadDataDir?: Blob | File }

const INT8 = 20, DATE = 1082, INTERVAL = 1186, NUMERIC = 1700
const int8 = (v: string) => { const n = Number(v); return Number.isSafeInteger(n) ? n : (BigInt(v) as unknown as number) }
const asText = (v: string) => v

// Both backends must hand the same JS types to the code above them.
pg.types.setTypeParser(INT8, int8)
pg.types.setTypeParser(DATE, asText)
pg.types.setTypeParser(INTERVAL, asText)
pg.types.setTypeParser(NUMERIC, (v: string) => Number(v))

/**
 * A pg client whose statements are prepared statements of its connection, named by their text (node-pg's
 * documented `name`): PostgreSQL parses and plans each once per connection and may keep a generic plan.
 * Planning the hot statements cost more than running them (docs/benchmarks.md, "Prepared statements").
 * Only calls with a values array, which is how kysely sends every statement; a text without one (the
 * adapter's batched NOTIFYs: several statements) goes as it is.
 */
class PreparedStatementsClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [text, values] = args
    if (typeof text === 'string' && Array.isArray(values) && args.length === 2) args = [{ name: statementName(text), text, values }]
    return (super.query as (...a: unknown[]) => never)(...args)
  }
}
const statementNames = new Map<string, string>()
function statementName(text: string): string {
  let name = statementNames.get(text)
  if (!name) statementNames.set(text, name = `s_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`)
  return name
}

export async function createDb(config: DbConfig): Promise<DbHandle> {
  if ('databaseUrl' in config) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolMax ?? 10, Client: PreparedStatementsClient })
    // A client losing its server must not crash the process: idle, the next query reports the error;
    // checked out (pg-pool then listens no more), its queries fail with it and the pool drops it when
    // it comes back.
    pool.on('error', () => {})
    pool.on('connect', (client) => { client.on('error', () => {}) })
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    return { db, kind: 'postgres', pool, close: () => db.destroy() }
  }
  if (config.dataDir) mkdirSync(dirname(config.dataDir), { recursive: true })
  const pglite = new PGlite({
    dataDir: config.dataDir,
    loadDataDir: config.loadDataDir,
    parsers: { [INT8]: int8, [DATE]: asText, [INTERVAL]: asText, [NUMERIC]: (v: string) => Number(v) },
  })
  await pglite.waitReady
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
  return { db, kind: 'pglite', pglite, close: () => db.destroy() }
}

