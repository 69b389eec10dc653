/**
 * (6) Fuzz: malformed requests from a seeded PRNG (the same seed, the same requests) against every route of
 * the app, anonymously and as a clerk, a manager and an admin. The routes are walked off the app's own
 * router (walkRoutes in server/http/routes.ts: nested routers included, with the zod schemas of each route's `validate()`), so a
 * route added tomorrow is fuzzed without being listed here; the bodies, params and queries are built from
 * those schemas and then broken. Checks: no 5xx, every 4xx a JSON `{ error: { code } }` whose code is one of
 * common/errors.ts with its own status, no stack trace or source path in any body, no write accepted (2xx
 * only for a GET), no connection error, the process alive, every table unchanged.
 *
 *   npm run bench -- fuzz   (BENCH_FUZZ_PER_ROUTE=30 requests per route and per session kind, BENCH_FUZZ_SEED=7)
 *
 * tests/fuzz.test.ts runs the same generator in-process (fewer per route) and the socket fuzz (socketFuzz).
 */
import { request, Agent } from 'node:http'
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parse as parseQuery } from 'node:querystring'
import type { Express } from 'express'
import { sql, type Kysely } from 'kysely'
import { io as ioClient, type Socket } from 'socket.io-client'
import type { z } from 'zod'
import { ERROR_STATUS } from '../common/errors.js'
import type { Shapes } from '../server/http/validate.js'
import { routeKey, walkRoutes, type AppRoute } from '../server/http/routes.js'
import { ENTRIES as PAGE_ENTRIES } from '../server/http/pages.js'

export const CATEGORIES = ['badJson', 'wrongTypes', 'missingFields', 'extraFields', 'protoPollution', 'huge', 'deepNesting', 'unicodeJunk',
  'invalidIds', 'negativeNumbers', 'brokenUtf8', 'contentType', 'queryJunk'] as const
export type Category = (typeof CATEGORIES)[number]
/** Who sends: no session, or the session of the demo's clerk, manager or admin. */
export const WHO = ['anonymous', 'clerk', 'manager', 'admin'] as const
export type Who = (typeof WHO)[number]

/** One route of the app (server/http/routes.ts walks them off its router). */
export type FuzzRoute = AppRoute
export { routeKey, walkRoutes }

export interface FuzzRequest { category: Category; who: Who; route: string; method: string; path: string; headers: Record<string, string>; body?: Buffer }
/**
 * `pools`: real values of the seeded database by what they name (`center`, `counter`, `ticket`, `dossier`,
 * `attachment`, `code`, `date`…; see fuzzPools), so params and id fields reach past the lookups;
 * `cookies`: each role's session (`sid=…`).
 */
export interface FuzzTargets { pools: Record<string, string[]>; cookies: Partial<Record<Who, string>> }

/** The names of a path's params, in order (`:center`, `*rest`). */
const paramNames = (path: string) => [...path.matchAll(/[:*]([A-Za-z0-9_]+)/g)].map((m) => m[1]!)

/** What a param or a field names, for `pools`: `counterId` → counter, `/priority-groups/:id` → prioritygroup. */
export const poolKey = (name: string) => name.replace(/Id$/, '').toLowerCase().replace(/[-_]/g, '').replace(/(?<!s)s$/, '')

function paramPool(path: string, name: string): string {
  if (name !== 'id') return poolKey(name)
  const segs = path.split('/')
  const at = segs.indexOf(':id')
  return poolKey(segs[at - 1] ?? 'id')
}

// ---- the shapes of the schemas (zod 4's definitions), enough to build plausible values and break them ----

type Kind =
  | { t: 'object'; optional: boolean; strict: boolean; fields: Record<string, Kind> }
  | { t: 'array'; optional: boolean; element: Kind }
  | { t: 'string'; optional: boolean; format?: string }
  | { t: 'enum'; optional: boolean; values: unknown[] }
  | { t: 'number' | 'boolean' | 'other'; optional: boolean }

type Def = Record<string, any> & { type: string }
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def

export function kindOf(schema: z.ZodType | unknown, optional = false, depth = 0): Kind {
  if (depth > 8) return { t: 'other', optional }
  const def = defOf(schema)
  switch (def.type) {
    case 'optional': case 'default': case 'prefault': case 'catch': return kindOf(def.innerType, true, depth + 1)
    case 'nullable': case 'readonly': case 'nonoptional': return kindOf(def.innerType, optional, depth + 1)
    case 'pipe': return kindOf(def.in, optional, depth + 1)
    case 'lazy': return kindOf(def.getter(), optional, depth + 1)
    case 'union': return kindOf(def.options[0], optional, depth + 1)
    case 'object': return {
      t: 'object', optional, strict: def.catchall !== undefined && defOf(def.catchall).type === 'never',
      fields: Object.fromEntries(Object.entries(def.shape as Record<string, unknown>).map(([k, v]) => [k, kindOf(v, false, depth + 1)])),
    }
    case 'array': return { t: 'array', optional, element: kindOf(def.element, false, depth + 1) }
    case 'string': return { t: 'string', optional, format: def.format }
    case 'enum': return { t: 'enum', optional, values: Object.values(def.entries as Record<string, unknown>) }
    case 'literal': return { t: 'enum', optional, values: [...(def.values as unknown[])] }
    case 'number': case 'int': case 'bigint': return { t: 'number', optional }
    case 'boolean': return { t: 'boolean', optional }
    default: return { t: 'other', optional }
  }
}

// ---- the generator ----

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

