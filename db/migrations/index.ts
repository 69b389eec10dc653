import type { Migration, MigrationProvider } from 'kysely/migration'
import * as m0001 from './2026_11_23_0001_create_queue.js'
import * as m0002 from './2026_11_23_0002_audit_log.js'
import * as m0003 from './2026_11_23_0003_dossiers.js'
import * as m0004 from './2026_11_23_0004_staff_settings.js'
import * as m0005 from './2026_11_23_0005_ratings.js'
import * as m0006 from './2026_11_23_0006_queue_counts.js'
import * as m0009 from './2026_12_07_0009_setup.js'

// Static imports: FileMigrationProvider's dynamic import does not work under jest.
const migrations: Record<string, Migration> = {
  '2026_11_23_0001_create_queue': m0001,
  '2026_11_23_0002_audit_log': m0002,
  '2026_11_23_0003_dossiers': m0003,
  '2026_11_23_0004_staff_settings': m0004,
  '2026_11_23_0005_ratings': m0005,
  '2026_11_23_0006_queue_counts': m0006,
  '2026_12_07_0009_setup': m0009,
}

export const migrationProvider: MigrationProvider = {
  async getMigrations() { return migrations },
}
