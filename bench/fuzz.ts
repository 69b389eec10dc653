/**
 * (6) Fuzz: ≥ 10,000 malformed requests, generated from a seeded PRNG (the same seed, the same requests),
 * against every public route and the staff routes sent anonymously, on PostgreSQL and on PGlite, the app
 * in its own process (bench/server.ts). Checks: no 5xx, no connection error, the process alive, and the
 * tables unchanged (row counts and md5 of their rows, before and after).
 *
 *   npm run bench -- fuzz            (BENCH_FUZZ_COUNT=10000, BENCH_FUZZ_SEED=7 by default)
 *
 * The generator and the sender are exported for tests/fuzz.test.ts, which runs a few hundred in-process.
 */
import { request, Agent } from 'node:http'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql, type Kysely } from 'kysely'

export const CATEGORIES = ['badJson', 'wrongTypes', 'huge', 'unknownIds', 'injection', 'brokenUtf8', 'contentType', 'deepNesting'] as const
export type Category = (typeof CATEGORIES)[number]

export interface FuzzRequest { category: Category; method: string; path: string; headers: Record<string, string>; body?: Buffer }
/**
 * Real ids of the seeded database, so some malformed requests reach past the id lookups; `cookies`: staff
 * sessions (`sid=…`), one of which each request carries (the logged-in fuzz), so they reach past the role checks.
 */
export interface FuzzTargets { center: string; serviceIds: string[]; counterIds: string[]; ticketIds: string[]; cookies?: string[] }

