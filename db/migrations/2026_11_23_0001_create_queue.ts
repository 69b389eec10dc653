// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TYPE staff_role AS ENUM ('admin', 'manager', 'clerk')`.execute(db)
  await sql`CREATE TYPE counter_status AS ENUM ('closed', 'open', 'paused')`.execute(db)
  await sql`CREATE TYPE ticket_status AS ENUM
    ('waiting', 'called', 'serving', 'done', 'no_show', 'held', 'transferred', 'cancelled', 'expired')`.execute(db)

  await sql`
    CREATE TABLE center (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{2,40}$'),
      name text NOT NULL,
      name_en text NOT NULL DEFAULT '',
      time_zone text NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
      -- {"1": [["07:00","11:30"],["13:30","17:00"]], ...}: ISO weekday (1 = Monday) to open intervals
      opening_hours jsonb NOT NULL DEFAULT '{}'::jsonb,
      ticket_cutoff text CHECK (ticket_cutoff ~ '^[0-2][0-9]:[0-5][0-9]$'),
      announcement_template text NOT NULL
        DEFAULT 'Xin mời công dân có số thứ tự {code} đến quầy số {counter}',
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)

  // Every public event of a center carries the next value of this sequence, bumped in the event's transaction.
  await sql`
    CREATE TABLE center_board_seq (
      center_id uuid PRIMARY KEY REFERENCES center(id) ON DELETE CASCADE,
      seq bigint NOT NULL DEFAULT 0
    )`.execute(db)

  await sql`
    CREATE TABLE service (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      code text NOT NULL,
      prefix text NOT NULL CHECK (prefix ~ '^[A-Z]{1,2}$'),
      name_vi text NOT NULL,
      name_en text NOT NULL,
      icon text NOT NULL DEFAULT '',
      active boolean NOT NULL DEFAULT true,
      target_wait_minutes integer NOT NULL DEFAULT 15 CHECK (target_wait_minutes > 0),
      default_service_minutes integer NOT NULL DEFAULT 5 CHECK (default_service_minutes > 0),
      daily_cap integer CHECK (daily_cap > 0),
      sort_order integer NOT NULL DEFAULT 0,
      UNIQUE (center_id, prefix),
      UNIQUE (center_id, code)
    )`.execute(db)

  await sql`
    CREATE TABLE procedure (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      service_id uuid NOT NULL REFERENCES service(id),
      code text NOT NULL,
      name_vi text NOT NULL,
      name_en text NOT NULL DEFAULT '',
      processing_days integer NOT NULL CHECK (processing_days >= 0),
      fee_vnd integer NOT NULL DEFAULT 0 CHECK (fee_vnd >= 0),
      fee_note text NOT NULL DEFAULT '',
      documents jsonb NOT NULL DEFAULT '[]'::jsonb,
      active boolean NOT NULL DEFAULT true,
      UNIQUE (center_id, code)
    )`.execute(db)

  await sql`
    CREATE TABLE staff (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      center_id uuid REFERENCES center(id),
      username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,40}$'),
      full_name text NOT NULL,
      role staff_role NOT NULL,
      password_hash text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      -- only an admin may belong to no center (an admin sees every center)
      CHECK (center_id IS NOT NULL OR role = 'admin')
    )`.execute(db)

  await sql`
    CREATE TABLE staff_session (
      token_hash text PRIMARY KEY,
      staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz
    )`.execute(db)
  await sql`CREATE INDEX staff_session_staff ON staff_session (staff_id)`.execute(db)

  await sql`
    CREATE TABLE counter (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      number integer NOT NULL CHECK (number > 0),
      name text NOT NULL DEFAULT '',
      status counter_status NOT NULL DEFAULT 'closed',
      pause_reason text,
      status_since timestamptz NOT NULL DEFAULT now(),
      staff_id uuid REFERENCES staff(id),
      UNIQUE (center_id, number),
      CHECK ((status = 'closed') = (staff_id IS NULL)),
      CHECK ((status = 'paused') = (pause_reason IS NOT NULL))
    )`.execute(db)
  // A clerk works at one counter at a time.
  await sql`CREATE UNIQUE INDEX counter_one_per_staff ON counter (staff_id) WHERE staff_id IS NOT NULL`.execute(db)

  await sql`
    CREATE TABLE counter_service (
      counter_id uuid NOT NULL REFERENCES counter(id) ON DELETE CASCADE,
      service_id uuid NOT NULL REFERENCES service(id) ON DELETE CASCADE,
      tier smallint NOT NULL CHECK (tier IN (1, 2)),
      PRIMARY KEY (counter_id, service_id)
    )`.execute(db)

  await sql`
    CREATE TABLE counter_event (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      counter_id uuid NOT NULL REFERENCES counter(id) ON DELETE CASCADE,
      staff_id uuid REFERENCES staff(id),
      type text NOT NULL,
      reason text,
      at timestamptz NOT NULL
    )`.execute(db)
  await sql`CREATE INDEX counter_event_counter_at ON counter_event (counter_id, at)`.execute(db)

  await sql`
    CREATE TABLE priority_group (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      code text NOT NULL,
      name_vi text NOT NULL,
      name_en text NOT NULL,
      bonus_minutes integer NOT NULL DEFAULT 30 CHECK (bonus_minutes >= 0 AND bonus_minutes <= 600),
      active boolean NOT NULL DEFAULT true,
      sort_order integer NOT NULL DEFAULT 0,
      UNIQUE (center_id, code)
    )`.execute(db)

  // Numbers come from this row (insert … on conflict do update … returning), never from max()+1.
  await sql`
    CREATE TABLE ticket_number (
      service_id uuid NOT NULL REFERENCES service(id) ON DELETE CASCADE,
      service_day date NOT NULL,
      last integer NOT NULL,
      PRIMARY KEY (service_id, service_day)
    )`.execute(db)

  await sql`
    CREATE TABLE ticket (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      service_id uuid NOT NULL REFERENCES service(id),
      service_day date NOT NULL,
      number integer NOT NULL CHECK (number > 0),
      code text NOT NULL,
      status ticket_status NOT NULL DEFAULT 'waiting',
      priority_group_id uuid REFERENCES priority_group(id),
      queue_at timestamptz NOT NULL,
      issued_at timestamptz NOT NULL,
      called_at timestamptz,
      started_at timestamptz,
      finished_at timestamptz,
      counter_id uuid REFERENCES counter(id),
      staff_id uuid REFERENCES staff(id),
      call_count integer NOT NULL DEFAULT 0,
      request_id text,
      transferred_from_id uuid REFERENCES ticket(id),
      UNIQUE (center_id, service_id, service_day, number),
      CHECK (status NOT IN ('called', 'serving') OR (counter_id IS NOT NULL AND called_at IS NOT NULL)),
      CHECK (status NOT IN ('serving', 'done') OR started_at IS NOT NULL),
      CHECK (status NOT IN ('done', 'no_show', 'transferred', 'cancelled', 'expired') OR finished_at IS NOT NULL),
      CHECK (status <> 'waiting' OR (called_at IS NULL AND finished_at IS NULL))
    )`.execute(db)
  // One called-or-serving ticket per counter, whatever the application does.
  await sql`CREATE UNIQUE INDEX ticket_one_active_per_counter ON ticket (counter_id)
    WHERE status IN ('called', 'serving')`.execute(db)
  await sql`CREATE UNIQUE INDEX ticket_request_id ON ticket (center_id, request_id) WHERE request_id IS NOT NULL`.execute(db)
  // call-next: the oldest priority-adjusted waiting ticket of a service today
  await sql`CREATE INDEX ticket_waiting_queue ON ticket (service_id, service_day, queue_at, id)
    WHERE status = 'waiting'`.execute(db)
  await sql`CREATE INDEX ticket_center_day ON ticket (center_id, service_day, status)`.execute(db)
  await sql`CREATE INDEX ticket_service_finished ON ticket (service_id, finished_at) WHERE status = 'done'`.execute(db)

  await sql`
    CREATE TABLE ticket_event (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      ticket_id uuid NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      type text NOT NULL,
      from_status ticket_status,
      to_status ticket_status NOT NULL,
      counter_id uuid REFERENCES counter(id),
      staff_id uuid REFERENCES staff(id),
      at timestamptz NOT NULL,
      data jsonb NOT NULL DEFAULT '{}'::jsonb
    )`.execute(db)
  await sql`CREATE INDEX ticket_event_ticket ON ticket_event (ticket_id, id)`.execute(db)
  await sql`CREATE INDEX ticket_event_center_at ON ticket_event (center_id, at)`.execute(db)

  // @socket.io/postgres-adapter's table (it does not create it itself)
  await sql`CREATE TABLE IF NOT EXISTS socket_io_attachments (
      id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['socket_io_attachments', 'ticket_event', 'ticket', 'ticket_number', 'priority_group',
    'counter_event', 'counter_service', 'counter', 'staff_session', 'staff', 'procedure', 'service',
    'center_board_seq', 'center']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)}`.execute(db)
  }
  await sql`DROP TYPE IF EXISTS ticket_status, counter_status, staff_role`.execute(db)
}
