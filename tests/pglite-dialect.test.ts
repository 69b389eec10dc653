import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Kysely, sql } from 'kysely'
import { createDb, type DbHandle } from '../db/create-db.js'

/**
 * db/pglite-dialect.ts: PGlite is one connection, so kysely must hand it to one transaction at a time,
 * and a COMMIT that PostgreSQL turned into a ROLLBACK must not pass for a commit.
 */
describe('kysely over PGlite', () => {
  let h: DbHandle
  let db: Kysely<any>
  beforeAll(async () => {
    h = await createDb({})
    db = h.db as unknown as Kysely<any>
    await sql`create table t (id int primary key)`.execute(db)
  }, 60_000)
  afterAll(async () => { await h?.close() })

  it('runs a statement sent during a transaction after it, not inside it (it survives that rollback)', async () => {
    let inside!: () => void
    const begun = new Promise<void>((resolve) => { inside = resolve })
    const tx = db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 1 }).execute()
      inside()
      await new Promise((resolve) => setTimeout(resolve, 100))
      throw new Error('roll back')
    })
    await begun
    const outside = db.insertInto('t').values({ id: 2 }).execute()
    await expect(tx).rejects.toThrow('roll back')
    await outside
    const rows = await db.selectFrom('t').select('id').orderBy('id').execute()
    expect(rows).toEqual([{ id: 2 }])
  })

  it('refuses to report as committed a transaction whose statement failed and was caught', async () => {
    await sql`delete from t`.execute(db)
    const tx = db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 3 }).execute()
      await trx.insertInto('t').values({ id: 3 }).execute().catch(() => {}) // a unique violation, swallowed
    })
    await expect(tx).rejects.toThrow('rolled back instead of committed')
    expect(await db.selectFrom('t').select('id').execute()).toEqual([])
    // the connection is usable afterwards
    await db.insertInto('t').values({ id: 4 }).execute()
    expect(await db.selectFrom('t').select('id').execute()).toEqual([{ id: 4 }])
  })
})