/** mulberry32: small, fast, repeatable. */
export function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!
  const uuid = () => {
    const h = Array.from({ length: 32 }, () => int(16).toString(16))
    h[12] = '4'; h[16] = '89ab'[int(4)]!
    const s = h.join('')
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`
  }
  return { next, int, pick, uuid }
}
type Rng = ReturnType<typeof prng>

type Param = 'center' | 'id' | 'none'
type BodyKind = 'issue' | 'login' | 'pause' | 'call' | 'transfer' | 'resume' | 'empty' | 'patch' | 'none'
interface Route { method: string; path: (p: string) => string; param: Param; body: BodyKind; idKind?: 'service' | 'counter' | 'ticket' }

const counterAction = (a: string, body: BodyKind): Route => ({ method: 'POST', path: (id) => `/api/counters/${id}/${a}`, param: 'id', body, idKind: 'counter' })
const ticketAction = (a: string, body: BodyKind): Route => ({ method: 'POST', path: (id) => `/api/tickets/${id}/${a}`, param: 'id', body, idKind: 'ticket' })
/** Every public route, and every staff route (sent without a session). */
export const ROUTES: Route[] = [
  { method: 'POST', path: (c) => `/api/centers/${c}/tickets`, param: 'center', body: 'issue' },
  { method: 'POST', path: (c) => `/api/centers/${c}/tickets`, param: 'center', body: 'issue' },
  { method: 'POST', path: (c) => `/api/centers/${c}/tickets`, param: 'center', body: 'issue' },
  { method: 'GET', path: (c) => `/api/centers/${c}/board`, param: 'center', body: 'none' },
  { method: 'GET', path: (c) => `/api/centers/${c}/procedures`, param: 'center', body: 'none' },
  { method: 'GET', path: (c) => `/api/centers/${c}/priority-groups`, param: 'center', body: 'none' },
  { method: 'GET', path: () => '/api/centers', param: 'none', body: 'none' },
  { method: 'GET', path: (id) => `/api/tickets/${id}`, param: 'id', body: 'none', idKind: 'ticket' },
  { method: 'GET', path: (id) => `/api/tickets/${id}`, param: 'id', body: 'none', idKind: 'ticket' },
  { method: 'POST', path: () => '/api/auth/login', param: 'none', body: 'login' },
  { method: 'POST', path: () => '/api/auth/login', param: 'none', body: 'login' },
  { method: 'POST', path: () => '/api/auth/logout', param: 'none', body: 'empty' },
  { method: 'GET', path: () => '/api/auth/me', param: 'none', body: 'none' },
  counterAction('open', 'empty'), counterAction('close', 'empty'), counterAction('pause', 'pause'), counterAction('resume', 'empty'),
  counterAction('call-next', 'empty'), counterAction('call', 'call'),
  ticketAction('recall', 'empty'), ticketAction('start', 'empty'), ticketAction('complete', 'empty'), ticketAction('no-show', 'empty'),
  ticketAction('hold', 'empty'), ticketAction('resume', 'resume'), ticketAction('transfer', 'transfer'), ticketAction('cancel', 'empty'),
  { method: 'GET', path: (c) => `/api/centers/${c}/counters`, param: 'center', body: 'none' },
  { method: 'GET', path: (c) => `/api/centers/${c}/my-day`, param: 'center', body: 'none' },
  { method: 'GET', path: (c) => `/api/centers/${c}/floor`, param: 'center', body: 'none' },
  { method: 'GET', path: (c) => `/api/centers/${c}/settings/services`, param: 'center', body: 'none' },
  { method: 'GET', path: (c) => `/api/centers/${c}/audit`, param: 'center', body: 'none' },
  { method: 'GET', path: (id) => `/api/counters/${id}/queue`, param: 'id', body: 'none', idKind: 'counter' },
  { method: 'PATCH', path: (id) => `/api/services/${id}`, param: 'id', body: 'patch', idKind: 'service' },
]

/**
 * The routes of the logged-in fuzz: the above but logout (a well-formed logout would end the session the
 * fuzz uses: a change of data that is no refusal), and the manager's settings writes besides.
 */
export const STAFF_ROUTES: Route[] = [
  ...ROUTES.filter((r) => !r.path('x').endsWith('/logout')),
  { method: 'PATCH', path: (c) => `/api/centers/${c}/settings/center`, param: 'center', body: 'patch' },
  { method: 'POST', path: (c) => `/api/centers/${c}/priority-groups`, param: 'center', body: 'patch' },
  { method: 'POST', path: (c) => `/api/centers/${c}/procedures`, param: 'center', body: 'patch' },
  { method: 'POST', path: (c) => `/api/centers/${c}/staff`, param: 'center', body: 'patch' },
  { method: 'PATCH', path: (id) => `/api/counters/${id}`, param: 'id', body: 'patch', idKind: 'counter' },
  { method: 'GET', path: (c) => `/api/centers/${c}/settings/counters`, param: 'center', body: 'none' },
  { method: 'GET', path: (c) => `/api/centers/${c}/staff`, param: 'center', body: 'none' },
]

export const INJECTIONS = [
  "'; DROP TABLE ticket; --", "' OR '1'='1", '" OR 1=1 --', '$1', '$1::text', '%s%s%s%n', '\u0000', 'a\u0000b', '\\x00', '%00',
  '😀🇻🇳👨‍👩‍👧', '\u202eevil\u202c', '\u200f\u200e', '\ufeff', '\ud800', '\udfff', '../../etc/passwd', '<script>alert(1)</script>',
  '{{7*7}}', '${7*7}', '__proto__', 'constructor', 'null', 'undefined', 'NaN', '-1', '0x7fffffff', '1e309', 'Ｎａ Ｓａｎｇ',
  'na-sang\r\nX-Injected: 1', 'SELECT pg_sleep(10)', ') ; COMMIT; DELETE FROM staff_session; --', 'ﷺ'.repeat(50), 'x'.repeat(300),
]
const BAD_JSON = [
  '{', '}', '{"serviceId":', '{"serviceId": "a"', "{'serviceId': 'x'}", '{"a":1,}', '[1,2', 'undefined', 'NaN', '{"a": NaN}',
  '{"a": Infinity}', '{"a": 01}', '{"a": .5}', '{"a": "\\x41"}', '{"a": "\\u12"}', '{"a" 1}', '{a: 1}', '{"a":1}}', '{"a":1}{"b":2}',
  '/* c */ {}', '{"a": "line\nbreak"}', '\u0000', ' ', '{"a":tru}', '{"a":nul}', '["\\ud800"', '{"__proto__":', '\ufeff{"a":1', 'x',
]

/** Bytes of a string with every byte percent-encoded where needed: lone surrogates become U+FFFD, never a throw. */
function pathEncode(s: string): string {
  let out = ''
  for (const b of Buffer.from(s, 'utf8')) out += /[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  return out
}
const BROKEN_PATH = ['%FF', '%C3%28', '%E0%A4%A', '%ED%A0%80', '%F0%28%8C%BC', '%C0%AF', '%', '%%', '%G1', '%00', '%80%80', '%F4%90%80%80']
const BROKEN_BYTES = [[0xff], [0xc3, 0x28], [0xe0, 0xa4], [0xed, 0xa0, 0x80], [0xf0, 0x28, 0x8c, 0xbc], [0xc0, 0xaf], [0x80], [0xfe, 0xff], [0xf8, 0x88, 0x80, 0x80, 0x80]]

function wrongValue(r: Rng, t: FuzzTargets): unknown {
  return r.pick<unknown>([1, 0, -1, 1.5, 1e308, null, true, false, [], {}, [r.pick(t.serviceIds)], { id: r.pick(t.serviceIds) }, '', ' ', 'not-a-uuid',
    r.pick(t.serviceIds).toUpperCase().replace(/-/g, ''), `${r.pick(t.serviceIds)} `, [[[]]], { $gt: '' }, '2026-11-23', 12345678901234567890])
}

/** A body whose shape is right for the route but whose values are of the wrong type (never a valid body). */
function wrongTypes(r: Rng, kind: BodyKind, t: FuzzTargets): unknown {
  const v = () => wrongValue(r, t)
  switch (r.int(6)) {
    case 0: return r.pick<unknown>([null, 1, 'x', true, [], [{}], '{"serviceId":"x"}'])
    case 1: return { serviceId: v() }
    case 2: return { username: v(), password: v() }
    case 3: return kind === 'issue' ? { serviceId: r.pick(t.serviceIds), priorityGroup: v() === null ? 5 : [v()], requestId: 1 } : { reason: v(), note: v() }
    case 4: return { ticketId: v(), counterId: v(), serviceId: v() }
    default: return { [r.pick(['active', 'targetWaitMinutes', 'name', 'serviceId', 'username'])]: v(), extra: v() }
  }
}

/** A string field carrying `s` for the route (for the issue route never with a real service id, so nothing is issued). */
function withString(r: Rng, kind: BodyKind, s: string, t: FuzzTargets): unknown {
  switch (kind) {
    case 'issue': return r.pick([{ serviceId: s }, { serviceId: r.uuid(), priorityGroup: s }, { serviceId: r.uuid(), requestId: s },
      { serviceId: r.pick(t.serviceIds), requestId: s, [s]: 1 }])
    case 'login': return r.pick([{ username: s, password: s }, { username: 'canbo1', password: s }, { username: s, password: 'x' }])
    case 'pause': return { reason: s, note: s }
    case 'call': return { ticketId: s }
    case 'transfer': return { serviceId: s }
    case 'resume': return { counterId: s }
    case 'patch': return { name: s, active: s }
    default: return r.pick([{ [s]: s }, { a: s }, s])
  }
}

function nested(r: Rng, depth: number): string {
  switch (r.int(4)) {
    case 0: return '['.repeat(depth) + ']'.repeat(depth)
    case 1: return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
    case 2: return '{"serviceId":'.repeat(depth) + '"x"' + '}'.repeat(depth)
    default: return '[{"a":'.repeat(depth) + 'null' + '}]'.repeat(depth)
  }
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'null', 'utf8')
const JSON_CT = { 'content-type': 'application/json' }

/** Request `i` of the run of `seed` (each category in turn, the route and the rest at random). */
export function* fuzzRequests(seed: number, count: number, t: FuzzTargets, routes: Route[] = ROUTES): Generator<FuzzRequest> {
  const r = prng(seed)
  for (let i = 0; i < count; i++) {
    const category = CATEGORIES[i % CATEGORIES.length]!
    const route = r.pick(routes)
    const realId = () => route.idKind === 'service' ? r.pick(t.serviceIds) : route.idKind === 'counter' ? r.pick(t.counterIds) : (r.pick(t.ticketIds.length ? t.ticketIds : [r.uuid()]))
    let param = route.param === 'center' ? t.center : realId()
    let headers: Record<string, string> = { ...JSON_CT }
    let body: Buffer | undefined
    let query = ''
    const bodyKind = route.body === 'none' ? r.pick<BodyKind>(['none', 'none', 'issue', 'login']) : route.body
    const hasBody = route.body !== 'none' || r.int(3) === 0

    switch (category) {
      case 'badJson':
        body = Buffer.from(r.pick(BAD_JSON), 'utf8')
        break
      case 'wrongTypes':
        body = json(wrongTypes(r, bodyKind, t))
        if (r.int(3) === 0) param = route.param === 'center' ? r.pick(['NA-SANG', 'n', 'x'.repeat(41), 'na_sang', '1.5', 'null']) : r.pick(['1', 'null', '123e4567', '%5Bobject%20Object%5D', 'true', r.uuid().replace(/-/g, '')])
        break
      case 'huge': {
        const size = 20_500 + r.int(r.int(2) ? 10_000 : 200_000)
        const filler = r.pick(['a', 'ễ', '😀', '\\u0000'.slice(0, 1)]).repeat(Math.ceil(size / 2))
        body = r.int(2) ? json(withString(r, bodyKind, filler, t)) : json(Array.from({ length: Math.ceil(size / 40) }, () => ({ serviceId: r.pick(t.serviceIds) })))
        if (r.int(4) === 0) param = 'x'.repeat(1000 + r.int(6000))
        if (r.int(4) === 0) query = `?lang=${'e'.repeat(2000 + r.int(4000))}`
        break
      }
      case 'unknownIds':
        param = route.param === 'center' ? r.pick(['xa-khong-co', 'na-sang-2', 'ha-noi', '--', 'aa']) : r.uuid()
        body = json(bodyKind === 'issue' ? r.pick([{ serviceId: r.uuid() }, { serviceId: r.uuid(), priorityGroup: 'elderly' }, { serviceId: r.uuid(), requestId: `req-${r.uuid()}` }])
          : bodyKind === 'login' ? { username: `khong-co-${r.int(1000)}`, password: 'sai-mat-khau' }
            : bodyKind === 'call' ? { ticketId: r.uuid() } : bodyKind === 'transfer' ? { serviceId: r.uuid() } : bodyKind === 'resume' ? { counterId: r.uuid() } : {})
        break
      case 'injection': {
        const s = r.pick(INJECTIONS)
        if (r.int(3) === 0) param = pathEncode(s)
        else body = json(withString(r, bodyKind, s, t))
        if (r.int(4) === 0) query = `?lang=${pathEncode(r.pick(INJECTIONS))}&${pathEncode(r.pick(INJECTIONS))}=1`
        if (r.int(5) === 0) headers['accept-language'] = r.pick(['xx', '*', 'vi;q=abc', "en'--", '', 'a'.repeat(500)])
        break
      }
      case 'brokenUtf8': {
        const bytes = Buffer.from(r.pick(BROKEN_BYTES))
        if (r.int(3) === 0) param = (route.param === 'center' ? 'na-sang' : '') + r.pick(BROKEN_PATH)
        else {
          const field = r.pick(['serviceId', 'username', 'password', 'ticketId', 'reason', 'priorityGroup', 'x'])
          body = Buffer.concat([Buffer.from(`{"${field}":"`), bytes, Buffer.from(bodyKind === 'login' ? '","password":"x"}' : '"}')])
          if (r.int(3) === 0) headers['content-type'] = r.pick(['application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json; charset=x-unknown'])
        }
        break
      }
      case 'contentType': {
        const v = withString(r, bodyKind, r.pick(['x', 'na-sang', r.uuid()]), t)
        body = json(v)
        headers = r.pick<Record<string, string>>([
          { 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'multipart/form-data; boundary=x' },
          { 'content-type': 'application/xml' }, {}, { 'content-type': 'application/json; charset=ebcdic' }, { 'content-type': 'application/jsonx' },
          { 'content-type': 'application/json', 'content-encoding': 'gzip' }, { 'content-type': 'application/json', 'content-encoding': 'br' },
          { 'content-type': 'application/json', 'content-encoding': 'deflate' }, { 'content-type': 'application/json', 'content-encoding': 'x-zip' },
          { 'content-type': '*/*' }, { 'content-type': ';;;' }, { 'content-type': 'application/vnd.api+json' },
        ])
        if (headers['content-type'] === 'application/x-www-form-urlencoded') body = Buffer.from('serviceId=x&username=a&password=b&a[b][c]=1')
        break
      }
      case 'deepNesting':
        body = Buffer.from(nested(r, r.pick([50, 200, 1000, 3000, 20_000])))
        if (r.int(4) === 0) query = `?${'a'}${'[a]'.repeat(200 + r.int(800))}=1`
        break
    }
    // sometimes: a foreign origin, a forged session cookie, a strange request id
    if (r.int(10) === 0) headers.origin = r.pick(['http://evil.example', 'null', 'not a url', 'http://127.0.0.1:1'])
    if (r.int(10) === 0) headers.cookie = r.pick(['sid=garbage', `sid=${'a'.repeat(4000)}`, 'sid=', 'sid="%FF"', 'motcua_session=x; sid=y', `sid=${r.uuid()}`])
    if (r.int(10) === 0) headers['x-request-id'] = r.pick(['x'.repeat(100), '../../', "'; --", ''])
    if (t.cookies?.length && headers.cookie === undefined) headers.cookie = r.pick(t.cookies)
    if (!hasBody && category !== 'huge' && category !== 'deepNesting') { body = undefined; delete headers['content-type'] }
    yield { category, method: route.method, path: route.path(param) + query, headers, body }
  }
}

