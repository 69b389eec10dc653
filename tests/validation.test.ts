// Every route of the queue core and of auth refuses bad input with the documented 4xx, in the reader's
// language, without a stack trace, and without changing a single row.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import type supertest from 'supertest'
import { catalogs, type Lang } from '../common/i18n/index.js'
import type { ErrorCode } from '../common/errors.js'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'

type Res = supertest.Response
type Agent = ReturnType<typeof supertest.agent>
type Body = Record<string, unknown> | unknown[]

/** Tables a refused request must leave exactly as they were. */
const TABLES = ['ticket', 'ticket_event', 'counter', 'counter_event', 'ticket_number', 'center_board_seq', 'staff_session'] as const
const SNAPSHOT = sql<{ t: string; n: number; digest: string }>`${sql.join(TABLES.map((t) =>
  sql`select ${t} as t, count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as digest from ${sql.table(t)} x`), sql` union all `)}`

/** Ids the route table refers to, filled in once the harness runs. */
/** `key`: the ticket's secret, which its phone page's reads carry (tests/ticket-secret.test.ts) */
interface Ids { ticket: string; key: string; counter: string; serviceA: string; serviceB: string }

interface RouteSpec {
  method: 'get' | 'post'
  /** `:id` is replaced by the id of `idOf`, `:center` by na-sang */
  path: string
  /**
   * anonymous, or a logged-in admin (allowed everywhere, so only validation can refuse); log out gets a
   * session of its own, so a logout that wrongly went through cannot end the admin's
   */
  as: 'anon' | 'staff' | 'leaving'
  idOf?: 'ticket' | 'counter'
  /** a body that passes validation */
  body?: (ids: Ids) => Body
  /** bodies that fail, with the path of every problem they hold */
  bad?: { body: (ids: Ids) => Body; paths: string[] }[]
  /** well-formed ids or slugs that name nothing */
  unknown?: { code: ErrorCode; path?: string; body?: (ids: Ids) => Body }[]
}

const EXTRA_FIELDS = { bad: [{ body: () => ({ force: true, note: 'x' }), paths: ['body.force', 'body.note'] }] }

