import type { PGlite } from '@electric-sql/pglite'
import {
  CompiledQuery, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler,
  type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryCompiler, type QueryResult,
} from 'kysely'

/**
 * Kysely over PGlite: kysely 0.28 (the last line that runs on Node 20) has no PGlite dialect of its own.
 * PGlite is one connection: a statement or a transaction holds it until it is done, the others wait in
 * turn, as kysely's own SQLite driver does. Transactions are plain BEGIN/COMMIT, and a COMMIT that PostgreSQL
 * turned into a ROLLBACK throws, as kysely's pg driver does.
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite) {}
  createAdapter() { return new PGliteAdapter() }
  createDriver(): Driver { return new PGliteDriver(this.pglite) }
  createIntrospector(db: Kysely<any>) { return new PostgresIntrospector(db) }
  createQueryCompiler(): QueryCompiler { return new PostgresQueryCompiler() }
}

class PGliteAdapter extends PostgresAdapter {
  // the one connection is the migrator's from its lock to its unlock: nobody else can run meanwhile
  override async acquireMigrationLock(): Promise<void> {}
  override async releaseMigrationLock(): Promise<void> {}
}

class PGliteDriver implements Driver {
  readonly #connection: PGliteConnection
  #held: Promise<void> | undefined
  #release: (() => void) | undefined

  constructor(private readonly pglite: PGlite) { this.#connection = new PGliteConnection(pglite) }

  async init(): Promise<void> { await this.pglite.waitReady }

  async acquireConnection(): Promise<DatabaseConnection> {
    while (this.#held) await this.#held
    this.#held = new Promise((resolve) => { this.#release = resolve })
    return this.#connection
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release
    this.#held = undefined
    this.#release = undefined
    release?.()
  }

  async beginTransaction(c: DatabaseConnection) { await c.executeQuery(CompiledQuery.raw('begin')) }
  async commitTransaction(): Promise<void> {
    // PostgreSQL answers COMMIT with ROLLBACK when an earlier statement failed: the writes are lost (as on pg)
    const { command } = await this.pglite.query('commit')
    if (command === 'ROLLBACK') throw new Error('Transaction was rolled back instead of committed')
  }
  async rollbackTransaction(c: DatabaseConnection) { await c.executeQuery(CompiledQuery.raw('rollback')) }
  async savepoint(c: DatabaseConnection, name: string) { await c.executeQuery(CompiledQuery.raw(`savepoint ${ident(name)}`)) }
  async rollbackToSavepoint(c: DatabaseConnection, name: string) { await c.executeQuery(CompiledQuery.raw(`rollback to ${ident(name)}`)) }
  async releaseSavepoint(c: DatabaseConnection, name: string) { await c.executeQuery(CompiledQuery.raw(`release ${ident(name)}`)) }

  async destroy(): Promise<void> { if (!this.pglite.closed) await this.pglite.close() }
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const { affectedRows, rows } = await this.pglite.query<R>(compiled.sql, compiled.parameters as unknown[], { rowMode: 'object' })
    return { numAffectedRows: affectedRows != null ? BigInt(affectedRows) : undefined, rows: rows ?? [] }
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> { throw new Error('PGlite does not stream query results') }
}
