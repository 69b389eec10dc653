import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { backends } from './helpers/db.js'
import { nextEvent, startHarness, type Harness } from './helpers/harness.js'
import { addService, issue, issued } from './queue-fixtures.js'
import { AppError } from '../server/errors.js'
import { TRAINS_IN_FLIGHT } from '../server/queue/issue-trains.js'
import { seqsForIssued } from '../server/queue/ticket.repository.js'
import { trainReadStatement } from '../server/queue/estimate.js'
import type { TicketView } from '../common/types.js'

/**
 * Kiosk taps of one center that come while its last train is in flight leave together, in one
 * transaction (server/queue/issue-trains.ts). The taps here are started in one tick through the
 * service itself: the first leaves alone and the others reach the queue while it is in flight.
 */
describe.each(backends)('issue trains on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await startHarness(kind) }, 60_000)
  afterAll(async () => { await h?.close() })

  const trains = () => h.app.queue.trains
  const seq = async () => (await h.handle.db.selectFrom('center_board_seq').select('seq').where('center_id', '=', h.demo.centerId).executeTakeFirstOrThrow()).seq
  const lastNumber = async (serviceId: string) =>
    (await h.handle.db.selectFrom('ticket_number').select('last').where('service_id', '=', serviceId).executeTakeFirst())?.last ?? 0
  /** `n` taps started at once, round the services; each settles to its view or its error code. */
  const burst = (n: number, body: (k: number) => { serviceId: string; requestId?: string }) =>
    Promise.all(Array.from({ length: n }, (_, k) => h.app.queue.issue('na-sang', body(k))
      .catch((e: unknown) => { if (e instanceof AppError) return e.code; throw e })))

  it('taps that come together leave in trains of at most 32, each tap with its own number, seqs and place', async () => {
    const services = [await addService(h), await addService(h), await addService(h)]
    for (const s of services) await issued(h, s.id) // what each checks is now remembered: no read before the train
    const display = h.socket({ center: 'na-sang' })
    await nextEvent(display, 'board:snapshot')
    const shown: { code: string; serviceId: string; seq: number }[] = []
    display.on('ticket:issued', (e) => shown.push({ code: e.ticket.code, serviceId: e.ticket.serviceId, seq: e.seq }))
    const [sent, seq0] = [trains().sent, await seq()]
    const got = await burst(45, (k) => ({ serviceId: services[k % 3]!.id })) as TicketView[]
    // the first alone, the 44 that came meanwhile in two (32 at most to a train)
    expect(trains().sent - sent).toBeGreaterThanOrEqual(3)
    expect(trains().sent - sent).toBeLessThanOrEqual(4)
    expect(await seq() - seq0).toBe(90)
    // the wall screen: every ticket once, in seq order, each ticket:issued on a seq of its own (its
    // queue:changed on the next), and a service's tickets in number order
    for (let i = 0; i < 100 && shown.length < 45; i++) await new Promise((r) => setTimeout(r, 20))
    display.disconnect()
    expect(shown.map((e) => e.seq)).toEqual(Array.from({ length: 45 }, (_, k) => seq0 + 1 + 2 * k))
    expect(new Set(shown.map((e) => e.code)).size).toBe(45)
    for (const s of services) {
      const codes = shown.filter((e) => e.serviceId === s.id).map((e) => e.code)
      expect(codes).toHaveLength(15)
      expect(codes).toEqual([...codes].sort())
    }
    for (const s of services) {
      const mine = got.filter((t) => t.serviceId === s.id)
      expect(mine.map((t) => t.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, k) => k + 2))
      expect(await lastNumber(s.id)).toBe(16)
    }
    // each answer's place is the one the ticket has (nothing was called since): a read of the train
    // sees the tickets after its own, which are behind it
    for (const t of got) {
      expect(t).toMatchObject({ status: 'waiting', ahead: t.number - 1, position: t.number })
      const now = (await h.http.get(`/api/tickets/${t.id}`)).body.ticket as TicketView
      expect(now).toMatchObject({ ahead: t.ahead, estimatedWaitMinutes: t.estimatedWaitMinutes, code: t.code })
    }
  })

  it('one tap’s error stays its own: a used request id answers its first ticket, the rest of its train is issued, no number used', async () => {
    const s = await addService(h)
    const first = await issued(h, s.id, { requestId: 'kiosk-7-tap-1' })
    const [split, seq0] = [trains().split, await seq()]
    const got = await burst(8, (k) => ({ serviceId: s.id, requestId: k === 4 ? 'kiosk-7-tap-1' : `kiosk-7-tap-burst-${k}` })) as TicketView[]
    // the retry rode in a train with others: the train failed, its taps went again one by one
    expect(trains().split - split).toBe(1)
    expect(got[4]!.id).toBe(first.id)
    expect(got.filter((_, k) => k !== 4).map((t) => t.number).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8])
    expect(await lastNumber(s.id)).toBe(8)
    expect(await seq() - seq0).toBe(14)
  })

  it('capped taps in a train are refused and take neither a number nor a seq', async () => {
    const s = await addService(h, { dailyCap: 4 })
    await issued(h, s.id)
    const seq0 = await seq()
    const got = await burst(8, () => ({ serviceId: s.id }))
    expect(got.filter((t) => t === 'DAILY_CAP_REACHED')).toHaveLength(5)
    expect(got.filter((t): t is TicketView => typeof t === 'object').map((t) => t.number).sort()).toEqual([2, 3, 4])
    expect(await lastNumber(s.id)).toBe(4)
    expect(await seq() - seq0).toBe(6)
  })

  it('a train on rows changed since they were checked writes nothing for those taps; each is checked again and issued', async () => {
    const s = await addService(h)
    await issued(h, s.id)
    await sql`UPDATE service SET name_vi = name_vi WHERE id = ${s.id}`.execute(h.handle.db)
    const seq0 = await seq()
    const got = await burst(10, () => ({ serviceId: s.id })) as TicketView[]
    expect(got.map((t) => t.number).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    expect(await seq() - seq0).toBe(20)
  })

  it('a train’s seq statement and read find its tickets by primary key in their generic plans, even on a small new table', async () => {
    // A connection makes its generic plan of a statement after five runs and keeps it; made while the
    // ticket table is small and unanalysed (a new database; CI's cluster runs without autovacuum), a plan
    // that scans the table gets slower with every ticket issued afterwards. The harness's table is such.
    const stats = await sql<{ reltuples: number }>`SELECT reltuples FROM pg_class WHERE oid = 'ticket'::regclass`.execute(h.handle.db)
    expect(Number(stats.rows[0]!.reltuples)).toBeLessThan(0) // never analysed (with statistics, PostgreSQL plans from them)
    const s = await addService(h)
    const tickets = [await issued(h, s.id), await issued(h, s.id)]
    const day = tickets[0]!.serviceDay
    const statements = [
      seqsForIssued(h.handle.db, h.demo.centerId, tickets.map((t) => t.id), 2),
      trainReadStatement(h.handle.db, h.demo.centerId, day, new Date(), tickets.map((t) => ({ serviceId: s.id, ticketId: t.id }))),
    ]
    // EXPLAIN EXECUTE takes no bound parameters (a utility statement): the values go in as literals
    const literal = (v: unknown) => Array.isArray(v) ? `'{${v.join(',')}}'` : v instanceof Date ? `'${v.toISOString()}'` : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`
    await h.handle.db.connection().execute(async (c) => {
      await sql`SET plan_cache_mode = force_generic_plan`.execute(c)
      try {
        for (const [k, q] of statements.entries()) {
          await sql.raw(`PREPARE train_plan_${k} AS ${q.sql}`).execute(c)
          const plan = (await sql.raw<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE train_plan_${k}(${q.parameters.map(literal).join(', ')})`).execute(c)).rows.map((r) => r['QUERY PLAN']).join('\n')
          await sql.raw(`DEALLOCATE train_plan_${k}`).execute(c)
          expect(plan).toMatch(/ticket_pkey on ticket/)
          expect(plan).not.toMatch(/Seq Scan on ticket\b/)
        }
      } finally {
        await sql`RESET plan_cache_mode`.execute(c)
      }
    })
  })

  it('a train that crosses midnight reads each tap on its own service day: numbers, places and figures of that day', async () => {
    // open around the clock on Monday and Tuesday (the clock stands at Monday 09:00 until told)
    const hours = JSON.stringify({ 1: [['00:00', '23:59']], 2: [['00:00', '23:59']] })
    await sql`UPDATE center SET opening_hours = ${hours}::jsonb, ticket_cutoff = NULL WHERE id = ${h.demo.centerId}`.execute(h.handle.db)
    const s = await addService(h)
    h.clock.set('2026-11-23T23:58:00+07:00')
    await issued(h, s.id) // what it checks is now remembered
    // Both days' calendars are read now (an entry holds for 60 s of the clock): a tap that had to read
    // one would reach the trains only after the first train came back. The clock then steps back to
    // before Monday's closing (23:59) for Monday's taps.
    h.clock.set('2026-11-23T23:59:30+07:00')
    const center = await h.handle.db.selectFrom('center').selectAll().where('id', '=', h.demo.centerId).executeTakeFirstOrThrow()
    for (const day of ['2026-11-23', '2026-11-24']) await h.app.queue.onDay(center, day)
    h.clock.set('2026-11-23T23:58:50+07:00')
    const display = h.socket({ center: 'na-sang' })
    await nextEvent(display, 'board:snapshot')
    const waiting: number[] = [] // the service's waiting count in each queue:changed, in seq order
    display.on('queue:changed', (e) => { const f = e.services.find((x) => x.id === s.id); if (f) waiting.push(f.waiting) })
    const sent = trains().sent
    // three taps on Monday's clock, then three on Tuesday's, in one tick: the first leaves alone, the
    // other five in one train with taps of both days
    const taps: Promise<TicketView>[] = []
    for (let k = 0; k < 3; k++) taps.push(h.app.queue.issue('na-sang', { serviceId: s.id }))
    h.clock.set('2026-11-24T00:00:10+07:00')
    for (let k = 0; k < 3; k++) taps.push(h.app.queue.issue('na-sang', { serviceId: s.id }))
    const got = await Promise.all(taps)
    expect(trains().sent - sent).toBe(2)
    // a day's numbers go in the order its taps reached the train
    expect(got.map((t) => t.serviceDay)).toEqual(['2026-11-23', '2026-11-23', '2026-11-23', '2026-11-24', '2026-11-24', '2026-11-24'])
    expect(got.slice(0, 3).map((t) => t.number).sort()).toEqual([2, 3, 4])
    expect(got.slice(3).map((t) => t.number).sort()).toEqual([1, 2, 3])
    // each place in its own day's queue (nothing called): Monday's first ticket and the train's are ahead
    for (const t of got) expect(t).toMatchObject({ status: 'waiting', ahead: t.number - 1 })
    // the wall screen's counts: the first tap's train (Monday: 2 waiting), then the train's Monday
    // tickets with Monday's queue (4), its Tuesday tickets with Tuesday's (3)
    for (let i = 0; i < 100 && waiting.length < 6; i++) await new Promise((r) => setTimeout(r, 20))
    display.disconnect()
    expect(waiting).toEqual([2, 4, 4, 3, 3, 3])
    for (const t of got) {
      const now = (await h.http.get(`/api/tickets/${t.id}`)).body.ticket as TicketView
      expect(now).toMatchObject({ serviceDay: t.serviceDay, ahead: t.ahead, estimatedWaitMinutes: t.estimatedWaitMinutes, code: t.code })
    }
  })
})

