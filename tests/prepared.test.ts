// Statements marked PREPARED (db/create-db.ts) go to PostgreSQL as named prepared statements; on PGlite
// the marker is a comment and the statement runs as it is.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import pg from 'pg'
import { createDb, pipelined, PREPARED, thenCommit, type DbHandle } from '../db/create-db.js'
import { boardSeqBump } from '../server/centers/center.repository.js'
import { testDatabaseUrl } from '../server/config.js'
import { backends, freshDb } from './helpers/db.js'

describe.each(backends)('PREPARED statements (%s)', (kind) => {
  let handle: DbHandle
  beforeAll(async () => { handle = await freshDb(kind) }, 60_000)
  afterAll(async () => { await handle?.close() })

  it('run with their parameters, and again', async () => {
    for (const n of [1, 2]) {
      const { rows } = await sql<{ x: number }>`${sql.raw(PREPARED)}SELECT ${n}::int + 1 AS x`.execute(handle.db)
      expect(rows).toEqual([{ x: n + 1 }])
    }
  })
})

// PostgreSQL only: PGlite has no named statements of its own to look at
;(testDatabaseUrl() ? describe : describe.skip)('PREPARED on postgres', () => {
  // one connection, so the session that prepared is the one asked
  let handle: DbHandle
  beforeAll(async () => { handle = await createDb({ databaseUrl: testDatabaseUrl()!, poolMax: 1 }) })
  afterAll(async () => { await handle?.close() })

  const prepared = async () => (await sql<{ name: string; statement: string }>`SELECT name, statement FROM pg_prepared_statements`.execute(handle.db)).rows

  it('are named prepared statements of the connection, parsed once; unmarked ones are not', async () => {
    await sql`SELECT ${7}::int AS unmarked`.execute(handle.db)
    expect(await prepared()).toEqual([])
    for (let i = 0; i < 3; i++) await sql`${sql.raw(PREPARED)}SELECT ${i}::int AS marked`.execute(handle.db)
    const names = await prepared()
    expect(names).toHaveLength(1)
    expect(names[0]!.name).toMatch(/^motcua_[0-9a-f]{16}$/)
    expect(names[0]!.statement).toContain('AS marked')
  })
})

// thenCommit (db/create-db.ts): a transaction whose last statement goes with its COMMIT
describe.each(backends)('thenCommit (%s)', (kind) => {
  let handle: DbHandle
  beforeAll(async () => {
    handle = await freshDb(kind)
    await sql`CREATE TABLE probe (n int NOT NULL)`.execute(handle.db)
  }, 60_000)
  afterAll(async () => { await handle?.close() })

  const count = async () => Number((await sql<{ c: number }>`SELECT count(*)::int AS c FROM probe`.execute(handle.db)).rows[0]!.c)
  const LAST = `UPDATE probe SET n = n + current_setting('motcua.probe_add')::int RETURNING n`

  it('commits the writes; the last statement takes its values from set_config and answers its rows', async () => {
    const before = await count()
    let told = 0
    const { result, rows } = await thenCommit<string, { n: number }>(handle.db, async (trx) => {
      await sql`INSERT INTO probe (n) VALUES (${1})`.execute(trx)
      await sql`SELECT set_config('motcua.probe_add', ${'41'}, true)`.execute(trx)
      return { result: 'ok', last: { text: LAST, before: () => { told++ } } }
    })
    expect(result).toBe('ok')
    expect(told).toBe(1)
    expect(rows).toEqual([{ n: 42 }])
    expect(await count()).toBe(before + 1)
    await sql`DELETE FROM probe`.execute(handle.db)
  })

  it('commits without a last statement', async () => {
    const { rows } = await thenCommit(handle.db, async (trx) => {
      await sql`INSERT INTO probe (n) VALUES (${5})`.execute(trx)
      return { result: null }
    })
    expect(rows).toBeUndefined()
    expect(await count()).toBe(1)
    await sql`DELETE FROM probe`.execute(handle.db)
  })

  it('rolls everything back when the last statement fails, and the connection works afterwards', async () => {
    await expect(thenCommit(handle.db, async (trx) => {
      await sql`INSERT INTO probe (n) VALUES (${1})`.execute(trx)
      return { result: null, last: { text: 'SELECT 1 / 0' } }
    })).rejects.toThrow(/division by zero/)
    expect(await count()).toBe(0)
    for (let i = 0; i < 3; i++) expect((await sql<{ x: number }>`SELECT ${i}::int AS x`.execute(handle.db)).rows).toEqual([{ x: i }])
  })

  it('rolls back when the work itself fails', async () => {
    await expect(thenCommit(handle.db, async (trx) => {
      await sql`INSERT INTO probe (n) VALUES (${1})`.execute(trx)
      throw new Error('refused')
    })).rejects.toThrow('refused')
    expect(await count()).toBe(0)
  })
})

