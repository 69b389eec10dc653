import { Migrator, sql } from 'kysely'
import type { Db } from './create-db.js'
import { migrationProvider } from './migrations/index.js'

/** Runs every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  if (await upToDate(db)) return []
  const migrator = new Migrator({ db, provider: migrationProvider })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error })
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/**
 * Every start asks this first: the Migrator's own check reads the catalog of every table and column (a
 * third of a restart's time on PGlite, docs/benchmarks.md "Start"). Exactly the known migrations, all
 * applied: nothing to do. Anything else (a first start, a pending or an unknown migration) goes to the Migrator.
 */
async function upToDate(db: Db): Promise<boolean> {
  const known = Object.keys(await migrationProvider.getMigrations()).sort()
  const { rows: [table] } = await sql<{ ok: boolean }>`select to_regclass('kysely_migration') is not null as ok`.execute(db)
  if (!table?.ok) return false
  const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db)
  const applied = rows.map((r) => r.name).sort() // in JavaScript's order, as the Migrator's, not a collation's
  return applied.length === known.length && applied.every((name, i) => name === known[i])
}