export const INJECTIONS = [
  "'; DROP TABLE ticket; --", "' OR '1'='1", '" OR 1=1 --', '$1', '$1::text', '%s%s%s%n', 'a\u0000b', '\\x00', '%00',
  '😀🇻🇳👨‍👩‍👧', '\u202eevil\u202c', '\u200f\u200e', '\ufeff', '\ud800', '\udfff', '../../etc/passwd', '<script>alert(1)</script>',
  '{{7*7}}', '${7*7}', '__proto__', 'constructor', 'null', 'undefined', 'NaN', '-1', '0x7fffffff', '1e309', 'Ｎａ Ｓａｎｇ',
  'na-sang\r\nX-Injected: 1', 'SELECT pg_sleep(10)', ') ; COMMIT; DELETE FROM staff_session; --', 'ﷺ'.repeat(50), 'x'.repeat(300),
  'Nguyễn Văn A\u0301\u0301\u0301', 'ＮＧＵＹＥＮ', '\u0085\u2028\u2029', 'e\u0301', '\u{10FFFF}', '=HYPERLINK("http://x")', '@SUM(1)',
]
const BAD_JSON = [
  '{', '}', '{"serviceId":', '{"serviceId": "a"', "{'serviceId': 'x'}", '{"a":1,}', '[1,2', 'undefined', 'NaN', '{"a": NaN}',
  '{"a": Infinity}', '{"a": 01}', '{"a": .5}', '{"a": "\\x41"}', '{"a": "\\u12"}', '{"a" 1}', '{a: 1}', '{"a":1}}', '{"a":1}{"b":2}',
  '/* c */ {}', '{"a": "line\nbreak"}', '\u0000', ' ', '{"a":tru}', '{"a":nul}', '["\\ud800"', '{"__proto__":', '\ufeff{"a":1', 'x', '"x"', '1', 'null',
]
/** Values no id, slug, date or code of the API takes. */
const BAD_IDS = ['1', '-1', '0', 'null', 'undefined', 'true', 'NaN', '123e4567', '%5Bobject%20Object%5D', '..', '.', '%2e%2e', '%2F', 'NA-SANG', 'na_sang',
  'a', 'x'.repeat(41), '-1.5', '1e309', '2026-02-30', '2026-13-01', '9999-99-99', '0000-00-00', '00000000-0000-0000-0000-00000000000g', '%00', '%20', '~']
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__']
const NEGATIVES = [-1, -0, -2147483649, -1e308, 0.5, -0.5, 2 ** 53 + 2, 1e308, -9007199254740993]

/** Bytes of a string with every byte percent-encoded where needed: lone surrogates become U+FFFD, never a throw. */
function pathEncode(s: string): string {
  let out = ''
  for (const b of Buffer.from(s, 'utf8')) out += /[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  return out
}
const BROKEN_PATH = ['%FF', '%C3%28', '%E0%A4%A', '%ED%A0%80', '%F0%28%8C%BC', '%C0%AF', '%', '%%', '%G1', '%00', '%80%80', '%F4%90%80%80']
const BROKEN_BYTES = [[0xff], [0xc3, 0x28], [0xe0, 0xa4], [0xed, 0xa0, 0x80], [0xf0, 0x28, 0x8c, 0xbc], [0xc0, 0xaf], [0x80], [0xfe, 0xff], [0xf8, 0x88, 0x80, 0x80, 0x80]]
const CONTENT_TYPES: Record<string, string>[] = [
  { 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'multipart/form-data; boundary=x' },
  { 'content-type': 'application/xml' }, {}, { 'content-type': 'application/json; charset=ebcdic' }, { 'content-type': 'application/jsonx' },
  { 'content-type': 'application/json', 'content-encoding': 'gzip' }, { 'content-type': 'application/json', 'content-encoding': 'br' },
  { 'content-type': 'application/json', 'content-encoding': 'deflate' }, { 'content-type': 'application/json', 'content-encoding': 'x-zip' },
  { 'content-type': '*/*' }, { 'content-type': ';;;' }, { 'content-type': 'application/vnd.api+json' },
  { 'content-type': 'application/json; charset=latin1' }, { 'content-type': 'application/json; charset=utf-16' },
]

/** A value of another type than `k` wants (never one it takes). */
function wrongValue(r: Rng, k: Kind): unknown {
  switch (k.t) {
    case 'string': return r.pick<unknown>([1, -1, 0, 1.5, true, false, null, [], {}, ['x'], { a: 'x' }, 1e308, [[[]]], { $gt: '' }])
    case 'number': return r.pick<unknown>(['1', 'x', '', null, true, [], {}, [1], { n: 1 }, '1e3', '-1', ' 1 '])
    case 'boolean': return r.pick<unknown>(['true', 1, 0, null, 'yes', [], {}, 'false'])
    case 'enum': return r.pick<unknown>(['zz-not-a-member', 1, null, [], {}, true, String(k.values[0] ?? 'x').toUpperCase() + 'X', ` ${String(k.values[0] ?? 'x')}`])
    case 'array': return r.pick<unknown>(['x', 1, {}, null, true, { 0: 'x', length: 1 }])
    case 'object': return r.pick<unknown>(['x', 1, [], null, true, [{}]])
    default: return r.pick<unknown>([Symbol.for('x').toString(), { $ref: '#' }, [[[]]]])
  }
}

/** A plausible value for `k` (named `name`): real ids from the pools, so one broken part is the request's only fault. */
function sample(r: Rng, k: Kind, name: string, t: FuzzTargets, depth = 0): unknown {
  switch (k.t) {
    case 'object': {
      const o: Record<string, unknown> = {}
      if (depth > 6) return o
      for (const [f, fk] of Object.entries(k.fields)) if (!fk.optional || r.int(2)) o[f] = sample(r, fk, f, t, depth + 1)
      return o
    }
    case 'array': return depth > 6 ? [] : [sample(r, k.element, name, t, depth + 1)]
    case 'string': {
      const pool = t.pools[poolKey(name)]
      if (pool?.length) return r.pick(pool)
      if (k.format === 'uuid' || k.format === 'guid') return r.uuid()
      if (k.format === 'date') return '2026-12-21'
      if (k.format === 'datetime') return '2026-12-21T09:00:00+07:00'
      if (k.format === 'email') return 'a@example.vn'
      return /phone/i.test(name) ? '0912345678' : r.pick(['Nguyễn Văn An', 'x', 'na-sang', 'abcdefgh12'])
    }
    case 'enum': return r.pick(k.values)
    case 'number': return 1
    case 'boolean': return true
    default: return null
  }
}

/** Paths of the leaves of a sampled value (objects and arrays walked), with their kinds when known. */
function leaves(v: unknown, k: Kind | undefined, at: (string | number)[] = [], out: { at: (string | number)[]; k: Kind | undefined }[] = []) {
  if (at.length) out.push({ at, k })
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, k?.t === 'array' ? k.element : undefined, [...at, i], out))
  else if (v && typeof v === 'object') for (const [f, x] of Object.entries(v)) leaves(x, k?.t === 'object' ? k.fields[f] : undefined, [...at, f], out)
  return out
}
/** The object holding the leaf at `at`, if an earlier change has not replaced one of its parents. */
function parentAt(root: unknown, at: (string | number)[]): Record<string | number, unknown> | undefined {
  let o = root
  for (const p of at.slice(0, -1)) o = o && typeof o === 'object' ? (o as Record<string | number, unknown>)[p] : undefined
  return o && typeof o === 'object' ? o as Record<string | number, unknown> : undefined
}
function setAt(root: unknown, at: (string | number)[], value: unknown) {
  const o = parentAt(root, at)
  if (o) Object.defineProperty(o, at[at.length - 1]!, { value, enumerable: true, writable: true, configurable: true })
}
function deleteAt(root: unknown, at: (string | number)[]) {
  const o = parentAt(root, at)
  if (o) delete o[at[at.length - 1]!]
}
/** The objects inside a value (itself first), where keys can be added. */
const objectsIn = (v: unknown): Record<string, unknown>[] => !v || typeof v !== 'object' ? []
  : [...(Array.isArray(v) ? [] : [v as Record<string, unknown>]), ...Object.values(v).flatMap(objectsIn)]

