// Frozen once landed: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * Appointments (issue 24): a citizen books a slot of a service on a day; the manager sets the slot length
 * and capacity per service and weekday. A slot's capacity is held by counting its bookings while the
 * service day's `ticket_number` row is locked (every booking of a service and day takes that row first);
 * the daily cap is shared with walk-ins through `ticket_number.booked`, the bookings of that day still
 * holding a place: the issuing statement refuses a walk-in when `last + booked` reaches the cap, so
 * PostgreSQL checks both on the one row, and a racing walk-in re-reads it after the booking commits.
 */
const RANDOM_KEY = sql`translate(encode(decode(substr(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 1, 48), 'hex'), 'base64'), '+/', '-_')`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE ticket_number ADD COLUMN booked integer NOT NULL DEFAULT 0 CHECK (booked >= 0)`.execute(db)

  await sql`
    CREATE TABLE appointment_rule (
      service_id uuid NOT NULL REFERENCES service(id) ON DELETE CASCADE,
      weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
      slot_minutes integer NOT NULL CHECK (slot_minutes BETWEEN 5 AND 240),
      capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 100),
      PRIMARY KEY (service_id, weekday)
    )`.execute(db)

  await sql`CREATE TYPE appointment_status AS ENUM ('booked', 'cancelled', 'kept', 'late', 'no_show')`.execute(db)
  await sql`
    CREATE TABLE appointment (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      service_id uuid NOT NULL REFERENCES service(id) ON DELETE CASCADE,
      day date NOT NULL,
      slot text NOT NULL CHECK (slot ~ '^[0-2][0-9]:[0-5][0-9]$'),
      starts_at timestamptz NOT NULL,
      code text NOT NULL CHECK (code ~ '^[0-9]{6}$'),
      secret text NOT NULL DEFAULT ${RANDOM_KEY},
      status appointment_status NOT NULL DEFAULT 'booked',
      phone text,
      phone_consent_at timestamptz,
      request_id text UNIQUE,
      created_at timestamptz NOT NULL,
      cancelled_at timestamptz,
      checked_in_at timestamptz,
      ticket_id uuid REFERENCES ticket(id),
      UNIQUE (center_id, day, code),
      -- Decree 13/2023/NĐ-CP: a phone number only with the citizen's consent, recorded with its time
      CHECK (phone IS NULL OR phone_consent_at IS NOT NULL),
      CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
      CHECK ((status IN ('kept', 'late')) = (checked_in_at IS NOT NULL AND ticket_id IS NOT NULL))
    )`.execute(db)
  await sql`CREATE INDEX appointment_slot ON appointment (service_id, day, slot) WHERE status <> 'cancelled'`.execute(db)
  await sql`CREATE INDEX appointment_due ON appointment (starts_at) WHERE status = 'booked'`.execute(db)
  await sql`CREATE INDEX appointment_center_day ON appointment (center_id, day)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE appointment`.execute(db)
  await sql`DROP TYPE appointment_status`.execute(db)
  await sql`DROP TABLE appointment_rule`.execute(db)
  await sql`ALTER TABLE ticket_number DROP COLUMN booked`.execute(db)
}