export interface Tally { sent: number; byCategory: Record<Category, number>; byStatus: Record<string, number>; fiveXx: { req: string; status: number; body: string }[]; okNotGet: string[]; networkErrors: { req: string; error: string }[] }

/** Sends the requests over keep-alive connections, `concurrency` at a time, and counts the answers. */
export async function sendAll(base: string, reqs: Iterable<FuzzRequest>, concurrency = 16): Promise<Tally> {
  const u = new URL(base)
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const tally: Tally = { sent: 0, byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>, byStatus: {}, fiveXx: [], okNotGet: [], networkErrors: [] }
  const it = reqs[Symbol.iterator]()
  const one = (q: FuzzRequest) => new Promise<void>((resolve) => {
    const desc = `${q.category} ${q.method} ${q.path.slice(0, 200)} ${q.body ? q.body.subarray(0, 120).toString('latin1') : ''}`
    let req
    try {
      req = request({ host: u.hostname, port: u.port, method: q.method, path: q.path, agent,
      headers: { ...q.headers, ...(q.body ? { 'content-length': String(q.body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const s = res.statusCode ?? 0
        const k = `${Math.floor(s / 100)}xx`
        tally.byStatus[k] = (tally.byStatus[k] ?? 0) + 1
        tally.byStatus[s] = (tally.byStatus[s] ?? 0) + 1
        // a 2xx only where the route ignores the malformed part (a GET's body, header or query): never a write
        if (s < 300 && s >= 200 && q.method !== 'GET') tally.okNotGet.push(desc)
        if (s >= 500 || s < 200) tally.fiveXx.push({ req: desc, status: s, body: Buffer.concat(chunks).toString('utf8').slice(0, 300) })
        resolve()
      })
      res.on('error', (e) => { tally.networkErrors.push({ req: desc, error: String(e) }); resolve() })
    })
    } catch (e) { // refused by Node's client before sending: a bug of the generator
      tally.networkErrors.push({ req: desc, error: `not sent: ${String(e)}` }); resolve(); return
    }
    req.on('error', (e) => { tally.networkErrors.push({ req: desc, error: String(e) }); resolve() })
    // a body the server refuses before reading it (413) may be cut short: that is the server's right, not a reset
    req.end(q.body)
  })
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let n = it.next(); !n.done; n = it.next()) {
      tally.sent++; tally.byCategory[n.value.category]++
      await one(n.value)
    }
  }))
  agent.destroy()
  return tally
}

