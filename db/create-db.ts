import { createHash } from 'node:crypto'
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

/**
 * A statement whose text starts with this comment is sent to PostgreSQL as a named prepared statement,
 * so each connection parses it once and may keep a generic plan (the hot path of an issue plans in
 * ~1 ms, more than it runs). Only for statements that select named columns, never `*`: a prepared
 * `*` fails with "cached plan must not change result type" once a migration adds a column. PGlite
 * reads it as the comment it is.
 */
export const PREPARED = '/*prepared*/ '

const preparedNames = new Map<string, string>()
function preparedName(text: string): string {
  let name = preparedNames.get(text)
  if (!name) preparedNames.set(text, name = `motcua_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`)
  return name
}

class PreparingClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [text, values] = args
    if (typeof text === 'string' && text.startsWith(PREPARED) && (values === undefined || Array.isArray(values))) {
      args = [{ name: preparedName(text), text, values }, ...args.slice(2)]
    }
    return (super.query as (...a: unknown[]) => never)(...args)
  }
}

export async function createDb(config: DbConfig): Promise<DbHandle> {
  if ('databaseUrl' in config) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolMax ?? 10, Client: PreparingClient })
    // An idle client losing its server must not crash the process; the next query reports the error.
    pool.on('error', () => {})
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