function nested(r: Rng, depth: number): string {
  switch (r.int(4)) {
    case 0: return '['.repeat(depth) + ']'.repeat(depth)
    case 1: return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
    case 2: return '{"serviceId":'.repeat(depth) + '"x"' + '}'.repeat(depth)
    default: return '[{"a":'.repeat(depth) + 'null' + '}]'.repeat(depth)
  }
}

/** A JSON value broken as `category` says (for a body, a query's values or a param). */
function breakValue(r: Rng, category: Category, k: Kind, t: FuzzTargets): unknown {
  const v = sample(r, k, '', t)
  const spots = leaves(v, k)
  const some = <T>(xs: T[], n: number) => Array.from({ length: Math.min(n, xs.length) }, () => r.pick(xs))
  switch (category) {
    case 'wrongTypes':
      if (!spots.length || r.int(6) === 0) return wrongValue(r, k)
      for (const s of some(spots, 1 + r.int(3))) setAt(v, s.at, wrongValue(r, s.k ?? { t: 'other', optional: false }))
      return v
    case 'missingFields': {
      const required = spots.filter((s) => s.k && !s.k.optional)
      if (!required.length) return Array.isArray(v) ? [] : {}
      for (const s of r.int(2) ? required : some(required, 1)) deleteAt(v, s.at)
      return v
    }
    case 'extraFields':
      for (const o of objectsIn(v).length ? objectsIn(v) : []) {
        for (let i = 0; i < 1 + r.int(4); i++) o[r.pick(['isAdmin', 'role', 'centerId', 'id', 'createdAt', 'status', 'x', '', ' ', 'a'.repeat(300), '😀', '$where', 'staffId', 'password_hash'])] = r.pick<unknown>([true, 'admin', 1, r.uuid(), null, {}])
      }
      return objectsIn(v).length ? v : { v, extra: true }
    case 'protoPollution': {
      const targets = objectsIn(v)
      const o = targets.length ? r.pick(targets) : {}
      const key = r.pick(PROTO_KEYS)
      Object.defineProperty(o, key, { value: r.pick<unknown>([{ polluted: 'yes', isAdmin: true, role: 'admin' }, { prototype: { polluted: 'yes' } }, 'polluted', [{ polluted: 'yes' }]]), enumerable: true, writable: true, configurable: true })
      return targets.length ? v : o
    }
    case 'huge': {
      const size = 20_500 + r.int(r.int(2) ? 10_000 : 200_000)
      const strings = spots.filter((s) => s.k?.t === 'string' || typeof s.k === 'undefined')
      const filler = r.pick(['a', 'ễ', '😀', ' ']).repeat(Math.ceil(size / 2))
      if (strings.length && r.int(2)) { setAt(v, r.pick(strings).at, filler); return v }
      const arrays = spots.filter((s) => s.k?.t === 'array')
      if (arrays.length && r.int(2)) {
        const a = r.pick(arrays)
        setAt(v, a.at, Array.from({ length: Math.ceil(size / 40) }, () => sample(r, (a.k as { element: Kind }).element, '', t)))
        return v
      }
      return Array.from({ length: Math.ceil(size / 40) }, () => v)
    }
    case 'unicodeJunk':
      for (const s of spots.filter((x) => typeof x.k === 'undefined' || x.k.t === 'string' || x.k.t === 'enum')) setAt(v, s.at, r.pick(INJECTIONS))
      return spots.length ? v : r.pick(INJECTIONS)
    case 'invalidIds':
      for (const s of spots.filter((x) => x.k?.t === 'string' || x.k?.t === 'enum')) if (r.int(2) || /id$|code|center|date/i.test(String(s.at[s.at.length - 1]))) setAt(v, s.at, decodeOr(r.pick(BAD_IDS)))
      return v
    case 'negativeNumbers': {
      const nums = spots.filter((s) => s.k?.t === 'number')
      for (const s of nums.length ? nums : some(spots, 1)) setAt(v, s.at, r.pick(NEGATIVES))
      return v
    }
    default: return v
  }
}
const decodeOr = (s: string) => { try { return decodeURIComponent(s) } catch { return s } }

/** One request's parts before they are sent: params (as in the URL), query string, body bytes and headers. */
interface Draft { params: Record<string, string>; query: string; body?: Buffer; headers: Record<string, string> }

const json = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'null', 'utf8')
const JSON_CT = { 'content-type': 'application/json' }

function breakParam(r: Rng, category: Category): string {
  switch (category) {
    case 'huge': return 'x'.repeat(1000 + r.int(6000))
    case 'unicodeJunk': return pathEncode(r.pick(INJECTIONS))
    case 'brokenUtf8': return r.pick(BROKEN_PATH)
    case 'protoPollution': return r.pick(PROTO_KEYS)
    case 'negativeNumbers': return r.pick(['-1', '-0', '-2147483649', '-1e308', '0.5'])
    default: return r.pick(BAD_IDS)
  }
}

