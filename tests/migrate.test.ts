import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import type { DbHandle } from '../db/create-db.js'
import { migrateToLatest } from '../db/migrate.js'
import { migrationProvider } from '../db/migrations/index.js'
import { backends, freshDb } from './helpers/db.js'

/** db/migrate.ts: a start on an up-to-date database reads one table; anything else goes to kysely's Migrator. */
describe.each(backends)('migrateToLatest on %s', (kind) => {
  let h: DbHandle
  beforeAll(async () => { h = await freshDb(kind) }, 60_000)
  afterAll(async () => { await h?.close() })

  it('leaves an up-to-date database alone: the Migrator does not run (it would make its lock table again)', async () => {
    await sql`drop table kysely_migration_lock`.execute(h.db)
    expect(await migrateToLatest(h.db)).toEqual([])
    const { rows: [lock] } = await sql<{ ok: boolean }>`select to_regclass('kysely_migration_lock') is not null as ok`.execute(h.db)
    expect(lock?.ok).toBe(false)
  })

  it('hands a database that misses a migration to the Migrator', async () => {
    const last = Object.keys(await migrationProvider.getMigrations()).sort().at(-1)!
    await sql`delete from kysely_migration where name = ${last}`.execute(h.db)
    // the Migrator runs it again: applied, or failed on what it made the first time; either names it
    let outcome: string
    try { outcome = (await migrateToLatest(h.db)).join() } catch (e) { outcome = (e as Error).message }
    expect(outcome).toContain(last)
  })
})
