import type { Migration, MigrationProvider } from 'kysely'
import * as m0001 from './2026_11_23_0001_create_queue.js'
import * as m0002 from './2026_11_23_0002_audit_log.js'
import * as m0003 from './2026_11_23_0003_dossiers.js'
import * as m0004 from './2026_11_23_0004_staff_settings.js'
import * as m0005 from './2026_11_23_0005_ratings.js'
import * as m0006 from './2026_11_23_0006_queue_counts.js'
import * as m0007 from './2026_12_07_0007_ticket_secret.js'
import * as m0008 from './2026_12_07_0008_password_change.js'
import * as m0009 from './2026_12_07_0009_setup.js'
import * as m0010 from './2026_12_07_0010_center_admin.js'
import * as m0011 from './2026_12_07_0011_procedure_catalog.js'
import * as m0012 from './2026_12_07_0012_dossier_lifecycle.js'
import * as m0013 from './2026_12_07_0013_id_check.js'
import * as m0014 from './2026_12_07_0014_counter_work.js'
import * as m0015 from './2026_12_07_0015_agency_identifier.js'
import * as m0017 from './2026_12_07_0017_api_tokens.js'
import * as m0018 from './2026_12_07_0018_webhook_outbox.js'
import * as m0019 from './2026_12_07_0019_appointments.js'
import * as m0020 from './2026_12_07_0020_notifications.js'
import * as m0021 from './2026_12_07_0021_search_fold.js'
import * as m0023 from './2026_12_07_0023_rate_limit.js'
import * as m0024 from './2026_12_07_0024_dossier_result.js'
import * as m0026 from './2026_12_07_0026_center_voice.js'
import * as m0027 from './2026_12_07_0027_shared_throttles.js'
import * as m0028 from './2026_12_07_0028_notify_consent.js'
import * as m0029 from './2026_12_07_0029_appointment_ticket.js'
import * as m0030 from './2026_12_07_0030_booking_consent_end.js'
import * as m0031 from './2026_12_07_0031_pause_until.js'

// Static imports: FileMigrationProvider's dynamic import does not work under jest.
const migrations: Record<string, Migration> = {
  '2026_11_23_0001_create_queue': m0001,
  '2026_11_23_0002_audit_log': m0002,
  '2026_11_23_0003_dossiers': m0003,
  '2026_11_23_0004_staff_settings': m0004,
  '2026_11_23_0005_ratings': m0005,
  '2026_11_23_0006_queue_counts': m0006,
  '2026_12_07_0007_ticket_secret': m0007,
  '2026_12_07_0008_password_change': m0008,
  '2026_12_07_0009_setup': m0009,
  '2026_12_07_0010_center_admin': m0010,
  '2026_12_07_0011_procedure_catalog': m0011,
  '2026_12_07_0012_dossier_lifecycle': m0012,
  '2026_12_07_0013_id_check': m0013,
  '2026_12_07_0014_counter_work': m0014,
  '2026_12_07_0015_agency_identifier': m0015,
  '2026_12_07_0017_api_tokens': m0017,
  '2026_12_07_0018_webhook_outbox': m0018,
  '2026_12_07_0019_appointments': m0019,
  '2026_12_07_0020_notifications': m0020,
  '2026_12_07_0021_search_fold': m0021,
  '2026_12_07_0023_rate_limit': m0023,
  '2026_12_07_0024_dossier_result': m0024,
  '2026_12_07_0026_center_voice': m0026,
  '2026_12_07_0027_shared_throttles': m0027,
  '2026_12_07_0028_notify_consent': m0028,
  '2026_12_07_0029_appointment_ticket': m0029,
  '2026_12_07_0030_booking_consent_end': m0030,
  '2026_12_07_0031_pause_until': m0031,
}

export const migrationProvider: MigrationProvider = {
  async getMigrations() { return migrations },
}