/** Tables the fuzz must leave exactly as they were: row count and an md5 of all rows. */
export const FUZZ_TABLES = ['ticket', 'ticket_number', 'ticket_event', 'counter', 'counter_event', 'counter_service', 'staff_session', 'center_board_seq',
  'center', 'service', 'procedure', 'priority_group', 'staff', 'audit_log'] as const
export async function snapshot(db: Kysely<any>): Promise<Record<string, { n: number; md5: string }>> {
  const q = sql<{ t: string; n: number; digest: string }>`${sql.join(FUZZ_TABLES.map((t) =>
    sql`select ${t} as t, count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as digest from ${sql.table(t)} x`), sql` union all `)}`
  const rows = (await q.execute(db)).rows
  return Object.fromEntries(rows.map((r) => [r.t, { n: Number(r.n), md5: r.digest }]))
}

/** Logs in on the app at `base`; the session cookie as a `cookie` header. */
export async function sessionCookie(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: JSON_CT, body: JSON.stringify({ username, password }) })
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`)
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
}

/**
 * The state the logged-in fuzz starts from: the clerk canbo1 has opened counter 1 and called a ticket
 * there, so ticket and counter actions with real ids reach past the state checks; returns the clerk's
 * and the manager's (quanly) session cookies.
 */
export async function staffSessions(base: string, password: string, counterId: string): Promise<string[]> {
  const clerk = await sessionCookie(base, 'canbo1', password)
  const manager = await sessionCookie(base, 'quanly', password)
  for (const path of [`/api/counters/${counterId}/open`, `/api/counters/${counterId}/call-next`]) {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { ...JSON_CT, cookie: clerk }, body: '{}' })
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`)
  }
  return [clerk, manager]
}

