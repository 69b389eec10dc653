// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/** Who changed which setting (or other record) of a center, when, from what to what. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      staff_id uuid REFERENCES staff(id),
      -- what was changed: 'service', later 'procedure', 'counter', 'staff', 'center', …
      entity text NOT NULL CHECK (entity ~ '^[a-z_]{1,40}$'),
      entity_id text NOT NULL,
      action text NOT NULL CHECK (action ~ '^[a-z_]{1,40}$'),
      -- {"field": {"from": …, "to": …}, …}
      changes jsonb NOT NULL DEFAULT '{}'::jsonb,
      at timestamptz NOT NULL
    )`.execute(db)
  await sql`CREATE INDEX audit_log_center_at ON audit_log (center_id, at DESC, id DESC)`.execute(db)
  await sql`CREATE INDEX audit_log_entity ON audit_log (entity, entity_id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS audit_log`.execute(db)
}