/** A query string (`?…`) for the route's query schema (or for none), broken as `category` says. */
function breakQuery(r: Rng, category: Category, k: Kind | undefined, t: FuzzTargets): string {
  const fields = k?.t === 'object' ? Object.keys(k.fields) : []
  const keys = [...fields, 'lang', 'x']
  const enc = (v: unknown) => pathEncode(typeof v === 'string' ? v : JSON.stringify(v) ?? '')
  const pairs: [string, string][] = []
  switch (category) {
    case 'huge': pairs.push([r.pick(keys), 'e'.repeat(2000 + r.int(4000))]); break
    case 'deepNesting': pairs.push([`a${'[a]'.repeat(200 + r.int(800))}`, '1']); break
    case 'protoPollution': pairs.push([r.pick(['__proto__[polluted]', 'constructor[prototype][polluted]', '__proto__', 'hasOwnProperty']), 'yes']); break
    case 'negativeNumbers': for (const f of keys) pairs.push([f, pathEncode(r.pick(['-1', '-99999999999999999999', '1e999', '0x10', ' 1', '-0', 'Infinity']))]); break
    case 'unicodeJunk': case 'brokenUtf8':
      for (const f of keys) if (r.int(2)) pairs.push([f, category === 'brokenUtf8' ? r.pick(BROKEN_PATH) : enc(r.pick(INJECTIONS))])
      pairs.push([enc(r.pick(INJECTIONS)), '1'])
      break
    default: {
      // the schema's own fields with wrong values, repeated (an array), empty, or unknown keys
      const sampled = k ? sample(r, k, '', t) : {}
      for (const [f, v] of Object.entries(sampled && typeof sampled === 'object' ? sampled : {})) pairs.push([f, enc(v)])
      const f = r.pick(keys)
      switch (r.int(5)) {
        case 0: pairs.push([f, 'x'], [f, 'y']); break
        case 1: pairs.push([f, '']); break
        case 2: pairs.push([`${f}[]`, '1'], [`${f}[a][b]`, '2']); break
        case 3: pairs.push([r.pick(['zz', 'isAdmin', 'role', '$where', '']), 'true']); break
        default: pairs.push([f, r.pick(BAD_IDS)])
      }
    }
  }
  return `?${pairs.map(([a, b]) => `${a}=${b}`).join('&')}`
}

/** The body bytes of `category` for a route whose body schema is `k` (undefined: the route reads no body). */
function breakBody(r: Rng, category: Category, k: Kind | undefined, t: FuzzTargets, d: Draft) {
  const kind = k ?? { t: 'object', optional: false, strict: true, fields: { serviceId: { t: 'string', optional: false, format: 'uuid' }, username: { t: 'string', optional: false } } } as Kind
  switch (category) {
    case 'badJson':
      if (r.int(3)) d.body = Buffer.from(r.pick(BAD_JSON), 'utf8')
      else { const s = JSON.stringify(sample(r, kind, '', t)) ?? '{}'; d.body = Buffer.from(s.slice(0, Math.max(1, r.int(s.length))), 'utf8') }
      break
    case 'deepNesting':
      d.body = Buffer.from(nested(r, r.pick([21, 50, 200, 1000, 3000, 20_000])))
      break
    case 'brokenUtf8': {
      const v = sample(r, kind, '', t)
      const strings = leaves(v, kind).filter((s) => s.k?.t === 'string' || s.k?.t === 'enum')
      const mark = '\u0001FUZZ\u0001'
      if (strings.length) setAt(v, r.pick(strings).at, mark)
      const text = JSON.stringify(strings.length ? v : { x: mark })
      const [a, b] = text.split(JSON.stringify(mark).slice(1, -1))
      d.body = Buffer.concat([Buffer.from(a!), Buffer.from(r.pick(BROKEN_BYTES)), Buffer.from(b ?? '')])
      if (r.int(3) === 0) d.headers['content-type'] = r.pick(['application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json; charset=x-unknown'])
      break
    }
    case 'contentType':
      d.body = json(sample(r, kind, '', t))
      d.headers = { ...r.pick(CONTENT_TYPES) }
      if (d.headers['content-type'] === 'application/x-www-form-urlencoded') d.body = Buffer.from('serviceId=x&username=a&password=b&a[b][c]=1&__proto__[polluted]=yes')
      break
    case 'queryJunk': case 'invalidIds':
      d.body = json(sample(r, kind, '', t))
      break
    default:
      d.body = json(breakValue(r, category, kind, t))
  }
}

/** The parts each category breaks first: a body where the route reads one, else its params, else its query. */
function target(route: FuzzRoute, category: Category): 'body' | 'params' | 'query' {
  const hasParams = paramNames(route.path).length > 0
  if (category === 'queryJunk') return 'query'
  if (category === 'invalidIds' && hasParams) return 'params'
  if (route.shapes.body) return 'body'
  if (hasParams && (route.shapes.params || !route.shapes.query)) return 'params'
  return 'query'
}