const ROUTES: RouteSpec[] = [
  { method: 'get', path: '/api/centers/:center/board', as: 'anon', unknown: [{ code: 'CENTER_NOT_FOUND', path: '/api/centers/khong-co/board' }] },
  { method: 'get', path: '/api/centers/:center/procedures', as: 'anon', unknown: [{ code: 'CENTER_NOT_FOUND', path: '/api/centers/khong-co/procedures' }] },
  { method: 'get', path: '/api/centers/:center/priority-groups', as: 'anon', unknown: [{ code: 'CENTER_NOT_FOUND', path: '/api/centers/khong-co/priority-groups' }] },
  {
    method: 'post', path: '/api/centers/:center/tickets', as: 'anon',
    body: (ids) => ({ serviceId: ids.serviceA }),
    bad: [
      { body: () => ({}), paths: ['body.serviceId'] },
      { body: () => ({ serviceId: 42, priorityGroup: '' }), paths: ['body.priorityGroup', 'body.serviceId'] },
      { body: (ids) => ({ serviceId: ids.serviceA, requestId: 'short', kiosk: 3, lang: 'vi' }), paths: ['body.kiosk', 'body.lang', 'body.requestId'] },
      { body: () => ({ serviceId: 'A', priorityGroup: 'x'.repeat(41), requestId: 'has spaces in it' }), paths: ['body.priorityGroup', 'body.requestId', 'body.serviceId'] },
      { body: (ids) => [{ serviceId: ids.serviceA }], paths: ['body'] },
      { body: (ids) => ({ serviceId: ids.serviceA, priorityGroup: 'tre-em\u0000' }), paths: ['body.priorityGroup'] },
    ],
    unknown: [
      { code: 'CENTER_NOT_FOUND', path: '/api/centers/khong-co/tickets' },
      { code: 'SERVICE_NOT_FOUND', body: () => ({ serviceId: randomUUID() }) },
      { code: 'PRIORITY_GROUP_NOT_FOUND', body: (ids) => ({ serviceId: ids.serviceA, priorityGroup: 'khong-co' }) },
    ],
  },
  { method: 'get', path: '/api/tickets/:id?key=:key', as: 'anon', idOf: 'ticket', unknown: [{ code: 'TICKET_NOT_FOUND' }] },
  {
    method: 'post', path: '/api/auth/login', as: 'anon',
    body: () => ({ username: 'canbo1', password: 'sai-mat-khau' }),
    bad: [
      { body: () => ({}), paths: ['body.password', 'body.username'] },
      { body: () => ({ username: 7, password: false }), paths: ['body.password', 'body.username'] },
      // right credentials, one unknown field: no session
      { body: () => ({ username: 'canbo1', password: 'thu-nghiem-na-sang', remember: true }), paths: ['body.remember'] },
      { body: () => ({ username: 'x'.repeat(41), password: '' }), paths: ['body.password', 'body.username'] },
      { body: () => ({ username: 'can\u0000bo1', password: 'thu-nghiem-na-sang' }), paths: ['body.username'] },
    ],
  },
  { method: 'post', path: '/api/auth/logout', as: 'leaving', body: () => ({}), bad: [{ body: () => ({ everywhere: true }), paths: ['body.everywhere'] }] },
  ...(['open', 'close', 'resume', 'call-next'] as const).map((action): RouteSpec => ({
    method: 'post', path: `/api/counters/:id/${action}`, as: 'staff', idOf: 'counter', body: () => ({}),
    ...EXTRA_FIELDS, unknown: [{ code: 'COUNTER_NOT_FOUND' }],
  })),
  {
    method: 'post', path: '/api/counters/:id/pause', as: 'staff', idOf: 'counter', body: () => ({ reason: 'break' }),
    bad: [
      { body: () => ({}), paths: ['body.reason'] },
      { body: () => ({ reason: 'nap', note: 5 }), paths: ['body.note', 'body.reason'] },
      { body: () => ({ reason: 'break', note: 'x'.repeat(201), until: '10:00' }), paths: ['body.note', 'body.until'] },
      { body: () => ({ reason: 'other', note: 'họp\u0000' }), paths: ['body.note'] },
    ],
    unknown: [{ code: 'COUNTER_NOT_FOUND' }],
  },
  {
    method: 'post', path: '/api/counters/:id/call', as: 'staff', idOf: 'counter', body: (ids) => ({ ticketId: ids.ticket }),
    bad: [
      { body: () => ({}), paths: ['body.ticketId'] },
      { body: () => ({ ticketId: 'A001', priority: true }), paths: ['body.priority', 'body.ticketId'] },
    ],
    unknown: [{ code: 'COUNTER_NOT_FOUND' }, { code: 'TICKET_NOT_FOUND', path: '/api/counters/:id/call', body: () => ({ ticketId: randomUUID() }) }],
  },
  ...(['recall', 'start', 'complete', 'no-show', 'hold', 'cancel'] as const).map((action): RouteSpec => ({
    method: 'post', path: `/api/tickets/:id/${action}`, as: 'staff', idOf: 'ticket', body: () => ({}),
    ...EXTRA_FIELDS, unknown: [{ code: 'TICKET_NOT_FOUND' }],
  })),
  {
    method: 'post', path: '/api/tickets/:id/resume', as: 'staff', idOf: 'ticket', body: () => ({}),
    bad: [
      { body: () => ({ counterId: 'quay-1' }), paths: ['body.counterId'] },
      { body: (ids) => ({ counterId: 1, serviceId: ids.serviceA }), paths: ['body.counterId', 'body.serviceId'] },
    ],
    unknown: [{ code: 'TICKET_NOT_FOUND' }, { code: 'COUNTER_NOT_FOUND', path: '/api/tickets/:id/resume', body: () => ({ counterId: randomUUID() }) }],
  },
  {
    method: 'post', path: '/api/tickets/:id/transfer', as: 'staff', idOf: 'ticket', body: (ids) => ({ serviceId: ids.serviceB }),
    bad: [
      { body: () => ({}), paths: ['body.serviceId'] },
      { body: () => ({ serviceId: 'B', keepPlace: true }), paths: ['body.keepPlace', 'body.serviceId'] },
    ],
    unknown: [{ code: 'TICKET_NOT_FOUND', body: (ids) => ({ serviceId: ids.serviceB }) }, { code: 'SERVICE_NOT_FOUND', path: '/api/tickets/:id/transfer', body: () => ({ serviceId: randomUUID() }) }],
  },
]

