// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * Dossiers (hồ sơ, application records): intake at a counter or online filing, processing states with a
 * history, extensions, attachments, the working-day calendar their due dates are counted in, and the
 * link from a check-in ticket to its dossier.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // A center's dossier codes start with this (e.g. 'NS' for Na Sang): NS-261123-0007.
  await sql`ALTER TABLE center ADD COLUMN dossier_prefix text NOT NULL DEFAULT 'HS'
    CHECK (dossier_prefix ~ '^[A-Z][A-Z0-9]{0,5}$')`.execute(db)
  // Centers created before this migration: the initials of their slug ('na-sang' → 'NS') when they fit.
  await sql`
    UPDATE center c SET dossier_prefix = i.initials
    FROM (SELECT id, upper(string_agg(left(part, 1), '' ORDER BY n)) AS initials
          FROM center, regexp_split_to_table(slug, '-') WITH ORDINALITY AS p(part, n) GROUP BY id) i
    WHERE i.id = c.id AND i.initials ~ '^[A-Z][A-Z0-9]{0,5}$'`.execute(db)

  // The service a check-in for result pickup queues in ("Trả kết quả"); at most one per center.
  await sql`ALTER TABLE service ADD COLUMN is_pickup boolean NOT NULL DEFAULT false`.execute(db)
  await sql`CREATE UNIQUE INDEX service_one_pickup ON service (center_id) WHERE is_pickup`.execute(db)
  await sql`UPDATE service SET is_pickup = true WHERE code = 'tra-ket-qua'`.execute(db)

  // Days that differ from "Monday–Friday work, weekend off": holidays (Tết, 30/4 …) and make-up working days.
  await sql`CREATE TYPE calendar_day_kind AS ENUM ('holiday', 'workday')`.execute(db)
  await sql`
    CREATE TABLE calendar_day (
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      date date NOT NULL,
      kind calendar_day_kind NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      PRIMARY KEY (center_id, date)
    )`.execute(db)

  await sql`CREATE TYPE dossier_status AS ENUM
    ('submitted_online', 'received', 'processing', 'needs_supplement', 'ready', 'returned', 'rejected', 'withdrawn')`.execute(db)

  // Codes come from this row (insert … on conflict do update … returning), never from max()+1.
  await sql`
    CREATE TABLE dossier_number (
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      day date NOT NULL,
      last integer NOT NULL,
      PRIMARY KEY (center_id, day)
    )`.execute(db)

  await sql`
    CREATE TABLE dossier (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      code text NOT NULL,
      lookup_code text NOT NULL CHECK (lookup_code ~ '^[A-HJKMNP-Z2-9]{4}$'),
      status dossier_status NOT NULL,
      channel text NOT NULL CHECK (channel IN ('counter', 'online')),
      procedure_id uuid NOT NULL REFERENCES procedure(id),
      applicant_name text NOT NULL,
      applicant_phone text NOT NULL,
      applicant_address text NOT NULL,
      applicant_id_number text,
      -- [{"name": "Tờ khai …", "received": true}, …]
      documents jsonb NOT NULL DEFAULT '[]'::jsonb,
      sets integer NOT NULL DEFAULT 1 CHECK (sets BETWEEN 1 AND 99),
      delivery text NOT NULL DEFAULT 'center' CHECK (delivery IN ('center', 'post')),
      ticket_id uuid REFERENCES ticket(id),
      received_at timestamptz,
      received_by uuid REFERENCES staff(id),
      due_at timestamptz,
      ready_at timestamptz,
      outcome text CHECK (outcome IN ('early', 'on_time', 'late')),
      returned_at timestamptz,
      returned_by uuid REFERENCES staff(id),
      supplement_note text,
      note text,
      request_id text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      UNIQUE (center_id, code),
      -- an online filing has no receipt yet; once received, always a receipt (rejected/withdrawn may come before one)
      CHECK (status <> 'submitted_online' OR received_at IS NULL),
      CHECK (status NOT IN ('received', 'processing', 'needs_supplement', 'ready', 'returned') OR received_at IS NOT NULL),
      CHECK (received_at IS NULL OR due_at IS NOT NULL),
      CHECK (status NOT IN ('ready', 'returned') OR (ready_at IS NOT NULL AND outcome IS NOT NULL)),
      CHECK ((status = 'returned') = (returned_at IS NOT NULL)),
      CHECK (status <> 'needs_supplement' OR supplement_note IS NOT NULL)
    )`.execute(db)
  await sql`CREATE UNIQUE INDEX dossier_request_id ON dossier (center_id, request_id) WHERE request_id IS NOT NULL`.execute(db)
  // public lookup by code (codes are unique per center; the lookup code tells centers apart)
  await sql`CREATE INDEX dossier_code ON dossier (code)`.execute(db)
  // lists: by state, newest first; due today and overdue among the open ones
  await sql`CREATE INDEX dossier_center_status ON dossier (center_id, status, created_at DESC)`.execute(db)
  await sql`CREATE INDEX dossier_center_due ON dossier (center_id, due_at)
    WHERE status IN ('received', 'processing', 'needs_supplement')`.execute(db)
  await sql`CREATE INDEX dossier_center_created ON dossier (center_id, created_at DESC)`.execute(db)
  await sql`CREATE INDEX dossier_ready ON dossier (center_id, ready_at DESC) WHERE status = 'ready'`.execute(db)

  // History: one row per change (received, status, extended, checked_in, filed_online).
  await sql`
    CREATE TABLE dossier_event (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      dossier_id uuid NOT NULL REFERENCES dossier(id) ON DELETE CASCADE,
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      type text NOT NULL CHECK (type ~ '^[a-z_]{1,40}$'),
      from_status dossier_status,
      to_status dossier_status NOT NULL,
      staff_id uuid REFERENCES staff(id),
      at timestamptz NOT NULL,
      note text,
      -- extensions: {"previousDueAt": …, "newDueAt": …}; check-ins: {"ticketId": …, "code": …}
      data jsonb NOT NULL DEFAULT '{}'::jsonb
    )`.execute(db)
  await sql`CREATE INDEX dossier_event_dossier ON dossier_event (dossier_id, id)`.execute(db)

  // Files of an online filing, kept in the database; never served back publicly.
  await sql`
    CREATE TABLE dossier_attachment (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      dossier_id uuid NOT NULL REFERENCES dossier(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
      size integer NOT NULL CHECK (size > 0 AND size <= 2097152),
      data bytea NOT NULL,
      created_at timestamptz NOT NULL
    )`.execute(db)
  await sql`CREATE INDEX dossier_attachment_dossier ON dossier_attachment (dossier_id)`.execute(db)

  // A ticket taken by checking in with a dossier's code (intake of an online filing, or result pickup).
  await sql`ALTER TABLE ticket ADD COLUMN dossier_id uuid REFERENCES dossier(id)`.execute(db)
  await sql`CREATE INDEX ticket_dossier ON ticket (dossier_id) WHERE dossier_id IS NOT NULL`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS ticket_dossier`.execute(db)
  await sql`ALTER TABLE ticket DROP COLUMN IF EXISTS dossier_id`.execute(db)
  for (const t of ['dossier_attachment', 'dossier_event', 'dossier', 'dossier_number', 'calendar_day']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)}`.execute(db)
  }
  await sql`DROP TYPE IF EXISTS dossier_status, calendar_day_kind`.execute(db)
  await sql`DROP INDEX IF EXISTS service_one_pickup`.execute(db)
  await sql`ALTER TABLE service DROP COLUMN IF EXISTS is_pickup`.execute(db)
  await sql`ALTER TABLE center DROP COLUMN IF EXISTS dossier_prefix`.execute(db)
}
