import { join } from 'node:path'
import { createDb, type DbHandle } from '../../db/create-db.js'
import { migrateToLatest } from '../../db/migrate.js'
import { loadConfig, type Config } from '../config.js'
import { lockDataDir } from '../data-lock.js'

/** The database `npm start` would use, migrated, for one-off commands (holds the data-dir lock while open). */
export async function openConfiguredDb(): Promise<{ handle: DbHandle; config: Config; done(): Promise<void> }> {
  const config = loadConfig()
  const release = config.databaseUrl ? () => {} : lockDataDir(config.dataDir)
  try {
    const handle = config.databaseUrl
      ? await createDb({ databaseUrl: config.databaseUrl, poolMax: 2 })
      : await createDb({ dataDir: join(config.dataDir, 'pgdata') })
    await migrateToLatest(handle.db)
    return { handle, config, async done() { await handle.close(); release() } }
  } catch (e) { release(); throw e }
}

export function fail(err: unknown): never {
  process.stderr.write(`\n${err instanceof Error ? err.message : String(err)}\n\n`)
  process.exit(1)
}