/** Would the route's `validate()` refuse this request? (its body unreadable, or a part its schema does not take) */
export function refused(route: FuzzRoute, d: Draft): boolean {
  const { shapes } = route
  if (shapes.body && d.body?.length) {
    const ct = d.headers['content-type'] ?? ''
    if (!/^application\/json\s*(;\s*charset=utf-?8\s*)?$/i.test(ct) || d.headers['content-encoding']) return true
    const text = d.body.toString('utf8')
    if (!/^[\x20\x09\x0a\x0d]*[[{]/.test(text)) return true
    let parsed: unknown
    try { parsed = JSON.parse(text) } catch { return true }
    if (depthOf(parsed) > 20 || hasNul(parsed) || !shapes.body.safeParse(parsed).success) return true
  } else if (shapes.body && !shapes.body.safeParse({}).success) return true
  if (shapes.params) {
    const p: Record<string, string> = {}
    for (const [k, v] of Object.entries(d.params)) { try { p[k] = decodeURIComponent(v) } catch { return true } }
    if (hasNul(p) || !shapes.params.safeParse(p).success) return true
  }
  if (shapes.query) {
    let q: unknown
    try { q = { ...parseQuery(d.query.replace(/^\?/, '')) } } catch { return true }
    if (hasNul(q) || !shapes.query.safeParse(q).success) return true
  }
  return false
}
function depthOf(v: unknown, d = 0): number {
  if (!v || typeof v !== 'object' || d > 30) return d
  return Math.max(d + 1, ...Object.values(v).map((x) => depthOf(x, d + 1)))
}
function hasNul(v: unknown, d = 0): boolean {
  if (typeof v === 'string') return v.includes('\u0000')
  if (!v || typeof v !== 'object' || d > 20) return false
  return Object.entries(v).some(([k, x]) => k.includes('\u0000') || hasNul(x, d + 1))
}

/**
 * `perRoute` malformed requests for each route and each of `who`, from `seed`: the categories in turn (each
 * route starting at another), the broken part chosen per route (body, params or query). A write that its
 * schemas would still take gets a NUL in a part it validates (refused for every schema, server/http/validate.ts),
 * so no request the fuzz sends may change anything.
 */
export function* fuzzRequests(seed: number, routes: FuzzRoute[], t: FuzzTargets, opts: { perRoute: number; who: readonly Who[] }): Generator<FuzzRequest> {
  const r = prng(seed)
  for (let i = 0; i < opts.perRoute; i++) {
    for (const [ri, route] of routes.entries()) {
      for (const who of opts.who) {
        const category = CATEGORIES[(i + ri) % CATEGORIES.length]!
        const names = paramNames(route.path)
        const d: Draft = { params: {}, query: '', headers: { ...JSON_CT } }
        for (const n of names) {
          const pool = t.pools[paramPool(route.path, n)]
          d.params[n] = encodeURIComponent(pool?.length ? r.pick(pool) : r.uuid())
        }
        const part = target(route, category)
        const bodyKind = route.shapes.body ? kindOf(route.shapes.body) : undefined
        const queryKind = route.shapes.query ? kindOf(route.shapes.query) : undefined
        if (part === 'params') for (const n of names) { if (names.length === 1 || r.int(2)) d.params[n] = breakParam(r, category) }
        if (part === 'query') d.query = breakQuery(r, category, queryKind, t)
        // a body too: the route's own broken as `category` says; a route without a body schema gets junk it must ignore
        if (part === 'body' || !route.shapes.body || r.int(2)) breakBody(r, category, bodyKind, t, d)
        if (part === 'body' && names.length && r.int(5) === 0) d.params[r.pick(names)] = breakParam(r, 'invalidIds')
        if (part !== 'query' && r.int(4) === 0) d.query = breakQuery(r, category, queryKind, t)
        // sometimes: a foreign origin, a forged session cookie, an odd request id or language
        if (r.int(10) === 0) d.headers.origin = r.pick(['http://evil.example', 'null', 'not a url', 'http://127.0.0.1:1'])
        if (r.int(10) === 0) d.headers.cookie = r.pick(['sid=garbage', `sid=${'a'.repeat(4000)}`, 'sid=', 'sid="%FF"', 'motcua_session=x; sid=y', `sid=${r.uuid()}`])
        if (r.int(10) === 0) d.headers['x-request-id'] = r.pick(['x'.repeat(100), '../../', "'; --", ''])
        if (r.int(10) === 0) d.headers['accept-language'] = r.pick(['xx', '*', 'vi;q=abc', "en'--", '', 'a'.repeat(500), 'en'])
        const cookie = t.cookies[who]
        if (cookie && d.headers.cookie === undefined) d.headers.cookie = cookie
        if (!d.body) delete d.headers['content-type']
        if (route.method !== 'GET' && route.method !== 'HEAD' && !refused(route, d)) {
          // still well-formed: a NUL where its validate() looks (a body, else a param, else the query)
          if (route.shapes.body) {
            const v = sample(r, bodyKind!, '', t)
            d.body = json(v && typeof v === 'object' && !Array.isArray(v) ? { ...v, fuzz: '\u0000' } : { fuzz: '\u0000' })
            d.headers['content-type'] = 'application/json'
          } else if (route.shapes.params && names.length) d.params[names[0]!] = `%00${d.params[names[0]!]}`
          else if (route.shapes.query) d.query += `${d.query ? '&' : '?'}fuzz=%00`
        }
        let path = route.path
        for (const n of names) path = path.replace(new RegExp(`[:*]${n}\\b`), d.params[n]!)
        yield { category, who, route: routeKey(route), method: route.method, path: path + d.query, headers: d.headers, body: d.body }
      }
    }
  }
}

// ---- sending and judging ----

/** Text no answer may carry: a stack frame, a source path, a module. */
export const STACK_TRACE = /\n\s+at |\bat (?:async )?[\w.$<>]+ \([^)]*:\d+:\d+\)|node:internal|node_modules|file:\/\/|\/work\/|\.(?:ts|js):\d+:\d+/
const KNOWN_CODES = new Set(Object.keys(ERROR_STATUS))

export interface Tally {
  sent: number
  byCategory: Record<Category, number>
  byStatus: Record<string, number>
  /** requests sent per route (`METHOD /path`), and their summed time in ms */
  byRoute: Record<string, number>
  msByRoute: Record<string, number>
  fiveXx: { req: string; status: number; body: string }[]
  okNotGet: string[]
  /** 4xx answers that are not `{ error: { code, message } }` with a known code of that status */
  badErrors: { req: string; status: number; body: string }[]
  stackTraces: { req: string; status: number; body: string }[]
  networkErrors: { req: string; error: string }[]
}

/** What is wrong with an answer, if anything. */
function judge(q: FuzzRequest, status: number, contentType: string, text: string): 'fiveXx' | 'okNotGet' | 'badErrors' | 'stackTraces' | undefined {
  if (status >= 500 || status < 200) return 'fiveXx'
  if (STACK_TRACE.test(text)) return 'stackTraces'
  if (status < 300 && q.method !== 'GET') return 'okNotGet'
  if (status >= 400) {
    if (!/^application\/json/.test(contentType)) return 'badErrors'
    let body: { error?: { code?: unknown; message?: unknown } }
    try { body = JSON.parse(text) } catch { return 'badErrors' }
    const code = body?.error?.code
    if (typeof code !== 'string' || !KNOWN_CODES.has(code) || ERROR_STATUS[code as keyof typeof ERROR_STATUS] !== status) return 'badErrors'
    if (typeof body.error!.message !== 'string' || !body.error!.message) return 'badErrors'
  }
  return undefined
}

/** Sends the requests over keep-alive connections, `concurrency` at a time, and judges the answers. */
export async function sendAll(base: string, reqs: Iterable<FuzzRequest>, concurrency = 16): Promise<Tally> {
  const u = new URL(base)
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const tally: Tally = { sent: 0, byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>, byStatus: {}, byRoute: {}, msByRoute: {},
    fiveXx: [], okNotGet: [], badErrors: [], stackTraces: [], networkErrors: [] }
  const it = reqs[Symbol.iterator]()
  const one = (q: FuzzRequest) => new Promise<void>((resolve) => {
    const desc = `${q.who} ${q.category} ${q.method} ${q.path.slice(0, 200)} ${q.body ? q.body.subarray(0, 120).toString('latin1') : ''}`
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
          const text = Buffer.concat(chunks).toString('utf8')
          const wrong = judge(q, s, String(res.headers['content-type'] ?? ''), text)
          if (wrong === 'okNotGet') tally.okNotGet.push(desc)
          else if (wrong) tally[wrong].push({ req: desc, status: s, body: text.slice(0, 300) })
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
      tally.byRoute[n.value.route] = (tally.byRoute[n.value.route] ?? 0) + 1
      const t0 = performance.now()
      await one(n.value)
      tally.msByRoute[n.value.route] = (tally.msByRoute[n.value.route] ?? 0) + performance.now() - t0
    }
  }))
  agent.destroy()
  return tally
}

// ---- sockets ----

