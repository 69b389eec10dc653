import type { Migration, MigrationProvider } from 'kysely/migration'
import * as m0001 from './2026_11_23_0001_create_queue.js'
import * as m0002 from './2026_11_23_0002_audit_log.js'

// Static imports: FileMigrationProvider's dynamic import does not work under jest.
const migrations: Record<string, Migration> = {
  '2026_11_23_0001_create_queue': m0001,
  '2026_11_23_0002_audit_log': m0002,
}

export const migrationProvider: MigrationProvider = {
  async getMigrations() { return migrations },
}
