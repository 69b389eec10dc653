// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * Citizen ratings (one per ticket, enforced here) and the center's rating scale. A rating keeps the
 * clerk, counter and service of its ticket as they were when it was given; the link to a dossier goes
 * through the ticket (ticket.dossier_id for check-in tickets, dossier.ticket_id for the intake ticket).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // 5 levels (Rất hài lòng … Rất không hài lòng) or 3 (Hài lòng, Bình thường, Không hài lòng)
  await sql`ALTER TABLE center ADD COLUMN rating_scale smallint NOT NULL DEFAULT 5
    CONSTRAINT center_rating_scale_values CHECK (rating_scale IN (3, 5))`.execute(db)

  await sql`
    CREATE TABLE rating (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      ticket_id uuid NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      service_id uuid NOT NULL REFERENCES service(id),
      counter_id uuid REFERENCES counter(id),
      staff_id uuid REFERENCES staff(id),
      -- the scale shown to the citizen; score 1 (worst) … scale (best)
      scale smallint NOT NULL CHECK (scale IN (3, 5)),
      score smallint NOT NULL CHECK (score >= 1 AND score <= scale),
      -- the score on the 5-level axis, so ratings given on either scale add up:
      -- 5 Rất hài lòng, 4 Hài lòng, 3 Bình thường, 2 Không hài lòng, 1 Rất không hài lòng (a 3-scale score s is s + 1)
      level smallint GENERATED ALWAYS AS (CASE WHEN scale = 3 THEN score + 1 ELSE score END) STORED,
      reasons text[] NOT NULL DEFAULT '{}' CHECK (cardinality(reasons) <= 10),
      comment text CHECK (char_length(comment) <= 500),
      -- where it was given: the citizen's phone or the tablet at the counter
      channel text NOT NULL CHECK (channel IN ('phone', 'counter')),
      created_at timestamptz NOT NULL,
      CONSTRAINT rating_one_per_ticket UNIQUE (ticket_id)
    )`.execute(db)
  // reports: a center's ratings in a period. The other tables they read are already indexed for it:
  // ticket (center_id, service_day, status), ticket_event (center_id, at), counter_event (counter_id, at);
  // no index is added to the event tables, whose inserts are on the queue's hot path.
  await sql`CREATE INDEX rating_center_created ON rating (center_id, created_at)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS rating`.execute(db)
  await sql`ALTER TABLE center DROP COLUMN IF EXISTS rating_scale`.execute(db)
}