/** An event the server listens for on a socket, whether its handler takes an acknowledgement, and how many payloads come before it. */
export interface SocketEvent { name: string; ack: boolean; payloads: number }
export interface SocketTally {
  handshakes: number
  /** handshake answers: `connected` or the connect_error's message */
  outcomes: Record<string, number>
  /** events sent (junk payloads), and acknowledgements received */
  emits: number
  acks: number
  /** events of each name sent */
  byEvent: Record<string, number>
  problems: string[]
}

/** A junk value for a socket payload or a handshake claim. */
function junk(r: Rng, t: FuzzTargets): unknown {
  switch (r.int(8)) {
    case 0: return wrongValue(r, r.pick<Kind>([{ t: 'string', optional: false }, { t: 'number', optional: false }, { t: 'object', optional: false, strict: true, fields: {} }]))
    case 1: return r.pick(INJECTIONS)
    case 2: return r.pick(BAD_IDS)
    case 3: return 'x'.repeat(r.pick([100, 5000, 20_000, 200_000])) // the server takes messages of at most 10 kB (realtime.ts)
    case 4: return JSON.parse(nested(r, r.pick([5, 20, 50, 200])))
    case 5: return Object.defineProperty({}, r.pick(PROTO_KEYS), { value: { polluted: 'yes' }, enumerable: true })
    case 6: return r.pick<unknown>([r.uuid(), (t.pools.ticket ?? [r.uuid()])[0], { code: r.pick(INJECTIONS), lookupCode: 1 }, { code: 'x'.repeat(41) }])
    default: return r.pick<unknown>([null, undefined, -1, 1e308, true, [], {}, Buffer.from([0xff, 0xfe])])
  }
}

/**
 * Junk on the sockets, from `seed`: handshakes whose claims (`center`, `ticket`, `dossier`, unknown keys) are
 * junk, anonymous and with each role's cookie; on each socket that connects, every event its server-side
 * socket listens for (`eventsOf`, read from the server: nothing listed here) and an unknown one, with junk
 * payloads, with and without an acknowledgement, and a malformed packet at last. Problems: a handshake
 * unanswered or refused with INTERNAL or an unknown code, an event that takes an ack unanswered or answered
 * `true` to junk.
 */
export async function socketFuzz(base: string, seed: number, t: FuzzTargets, opts: { perWho: number; who: readonly Who[]; eventsOf: (socketId: string) => SocketEvent[]; ackMs?: number }): Promise<SocketTally> {
  const ackMs = opts.ackMs ?? 10_000
  const r = prng(seed)
  const tally: SocketTally = { handshakes: 0, outcomes: {}, emits: 0, acks: 0, byEvent: {}, problems: [] }
  const open = (auth: Record<string, unknown>, cookie?: string) => new Promise<{ s: Socket; error?: string }>((resolve) => {
    const s = ioClient(base, { auth, transports: ['websocket'], forceNew: true, reconnection: false, timeout: 15_000, extraHeaders: cookie ? { cookie } : undefined })
    const timer = setTimeout(() => resolve({ s, error: 'no answer within 20 s' }), 20_000)
    s.once('connect', () => { clearTimeout(timer); resolve({ s }) })
    s.once('connect_error', (e) => { clearTimeout(timer); resolve({ s, error: e.message }) })
    // a message over the server's size limit: it closes the connection (its answer to an oversized packet)
    // (later than connect_error, which closes the manager first when it refuses a handshake)
    s.io.once('close', (reason) => { setTimeout(() => { clearTimeout(timer); resolve({ s, error: `closed: ${reason}` }) }, 10) })
  })
  for (const who of opts.who) {
    for (let i = 0; i < opts.perWho; i++) {
      const auth: Record<string, unknown> = {}
      // a claim that holds now and then, so sockets connect and their events are fuzzed too
      if (r.int(3) === 0) auth.center = (t.pools.center ?? ['na-sang'])[0]
      else if (r.int(2)) auth.center = junk(r, t)
      if (r.int(3) === 0) auth.ticket = r.int(3) ? junk(r, t) : (t.pools.ticket ?? [r.uuid()])[0]
      if (r.int(3) === 0) auth.dossier = r.int(2) ? junk(r, t) : { code: junk(r, t), lookupCode: junk(r, t) }
      if (r.int(4) === 0) Object.defineProperty(auth, r.pick([...PROTO_KEYS, 'staff', 'isAdmin', 'x']), { value: junk(r, t), enumerable: true })
      tally.handshakes++
      const { s, error } = await open(auth, t.cookies[who])
      const outcome = error ?? 'connected'
      tally.outcomes[outcome] = (tally.outcomes[outcome] ?? 0) + 1
      if (error && !error.startsWith('closed: ') && (error === 'INTERNAL' || !KNOWN_CODES.has(error))) tally.problems.push(`${who} handshake ${JSON.stringify(auth).slice(0, 200)}: ${error}`)
      if (!error) {
        const events = [...opts.eventsOf(s.id!), { name: 'zz:unknown', ack: false, payloads: 1 }]
        for (const ev of events) {
          for (let k = 0; k < 3 && s.connected; k++) {
            tally.emits++
            tally.byEvent[ev.name] = (tally.byEvent[ev.name] ?? 0) + 1
            // without an ack, any number of junk arguments (the handler must not throw on a missing callback)
            if (k === 2 || !ev.ack) { s.emit(ev.name, ...Array.from({ length: r.int(4) }, () => junk(r, t))); continue }
            // with one: the payloads the handler declares, junk, then the callback
            const args = Array.from({ length: ev.payloads }, () => junk(r, t))
            try {
              const answer: unknown = await s.timeout(ackMs).emitWithAck(ev.name, ...args)
              tally.acks++
              if (answer === true) tally.problems.push(`${who} ${ev.name}(${JSON.stringify(args).slice(0, 200)}): acknowledged true`)
            } catch {
              // a packet over the size limit closes the socket (no answer is owed then); else the ack is missing
              if (s.connected) tally.problems.push(`${who} ${ev.name}(${JSON.stringify(args).slice(0, 200)}): no acknowledgement within ${ackMs} ms`)
              else tally.outcomes['closed after an oversized event'] = (tally.outcomes['closed after an oversized event'] ?? 0) + 1
            }
          }
        }
        // a packet the parser cannot read (broken JSON, an unknown packet type): the server drops this socket, nothing else
        if (i % 4 === 0) (s.io.engine as unknown as { write(m: string): void }).write(r.pick(['42["counter:watch"', '4', '49', '42[', '2{"a":', '42{"x":1}', '8']))
      }
      s.disconnect()
    }
  }
  return tally
}

// ---- the database and the sessions ----

