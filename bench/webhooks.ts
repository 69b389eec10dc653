/**
 * (Webhooks) The outbox's delivery lag and throughput (W6, issue 25), on PostgreSQL: 1,000 ticket
 * events queued while no worker runs (one statement writes 1,000 tickets and their `issued` events; the
 * trigger writes the outbox), then one worker drains them to a local receiver; then events written at
 * a steady rate while the worker runs, timed from the event's commit to the receiver. `npm run bench -- webhooks`.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'kysely'
import { pino } from 'pino'
import { createDb, type DbHandle } from '../db/create-db.js'
import { migrateToLatest } from '../db/migrate.js'
import { seedDemo } from '../db/seed-demo.js'
import { hashPassword } from '../server/auth/auth.service.js'
import { OutboxWorker } from '../server/outbox/outbox.worker.js'
import { BENCH_PASSWORD } from './fixtures.js'
import { dropDatabase, fmt, freshDatabase, header, percentile, sleep, writeSection } from './lib.js'

const QUEUED = 1_000
const RATE_PER_S = 50
const RATE_SECONDS = 4

/** `n` tickets of service A on a far service day, with their `issued` events at the statement's clock time. */
async function issueMany(h: DbHandle, center: string, service: string, from: number, n: number) {
  await sql`
    WITH t AS (
      INSERT INTO ticket (center_id, service_id, service_day, number, code, queue_at, issued_at)
      SELECT ${center}::uuid, ${service}::uuid, '2030-01-07'::date, g, 'A' || g, clock_timestamp(), clock_timestamp()
      FROM generate_series(${from}::int, ${from + n - 1}::int) g RETURNING id, center_id, issued_at)
    INSERT INTO ticket_event (ticket_id, center_id, type, from_status, to_status, at)
    SELECT id, center_id, 'issued', NULL, 'waiting', clock_timestamp() FROM t`.execute(h.db)
}

export async function webhooksBench() {
  const url = await freshDatabase('motcua_bench_webhooks')
  const h = await createDb({ databaseUrl: url, poolMax: 10 })
  const received: { at: number; occurredAt: number; id: string }[] = []
  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (c: Buffer) => { raw += c.toString() })
    req.on('end', () => {
      const b = JSON.parse(raw) as { id: string; occurredAt: string }
      received.push({ at: Date.now(), occurredAt: Date.parse(b.occurredAt), id: b.id })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  try {
    await migrateToLatest(h.db)
    await seedDemo(h.db, hashPassword, BENCH_PASSWORD)
    const center = (await h.db.selectFrom('center').select('id').where('slug', '=', 'na-sang').executeTakeFirstOrThrow()).id
    const service = (await h.db.selectFrom('service').select('id').where('center_id', '=', center).where('prefix', '=', 'A').executeTakeFirstOrThrow()).id
    await h.db.insertInto('webhook_subscription').values({ center_id: center, allow_private: true, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
      events: ['ticket.issued'], secret: 'whsec_bench' }).execute()

    // 1. a backlog: 1,000 events queued, then one worker drains them
    const tWrite = performance.now()
    await issueMany(h, center, service, 1, QUEUED)
    const writeMs = performance.now() - tWrite
    const worker = new OutboxWorker(h.db, pino({ level: 'silent' }), { pollMs: 100 })
    const t0 = Date.now()
    worker.start()
    while (received.length < QUEUED) await sleep(10)
    const drainMs = Date.now() - t0
    const perS = QUEUED / (drainMs / 1000)

    // 2. live: RATE_PER_S events a second while the worker runs (pollMs 100, and the default 1,000)
    const live: Record<number, number[]> = {}
    let next = QUEUED + 1
    for (const pollMs of [100, 1_000]) {
      ;(worker.options as { pollMs: number }).pollMs = pollMs
      const before = received.length
      for (let s = 0; s < RATE_SECONDS * 10; s++) {
        await issueMany(h, center, service, next, RATE_PER_S / 10)
        next += RATE_PER_S / 10
        await sleep(100)
      }
      const want = before + RATE_PER_S * RATE_SECONDS
      while (received.length < want) await sleep(10)
      live[pollMs] = received.slice(before, want).map((r) => r.at - r.occurredAt).sort((a, b) => a - b)
    }
    await worker.stop()

    // 3. what the trigger costs a tap when no webhook is configured: one-ticket statements, A/B with the trigger disabled
    await h.db.deleteFrom('webhook_subscription').execute()
    const tap: Record<string, number[]> = { on: [], off: [] }
    for (let round = 0; round < 4; round++) {
      for (const mode of round % 2 ? ['off', 'on'] : ['on', 'off']) {
        await sql.raw(`ALTER TABLE ticket_event ${mode === 'on' ? 'ENABLE' : 'DISABLE'} TRIGGER outbox_ticket_event`).execute(h.db)
        for (let i = 0; i < 100; i++) {
          const t = performance.now()
          await issueMany(h, center, service, next++, 1)
          tap[mode]!.push(performance.now() - t)
        }
      }
    }
    await sql`ALTER TABLE ticket_event ENABLE TRIGGER outbox_ticket_event`.execute(h.db)
    for (const k of ['on', 'off']) tap[k]!.sort((a, b) => a - b)
    const dup = received.length - new Set(received.map((r) => r.id)).size

    const lines = [
      header(`Webhooks: ${QUEUED.toLocaleString('en')} events queued, then live`, 'npm run bench -- webhooks'),
      `- Receiver: node:http on 127.0.0.1 answering 204 at once; one worker (OutboxWorker, batch 50, one POST per stream at a time; each event its own ticket, so its own stream).`,
      `- Queued: one statement wrote ${QUEUED.toLocaleString('en')} tickets and their events, the trigger their outbox rows: **${fmt(writeMs, 0)} ms**.`,
      `- Drained by one worker: **${fmt(drainMs, 0)} ms, ${fmt(perS, 0)} events/s** (signed, POSTed, marked delivered).`,
      `- Live, ${RATE_PER_S} events/s for ${RATE_SECONDS} s, lag from the event's time to the receiver:`,
      '',
      '| worker pollMs | p50 ms | p95 ms | max ms |',
      '|---|---|---|---|',
      ...[100, 1_000].map((p) => `| ${p} | ${fmt(percentile(live[p]!, 50), 0)} | ${fmt(percentile(live[p]!, 95), 0)} | ${fmt(live[p]!.at(-1)!, 0)} |`),
      '',
      `- A ticket's statement with no webhook configured (400 one-ticket statements each way, alternated): p50 **${fmt(percentile(tap.on!, 50), 2)} ms** with the trigger, ${fmt(percentile(tap.off!, 50), 2)} ms with it disabled (p95 ${fmt(percentile(tap.on!, 95), 2)} / ${fmt(percentile(tap.off!, 95), 2)} ms).`,
      `- Duplicates received: ${dup}. The lag is mostly the poll: an idle worker looks every pollMs (default 1,000 ms), a busy one at once.`,
    ]
    writeSection('webhooks', lines.join('\n'))
    return { drainMs, perS: Math.round(perS), p50_100: percentile(live[100]!, 50), p50_1000: percentile(live[1000]!, 50) }
  } finally {
    server.closeAllConnections()
    server.close()
    await h.close()
    await dropDatabase(url)
  }
}