const NOT_UUIDS = ['123', 'A001', `${randomUUID()}0`, randomUUID().replaceAll('-', ''), encodeURIComponent("' OR 1=1 --")]

describe.each(backends)('validation on %s', (kind) => {
  let h: Harness
  let staff: Agent, leaving: Agent
  let ids: Ids

  beforeAll(async () => {
    h = await startHarness(kind)
    staff = await h.login('quantri')
    leaving = await h.login('quanly')
    const clerk = await h.login('canbo1')
    const waiting = await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A })
    expect(waiting.status).toBe(201)
    ids = { ticket: waiting.body.ticket.id, key: waiting.body.ticket.secret, counter: h.demo.counters[1]!, serviceA: h.demo.services.A!, serviceB: h.demo.services.B! }
    // an open, free counter and a waiting ticket: every route could act, were it not for the bad input
    expect((await clerk.post(`/api/counters/${ids.counter}/open`).send({})).status).toBe(200)
  }, 60_000)
  afterAll(async () => { await h?.close() })

  /** Row count and a digest of every row's text, per table, in one round trip. */
  const snapshot = async () => {
    const { rows } = await SNAPSHOT.execute(h.handle.db)
    return Object.fromEntries(rows.map((r) => [r.t, `${r.n} rows, md5 ${r.digest}`]))
  }

  const agent = (spec: Pick<RouteSpec, 'as'>) => (spec.as === 'staff' ? staff : spec.as === 'leaving' ? leaving : h.http)
  const pathOf = (spec: RouteSpec, path = spec.path, id?: string) =>
    path.replace(':center', 'na-sang').replace(':id', id ?? (spec.idOf ? ids[spec.idOf] : '')).replace(':key', encodeURIComponent(ids.key))

  /** Sends, then checks the refusal: status, code, worded message, no stack trace, no row changed. */
  async function refused(send: () => Promise<Res>, status: number, code: ErrorCode, lang: Lang = 'vi'): Promise<Res> {
    const before = await snapshot()
    const res = await send()
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code })
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.body.error.message).toBe(catalogs[lang].errors[code])
    expectNoStackTrace(res)
    expect(await snapshot()).toEqual(before)
    return res
  }

  const detailPaths = (res: Res) => (res.body.error.details as { path: string }[]).map((d) => d.path).sort()

  for (const spec of ROUTES) {
    const label = `${spec.method.toUpperCase()} ${spec.path}`
    describe(label, () => {
      if (spec.method === 'post') {
        it('answers malformed JSON with 400 BAD_JSON', async () => {
          for (const text of ['{"serviceId":', "{'a': 1}", '{"a": 1,}', 'null', '"text"']) {
            await refused(() => agent(spec).post(pathOf(spec)).set('content-type', 'application/json').send(text), 400, 'BAD_JSON')
          }
        })

        it('answers a JSON body in a charset or compression it cannot read with 400 BAD_JSON', async () => {
          await refused(() => agent(spec).post(pathOf(spec)).set('content-type', 'application/json; charset=latin1').send('{}'), 400, 'BAD_JSON')
          await refused(() => agent(spec).post(pathOf(spec)).set('content-type', 'application/json').set('content-encoding', 'zstd-x').send('{}'), 400, 'BAD_JSON')
        })

        it('answers a body that is not JSON at all with 400 BAD_JSON rather than reading it as empty', async () => {
          await refused(() => agent(spec).post(pathOf(spec)).set('content-type', 'text/plain').send('serviceId=1'), 400, 'BAD_JSON')
          await refused(() => agent(spec).post(pathOf(spec)).type('form').send({ reason: 'break' }), 400, 'BAD_JSON')
        })

        it('answers a body over 20 kB with 413 PAYLOAD_TOO_LARGE', async () => {
          await refused(() => agent(spec).post(pathOf(spec)).send({ ...spec.body?.(ids), padding: 'x'.repeat(21_000) }), 413, 'PAYLOAD_TOO_LARGE')
        })
      }

      for (const [i, bad] of (spec.bad ?? []).entries()) {
        it(`lists every problem of bad body #${i + 1} (${bad.paths.join(', ')}) under 400 VALIDATION_FAILED`, async () => {
          const res = await refused(() => agent(spec).post(pathOf(spec)).send(bad.body(ids)), 400, 'VALIDATION_FAILED')
          expect(detailPaths(res)).toEqual([...bad.paths].sort())
          for (const d of res.body.error.details) expect(d.message).toEqual(expect.stringMatching(/\S/))
        })
      }

      if (spec.idOf) {
        it('answers an id that is not a uuid with 400 VALIDATION_FAILED on params.id', async () => {
          for (const notUuid of NOT_UUIDS) {
            const res = await refused(() => agent(spec)[spec.method](pathOf(spec, spec.path, notUuid)).send(spec.body?.(ids) ?? {}), 400, 'VALIDATION_FAILED')
            expect(detailPaths(res)).toEqual(['params.id'])
          }
        })

        it('answers an id that cannot even be percent-decoded with 400 VALIDATION_FAILED on params', async () => {
          const res = await refused(() => agent(spec)[spec.method](pathOf(spec, spec.path, '%E0%A4%A')).send(spec.body?.(ids) ?? {}), 400, 'VALIDATION_FAILED')
          expect(detailPaths(res)).toEqual(['params'])
        })

        if (spec.bad?.length) {
          it('reports a bad id and a bad body in one answer', async () => {
            const bad = spec.bad![spec.bad!.length - 1]!
            const res = await refused(() => agent(spec).post(pathOf(spec, spec.path, 'khong-phai-uuid')).send(bad.body(ids)), 400, 'VALIDATION_FAILED')
            expect(detailPaths(res)).toEqual(['params.id', ...bad.paths].sort())
          })
        }
      }

      if (spec.path.includes(':center')) {
        it('answers a malformed center slug with 400 VALIDATION_FAILED on params.center', async () => {
          for (const slug of ['Na%20Sang', 'NA-SANG', 'x', 'a'.repeat(41), 'na_sang']) {
            const res = await refused(() => agent(spec)[spec.method](spec.path.replace(':center', slug)).send(spec.body?.(ids) ?? {}), 400, 'VALIDATION_FAILED')
            expect(detailPaths(res)).toEqual(['params.center'])
          }
        })
      }

      for (const u of spec.unknown ?? []) {
        it(`answers what names nothing with 404 ${u.code}`, async () => {
          const path = pathOf(spec, u.path, u.path ? undefined : randomUUID())
          const body = (u.body ?? spec.body)?.(ids) ?? {}
          await refused(() => agent(spec)[spec.method](path).send(body), 404, u.code)
        })
      }
    })
  }

  it('still serves every route above with a valid request (the refusals are not a broken route)', async () => {
    for (const spec of ROUTES.filter((s) => s.method === 'get')) {
      const res = await agent(spec).get(pathOf(spec))
      expect({ route: spec.path, status: res.status }).toEqual({ route: spec.path, status: 200 })
    }
    // a body just under the limit is judged by its content, not refused as too large
    const nearLimit = await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: ids.serviceA, requestId: 'x'.repeat(19_000) })
    expect(nearLimit.status).toBe(400)
    expect(detailPaths(nearLimit)).toEqual(['body.requestId'])
  })

  it('answers an unknown /api path or method with 404 NOT_FOUND', async () => {
    await refused(() => h.http.get('/api/khong-co'), 404, 'NOT_FOUND')
    await refused(() => h.http.post('/api/khong-co').send({}), 404, 'NOT_FOUND')
    await refused(() => h.http.get('/api/tickets'), 404, 'NOT_FOUND')
    await refused(() => h.http.get(`/api/counters/${ids.counter}/open`), 404, 'NOT_FOUND')
    await refused(() => staff.delete(`/api/tickets/${ids.ticket}`), 404, 'NOT_FOUND')
    await refused(() => staff.post(`/api/tickets/${ids.ticket}/teleport`).send({}), 404, 'NOT_FOUND')
    await refused(() => h.http.get('/api/centers/na-sang/board/extra'), 404, 'NOT_FOUND')
  })

  describe('language of messages', () => {
    const missing = () => h.http.post('/api/centers/na-sang/tickets').send({ kiosk: 1 })

    it('words errors and their details in Vietnamese by default', async () => {
      const res = await refused(() => missing(), 400, 'VALIDATION_FAILED', 'vi')
      expect(res.body.error.message).toBe('Dữ liệu gửi lên không hợp lệ.')
      expect(res.body.error.details).toEqual(expect.arrayContaining([
        { path: 'body.serviceId', message: catalogs.vi.validation.required },
        { path: 'body.kiosk', message: expect.stringContaining('không được phép') },
      ]))
    })

    it('words them in English with Accept-Language: en', async () => {
      const res = await refused(() => missing().set('accept-language', 'en-US,en;q=0.9'), 400, 'VALIDATION_FAILED', 'en')
      expect(res.body.error.message).toBe('The request is not valid.')
      expect(res.body.error.details).toEqual(expect.arrayContaining([
        { path: 'body.serviceId', message: 'required' },
        { path: 'body.kiosk', message: expect.stringContaining('not allowed') },
      ]))
    })

    it('words them in English with ?lang=en, which wins over the header', async () => {
      await refused(() => h.http.post('/api/centers/na-sang/tickets?lang=en').set('accept-language', 'vi').send({}), 400, 'VALIDATION_FAILED', 'en')
      await refused(() => h.http.get(`/api/tickets/${randomUUID()}?lang=en`), 404, 'TICKET_NOT_FOUND', 'en')
      await refused(() => h.http.get('/api/khong-co?lang=en'), 404, 'NOT_FOUND', 'en')
    })

    it('keeps Vietnamese for a Vietnamese or unknown language', async () => {
      await refused(() => missing().set('accept-language', 'vi-VN,en;q=0.8'), 400, 'VALIDATION_FAILED', 'vi')
      await refused(() => missing().set('accept-language', 'fr-FR'), 400, 'VALIDATION_FAILED', 'vi')
      await refused(() => h.http.post('/api/centers/na-sang/tickets?lang=xx').send({}), 400, 'VALIDATION_FAILED', 'vi')
    })

    it('words BAD_JSON, PAYLOAD_TOO_LARGE and the 404s in the asked language too', async () => {
      await refused(() => h.http.post('/api/centers/na-sang/tickets?lang=en').set('content-type', 'application/json').send('{'), 400, 'BAD_JSON', 'en')
      await refused(() => h.http.post('/api/centers/na-sang/tickets?lang=en').send({ p: 'x'.repeat(21_000) }), 413, 'PAYLOAD_TOO_LARGE', 'en')
      await refused(() => staff.post(`/api/counters/${randomUUID()}/open`).set('accept-language', 'en').send({}), 404, 'COUNTER_NOT_FOUND', 'en')
    })
  })
})

/** No line of a stack trace, no source path: the body says what went wrong and nothing about our code. */
function expectNoStackTrace(res: Res) {
  expect(res.text).not.toMatch(/\n\s+at\s|\bat [\w.<>]+ \(|[\w/\\-]+\.(ts|js|mjs):\d+|\/work\/|node_modules|Error:/)
}