/** Every table of the app (public schema, but the migrator's and the socket adapter's own). */
export async function appTables(db: Kysely<any>): Promise<string[]> {
  const rows = await sql<{ t: string }>`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(db)
  return rows.rows.map((r) => r.t).filter((t) => !t.startsWith('kysely_') && t !== 'socket_io_attachments')
}

/** Row count and an md5 of all rows of every table: the fuzz must leave them exactly as they were. */
export async function snapshot(db: Kysely<any>): Promise<Record<string, { n: number; md5: string }>> {
  // the rate limiters' counters (migration 0023) and the guessing throttles' (0027) count every request, refused
  // ones included: not the app's data
  const tables = (await appTables(db)).filter((t) => !['rate_limit_hit', 'login_failure', 'lookup_guess'].includes(t))
  const q = sql<{ t: string; n: number; digest: string }>`${sql.join(tables.map((t) =>
    sql`select ${t} as t, count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as digest from ${sql.table(t)} x`), sql` union all `)}`
  const rows = (await q.execute(db)).rows
  return Object.fromEntries(rows.map((r) => [r.t, { n: Number(r.n), md5: r.digest }]))
}

/**
 * Real values for params and id fields: the ids of every table with an `id` (by its name, and by its last
 * word: `dossier_attachment` → dossierattachment and attachment), the center's slug, dossier codes, calendar dates.
 */
export async function fuzzPools(db: Kysely<any>, center: string): Promise<Record<string, string[]>> {
  const pools: Record<string, string[]> = {}
  const withId = await sql<{ t: string }>`select table_name as t from information_schema.columns where table_schema = 'public' and column_name = 'id' order by 1`.execute(db)
  for (const { t } of withId.rows) {
    const ids = (await sql<{ id: unknown }>`select id from ${sql.table(t)} order by id limit 20`.execute(db)).rows.map((x) => String(x.id))
    pools[poolKey(t)] = ids
    pools[poolKey(t.split('_').pop()!)] ??= ids
  }
  pools.center = [center] // a center is named by its slug
  pools.code = (await sql<{ code: string }>`select code from dossier order by code limit 10`.execute(db)).rows.map((x) => x.code)
  pools.date = (await sql<{ date: string }>`select date::text as date from calendar_day order by date limit 10`.execute(db)).rows.map((x) => x.date)
  return pools
}

/** Logs in on the app at `base`; the session cookie as a `cookie` header. */
export async function sessionCookie(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: JSON_CT, body: JSON.stringify({ username, password }) })
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`)
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
}

/**
 * The state the logged-in fuzz starts from: the clerk canbo1 has opened counter 1 and called a ticket there
 * (so ticket and counter actions with real ids reach past the state checks); the manager quanly and the
 * admin quantri logged in. Returns each role's session cookie.
 */
export async function staffSessions(base: string, password: string, counterId: string): Promise<Record<Exclude<Who, 'anonymous'>, string>> {
  const clerk = await sessionCookie(base, 'canbo1', password)
  for (const path of [`/api/counters/${counterId}/open`, `/api/counters/${counterId}/call-next`]) {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { ...JSON_CT, cookie: clerk }, body: '{}' })
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`)
  }
  return { clerk, manager: await sessionCookie(base, 'quanly', password), admin: await sessionCookie(base, 'quantri', password) }
}

/**
 * Rows for the routes that need them: a few tickets, a dossier received by the clerk and one filed online
 * with a file (so dossier, attachment and code params are real).
 */
export async function fuzzData(base: string, clerkCookie: string, center: string, serviceIds: string[], procedureId: string): Promise<void> {
  const post = async (path: string, body: unknown, cookie?: string) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { ...JSON_CT, ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) })
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  }
  for (const id of serviceIds.slice(0, 3)) await post(`/api/centers/${center}/tickets`, { serviceId: id, requestId: `fuzz-setup-${randomUUID()}` })
  const applicant = { fullName: 'Nguyễn Văn An', phone: '0912345678', address: 'Bản Na Sang 1' }
  await post('/api/dossiers', { procedureId, applicant, documents: [{ name: 'Tờ khai', received: true }], sets: 1, delivery: 'center' }, clerkCookie)
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n')
  await post('/api/public/dossiers', { center, procedureId, applicant: { ...applicant, idNumber: null }, attachments: [{ name: 'to-khai.pdf', type: 'application/pdf', dataBase64: pdf.toString('base64') }] })
}

/** A directory with a stub for each built page (server/http/pages.ts), so page routes answer as in production. */
export function stubPages(dir: string): string {
  for (const [, file] of PAGE_ENTRIES) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), '<!doctype html><title>stub</title>')
  }
  return dir
}

// ---- the benchmark ----

export async function fuzzBench() {
  const { createDb } = await import('../db/create-db.js')
  const { createApp } = await import('../server/app.js')
  const { BENCH_PASSWORD } = await import('./fixtures.js')
  const { freshDatabase, dropDatabase, header, startServer, writeSection } = await import('./lib.js')
  const PER_ROUTE = Number(process.env.BENCH_FUZZ_PER_ROUTE ?? 30)
  const SEED = Number(process.env.BENCH_FUZZ_SEED ?? 7)
  const dir = mkdtempSync(join(tmpdir(), 'motcua-bench-fuzz-'))
  const pagesDir = stubPages(join(dir, 'pages'))
  // the routes, off an app that is built and never listens (its database is never asked)
  const walker = await createDb({})
  const built = createApp({ dbHandle: walker })
  const routes = walkRoutes(built.app)
  await built.close()
  await walker.close()
  const env = { BENCH_OPEN_LIMITS: '1', BENCH_PAGES_DIR: pagesDir }
  const results: { backend: string; who: Who; tally: Tally; seconds: number }[] = []
  const checks: { backend: string; alive: boolean; same: boolean; diff: string[]; tables: number; missing: string[] }[] = []
  for (const backend of ['postgres', 'pglite'] as const) {
    const target = backend === 'postgres' ? await freshDatabase('fuzz') : `pglite:${join(dir, 'pgdata')}`
    const open = () => backend === 'postgres' ? createDb({ databaseUrl: target, poolMax: 2 }) : createDb({ dataDir: target.slice('pglite:'.length) })
    // 1. migrate, seed, add tickets and dossiers, log the staff in; 2. stop, read the real ids and the tables
    let server = await startServer(target, { env })
    const board = await (await fetch(`${server.url}/api/centers/na-sang/board`)).json() as { services: { id: string; active: boolean }[]; counters: { id: string; number: number }[] }
    const cookies = await staffSessions(server.url, BENCH_PASSWORD, board.counters.find((c) => c.number === 1)!.id)
    // (through the API: a second process may not open PGlite's data directory while the app has it)
    const { procedures } = await (await fetch(`${server.url}/api/centers/na-sang/procedures`)).json() as { procedures: { id: string; code: string }[] }
    const procedureId = procedures.find((p) => p.code === 'khai-sinh')!.id
    await fuzzData(server.url, cookies.clerk, 'na-sang', board.services.filter((s) => s.active).map((s) => s.id), procedureId)
    await server.stop()
    let h = await open()
    const pools = await fuzzPools(h.db, 'na-sang')
    const before = await snapshot(h.db)
    await h.close()
    // 3. anonymous, then each role, against one process
    server = await startServer(target, { env })
    const targets: FuzzTargets = { pools, cookies }
    const covered = new Set<string>()
    for (const who of WHO) {
      const t0 = Date.now()
      const tally = await sendAll(server.url, fuzzRequests(SEED, routes, targets, { perRoute: PER_ROUTE, who: [who] }))
      results.push({ backend, who, tally, seconds: (Date.now() - t0) / 1000 })
      for (const k of Object.keys(tally.byRoute)) covered.add(k)
      for (const kind of ['fiveXx', 'badErrors', 'stackTraces', 'networkErrors'] as const) for (const f of tally[kind].slice(0, 10)) process.stderr.write(`${kind} ${backend}: ${JSON.stringify(f)}\n`)
      for (const f of tally.okNotGet.slice(0, 10)) process.stderr.write(`2xx ${backend}: ${f}\n`)
    }
    const alive = server.proc.exitCode === null && server.proc.signalCode === null && (await fetch(`${server.url}/healthz`)).status === 200
    await server.stop()
    h = await open()
    const after = await snapshot(h.db)
    await h.close()
    const diff = Object.keys(before).filter((k) => before[k]!.n !== after[k]?.n || before[k]!.md5 !== after[k]?.md5)
    checks.push({ backend, alive, same: diff.length === 0, diff, tables: Object.keys(before).length, missing: routes.map(routeKey).filter((k) => !covered.has(k)) })
    if (backend === 'postgres') await dropDatabase(target)
  }
  rmSync(dir, { recursive: true, force: true })
  const name = (r: (typeof results)[number]) => `${r.backend === 'postgres' ? 'PostgreSQL' : 'PGlite'} | ${r.who}`
  const statuses = [...new Set(results.flatMap((r) => Object.keys(r.tally.byStatus).filter((k) => /^\d+$/.test(k))))].sort()
  const rows = results.map((r) => `| ${name(r)} | ${r.tally.sent} | ${r.tally.byStatus['2xx'] ?? 0} (${r.tally.okNotGet.length} not GET) | ${r.tally.byStatus['3xx'] ?? 0} | ${r.tally.byStatus['4xx'] ?? 0} | **${r.tally.byStatus['5xx'] ?? 0}** | ${r.tally.badErrors.length} | ${r.tally.stackTraces.length} | ${r.tally.networkErrors.length} | ${r.seconds.toFixed(1)} |`)
  const statusRows = results.map((r) => `| ${name(r)} | ${statuses.map((s) => r.tally.byStatus[s] ?? 0).join(' | ')} |`)
  const checkRows = checks.map((c) => `| ${c.backend === 'postgres' ? 'PostgreSQL' : 'PGlite'} | ${routes.length - c.missing.length} of ${routes.length}${c.missing.length ? ` (**missing: ${c.missing.join(', ')}**)` : ''} | ${c.alive ? 'yes' : '**no**'} | ${c.same ? `yes (${c.tables} tables)` : `**no: ${c.diff.join(', ')}**`} |`)
  const total = results.reduce((n, r) => n + r.tally.sent, 0)
  writeSection('fuzz', `${header('6. Fuzz: malformed requests against every route, anonymous and as each role', 'npm run bench -- fuzz')}