;(testDatabaseUrl() ? describe : describe.skip)('thenCommit on postgres', () => {
  let handle: DbHandle
  beforeAll(async () => { handle = await createDb({ databaseUrl: testDatabaseUrl()!, poolMax: 1 }) })
  afterAll(async () => { await handle?.close() })

  it('sends the last statement and COMMIT as one query: nothing is sent between them', async () => {
    const sent: string[] = []
    const original = pg.Client.prototype.query
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const text = args[0]
      sent.push(typeof text === 'string' ? text : (text as { text: string }).text)
      return (original as (...a: unknown[]) => unknown).apply(this, args)
    } as typeof original
    try {
      const { rows } = await thenCommit<null, { x: number }>(handle.db, async (trx) => {
        await sql`SELECT ${1}::int AS work`.execute(trx)
        return { result: null, last: { text: 'SELECT 7 AS x' } }
      })
      expect(rows).toEqual([{ x: 7 }])
    } finally {
      pg.Client.prototype.query = original
    }
    expect(sent).toEqual(['BEGIN', 'SELECT $1::int AS work', '/*then-commit*/ SELECT 7 AS x; COMMIT'])
    // and the connection is not left inside a transaction
    expect((await sql<{ open: boolean }>`SELECT now() <> statement_timestamp() AS open`.execute(handle.db)).rows).toEqual([{ open: false }])
  })
})

describe('boardSeqBump', () => {
  it('writes only a center UUID and a small positive count into its text', () => {
    const id = '0b9c1c7e-3f5a-4d2b-9a61-2f1e8c3d4b5a'
    expect(boardSeqBump(id, 3)).toBe(`UPDATE center_board_seq SET seq = seq + 3 WHERE center_id = '${id}' RETURNING seq`)
    for (const bad of [`${id}'; DROP TABLE ticket; --`, '', 'x', id.slice(1)]) expect(() => boardSeqBump(bad, 1)).toThrow(/not a center id/)
    for (const n of [0, -1, 1.5, Number.NaN, 1001]) expect(() => boardSeqBump(id, n)).toThrow(/not a fact count/)
  })
})

// pipelined (db/create-db.ts): PREPARED statements in one round trip, as one transaction
describe.each(backends)('pipelined (%s)', (kind) => {
  // one connection on PostgreSQL: its first call parses the statements, the later ones reuse them
  let handle: DbHandle
  beforeAll(async () => {
    handle = await freshDb(kind, { poolMax: 1 })
    await sql`CREATE TABLE piped (n int PRIMARY KEY)`.execute(handle.db)
  }, 60_000)
  afterAll(async () => { await handle?.close() })

  const insert = (n: number) => sql`${sql.raw(PREPARED)}INSERT INTO piped (n) VALUES (${n}::int) RETURNING n`.compile(handle.db)
  const total = () => sql<{ c: number; s: number }>`${sql.raw(PREPARED)}SELECT count(*)::int AS c, coalesce(sum(n), 0)::int AS s FROM piped`.compile(handle.db)

  it('answers each statement’s rows in order, a later statement seeing what an earlier one wrote (first call and later ones)', async () => {
    for (const n of [1, 2, 3]) {
      const [inserted, after] = await pipelined(handle.db, [insert(n), total()])
      expect(inserted).toEqual([{ n }])
      expect(after).toEqual([{ c: n, s: (n * (n + 1)) / 2 }])
    }
  })

  it('rolls every statement back when a later one fails, and the connection works afterwards', async () => {
    // 1 exists: the second insert fails after the first (4) was written
    await expect(pipelined(handle.db, [insert(4), insert(1)])).rejects.toMatchObject({ code: '23505' })
    const [after] = await pipelined(handle.db, [total()])
    expect(after).toEqual([{ c: 3, s: 6 }])
    const [again] = await pipelined(handle.db, [insert(4)])
    expect(again).toEqual([{ n: 4 }])
  })

  it('takes PREPARED statements only', async () => {
    await expect(pipelined(handle.db, [sql`SELECT 1 AS x`.compile(handle.db)])).rejects.toThrow(/only PREPARED/)
  })
})

;(testDatabaseUrl() ? describe : describe.skip)('pipelined on postgres', () => {
  let handle: DbHandle
  beforeAll(async () => { handle = await createDb({ databaseUrl: testDatabaseUrl()!, poolMax: 1 }) })
  afterAll(async () => { await handle?.close() })

  it('parses on a connection’s first call (in BEGIN … COMMIT), then sends all its statements as one query', async () => {
    const sent: unknown[] = []
    const original = pg.Client.prototype.query
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      sent.push(args[0])
      return (original as (...a: unknown[]) => unknown).apply(this, args)
    } as typeof original
    const statements = [sql`${sql.raw(PREPARED)}SELECT ${1}::int AS a`.compile(handle.db), sql`${sql.raw(PREPARED)}SELECT ${2}::int AS b`.compile(handle.db)]
    try {
      expect(await pipelined(handle.db, statements)).toEqual([[{ a: 1 }], [{ b: 2 }]])
      expect(sent.length).toBe(4) // BEGIN, a, b, COMMIT
      sent.length = 0
      expect(await pipelined(handle.db, statements)).toEqual([[{ a: 1 }], [{ b: 2 }]])
      expect(sent.length).toBe(1)
    } finally {
      pg.Client.prototype.query = original
    }
  })
})