export async function fuzzBench() {
  const { createDb } = await import('../db/create-db.js')
  const { DEMO_PASSWORD } = await import('../db/seed-demo.js')
  const { freshDatabase, dropDatabase, header, startServer, writeSection } = await import('./lib.js')
  const COUNT = Number(process.env.BENCH_FUZZ_COUNT ?? 10_000)
  const SEED = Number(process.env.BENCH_FUZZ_SEED ?? 7)
  const dir = mkdtempSync(join(tmpdir(), 'motcua-bench-fuzz-'))
  const results: { backend: string; who: string; tally: Tally; seconds: number; alive: boolean; same: boolean; counts: Record<string, number>; diff: string[] }[] = []
  for (const backend of ['postgres', 'pglite'] as const) {
    const target = backend === 'postgres' ? await freshDatabase('fuzz') : `pglite:${join(dir, 'pgdata')}`
    const open = () => backend === 'postgres' ? createDb({ databaseUrl: target, poolMax: 2 }) : createDb({ dataDir: target.slice('pglite:'.length) })
    // 1. migrate, seed, issue a few real tickets (so ticket ids exist), log the staff in; 2. stop, read the state
    let server = await startServer(target)
    const board = await (await fetch(`${server.url}/api/centers/na-sang/board`)).json() as { services: { id: string; active: boolean }[]; counters: { id: string; number: number }[] }
    const serviceIds = board.services.filter((s) => s.active).map((s) => s.id)
    for (const id of serviceIds.slice(0, 3)) {
      const res = await fetch(`${server.url}/api/centers/na-sang/tickets`, { method: 'POST', headers: JSON_CT, body: JSON.stringify({ serviceId: id, requestId: `fuzz-setup-${randomUUID()}` }) })
      if (res.status !== 201) throw new Error(`setup ticket: ${res.status}`)
    }
    const cookies = await staffSessions(server.url, DEMO_PASSWORD, board.counters.find((c) => c.number === 1)!.id)
    await server.stop()
    let h = await open()
    const counterIds = (await h.db.selectFrom('counter').select('id').execute()).map((c) => c.id as string)
    const ticketIds = (await h.db.selectFrom('ticket').select('id').execute()).map((c) => c.id as string)
    await h.close()
    // 3. anonymous, then with the clerk's and the manager's sessions: each against a fresh process on the same data
    for (const who of ['anonymous', 'clerk + manager'] as const) {
      h = await open()
      const before = await snapshot(h.db)
      await h.close()
      server = await startServer(target)
      const t0 = Date.now()
      const targets = { center: 'na-sang', serviceIds, counterIds, ticketIds, ...(who === 'anonymous' ? {} : { cookies }) }
      const tally = await sendAll(server.url, fuzzRequests(SEED, COUNT, targets, who === 'anonymous' ? ROUTES : STAFF_ROUTES))
      const seconds = (Date.now() - t0) / 1000
      const alive = server.proc.exitCode === null && server.proc.signalCode === null && (await fetch(`${server.url}/healthz`)).status === 200
      await server.stop()
      h = await open()
      const after = await snapshot(h.db)
      await h.close()
      const diff = Object.keys(before).filter((k) => before[k]!.n !== after[k]?.n || before[k]!.md5 !== after[k]?.md5)
      results.push({ backend, who, tally, seconds, alive, same: diff.length === 0, counts: Object.fromEntries(Object.entries(before).map(([k, v]) => [k, v.n])), diff })
      for (const f of tally.fiveXx.slice(0, 20)) process.stderr.write(`5xx ${backend} ${who}: ${JSON.stringify(f)}\n`)
      for (const f of tally.networkErrors.slice(0, 20)) process.stderr.write(`net ${backend} ${who}: ${JSON.stringify(f)}\n`)
      for (const f of tally.okNotGet.slice(0, 20)) process.stderr.write(`2xx ${backend} ${who}: ${f}\n`)
    }
    if (backend === 'postgres') await dropDatabase(target)
  }
  rmSync(dir, { recursive: true, force: true })
  const name = (r: (typeof results)[number]) => `${r.backend === 'postgres' ? 'PostgreSQL' : 'PGlite'} | ${r.who}`
  const statuses = [...new Set(results.flatMap((r) => Object.keys(r.tally.byStatus).filter((k) => /^\d+$/.test(k))))].sort()
  const rows = results.map((r) => `| ${name(r)} | ${r.tally.sent} | ${CATEGORIES.map((c) => r.tally.byCategory[c]).join(' | ')} | ${r.tally.byStatus['2xx'] ?? 0} (${r.tally.okNotGet.length} not GET) | ${r.tally.byStatus['4xx'] ?? 0} | **${r.tally.byStatus['5xx'] ?? 0}** | ${r.tally.networkErrors.length} | ${r.alive ? 'yes' : '**no**'} | ${r.same ? 'yes' : `**no: ${r.diff.join(', ')}**`} | ${r.seconds.toFixed(1)} |`)
  const statusRows = results.map((r) => `| ${name(r)} | ${statuses.map((s) => r.tally.byStatus[s] ?? 0).join(' | ')} |`)
  writeSection('fuzz', `${header('6. Fuzz: malformed requests against every public route and the staff routes, anonymous and logged in', 'npm run bench -- fuzz')}
- load: ${COUNT} requests per backend and per session kind from a seeded PRNG (mulberry32, seed ${SEED}: the same seed sends the same requests), 16 keep-alive connections, the app in its own process (bench/server.ts; rate limits out of reach) on a database seeded with the demo plus 3 tickets, the clerk canbo1 logged in with counter 1 open and a ticket called there, the manager quanly logged in. Routes: \`POST /api/centers/:center/tickets\` (3× weight), \`GET …/board\`, \`…/procedures\`, \`…/priority-groups\`, \`/api/centers\`, \`GET /api/tickets/:id\` (2×), \`POST /api/auth/login\` (2×), logout, me, and every queue staff route (counter and ticket actions, counters, my-day, floor, settings, audit, counter queue, \`PATCH /api/services/:id\`). **Anonymous**: no session (the staff routes must refuse before anything else). **Clerk + manager**: every request carries the session cookie of the clerk or of the manager (so the malformed part meets validation and the state checks, not the role check), logout left out (a well-formed logout is no refusal), and the manager's settings writes added (\`PATCH …/settings/center\`, \`POST …/priority-groups\`, \`…/procedures\`, \`…/staff\`, \`PATCH /api/counters/:id\`, and their GETs). Categories in turn: bad JSON; wrong types (values and path params); huge bodies (20.5–220 kB, long path params and query strings); unknown ids and centers; injection strings (\`'; DROP TABLE ticket; --\`, \`$1\`, NUL, emoji, RTL marks, lone surrogates, CRLF…) in fields, path params, query, Accept-Language; broken UTF-8 bytes in bodies and percent-encoded paths, odd charsets; wrong content types and encodings; deep nesting (50–20,000 levels, and in the query). One request in ten also carries a foreign Origin, a forged session cookie (instead of the real one) or an odd request id. A request never has a valid body, so nothing may change.
- checks: every answer 4xx (2xx allowed only for a GET whose malformed part the route ignores, e.g. a header), no 5xx, no connection error, the process still alive (\`/healthz\` 200 afterwards), and the tables ${FUZZ_TABLES.join(', ')} identical before and after (row count and md5 over all rows, read with the app stopped).

| backend | session | requests | ${CATEGORIES.join(' | ')} | 2xx | 4xx | 5xx | connection errors | alive | data unchanged | seconds |
|---|---|---|${CATEGORIES.map(() => '---|').join('')}---|---|---|---|---|---|---|
${rows.join('\n')}

Statuses:

| backend | session | ${statuses.join(' | ')} |
|---|---|${statuses.map(() => '---|').join('')}
${statusRows.join('\n')}

Rows before (= after): ${Object.entries(results[0]!.counts).map(([k, v]) => `${k} ${v}`).join(', ')}.
`)
  return results.map((r) => ({ backend: r.backend, who: r.who, okNotGet: r.tally.okNotGet.length, sent: r.tally.sent, status: r.tally.byStatus, net: r.tally.networkErrors.length, alive: r.alive, same: r.same, diff: r.diff }))
}
