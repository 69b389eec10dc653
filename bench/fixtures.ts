/** Bulk state for the call-next benchmarks, written straight into the database (not what is measured). */
import type pg from 'pg'

/** The demo accounts' password in every benchmark's database (an install makes its own: server/auth/demo-password.ts). */
export const BENCH_PASSWORD = 'bench-na-sang-2026'

export async function demo(c: pg.Client) {
  const center = (await c.query(`SELECT id FROM center WHERE slug = 'na-sang'`)).rows[0].id as string
  const services = (await c.query(`SELECT id, prefix FROM service WHERE center_id = $1 AND active ORDER BY sort_order`, [center])).rows as { id: string; prefix: string }[]
  return { center, services }
}

/** `n` waiting tickets today, round-robin over `serviceIds`, one millisecond apart from 07:00 local time; numbers continue the day's rows. */
export async function waitingTickets(c: pg.Client, center: string, serviceIds: string[], n: number, day = '2026-11-23') {
  await c.query(`
    WITH s AS (SELECT u.id, service.prefix, u.ord,
                 coalesce((SELECT last FROM ticket_number WHERE service_id = u.id AND service_day = $4::date), 0) AS last
               FROM unnest($2::uuid[]) WITH ORDINALITY AS u(id, ord) JOIN service ON service.id = u.id),
    k AS (SELECT count(*)::int AS k FROM s)
    INSERT INTO ticket (center_id, service_id, service_day, number, code, queue_at, issued_at)
    SELECT $1, s.id, $4::date, s.last + 1 + g.i / k.k, s.prefix || lpad((s.last + 1 + g.i / k.k)::text, 3, '0'),
      ($4::date + time '07:00') AT TIME ZONE 'Asia/Ho_Chi_Minh' + g.i * interval '1 millisecond',
      ($4::date + time '07:00') AT TIME ZONE 'Asia/Ho_Chi_Minh' + g.i * interval '1 millisecond'
    FROM generate_series(0, $3::int - 1) AS g(i) CROSS JOIN k JOIN s ON s.ord = 1 + g.i % k.k`, [center, serviceIds, n, day])
  await c.query(`
    INSERT INTO ticket_number (service_id, service_day, last)
    SELECT service_id, service_day, max(number) FROM ticket WHERE service_id = ANY($1::uuid[]) AND service_day = $2::date GROUP BY 1, 2
    ON CONFLICT (service_id, service_day) DO UPDATE SET last = excluded.last`, [serviceIds, day])
  await c.query('ANALYZE ticket')
}

/** `n` counters (numbers from `first`) serving `serviceIds` as primaries, each with a clerk of the demo password. */
export async function seats(c: pg.Client, center: string, serviceIds: string[], n: number, first: number) {
  const hash = (await c.query(`SELECT password_hash FROM staff WHERE username = 'canbo1'`)).rows[0].password_hash as string
  const out: { counterId: string; username: string }[] = []
  for (let i = 0; i < n; i++) {
    const number = first + i
    const counterId = (await c.query(`INSERT INTO counter (center_id, number, name) VALUES ($1, $2, $3) RETURNING id`, [center, number, `Quầy ${number}`])).rows[0].id as string
    await c.query(`INSERT INTO counter_service (counter_id, service_id, tier) SELECT $1, unnest($2::uuid[]), 1`, [counterId, serviceIds])
    const username = `bench${number}`
    await c.query(`INSERT INTO staff (center_id, username, full_name, role, password_hash) VALUES ($1, $2, $3, 'clerk', $4)`, [center, username, `Cán bộ ${number}`, hash])
    out.push({ counterId, username })
  }
  return out
}
