import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { CompiledQuery, Kysely, PGliteDialect, PostgresDialect, sql, type Transaction } from 'kysely'
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
/** The same for a kysely select: `.modifyFront(prepared)` (the marker then follows the leading `select`). */
export const prepared = sql.raw(PREPARED.trim())
const isMarked = (text: string) => text.startsWith(PREPARED) || text.startsWith(`select ${PREPARED}`)

const preparedNames = new Map<string, string>()
function preparedName(text: string): string {
  let name = preparedNames.get(text)
  if (!name) preparedNames.set(text, name = `motcua_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`)
  return name
}

/**
 * A statement text starting with this comment, without parameters, ends with `; COMMIT`: PostgreSQL
 * runs both in one round trip (the simple protocol) and the answer is the first statement's. Only
 * through `thenCommit` below.
 */
const THEN_COMMIT = '/*then-commit*/ '

type PgConnection = {
  parsedStatements: Record<string, string>
  stream: { cork?(): void; uncork?(): void }
  parse(query: { name: string; text: string; types: unknown[] }): void
  bind(config: { statement: string; values: unknown[]; valueMapper: (v: unknown) => unknown }): void
  describe(msg: { type: 'P'; name?: string }): void
  execute(config: { portal?: string; rows?: number }): void
  sync(): void
}
const { Result, utils } = pg as unknown as {
  Result: new () => pg.QueryResult & { addFields(f: unknown): void; parseRow(f: unknown): unknown; addRow(r: unknown): void; addCommandComplete(m: unknown): void }
  utils: { prepareValue(v: unknown): unknown }
}

/**
 * Prepared statements sent as one train of messages with one Sync: a Submittable of node-pg's, as
 * pg-cursor is one. `parse`: each statement is parsed (named, nothing runs); `run`: each, parsed on this
 * connection already, is bound, described and executed, and PostgreSQL answers all of them at once.
 */
class Train {
  private results: pg.QueryResult[] = []
  private current: InstanceType<typeof Result> | undefined
  private failed: unknown
  private settled = false
  constructor(private mode: 'parse' | 'run', private statements: { name: string; text: string; values: unknown[] }[],
    private done: (err: unknown, results?: pg.QueryResult[]) => void) {}
  submit(connection: PgConnection) {
    connection.stream.cork?.()
    try {
      for (const s of this.statements) {
        if (this.mode === 'parse') {
          connection.parse({ name: s.name, text: s.text, types: [] })
          continue
        }
        connection.bind({ statement: s.name, values: s.values, valueMapper: utils.prepareValue })
        connection.describe({ type: 'P', name: '' })
        connection.execute({ portal: '', rows: 0 })
      }
      connection.sync()
    } finally {
      connection.stream.uncork?.()
    }
    return null
  }
  handleRowDescription(msg: { fields: unknown }) {
    this.current = new Result()
    this.current.addFields(msg.fields)
  }
  handleDataRow(msg: { fields: unknown }) {
    if (this.failed) return
    // a type parser that throws fails this call, as it fails a Query of node-pg's (not the process)
    try { this.current!.addRow(this.current!.parseRow(msg.fields)) } catch (e) { this.failed = e }
  }
  handleCommandComplete(msg: unknown) {
    const r = this.current ?? new Result()
    r.addCommandComplete(msg)
    this.results.push(r)
    this.current = undefined
  }
  handleEmptyQuery() {}
  handlePortalSuspended() {}
  // the client drops a query at its error; the ReadyForQuery that follows finds none
  handleError(err: unknown) { this.settle(err) }
  handleReadyForQuery() {
    const expected = this.mode === 'parse' ? 0 : this.statements.length
    this.settle(this.failed ?? (this.results.length === expected ? undefined : new Error(`a train answered ${this.results.length} of ${expected} statements`)), this.results)
  }
  private settle(err: unknown, results?: pg.QueryResult[]) {
    if (this.settled) return
    this.settled = true
    this.done(err, results)
  }
}

/** The connection cannot be trusted after this error: `pipelined` ends it instead of returning it to the pool. */
class BrokenConnection extends Error {}

const BEGIN = `${PREPARED}BEGIN`, COMMIT = `${PREPARED}COMMIT`

