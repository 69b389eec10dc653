// Frozen once landed: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * Issue 24 (notifications): citizens who asked to be told, by web push, SMS or Zalo, about their ticket
 * or dossier, and the triggers that queue those messages in the one outbox (migration 0018) in the same
 * transaction as the change that causes them.
 *
 * `notify_subscription` is one citizen's request for one ticket or one dossier on one channel, with the
 * moment consent was given (Decree 13/2023: a phone number is used for messages only after the citizen
 * ticked it) and where. A delivery of the outbox names it (`notify_id`) with an idempotency key
 * (`idem_key`, unique per subscription): a message is queued at most once per key, whatever retries.
 * The triggers first check, with one index probe, that the center has an active subscription at all:
 * with none, a kiosk tap writes nothing more.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE notify_subscription (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      ticket_id uuid REFERENCES ticket(id) ON DELETE CASCADE,
      dossier_id uuid REFERENCES dossier(id) ON DELETE CASCADE,
      channel text NOT NULL CHECK (channel IN ('push', 'sms', 'zalo')),
      endpoint text,
      p256dh text,
      auth text,
      phone text,
      lang text NOT NULL DEFAULT 'vi' CHECK (lang IN ('vi', 'en')),
      consent_at timestamptz NOT NULL,
      consent_source text NOT NULL CHECK (consent_source IN ('ticket_page', 'lookup', 'filing')),
      ahead_sent boolean NOT NULL DEFAULT false,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((ticket_id IS NULL) <> (dossier_id IS NULL)),
      CHECK (CASE WHEN channel = 'push' THEN endpoint IS NOT NULL AND p256dh IS NOT NULL AND auth IS NOT NULL AND phone IS NULL
                  ELSE phone IS NOT NULL AND endpoint IS NULL END)
    )`.execute(db)
  await sql`CREATE UNIQUE INDEX notify_subscription_target ON notify_subscription (coalesce(ticket_id, dossier_id), channel, coalesce(endpoint, phone))`.execute(db)
  await sql`CREATE INDEX notify_subscription_center_tickets ON notify_subscription (center_id) WHERE active AND ticket_id IS NOT NULL`.execute(db)
  await sql`CREATE INDEX notify_subscription_ticket ON notify_subscription (ticket_id) WHERE active`.execute(db)
  await sql`CREATE INDEX notify_subscription_dossier ON notify_subscription (dossier_id) WHERE active`.execute(db)

  await sql`ALTER TABLE outbox_delivery ADD COLUMN notify_id uuid REFERENCES notify_subscription(id) ON DELETE CASCADE`.execute(db)
  await sql`ALTER TABLE outbox_delivery ADD COLUMN idem_key text`.execute(db)
  await sql`CREATE UNIQUE INDEX outbox_delivery_notify_key ON outbox_delivery (notify_id, idem_key) WHERE notify_id IS NOT NULL`.execute(db)
  await sql`CREATE INDEX outbox_delivery_notify_stream ON outbox_delivery (notify_id, stream, event_id) WHERE status = 'pending' AND notify_id IS NOT NULL`.execute(db)
  await sql`CREATE INDEX outbox_delivery_notify_recent ON outbox_delivery (id DESC) WHERE notify_id IS NOT NULL`.execute(db)

  // one fact, a delivery per active subscription of the ticket or dossier (none twice for one key)
  await sql`
    CREATE FUNCTION notify_write(p_center uuid, p_kind text, p_stream text, p_at timestamptz, p_data jsonb, p_key text,
      p_ticket uuid, p_dossier uuid, p_only uuid) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE ev bigint;
    BEGIN
      INSERT INTO outbox_event (center_id, kind, stream, occurred_at, data)
        VALUES (p_center, p_kind, p_stream, p_at, p_data) RETURNING id INTO ev;
      INSERT INTO outbox_delivery (event_id, channel, notify_id, stream, idem_key)
        SELECT ev, s.channel, s.id, p_stream, p_key FROM notify_subscription s
        WHERE s.active AND (p_only IS NULL OR s.id = p_only)
          AND (s.ticket_id = p_ticket OR s.dossier_id = p_dossier)
        ON CONFLICT (notify_id, idem_key) WHERE notify_id IS NOT NULL DO NOTHING;
    END
    $$`.execute(db)

  await sql`
    CREATE FUNCTION notify_ticket_event() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE x record; s record; n integer; ce record;
    BEGIN
      -- an issue (from_status NULL) or a change between non-waiting states moves nobody's place
      IF NEW.to_status <> 'called' AND NEW.from_status IS DISTINCT FROM 'waiting' AND NEW.to_status NOT IN ('done', 'no_show', 'cancelled', 'transferred', 'expired') THEN RETURN NULL; END IF;
      IF NOT EXISTS (SELECT 1 FROM notify_subscription WHERE center_id = NEW.center_id AND active AND ticket_id IS NOT NULL) THEN RETURN NULL; END IF;
      SELECT name, name_en INTO ce FROM center WHERE id = NEW.center_id;
      SELECT tk.id, tk.code, tk.service_id, tk.service_day INTO x FROM ticket tk WHERE tk.id = NEW.ticket_id;
      IF NEW.to_status = 'called' AND EXISTS (SELECT 1 FROM notify_subscription WHERE ticket_id = NEW.ticket_id AND active) THEN
        PERFORM notify_write(NEW.center_id, 'ticket.called', 'ticket:' || NEW.ticket_id, NEW.at, jsonb_build_object('code', x.code,
          'counterNumber', (SELECT number FROM counter WHERE id = NEW.counter_id), 'center', ce.name, 'centerEn', ce.name_en),
          'ticket.called:' || NEW.id, NEW.ticket_id, NULL, NULL);
      END IF;
      IF NEW.from_status = 'waiting' THEN
        -- the tickets behind it moved up: who of them asked, and now has 3 or fewer ahead (told once)
        FOR s IN SELECT ns.id, tk.id AS ticket_id, tk.code, tk.queue_at, tk.issued_at, tk.number
          FROM notify_subscription ns JOIN ticket tk ON tk.id = ns.ticket_id
          WHERE ns.center_id = NEW.center_id AND ns.active AND NOT ns.ahead_sent AND ns.ticket_id IS NOT NULL
            AND tk.status = 'waiting' AND tk.service_id = x.service_id AND tk.service_day = x.service_day
        LOOP
          SELECT count(*) INTO n FROM ticket a WHERE a.service_id = x.service_id AND a.service_day = x.service_day AND a.status = 'waiting'
            AND (a.queue_at, a.issued_at, a.number, a.id) < (s.queue_at, s.issued_at, s.number, s.ticket_id);
          IF n <= 3 THEN
            UPDATE notify_subscription SET ahead_sent = true WHERE id = s.id;
            PERFORM notify_write(NEW.center_id, 'ticket.ahead', 'ticket:' || s.ticket_id, NEW.at, jsonb_build_object('code', s.code,
              'ahead', n, 'center', ce.name, 'centerEn', ce.name_en), 'ticket.ahead', s.ticket_id, NULL, s.id);
          END IF;
        END LOOP;
      END IF;
      IF NEW.to_status IN ('done', 'no_show', 'cancelled', 'transferred', 'expired') THEN
        UPDATE notify_subscription SET active = false WHERE ticket_id = NEW.ticket_id AND active;
      END IF;
      RETURN NULL;
    END
    $$`.execute(db)
  await sql`CREATE TRIGGER notify_ticket_event AFTER INSERT ON ticket_event FOR EACH ROW EXECUTE FUNCTION notify_ticket_event()`.execute(db)

  await sql`
    CREATE FUNCTION notify_dossier_event() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE k text; d record;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM notify_subscription WHERE dossier_id = NEW.dossier_id AND active) THEN RETURN NULL; END IF;
      SELECT x.code, x.due_at, c.name, c.name_en, c.time_zone INTO d FROM dossier x JOIN center c ON c.id = x.center_id WHERE x.id = NEW.dossier_id;
      k := CASE WHEN NEW.type = 'extended' THEN 'dossier.extended'
                WHEN NEW.to_status = 'needs_supplement' AND NEW.from_status IS DISTINCT FROM 'needs_supplement' THEN 'dossier.supplement'
                WHEN NEW.to_status = 'ready' AND NEW.from_status IS DISTINCT FROM 'ready' THEN
                  CASE WHEN d.due_at IS NOT NULL AND (NEW.at AT TIME ZONE d.time_zone)::date < (d.due_at AT TIME ZONE d.time_zone)::date
                    THEN 'dossier.ready_early' ELSE 'dossier.ready' END END;
      IF k IS NOT NULL THEN
        PERFORM notify_write(NEW.center_id, k, 'dossier:' || NEW.dossier_id, NEW.at, jsonb_build_object('code', d.code,
          'center', d.name, 'centerEn', d.name_en), k || ':' || NEW.id, NULL, NEW.dossier_id, NULL);
      END IF;
      IF NEW.to_status IN ('returned', 'rejected', 'withdrawn', 'stopped', 'closed_incomplete') THEN
        UPDATE notify_subscription SET active = false WHERE dossier_id = NEW.dossier_id AND active;
      END IF;
      RETURN NULL;
    END
    $$`.execute(db)
  await sql`CREATE TRIGGER notify_dossier_event AFTER INSERT ON dossier_event FOR EACH ROW EXECUTE FUNCTION notify_dossier_event()`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS notify_dossier_event ON dossier_event`.execute(db)
  await sql`DROP TRIGGER IF EXISTS notify_ticket_event ON ticket_event`.execute(db)
  await sql`DROP FUNCTION IF EXISTS notify_dossier_event(), notify_ticket_event(),
    notify_write(uuid, text, text, timestamptz, jsonb, text, uuid, uuid, uuid)`.execute(db)
  await sql`DELETE FROM outbox_delivery WHERE notify_id IS NOT NULL`.execute(db)
  await sql`ALTER TABLE outbox_delivery DROP COLUMN IF EXISTS idem_key, DROP COLUMN IF EXISTS notify_id`.execute(db)
  await sql`DROP TABLE IF EXISTS notify_subscription`.execute(db)
}
