// Statements marked PREPARED (db/create-db.ts) go to PostgreSQL as named prepared statements; on PGlite
// the marker is a comment and the statement runs as it is.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { CompiledQuery, sql } from 'kysely'
import { createDb, pipelined, PREPARED, thenCommit, type DbHandle } from '../db/create-db.js'
import { boardSeqBump } from '../server/centers/center.repository.js'
import { testDatabaseUrl } from '../server/config.js'
import { backends, freshDb } from './helpers/db.js'
import { statementsSent } from './helpers/sent.js'

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
    const { result: { rows }, sent } = await statementsSent(handle, () => thenCommit<null, { x: number }>(handle.db, async (trx) => {
      await sql`SELECT ${1}::int AS work`.execute(trx)
      return { result: null, last: { text: 'SELECT 7 AS x' } }
    }))
    expect(rows).toEqual([{ x: 7 }])
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

  it('rolls back when the first statement fails too: the later ones change nothing', async () => {
    await expect(pipelined(handle.db, [insert(1), insert(5)])).rejects.toMatchObject({ code: '23505' })
    expect((await pipelined(handle.db, [total()]))[0]).toEqual([{ c: 4, s: 10 }])
  })

  it('passes dates and big integers, and reads them back as the rest of the app does', async () => {
    const at = new Date('2026-11-23T02:00:00.123Z')
    const [[row]] = await pipelined(handle.db, [sql`${sql.raw(PREPARED)}SELECT ${at}::timestamptz AS at, ${'2026-11-23'}::date AS d,
      ${'9007199254740991'}::int8 AS big, ${'12.5'}::numeric AS num, interval '90 minutes' AS span`.compile(handle.db)]) as [[Record<string, unknown>]]
    expect(row).toEqual({ at, d: '2026-11-23', big: 9007199254740991, num: 12.5, span: '01:30:00' })
  })

  it('takes PREPARED statements only', async () => {
    await expect(pipelined(handle.db, [sql`SELECT 1 AS x`.compile(handle.db)])).rejects.toThrow(/only PREPARED/)
  })
})

;(testDatabaseUrl() ? describe : describe.skip)('pipelined on postgres', () => {
  // one connection: the first call parses, later ones reuse what it parsed
  let handle: DbHandle
  const notices: string[] = []
  beforeAll(async () => {
    handle = await createDb({ databaseUrl: testDatabaseUrl()!, poolMax: 1 })
    handle.pool!.on('connect', (c) => { c.on('notice', (n) => { notices.push(n.message ?? '') }) })
    await sql`CREATE TEMP TABLE one_trip (n int PRIMARY KEY, d int NOT NULL DEFAULT 0)`.execute(handle.db)
  })
  afterAll(async () => { await handle?.close() })

  const spy = async <T>(fn: () => Promise<T>) => {
    const { result, sent } = await statementsSent(handle, fn)
    return { result, sent: sent.length }
  }
  const put = (n: number) => sql`${sql.raw(PREPARED)}INSERT INTO one_trip (n) VALUES (${n}::int) RETURNING n`.compile(handle.db)
  const count = async () => Number((await sql<{ c: number }>`SELECT count(*)::int AS c FROM one_trip`.execute(handle.db)).rows[0]!.c)

  it('parses a connection’s new statements in a round trip that runs nothing, then sends the whole transaction as one', async () => {
    const statements = [sql`${sql.raw(PREPARED)}SELECT ${1}::int AS a`.compile(handle.db), sql`${sql.raw(PREPARED)}SELECT ${2}::int AS b`.compile(handle.db)]
    const first = await spy(() => pipelined(handle.db, statements))
    expect(first).toEqual({ result: [[{ a: 1 }], [{ b: 2 }]], sent: 2 }) // parse, run
    const again = await spy(() => pipelined(handle.db, statements))
    expect(again).toEqual({ result: [[{ a: 1 }], [{ b: 2 }]], sent: 1 })
  })

  it('runs the statements inside a transaction block: SET CONSTRAINTS takes effect and nothing warns', async () => {
    notices.length = 0
    const deferred = sql`${sql.raw(PREPARED)}SET CONSTRAINTS ALL IMMEDIATE`.compile(handle.db)
    for (let i = 0; i < 2; i++) await pipelined(handle.db, [deferred, sql`${sql.raw(PREPARED)}SELECT ${i}::int AS i`.compile(handle.db)])
    expect(notices).toEqual([])
  })

  it('after a failure in the one-trip train, the block is rolled back and the connection is idle and usable', async () => {
    await pipelined(handle.db, [put(1)])
    await pipelined(handle.db, [put(2), put(3)]) // both parsed now
    const failed = await spy(() => pipelined(handle.db, [put(4), put(1)]).catch((e: unknown) => e))
    expect(failed.result).toMatchObject({ code: '23505' })
    expect(failed.sent).toBe(2) // the train, then its ROLLBACK
    expect(await count()).toBe(3)
    const client = await handle.pool!.connect()
    try { expect(client.getTransactionStatus()).toBe('I') } finally { client.release() }
    expect(await pipelined(handle.db, [put(4)])).toEqual([[{ n: 4 }]])
    expect(notices).toEqual([])
  })

  it('a statement the server refuses to parse ends the connection, and the pool goes on with a new one', async () => {
    const bad = CompiledQuery.raw(`${PREPARED}SELECT * FROM no_such_table_here`)
    await expect(pipelined(handle.db, [bad])).rejects.toThrow(/parsing failed/)
    expect((await sql<{ x: number }>`SELECT 1 AS x`.execute(handle.db)).rows).toEqual([{ x: 1 }])
  })
})

;(testDatabaseUrl() ? describe : describe.skip)('a session the server ends, on postgres', () => {
  it('fails the call that was using it (in a transaction, its ROLLBACK too), never the process; the pool goes on with a new connection', async () => {
    const handle = await createDb({ databaseUrl: testDatabaseUrl()!, poolMax: 2 })
    try {
      await expect(thenCommit(handle.db, async (trx) => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx)
        // as a failover or `pg_ctl stop -m fast` would, while the connection is checked out
        await handle.pool!.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid])
        await sql`SELECT 1`.execute(trx)
        return { result: 1 }
      })).rejects.toThrow()
      await new Promise((r) => setTimeout(r, 100)) // the socket's end, and the error event it raises
      expect((await sql<{ x: number }>`SELECT 1 AS x`.execute(handle.db)).rows).toEqual([{ x: 1 }])
    } finally {
      await handle.close()
    }
  })
})