class PreparingClient extends pg.Client {
  private train(mode: 'parse' | 'run', statements: { name: string; text: string; values: unknown[] }[]): Promise<pg.QueryResult[]> {
    return new Promise((resolve, reject) => {
      super.query(new Train(mode, statements, (err, results) => (err ? reject(err) : resolve(results!))) as never)
    })
  }

  /**
   * `statements` (each PREPARED) between BEGIN and COMMIT, in one round trip (see `pipelined`). Those not
   * yet parsed on this connection are parsed first, in a round trip of their own that runs nothing: no
   * row is locked while the client waits.
   */
  async inOneTrip(statements: readonly CompiledQuery[]): Promise<pg.QueryResult[]> {
    const named = [CompiledQuery.raw(BEGIN), ...statements, CompiledQuery.raw(COMMIT)]
      .map((q) => ({ name: preparedName(q.sql), text: q.sql, values: [...q.parameters] }))
    const connection = (this as unknown as { connection: PgConnection }).connection
    const missing = named.filter((s, k) => connection.parsedStatements[s.name] !== s.text && named.findIndex((o) => o.name === s.name) === k)
    if (missing.length) {
      // which of them the server now holds is unknown after a failure: the connection goes
      await this.train('parse', missing).catch((e: unknown) => { throw new BrokenConnection(`parsing failed: ${String(e)}`, { cause: e }) })
      for (const s of missing) connection.parsedStatements[s.name] = s.text
    }
    try {
      return (await this.train('run', named)).slice(1, -1)
    } catch (e) {
      if (!usableAfter(e)) throw e // the session is over: nothing to roll back, the connection goes
      // The server skipped the rest of the train, COMMIT included: the block is open and aborted (unless
      // COMMIT itself failed, which ends it: the ROLLBACK then only warns). End it, or end the connection.
      // (The client gives up on a query at its error, before the ReadyForQuery that tells the block's
      // state: this ROLLBACK is sent after it.)
      await super.query('ROLLBACK').catch((r: unknown) => { throw new BrokenConnection(`rollback failed: ${String(r)}`, { cause: e }) })
      throw e
    }
  }

  override query(...args: unknown[]): never {
    const [text, values] = args
    if (typeof text === 'string' && isMarked(text) && (values === undefined || Array.isArray(values))) {
      args = [{ name: preparedName(text), text, values }, ...args.slice(2)]
    }
    if (typeof text === 'string' && text.startsWith(THEN_COMMIT) && args.length <= 2) {
      if (Array.isArray(values) && values.length) throw new Error('a statement sent with COMMIT takes no parameters')
      return (super.query(`${text}; COMMIT`) as unknown as Promise<pg.QueryResult[]>).then((results) => {
        const [first, commit] = results
        // COMMIT of a transaction that failed answers ROLLBACK: nothing was written
        if (results.length !== 2 || commit!.command !== 'COMMIT') throw new Error(`transaction not committed (${commit?.command})`)
        return first
      }) as never
    }
    return (super.query as (...a: unknown[]) => never)(...args)
  }
}

const kinds = new WeakMap<object, DbKind>()
const pools = new WeakMap<object, pg.Pool>()

/**
 * PREPARED statements (as kysely compiles them: `sql\`…\`.compile(db)`) in one round trip on PostgreSQL, run in order between BEGIN and COMMIT, sent as
 * one train with one Sync: each statement sees what those before it wrote and what other transactions
 * committed before it started (READ COMMITTED), the rows they lock stay locked until the COMMIT after the
 * last (no client round trip in between), and an error in any rolls back all. A statement cannot use an
 * earlier one's answer: values it needs are made before (a ticket's id, say). On a connection's first
 * use of a statement, it is parsed first, in a round trip of its own that runs nothing. PGlite
 * (in-process, nothing to save) runs them one after the other in BEGIN … COMMIT: the same transaction.
 * The rows of each statement, in order.
 */
