// Frozen once landed: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * The number of waiting tickets per service and service day, kept by PostgreSQL itself: every insert,
 * status change (or service/day change) and delete of a ticket adjusts its row, whatever code made the
 * change. The queue's waiting counts (board, `queue:changed`, estimates, positions) read one row instead
 * of counting the queue, which grew with its length (a scan of 100,000 rows took 25 ms). Also an index
 * the ticket view needed (below).
 *
 * The triggers are constraint triggers, DEFERRABLE INITIALLY DEFERRED: they run at COMMIT, after the
 * transaction's other locks, the center's `center_board_seq` row included. Every transaction that moves
 * a ticket in or out of `waiting` also bumps that row (its events carry a seq), so two of them never race
 * for count rows in opposite orders, and the count row's lock is held only for the commit itself: no
 * longer queue on the issue path, nor among counters calling next.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE queue_count (
      service_id uuid NOT NULL REFERENCES service(id) ON DELETE CASCADE,
      service_day date NOT NULL,
      waiting integer NOT NULL DEFAULT 0,
      PRIMARY KEY (service_id, service_day)
    )`.execute(db)

  await sql`
    CREATE FUNCTION queue_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'waiting' THEN
        UPDATE queue_count SET waiting = waiting - 1
          WHERE service_id = OLD.service_id AND service_day = OLD.service_day;
      END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'waiting' THEN
        INSERT INTO queue_count AS q (service_id, service_day, waiting) VALUES (NEW.service_id, NEW.service_day, 1)
          ON CONFLICT (service_id, service_day) DO UPDATE SET waiting = q.waiting + 1;
      END IF;
      RETURN NULL;
    END
    $$`.execute(db)

  await sql`
    CREATE CONSTRAINT TRIGGER queue_count_insert AFTER INSERT ON ticket
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      WHEN (NEW.status = 'waiting') EXECUTE FUNCTION queue_count_apply()`.execute(db)
  await sql`
    CREATE CONSTRAINT TRIGGER queue_count_update AFTER UPDATE OF status, service_id, service_day ON ticket
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      WHEN ((OLD.status = 'waiting' OR NEW.status = 'waiting')
        AND (OLD.status, OLD.service_id, OLD.service_day) IS DISTINCT FROM (NEW.status, NEW.service_id, NEW.service_day))
      EXECUTE FUNCTION queue_count_apply()`.execute(db)
  await sql`
    CREATE CONSTRAINT TRIGGER queue_count_delete AFTER DELETE ON ticket
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      WHEN (OLD.status = 'waiting') EXECUTE FUNCTION queue_count_apply()`.execute(db)

  // A ticket's view names the ticket it was transferred to (`LEFT JOIN ticket next ON next.transferred_from_id
  // = ticket.id`): without an index every view, the one call-next answers with included, read the whole table.
  await sql`CREATE INDEX ticket_transferred_from ON ticket (transferred_from_id) WHERE transferred_from_id IS NOT NULL`.execute(db)

  // The tickets already there (the triggers above hold the table's lock until this migration commits).
  await sql`
    INSERT INTO queue_count (service_id, service_day, waiting)
    SELECT service_id, service_day, count(*)::int FROM ticket WHERE status = 'waiting' GROUP BY service_id, service_day`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS ticket_transferred_from`.execute(db)
  await sql`DROP TRIGGER IF EXISTS queue_count_insert ON ticket`.execute(db)
  await sql`DROP TRIGGER IF EXISTS queue_count_update ON ticket`.execute(db)
  await sql`DROP TRIGGER IF EXISTS queue_count_delete ON ticket`.execute(db)
  await sql`DROP FUNCTION IF EXISTS queue_count_apply()`.execute(db)
  await sql`DROP TABLE IF EXISTS queue_count`.execute(db)
}