- load: ${PER_ROUTE} requests per route and per session kind (${total.toLocaleString('en')} in all over both backends), seeded PRNG (mulberry32, seed ${SEED}: the same seed sends the same requests), 16 keep-alive connections, the app in its own process (bench/server.ts with BENCH_OPEN_LIMITS=1: the per-address rate limits out of reach, so requests meet validation; the per-username login backoff and the dossier-guess throttle as configured, the 429s below; stub pages) on the demo plus 3 tickets, a dossier received by the clerk and one filed online with a file; canbo1 logged in with counter 1 open and a ticket called, quanly and quantri logged in.
- routes: the ${routes.length} routes of the app walked off its own router (\`walkRoutes\`: Express 5's router stack, nested routers included; each route's zod schemas read off its \`validate()\`), so routes added later are fuzzed without being listed. Session kinds: anonymous, clerk, manager, admin (each request carries that session's cookie, unless it forges one).
- categories (in turn, each route starting at another; the broken part is the body where the route reads one, else its params, else its query, and the other parts are real values from the database): ${CATEGORIES.join(', ')}. Bodies are built from the route's schema and then broken (a field of the wrong type, required fields left out, unknown fields, \`__proto__\`/\`constructor\` keys, 20–220 kB strings and arrays, 21–20,000 levels of nesting, injection and Unicode junk, invalid ids/slugs/dates, negative and huge numbers, broken UTF-8, wrong content types and encodings); a write its schemas would still take gets a NUL, which every \`validate()\` refuses: no request is valid, so nothing may change. One request in ten also carries a foreign Origin, a forged session cookie, an odd request id or language.
- checks: no 5xx, every 4xx a JSON \`{ error: { code, message } }\` whose code is in common/errors.ts with that status ("bad 4xx"), no stack frame or source path in any body, 2xx only for a GET, no connection error, the process alive (\`/healthz\` 200 afterwards), every table identical before and after (row count and md5 over all rows, read with the app stopped), every walked route fuzzed.

| backend | session | requests | 2xx | 3xx | 4xx | 5xx | bad 4xx | stack traces | connection errors | seconds |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

| backend | routes fuzzed | alive | data unchanged |
|---|---|---|---|
${checkRows.join('\n')}

Statuses:

| backend | session | ${statuses.join(' | ')} |
|---|---|${statuses.map(() => '---|').join('')}
${statusRows.join('\n')}
`)
  return { routes: routes.length, checks, results: results.map((r) => ({ backend: r.backend, who: r.who, sent: r.tally.sent, status: r.tally.byStatus, okNotGet: r.tally.okNotGet.length, badErrors: r.tally.badErrors.length, stackTraces: r.tally.stackTraces.length, net: r.tally.networkErrors.length })) }
}
