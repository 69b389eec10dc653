// Statements marked PREPARED (db/create-db.ts) go to PostgreSQL as named prepared statements; on PGlite
// the marker is a comment and the statement runs as it is.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { createDb, PREPARED, type DbHandle } from '../db/create-db.js'
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
