// The waiting counts kept by PostgreSQL (queue_count, migration 0006) stay equal to a real COUNT after a
// random mix of issue / call / no-show / hold / resume / transfer / cancel / complete / expire, run
// concurrently; so do the board's counts and every waiting ticket's position.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { holderGet, issued, openLine, type Agent, type Line } from './queue-fixtures.js'

/** mulberry32: the same seed makes the same mix */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const PRIORITY = ['tre-em-duoi-6', 'nguoi-cao-tuoi']

describe.each(backends)('queue counts (%s)', (kind) => {
  let h: Harness
  let lines: Line[]
  let manager: Agent

  beforeAll(async () => {
    h = await startHarness(kind)
    lines = [await openLine(h), await openLine(h), await openLine(h)]
    manager = await h.login('quanly')
  })
  afterAll(async () => { await h?.close() })

  /** (service, day) → waiting, from the maintained rows and from a real COUNT (zero rows left out) */
  async function counts() {
    const kept = await sql<{ k: string; n: number }>`SELECT service_id || ' ' || service_day AS k, waiting AS n FROM queue_count WHERE waiting <> 0 ORDER BY 1`.execute(h.handle.db)
    const real = await sql<{ k: string; n: number }>`SELECT service_id || ' ' || service_day AS k, count(*)::int AS n FROM ticket WHERE status = 'waiting' GROUP BY 1 ORDER BY 1`.execute(h.handle.db)
    return { kept: kept.rows, real: real.rows }
  }

  async function expectExact() {
    const { kept, real } = await counts()
    expect(kept).toEqual(real)
    // what pages see: the board's waiting counts, and each waiting ticket's position in its queue
    const board = (await h.http.get('/api/centers/na-sang/board')).body as { serviceDay: string; services: { id: string; waiting: number }[] }
    const today = new Map(real.filter((r) => r.k.endsWith(board.serviceDay)).map((r) => [r.k.split(' ')[0], r.n]))
    for (const s of board.services) expect([s.id, s.waiting]).toEqual([s.id, today.get(s.id) ?? 0])
    const waiting = await h.handle.db.selectFrom('ticket').select(['id', 'service_id', 'service_day'])
      .where('status', '=', 'waiting').orderBy('queue_at').orderBy('issued_at').orderBy('number').orderBy('id').execute()
    const rank = new Map<string, number>()
    for (const t of waiting) {
      const k = `${t.service_id} ${t.service_day}`
      rank.set(k, (rank.get(k) ?? 0) + 1)
      const v = (await holderGet(h, t.id)).body.ticket
      expect([t.id, v.position]).toEqual([t.id, rank.get(k)])
    }
  }

  it('equal a real COUNT after a random concurrent mix of every transition, and after the end of the day', async () => {
    const rnd = prng(11)
    const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)]!
    const ids: string[] = []
    const done: Record<string, number> = {} // transitions that went through, by kind
    /** a ticket now in one of these statuses (it may change before the request lands: a 409 then) */
    const inState = async (...st: string[]) => {
      const rows = await h.handle.db.selectFrom('ticket').select('id').where('status', 'in', st as never[]).orderBy('number').orderBy('id').execute()
      return rows.length ? pick(rows).id : pick(ids)
    }
    const act = async () => {
      const r = rnd()
      const line = pick(lines)
      let res, kind: string
      if (r < 0.35 || !ids.length) {
        const v = await issued(h, line.serviceId, rnd() < 0.25 ? { priorityGroup: pick(PRIORITY) } : {})
        ids.push(v.id)
        return
      }
      const t = await inState(...(r < 0.62 ? ['waiting'] : r < 0.70 ? ['called'] : r < 0.75 ? ['called'] : r < 0.80 ? ['serving']
        : r < 0.85 ? ['called', 'serving'] : r < 0.88 ? ['held'] : ['waiting', 'called', 'serving', 'held']))
      if (r < 0.55) res = await line.clerk.post(`/api/counters/${kind = 'call-next', line.counterId}/call-next`).send({})
      else if (r < 0.62) res = await manager.post(`/api/counters/${kind = 'call', line.counterId}/call`).send({ ticketId: t })
      else if (r < 0.70) res = await manager.post(`/api/tickets/${t}/${kind = 'no-show'}`).send({})
      else if (r < 0.75) res = await manager.post(`/api/tickets/${t}/${kind = 'start'}`).send({})
      else if (r < 0.80) res = await manager.post(`/api/tickets/${t}/${kind = 'complete'}`).send({})
      else if (r < 0.85) res = await manager.post(`/api/tickets/${t}/${kind = 'hold'}`).send({})
      else if (r < 0.88) {
        // back to a counter with nobody at it
        const busy = new Set((await h.handle.db.selectFrom('ticket').select('counter_id').where('status', 'in', ['called', 'serving']).execute()).map((x) => x.counter_id))
        const free = lines.find((l) => !busy.has(l.counterId)) ?? line
        res = await manager.post(`/api/tickets/${t}/${kind = 'resume'}`).send({ counterId: free.counterId })
      }
      else if (r < 0.95) {
        res = await manager.post(`/api/tickets/${t}/${kind = 'transfer'}`).send({ serviceId: pick(lines).serviceId })
        if (res.status === 200) ids.push(res.body.ticket.id)
      } else res = await manager.post(`/api/tickets/${t}/${kind = 'cancel'}`).send({})
      expect(res.status).toBeLessThan(500)
      if (res.status === 200 && (kind !== 'call-next' || res.body.ticket)) done[kind] = (done[kind] ?? 0) + 1
    }
    const KINDS = ['call', 'call-next', 'cancel', 'complete', 'hold', 'no-show', 'resume', 'start', 'transfer']
    // 25 rounds, and more (up to 80) until every kind went through: which ones land depends on timing
    for (let round = 0; round < 25 || (round < 80 && KINDS.some((k) => !done[k])); round++) {
      await Promise.all(Array.from({ length: 10 }, act))
      const { kept, real } = await counts()
      expect(kept).toEqual(real)
    }
    // the mix did change things, not only bounce off 409s: every kind of transition went through
    expect(Object.keys(done).sort()).toEqual(KINDS)
    await expectExact()

    // the end of the day: leftovers expire, and the next day starts from zero
    h.clock.advance(24 * 3600_000)
    expect(await h.app.tickets.expireStale()).toBeGreaterThan(0)
    for (let i = 0; i < 6; i++) await issued(h, pick(lines).serviceId)
    await expectExact()
  }, 120_000)

  it('stay exact when tickets change outside the app, and when a transaction rolls back', async () => {
    const line = lines[0]!
    const a = await issued(h, line.serviceId)
    const b = await issued(h, line.serviceId)
    await sql`UPDATE ticket SET status = 'cancelled', finished_at = now() WHERE id = ${a.id}`.execute(h.handle.db)
    await sql`UPDATE ticket SET service_id = ${lines[1]!.serviceId} WHERE id = ${b.id}`.execute(h.handle.db)
    await expect(h.handle.db.transaction().execute(async (trx) => {
      await sql`UPDATE ticket SET status = 'cancelled', finished_at = now() WHERE status = 'waiting'`.execute(trx)
      throw new Error('rolled back')
    })).rejects.toThrow('rolled back')
    await sql`DELETE FROM ticket_event WHERE ticket_id = ${b.id}`.execute(h.handle.db)
    await sql`DELETE FROM ticket WHERE id = ${b.id}`.execute(h.handle.db)
    const { kept, real } = await counts()
    expect(kept).toEqual(real)
  })

  it('give every waiting ticket its exact position in a queue longer than the tickets counted behind one', async () => {
    // 250 tickets by SQL, queue_at spread so priority-like ones land in the middle: positions counted from both ends
    const line = lines[2]!
    const day = (await h.http.get('/api/centers/na-sang/board')).body.serviceDay as string
    await sql`INSERT INTO ticket (center_id, service_id, service_day, number, code, queue_at, issued_at)
      SELECT ${h.demo.centerId}, ${line.serviceId}, ${day}::date, 1000 + g, ${line.prefix} || (1000 + g),
        now() - (g % 7) * interval '1 minute', now() + g * interval '1 millisecond'
      FROM generate_series(1, 250) g`.execute(h.handle.db)
    await issued(h, line.serviceId, { priorityGroup: PRIORITY[0] })
    await issued(h, line.serviceId)
    await expectExact()
  }, 120_000)
})
