import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PGliteDialect, PostgresDialect, type Transaction } from 'kysely'
import pg from 'pg'
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

export async function createDb(config: DbConfig): Promise<DbHandle> {
  if ('databaseUrl' in config) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolMax ?? 10 })
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
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) })
  return { db, kind: 'pglite', pglite, close: () => db.destroy() }
}