describe.each(backends.filter((k) => k === 'postgres'))('a train’s lock order on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await startHarness(kind) }, 60_000)
  afterAll(async () => { await h?.close() })

  /** A connection of the test's own holding these services' number rows (as a transfer or another instance would). */
  const holdNumberRows = async (...serviceIds: string[]) => {
    const x = await h.handle.pool!.connect()
    await x.query('BEGIN')
    for (const id of serviceIds) await x.query('SELECT last FROM ticket_number WHERE service_id = $1 FOR UPDATE', [id])
    return x
  }
  /** Until `n` sessions of the test's database wait on a lock; their pids. */
  const waitingOnLocks = async (n: number) => {
    for (let i = 0; i < 500; i++) {
      const { rows } = await h.handle.pool!.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)
      if (rows.length >= n) return rows.map((r) => r.pid as number)
      await new Promise((r) => setTimeout(r, 10))
    }
    throw new Error(`never ${n} waiting on a lock`)
  }

  it('a train takes its services’ number rows in service order, whatever order its taps came in (two instances’ trains never wait on each other in a circle through them)', async () => {
    const [a, d, b, c] = [await addService(h), await addService(h), await addService(h), await addService(h)]
    const [lo, hi] = [b, c].sort((x, y) => (x.id < y.id ? -1 : 1)) as [typeof b, typeof c]
    for (const s of [a, d, b, c]) await issued(h, s.id)
    const pool = h.handle.pool!
    const holdNumberRow = (serviceId: string) => holdNumberRows(serviceId)
    // a's tap leaves alone and waits on x1 (as d's would: with two trains in flight, it leaves alone too);
    // hi's and lo's taps (in that order) queue behind them and leave in one train
    expect(TRAINS_IN_FLIGHT).toBeLessThanOrEqual(2)
    const x1 = await holdNumberRow(a.id), x2 = await holdNumberRow(lo.id)
    await x1.query('SELECT last FROM ticket_number WHERE service_id = $1 FOR UPDATE', [d.id])
    const taps = [a, d, hi, lo].map((s) => h.app.queue.issue('na-sang', { serviceId: s.id }))
    await waitingOnLocks(TRAINS_IN_FLIGHT)
    await x1.query('COMMIT'); x1.release()
    expect((await taps[0]!).number).toBe(2)
    // the train now waits on lo's row, held by x2: had it taken hi's row first, hi's row would be locked
    await waitingOnLocks(1)
    const probe = await pool.connect()
    let hiFree: boolean
    try {
      await probe.query('BEGIN')
      hiFree = await probe.query('SELECT last FROM ticket_number WHERE service_id = $1 FOR UPDATE NOWAIT', [hi.id]).then(() => true, () => false)
      await probe.query('ROLLBACK')
    } finally {
      probe.release()
      await x2.query('COMMIT'); x2.release()
    }
    expect(hiFree).toBe(true)
    const got = await Promise.all(taps)
    expect(got.map((t) => t.number)).toEqual([2, 2, 2, 2])
  })
  it('a train whose connection is lost on the way is not sent again: its kiosks are told the system is down (503), nothing of it is written', async () => {
    const [a, b, c] = [await addService(h), await addService(h), await addService(h)]
    for (const s of [a, b, c]) await issued(h, s.id)
    const split = h.app.queue.trains.split
    // a's tap leaves alone and waits on x1; b's and c's, sent meanwhile, leave together once it is back
    const x1 = await holdNumberRows(a.id), x2 = await holdNumberRows(b.id, c.id)
    const first = issue(h, a.id)
    const firstAnswer = first.then((r) => r)
    await waitingOnLocks(1)
    const rest = [issue(h, b.id), issue(h, c.id)].map((r) => r.then((x) => x))
    await new Promise((r) => setTimeout(r, 100)) // both reach the queue behind a's train
    await x1.query('COMMIT'); x1.release()
    expect((await firstAnswer).status).toBe(201)
    // the train of b and c waits on x2: its session is ended before it could commit (a lost connection)
    const [pid] = await waitingOnLocks(1)
    await h.handle.pool!.query('SELECT pg_terminate_backend($1)', [pid])
    await x2.query('COMMIT'); x2.release()
    for (const res of await Promise.all(rest)) {
      expect(res.status).toBe(503)
      expect(res.body.error).toEqual({ code: 'DB_UNAVAILABLE', message: 'Hệ thống tạm thời gián đoạn. Vui lòng thử lại sau ít phút.' })
    }
    expect(h.app.queue.trains.split).toBe(split)
    for (const s of [b, c]) {
      const { last } = await h.handle.db.selectFrom('ticket_number').select('last').where('service_id', '=', s.id).executeTakeFirstOrThrow()
      expect(last).toBe(1)
      // the next tap is served (the lost connection left the pool)
      expect((await issued(h, s.id)).number).toBe(2)
    }
  })
})