export async function pipelined(db: Db, statements: readonly CompiledQuery[]): Promise<unknown[][]> {
  if (!statements.every((q) => isMarked(q.sql))) throw new Error('only PREPARED statements are pipelined')
  const pool = pools.get(db)
  if (!pool) {
    return db.transaction().execute(async (trx) => {
      const out: unknown[][] = []
      for (const q of statements) out.push((await trx.executeQuery(q)).rows)
      return out
    })
  }
  const client = await pool.connect() as unknown as PreparingClient & pg.PoolClient
  let broken: Error | undefined
  try {
    return (await client.inOneTrip(statements)).map((r) => r.rows)
  } catch (e) {
    if (!usableAfter(e)) broken = e instanceof Error ? e : new Error(String(e))
    throw e
  } finally {
    client.release(broken)
  }
}

/**
 * Whether `pipelined`, rejecting with `e`, wrote nothing for certain (only for its rejection, not for an
 * error thrown after it): the server refused a statement of the train (which then never reached its
 * COMMIT, or whose COMMIT failed) and the connection is sound. Not so when the connection was lost: the
 * COMMIT may have been carried out before. PGlite runs in this process: its transaction failed.
 */
export function wroteNothing(db: Db, e: unknown): boolean {
  return kinds.get(db) === 'pglite' || usableAfter(e)
}

/**
 * Whether a connection goes back to the pool after this error: an answer of the server's about the
 * statement (a constraint, a bad value) leaves it usable; the server ending the session (FATAL, a
 * connection or shutdown class), a prepared statement it no longer holds (26000: the names this client
 * keeps would fail again), and anything not from the server end it.
 */
function usableAfter(e: unknown): boolean {
  if (!(e instanceof pg.DatabaseError)) return false
  const code = e.code ?? ''
  return e.severity !== 'FATAL' && e.severity !== 'PANIC' && !code.startsWith('08') && !code.startsWith('57P') && code !== '26000'
}

/**
 * Runs `fn` in a transaction on one connection (`BEGIN` … `COMMIT`), whose last statement, `last`
 * (a text without parameters: a constant, with values from `set_config` earlier in the transaction,
 * or with literals its maker has checked, as `boardSeqBump` in server/centers/center.repository.ts),
 * is sent with the `COMMIT` on PostgreSQL: a row it locks is held only while the server runs it and
 * commits, never across a client round trip. PGlite (one connection, nothing waits) sends the two
 * apart. `last` runs only when `fn` returns one; otherwise plain `COMMIT`. A failure rolls back.
 */
export async function thenCommit<T, R>(db: Db, fn: (trx: Transaction<Database>) => Promise<{ result: T; last?: { text: string; before?: () => void } }>): Promise<{ result: T; rows?: R[] }> {
  const onePass = kinds.get(db) === 'postgres'
  return db.connection().execute(async (conn) => {
    // the connection's Kysely is not a Transaction (no nested transaction() on it); the repositories only run statements
    const trx = conn as unknown as Transaction<Database>
    await sql`BEGIN`.execute(conn)
    let open = true
    try {
      const { result, last } = await fn(trx)
      if (!last) {
        open = false
        await sql`COMMIT`.execute(conn)
        return { result }
      }
      last.before?.()
      if (onePass) {
        open = false // whatever happens now, the transaction is over (committed, or failed and rolled back below)
        const { rows } = await sql.raw<R>(THEN_COMMIT + last.text).execute(conn).catch(async (e: unknown) => {
          await sql`ROLLBACK`.execute(conn).catch(() => undefined) // an error inside leaves it open and aborted
          throw e
        })
        return { result, rows }
      }
      const { rows } = await sql.raw<R>(last.text).execute(conn)
      open = false
      await sql`COMMIT`.execute(conn)
      return { result, rows }
    } catch (e) {
      if (open) await sql`ROLLBACK`.execute(conn).catch(() => undefined)
      throw e
    }
  })
}

export async function createDb(config: DbConfig): Promise<DbHandle> {
  if ('databaseUrl' in config) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolMax ?? 10, Client: PreparingClient })
    // A client losing its server must not crash the process: idle, the next query reports the error;
    // checked out (pg-pool then listens no more), its queries fail with it and the pool drops it when
    // it comes back (seen: a session ended by the server during a train, tests/issue-trains.test.ts).
    pool.on('error', () => {})
    pool.on('connect', (client) => { client.on('error', () => {}) })
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    kinds.set(db, 'postgres')
    pools.set(db, pool)
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
  kinds.set(db, 'pglite')
  return { db, kind: 'pglite', pglite, close: () => db.destroy() }
}

