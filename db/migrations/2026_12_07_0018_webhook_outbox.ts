// Frozen once landed: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * W6 (issue 25, "Outbound"): the durable outbox and the centers' webhook subscriptions.
 *
 * Every change of a center already writes an event row in its own transaction (ticket_event,
 * dossier_event, counter_event, rating). AFTER INSERT triggers on those tables write the outbox rows
 * in that same transaction, so no code path can forget one and the kiosk's tap stays one statement.
 * Each trigger first asks whether an active subscription of the center wants that kind of event (an
 * index probe): with no webhook configured nothing is written.
 *
 * `outbox_event` is the fact (kind, stream, data; `personal` holds the personal data, sent only to a
 * subscription that allows it); `outbox_delivery` is one consumer's copy of it, with its lease, retries
 * and outcome. `channel` names the consumer: 'webhook' here; the citizens' notifications (appointments
 * issue) add their own channel and target columns and reuse the table, the lease and the worker.
 * `stream` ('ticket:<id>', 'dossier:<id>', 'counter:<id>') is the order unit: a delivery waits for the
 * earlier pending ones of its subscription and stream. Ids of one stream grow in commit order, since
 * every change of a ticket, dossier or counter locks its row before it writes its event.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE webhook_subscription (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      url text NOT NULL,
      events text[] NOT NULL,
      secret text NOT NULL,
      personal_data boolean NOT NULL DEFAULT false,
      allow_http boolean NOT NULL DEFAULT false,
      active boolean NOT NULL DEFAULT true,
      created_by uuid REFERENCES staff(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX webhook_subscription_center ON webhook_subscription (center_id) WHERE active`.execute(db)

  await sql`
    CREATE TABLE outbox_event (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      uid uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      kind text NOT NULL,
      stream text NOT NULL,
      occurred_at timestamptz NOT NULL,
      data jsonb NOT NULL,
      personal jsonb,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`.execute(db)
  await sql`
    CREATE TABLE outbox_delivery (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      event_id bigint NOT NULL REFERENCES outbox_event(id) ON DELETE CASCADE,
      channel text NOT NULL DEFAULT 'webhook',
      subscription_id uuid REFERENCES webhook_subscription(id) ON DELETE CASCADE,
      stream text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      lease_until timestamptz,
      lease_owner text,
      last_status integer,
      last_error text,
      last_attempt_at timestamptz,
      delivered_at timestamptz,
      UNIQUE (event_id, subscription_id)
    )`.execute(db)
  await sql`CREATE INDEX outbox_delivery_due ON outbox_delivery (next_at) WHERE status = 'pending'`.execute(db)
  await sql`CREATE INDEX outbox_delivery_stream ON outbox_delivery (subscription_id, stream, event_id) WHERE status = 'pending'`.execute(db)
  await sql`CREATE INDEX outbox_delivery_subscription ON outbox_delivery (subscription_id, id DESC)`.execute(db)

  await sql`
    CREATE FUNCTION outbox_wanted(p_center uuid, p_kind text) RETURNS boolean LANGUAGE sql STABLE AS $$
      SELECT EXISTS (SELECT 1 FROM webhook_subscription WHERE center_id = p_center AND active AND p_kind = ANY(events))
    $$`.execute(db)
  await sql`
    CREATE FUNCTION outbox_write(p_center uuid, p_kind text, p_stream text, p_at timestamptz, p_data jsonb, p_personal jsonb)
    RETURNS void LANGUAGE plpgsql AS $$
    DECLARE ev bigint;
    BEGIN
      INSERT INTO outbox_event (center_id, kind, stream, occurred_at, data, personal)
        VALUES (p_center, p_kind, p_stream, p_at, p_data, p_personal) RETURNING id INTO ev;
      INSERT INTO outbox_delivery (event_id, subscription_id, stream)
        SELECT ev, id, p_stream FROM webhook_subscription WHERE center_id = p_center AND active AND p_kind = ANY(events);
    END
    $$`.execute(db)

  await sql`
    CREATE FUNCTION outbox_ticket_event() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE k text; t record;
    BEGIN
      k := CASE WHEN NEW.from_status IS NULL THEN 'ticket.issued'
                WHEN NEW.to_status = 'called' THEN 'ticket.called'
                WHEN NEW.to_status IN ('done', 'no_show', 'cancelled', 'transferred', 'expired') THEN 'ticket.finished' END;
      IF k IS NULL OR NOT outbox_wanted(NEW.center_id, k) THEN RETURN NULL; END IF;
      SELECT tk.code, tk.service_id, tk.service_day, tk.priority_group_id IS NOT NULL AS priority, c.number AS counter_number INTO t
        FROM ticket tk LEFT JOIN counter c ON c.id = NEW.counter_id WHERE tk.id = NEW.ticket_id;
      PERFORM outbox_write(NEW.center_id, k, 'ticket:' || NEW.ticket_id, NEW.at, jsonb_build_object(
        'ticketId', NEW.ticket_id, 'code', t.code, 'serviceId', t.service_id, 'serviceDay', t.service_day, 'priority', t.priority,
        'change', NEW.type, 'from', NEW.from_status, 'to', NEW.to_status, 'counterId', NEW.counter_id, 'counterNumber', t.counter_number,
        'staffId', NEW.staff_id), NULL);
      RETURN NULL;
    END
    $$`.execute(db)
  await sql`CREATE TRIGGER outbox_ticket_event AFTER INSERT ON ticket_event FOR EACH ROW EXECUTE FUNCTION outbox_ticket_event()`.execute(db)

  await sql`
    CREATE FUNCTION outbox_dossier_event() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE k text; d record;
    BEGIN
      k := CASE WHEN NEW.to_status = 'received' AND NEW.from_status IS DISTINCT FROM 'received' THEN 'dossier.received'
                WHEN NEW.to_status = 'ready' AND NEW.from_status IS DISTINCT FROM 'ready' THEN 'dossier.ready'
                WHEN NEW.to_status = 'returned' AND NEW.from_status IS DISTINCT FROM 'returned' THEN 'dossier.returned'
                ELSE 'dossier.status_changed' END;
      IF NOT outbox_wanted(NEW.center_id, k) THEN RETURN NULL; END IF;
      SELECT x.code, x.channel, x.procedure_id, p.national_code, x.due_at, x.applicant_name, x.applicant_phone, x.applicant_address INTO d
        FROM dossier x JOIN procedure p ON p.id = x.procedure_id WHERE x.id = NEW.dossier_id;
      PERFORM outbox_write(NEW.center_id, k, 'dossier:' || NEW.dossier_id, NEW.at, jsonb_build_object(
        'dossierId', NEW.dossier_id, 'code', d.code, 'channel', d.channel, 'procedureId', d.procedure_id, 'nationalCode', d.national_code,
        'change', NEW.type, 'from', NEW.from_status, 'to', NEW.to_status, 'dueAt', d.due_at, 'note', NEW.note, 'staffId', NEW.staff_id),
        jsonb_build_object('applicantName', d.applicant_name, 'applicantPhone', d.applicant_phone, 'applicantAddress', d.applicant_address));
      RETURN NULL;
    END
    $$`.execute(db)
  await sql`CREATE TRIGGER outbox_dossier_event AFTER INSERT ON dossier_event FOR EACH ROW EXECUTE FUNCTION outbox_dossier_event()`.execute(db)

  await sql`
    CREATE FUNCTION outbox_counter_event() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE k text; c record;
    BEGIN
      k := CASE NEW.type WHEN 'open' THEN 'counter.opened' WHEN 'close' THEN 'counter.closed' END;
      IF k IS NULL THEN RETURN NULL; END IF;
      SELECT center_id, number INTO c FROM counter WHERE id = NEW.counter_id;
      IF NOT outbox_wanted(c.center_id, k) THEN RETURN NULL; END IF;
      PERFORM outbox_write(c.center_id, k, 'counter:' || NEW.counter_id, NEW.at, jsonb_build_object(
        'counterId', NEW.counter_id, 'counterNumber', c.number, 'staffId', NEW.staff_id), NULL);
      RETURN NULL;
    END
    $$`.execute(db)
  await sql`CREATE TRIGGER outbox_counter_event AFTER INSERT ON counter_event FOR EACH ROW EXECUTE FUNCTION outbox_counter_event()`.execute(db)

  await sql`
    CREATE FUNCTION outbox_rating() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT outbox_wanted(NEW.center_id, 'rating.given') THEN RETURN NULL; END IF;
      PERFORM outbox_write(NEW.center_id, 'rating.given', 'ticket:' || NEW.ticket_id, NEW.created_at, jsonb_build_object(
        'ratingId', NEW.id, 'ticketId', NEW.ticket_id, 'serviceId', NEW.service_id, 'counterId', NEW.counter_id, 'staffId', NEW.staff_id,
        'scale', NEW.scale, 'score', NEW.score, 'level', NEW.level, 'reasons', to_jsonb(NEW.reasons), 'channel', NEW.channel),
        jsonb_build_object('comment', NEW.comment));
      RETURN NULL;
    END
    $$`.execute(db)
  await sql`CREATE TRIGGER outbox_rating AFTER INSERT ON rating FOR EACH ROW EXECUTE FUNCTION outbox_rating()`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS outbox_rating ON rating`.execute(db)
  await sql`DROP TRIGGER IF EXISTS outbox_counter_event ON counter_event`.execute(db)
  await sql`DROP TRIGGER IF EXISTS outbox_dossier_event ON dossier_event`.execute(db)
  await sql`DROP TRIGGER IF EXISTS outbox_ticket_event ON ticket_event`.execute(db)
  await sql`DROP FUNCTION IF EXISTS outbox_rating(), outbox_counter_event(), outbox_dossier_event(), outbox_ticket_event(),
    outbox_write(uuid, text, text, timestamptz, jsonb, jsonb), outbox_wanted(uuid, text)`.execute(db)
  await sql`DROP TABLE IF EXISTS outbox_delivery, outbox_event, webhook_subscription`.execute(db)
}
