// Who may do what: every staff route against every kind of caller, generated from one table.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import supertest from 'supertest'
import type { ErrorCode } from '../common/errors.js'
import { backends } from './helpers/db.js'
import { addOtherCenter, startHarness, type ClientSocket, type Harness, TEST_PASSWORD } from './helpers/harness.js'
import { toneBase64 } from './voice-wav.js'

type Agent = ReturnType<typeof supertest.agent>

/** Callers, from nobody to the admin. `wrongClerk` is canbo2, working at counter 2, not at the target counter 1. */
const ACTORS = ['anonymous', 'otherCenterClerk', 'otherCenterManager', 'wrongClerk', 'rightClerk', 'manager', 'admin'] as const
type Actor = (typeof ACTORS)[number]
const USERNAME: Record<Exclude<Actor, 'anonymous'>, string> = {
  otherCenterClerk: 'canbo.muongpon', otherCenterManager: 'quanly.muongpon',
  wrongClerk: 'canbo2', rightClerk: 'canbo1', manager: 'quanly', admin: 'quantri',
}

/** What the target counter (counter 1, canbo1's) and its ticket look like before the request. */
type State = 'closed' | 'open' | 'paused' | 'waiting' | 'called' | 'serving' | 'held'
  /** a dossier canbo1 has just received; one filed online; a day in the center's calendar */
  | 'dossier' | 'filed' | 'calendarDay'
interface Fixture { counter: string; ticket: string; serviceB: string; dossier: string; attachment: string; counter2?: string }

type Outcome = 'allowed' | ErrorCode
interface RouteCase {
  name: string
  method: 'get' | 'post' | 'patch' | 'put' | 'delete'
  path: (f: Fixture) => string
  body?: (f: Fixture) => Record<string, unknown>
  state: State
  /** a clerk of the center working at another counter; the other columns follow the role rules */
  wrongClerk: Outcome
  /** staff of another center: WRONG_CENTER on the queue routes; their own session on auth routes */
  otherCenter?: Outcome
  /** exceptions to the role rules for one caller */
  except?: Partial<Record<Actor, Outcome>>
  /** what an allowed call leaves behind */
  check: (body: any, f: Fixture) => void
  /** the event row the allowed call writes, credited to the caller */
  recorded?: 'ticket_event' | 'counter_event' | 'dossier_event'
  /** an allowed call's status when not 200 (201: created) */
  status?: number
}

const counterPath = (action: string) => (f: Fixture) => `/api/counters/${f.counter}/${action}`
const ticketPath = (action: string) => (f: Fixture) => `/api/tickets/${f.ticket}/${action}`
/** Rows the manager's settings routes act on, found once the demo is seeded. */
const ids = { procedure: '', priorityGroup: '', clerk: '', promoted: '', apiToken: '', webhook: '', delivery: '' }
let made = 0
const fresh = (prefix: string) => `${prefix}-${++made}`
/** A new service's letters, never the demo's single ones: QA, QB, … */
const twoLetters = () => { const m = ++made; return String.fromCharCode(81 + Math.floor(m / 26) % 9) + String.fromCharCode(65 + (m % 26)) }
const DOSSIER_BODY = () => ({ procedureId: ids.procedure, applicant: { fullName: 'Nguyễn Văn An', phone: '0912345678', address: 'Na Sang' }, documents: [], sets: 1, delivery: 'center' })
const dossierPath = (action: string) => (f: Fixture) => `/api/dossiers/${f.dossier}/${action}`
const ticketIs = (status: string) => (b: any) => expect(b.ticket).toMatchObject({ status })
const counterIs = (status: string) => (b: any) => expect(b.counter).toMatchObject({ status, number: 1 })

const ROUTES: RouteCase[] = [
  // opening needs no seat at the counter; canbo2 already works at counter 2, which is its own rule (409)
  { name: 'open a counter', method: 'post', path: counterPath('open'), state: 'closed', wrongClerk: 'STAFF_AT_OTHER_COUNTER', check: counterIs('open'), recorded: 'counter_event' },
  { name: 'close a counter', method: 'post', path: counterPath('close'), state: 'open', wrongClerk: 'NOT_AT_COUNTER', check: counterIs('closed'), recorded: 'counter_event' },
  { name: 'pause a counter', method: 'post', path: counterPath('pause'), body: () => ({ reason: 'meeting' }), state: 'open', wrongClerk: 'NOT_AT_COUNTER', check: counterIs('paused'), recorded: 'counter_event' },
  { name: 'resume a counter', method: 'post', path: counterPath('resume'), state: 'paused', wrongClerk: 'NOT_AT_COUNTER', check: counterIs('open'), recorded: 'counter_event' },
  { name: 'call the next ticket', method: 'post', path: counterPath('call-next'), state: 'waiting', wrongClerk: 'NOT_AT_COUNTER', check: (b, f) => expect(b.ticket).toMatchObject({ id: f.ticket, status: 'called', counterNumber: 1 }), recorded: 'ticket_event' },
  // W2 (issue 22): a walk-in issued at the clerk's own open, free counter
  { name: 'issue a walk-in at the counter', method: 'post', path: counterPath('walk-in'), body: (f) => ({ serviceId: f.serviceB }), state: 'open', wrongClerk: 'NOT_AT_COUNTER', check: (b) => expect(b.ticket).toMatchObject({ status: 'serving', counterNumber: 1, counterIssued: true }), recorded: 'ticket_event' },
  { name: 'call a ticket out of order', method: 'post', path: counterPath('call'), body: (f) => ({ ticketId: f.ticket }), state: 'waiting', wrongClerk: 'NOT_AT_COUNTER', check: (b, f) => expect(b.ticket).toMatchObject({ id: f.ticket, status: 'called', counterNumber: 1 }), recorded: 'ticket_event' },
  { name: 'recall a ticket', method: 'post', path: ticketPath('recall'), state: 'called', wrongClerk: 'NOT_AT_COUNTER', check: ticketIs('called'), recorded: 'ticket_event' },
  { name: 'start serving a ticket', method: 'post', path: ticketPath('start'), state: 'called', wrongClerk: 'NOT_AT_COUNTER', check: ticketIs('serving'), recorded: 'ticket_event' },
  { name: 'complete a ticket', method: 'post', path: ticketPath('complete'), state: 'serving', wrongClerk: 'NOT_AT_COUNTER', check: ticketIs('done'), recorded: 'ticket_event' },
  { name: 'mark a ticket no-show', method: 'post', path: ticketPath('no-show'), state: 'called', wrongClerk: 'NOT_AT_COUNTER', check: ticketIs('no_show'), recorded: 'ticket_event' },
  { name: 'hold a ticket', method: 'post', path: ticketPath('hold'), state: 'serving', wrongClerk: 'NOT_AT_COUNTER', check: ticketIs('held'), recorded: 'ticket_event' },
  { name: 'resume a held ticket at counter 1', method: 'post', path: ticketPath('resume'), body: (f) => ({ counterId: f.counter }), state: 'held', wrongClerk: 'NOT_AT_COUNTER', check: (b) => expect(b.ticket).toMatchObject({ status: 'called', counterNumber: 1 }), recorded: 'ticket_event' },
  // without a counter id canbo2 would take it to counter 2: only the clerk who held it may
  // (a manager or admin without a counter of their own must name one)
  { name: 'resume a held ticket at the caller\'s own counter', method: 'post', path: ticketPath('resume'), body: () => ({}), state: 'held', wrongClerk: 'NOT_YOUR_HELD_TICKET',
    except: { manager: 'NO_OPEN_COUNTER', admin: 'NO_OPEN_COUNTER' }, check: (b) => expect(b.ticket).toMatchObject({ status: 'called', counterNumber: 1 }), recorded: 'ticket_event' },
  { name: 'transfer a called ticket', method: 'post', path: ticketPath('transfer'), body: (f) => ({ serviceId: f.serviceB }), state: 'called', wrongClerk: 'NOT_AT_COUNTER', check: (b, f) => expect(b.ticket).toMatchObject({ status: 'waiting', serviceId: f.serviceB, transferredFromId: f.ticket }), recorded: 'ticket_event' },
  // issue 22: to counter 2 (open, the wrong clerk's), with a note
  { name: 'transfer a called ticket to a counter', method: 'post', path: ticketPath('transfer'), body: (f) => ({ counterId: f.counter2, note: 'Cần chứng thực' }), state: 'called', wrongClerk: 'NOT_AT_COUNTER', check: (b, f) => expect(b.ticket).toMatchObject({ status: 'waiting', transferredFromId: f.ticket, counterId: null }), recorded: 'ticket_event' },
  { name: 'cancel a called ticket', method: 'post', path: ticketPath('cancel'), state: 'called', wrongClerk: 'NOT_AT_COUNTER', check: ticketIs('cancelled'), recorded: 'ticket_event' },
  // a waiting ticket belongs to no counter yet: any clerk of the center may transfer or cancel it
  { name: 'transfer a waiting ticket', method: 'post', path: ticketPath('transfer'), body: (f) => ({ serviceId: f.serviceB }), state: 'waiting', wrongClerk: 'allowed', check: (b, f) => expect(b.ticket).toMatchObject({ status: 'waiting', serviceId: f.serviceB }), recorded: 'ticket_event' },
  { name: 'cancel a waiting ticket', method: 'post', path: ticketPath('cancel'), state: 'waiting', wrongClerk: 'allowed', check: ticketIs('cancelled'), recorded: 'ticket_event' },
  { name: 'read one\'s own session', method: 'get', path: () => '/api/auth/me', state: 'closed', wrongClerk: 'allowed', otherCenter: 'allowed', check: (b) => expect(b.staff.username).toEqual(expect.any(String)) },
  { name: 'log out', method: 'post', path: () => '/api/auth/logout', state: 'closed', wrongClerk: 'allowed', otherCenter: 'allowed', check: (b) => expect(b).toEqual({ ok: true }) },
  // the staff console's reads: any clerk of the center
  { name: 'list the center\'s counters', method: 'get', path: () => '/api/centers/na-sang/counters', state: 'open', wrongClerk: 'allowed', check: (b) => expect(b.counters).toHaveLength(6) },
  { name: 'read a counter\'s queue', method: 'get', path: counterPath('queue'), state: 'waiting', wrongClerk: 'allowed', check: (b, f) => expect(JSON.stringify(b)).toContain(f.ticket) },
  { name: 'read one\'s figures for today', method: 'get', path: () => '/api/centers/na-sang/my-day', state: 'closed', wrongClerk: 'allowed', check: (b) => expect(b).toEqual(expect.any(Object)) },
  // the manager's views and settings: managers and admins of the center only
  ...([
    ['read the floor view', 'get', () => '/api/centers/na-sang/floor', undefined],
    ['read the service settings', 'get', () => '/api/centers/na-sang/settings/services', undefined],
    ['read the counter settings', 'get', () => '/api/centers/na-sang/settings/counters', undefined],
    ['read the center settings', 'get', () => '/api/centers/na-sang/settings/center', undefined],
    ['read the audit log', 'get', () => '/api/centers/na-sang/audit', undefined],
    ['change a service', 'patch', (f: Fixture) => `/api/services/${f.serviceB}`, () => ({ targetWaitMinutes: 11 })],
    ['rename a counter', 'patch', (f: Fixture) => `/api/counters/${f.counter}`, () => ({ name: 'Quầy số 1 (Hộ tịch)' })],
    ['change the ticket cut-off', 'patch', () => '/api/centers/na-sang/settings/center', () => ({ ticketCutoff: '16:30' })],
    ['read the report', 'get', () => '/api/reports/summary?center=na-sang&groupBy=staff', undefined],
    ['download the report as CSV', 'get', () => '/api/reports/summary?center=na-sang&format=csv', undefined],
    // W4 (issue 21): the tracking book and the period report
    ['read the tracking book', 'get', () => '/api/reports/book?center=na-sang', undefined],
    ['download the period report as CSV', 'get', () => '/api/reports/period?center=na-sang&groupBy=service&format=csv', undefined],
    ['read the rating scale', 'get', () => '/api/centers/na-sang/settings/rating', undefined],
    ['change the rating scale', 'patch', () => '/api/centers/na-sang/settings/rating', () => ({ scale: 3 })],
    // the rating tablet's link carries its counter's key (H1, issue 19 item 4)
    ['read a counter\'s rating-tablet link', 'get', (f: Fixture) => `/api/counters/${f.counter}/rating-tablet`, undefined],
    ['set the pause-alert limit', 'patch', () => '/api/centers/na-sang/settings/center', () => ({ pauseAlertMinutes: 30 })],
    ['read the procedures', 'get', () => '/api/centers/na-sang/settings/procedures', undefined],
    ['create a procedure', 'post', () => '/api/centers/na-sang/procedures', (f: Fixture) => ({ serviceId: f.serviceB, code: fresh('thu-tuc'), nameVi: 'Thủ tục thử', nameEn: 'Test procedure', processingDays: 1, feeVnd: 0 })],
    ['change a procedure', 'patch', () => `/api/procedures/${ids.procedure}`, () => ({ processingDays: 1, documents: ['Tờ khai đăng ký khai sinh', 'Giấy chứng sinh', 'Giấy tờ tùy thân của người đi đăng ký'] })],
    // the procedure catalog as a file (H7)
    ['export the procedure catalog', 'get', () => '/api/centers/na-sang/procedures/export?format=json', undefined],
    ['preview a catalog import', 'post', () => '/api/centers/na-sang/procedures/import/preview', () => ({ format: 'csv', csv: `Mã thủ tục;Tên thủ tục;Lĩnh vực;Thời hạn giải quyết\n1.${100000 + ++made};Thủ tục thử;B;1\n` })],
    ['import the procedure catalog', 'post', () => '/api/centers/na-sang/procedures/import', () => ({ format: 'csv', csv: `Mã thủ tục;Tên thủ tục;Lĩnh vực;Thời hạn giải quyết\n1.${100000 + ++made};Thủ tục thử;B;1\n` })],
    ['read the priority groups', 'get', () => '/api/centers/na-sang/settings/priority-groups', undefined],
    ['create a priority group', 'post', () => '/api/centers/na-sang/priority-groups', () => ({ code: fresh('nhom'), nameVi: 'Nhóm thử', nameEn: 'Test group', bonusMinutes: 10 })],
    ['change a priority group\'s bonus', 'patch', () => `/api/priority-groups/${ids.priorityGroup}`, () => ({ bonusMinutes: 30 })],
    ['list the center\'s staff', 'get', () => '/api/centers/na-sang/staff', undefined],
    ['create a clerk account', 'post', () => '/api/centers/na-sang/staff', () => ({ username: fresh('canbo-thu'), fullName: 'Cán bộ thử', role: 'clerk', password: 'mat-khau-thu-01' })],
    ['rename a clerk account', 'patch', () => `/api/centers/na-sang/staff/${ids.clerk}`, () => ({ fullName: 'Lò Thị Hương' })],
    // services and counters created by the manager (H6)
    ['create a service', 'post', () => '/api/centers/na-sang/services', () => ({ prefix: twoLetters(), nameVi: 'Lĩnh vực thử', nameEn: 'Test service' })],
    ['create a counter', 'post', () => '/api/centers/na-sang/counters', (f: Fixture) => ({ number: 300 + ++made, services: { primary: [f.serviceB], backup: [] } })],
    ['reset a clerk\'s password', 'post', () => `/api/centers/na-sang/staff/${ids.clerk}/password`, () => ({})],
    // W5 (issue 25): the center's API tokens
    ['list the API tokens', 'get', () => '/api/centers/na-sang/api-tokens', undefined],
    ['create an API token', 'post', () => '/api/centers/na-sang/api-tokens', () => ({ name: fresh('may-thu'), scopes: ['board:read'] })],
    ['revoke an API token', 'post', () => `/api/api-tokens/${ids.apiToken}/revoke`, () => ({})],
    // W6 (issue 25): the center's webhooks
    ['list the webhooks', 'get', () => '/api/centers/na-sang/webhooks', undefined],
    ['create a webhook', 'post', () => '/api/centers/na-sang/webhooks', () => ({ url: 'https://tinh.example/hook', events: ['dossier.ready'] })],
    ['pause a webhook', 'patch', () => `/api/webhooks/${ids.webhook}`, () => ({ active: false })],
    ['list a webhook\'s deliveries', 'get', () => `/api/webhooks/${ids.webhook}/deliveries`, undefined],
    ['replay a webhook delivery', 'post', () => `/api/webhook-deliveries/${ids.delivery}/replay`, () => ({})],
    // issue 24: appointments' slots per service and weekday, and their report
    ['read the appointment slots', 'get', () => '/api/centers/na-sang/appointment-rules', undefined],
    ['set a service\'s appointment slots', 'put', (f: Fixture) => `/api/centers/na-sang/appointment-rules/${f.serviceB}`, () => ({ rules: [{ weekday: 1, slotMinutes: 30, capacity: 2 }] })],
    ['read the appointment report', 'get', () => '/api/reports/appointments?center=na-sang', undefined],
    // issue 23: the center's own voice
    ['read the voice settings', 'get', () => '/api/centers/na-sang/voice/settings', undefined],
    ['name a voice language', 'put', () => '/api/centers/na-sang/voice/languages/1', () => ({ name: 'Tiếng Thái', template: 'Mời số {code} pây quầy {counter}' })],
    ['record a voice clip', 'put', () => '/api/centers/na-sang/voice/languages/0/clips/d-1', () => ({ dataBase64: toneBase64(1, 0.1) })],
  ] as const).map(([name, method, path, body]): RouteCase => ({
    name, method, path, body, state: 'closed', wrongClerk: 'FORBIDDEN', status: method === 'post' && !/^(reset|preview|import|revoke|replay)/.test(name) ? 201 : undefined,
    except: { rightClerk: 'FORBIDDEN', otherCenterClerk: 'FORBIDDEN' }, check: (b) => expect(b).toEqual(expect.any(Object)),
  })),
  // the centers of the install are an admin's (H6)
  { name: 'create a center', method: 'post', path: () => '/api/centers', body: () => ({ slug: fresh('xa-thu'), name: 'Xã thử' }), state: 'closed', wrongClerk: 'FORBIDDEN', status: 201,
    except: { rightClerk: 'FORBIDDEN', otherCenterClerk: 'FORBIDDEN', otherCenterManager: 'FORBIDDEN', manager: 'FORBIDDEN' }, check: (b) => expect(b.center.slug).toMatch(/^xa-thu-/) },
  { name: 'list every center of the install', method: 'get', path: () => '/api/admin/centers', state: 'closed', wrongClerk: 'FORBIDDEN',
    except: { rightClerk: 'FORBIDDEN', otherCenterClerk: 'FORBIDDEN', otherCenterManager: 'FORBIDDEN', manager: 'FORBIDDEN' }, check: (b) => expect(b.centers.length).toBeGreaterThan(1) },
  { name: 'rename a center', method: 'patch', path: () => '/api/centers/na-sang', body: () => ({ nameEn: `Na Sang ${++made}` }), state: 'closed', wrongClerk: 'FORBIDDEN',
    except: { rightClerk: 'FORBIDDEN', otherCenterClerk: 'FORBIDDEN', otherCenterManager: 'FORBIDDEN', manager: 'FORBIDDEN' }, check: (b) => expect(b.center.slug).toBe('na-sang') },
  // manager and admin accounts are an admin's
  { name: 'create a manager account', method: 'post', path: () => '/api/centers/na-sang/staff', body: () => ({ username: fresh('quanly-thu'), fullName: 'Quản lý thử', role: 'manager', password: 'mat-khau-thu-02' }),
    state: 'closed', wrongClerk: 'FORBIDDEN', status: 201, except: { rightClerk: 'FORBIDDEN', otherCenterClerk: 'FORBIDDEN', manager: 'FORBIDDEN' }, check: (b) => expect(b.staff.role).toBe('manager') },
  { name: 'make a clerk a manager', method: 'patch', path: () => `/api/centers/na-sang/staff/${ids.promoted}`, body: () => ({ role: 'manager' }),
    state: 'closed', wrongClerk: 'FORBIDDEN', except: { rightClerk: 'FORBIDDEN', otherCenterClerk: 'FORBIDDEN', manager: 'FORBIDDEN' },
    check: (b) => expect(b.staff.role).toBe('manager') },
  // dossiers: any clerk of the center, its manager, an admin; the calendar's changes: manager and admin
  { name: 'receive a dossier', method: 'post', path: () => '/api/dossiers', body: DOSSIER_BODY, state: 'closed', wrongClerk: 'allowed', status: 201, check: (b) => expect(b.dossier.status).toBe('received'), recorded: 'dossier_event' },
  { name: 'list the dossiers', method: 'get', path: () => '/api/dossiers?center=na-sang', state: 'dossier', wrongClerk: 'allowed', check: (b, f) => expect(b.dossiers.map((d: { id: string }) => d.id)).toContain(f.dossier) },
  { name: 'read a dossier', method: 'get', path: (f) => `/api/dossiers/${f.dossier}`, state: 'dossier', wrongClerk: 'allowed', check: (b, f) => expect(b.dossier.id).toBe(f.dossier) },
  { name: 'move a dossier to processing', method: 'post', path: dossierPath('status'), body: () => ({ status: 'processing' }), state: 'dossier', wrongClerk: 'allowed', check: (b) => expect(b.dossier.status).toBe('processing'), recorded: 'dossier_event' },
  { name: 'record a dossier\'s fee', method: 'post', path: dossierPath('fee'), body: () => ({ paidVnd: 50000, method: 'cash', receiptNumber: 'BL-1' }), state: 'dossier', wrongClerk: 'allowed', check: (b) => expect(b.dossier.fee).toMatchObject({ paidVnd: 50000 }), recorded: 'dossier_event' },
  { name: 'extend a dossier', method: 'post', path: dossierPath('extend'), body: () => ({ dueAt: '2026-12-31', reason: 'Cần xác minh thêm' }), state: 'dossier', wrongClerk: 'allowed', check: (b) => expect(b.dossier.extensions).toHaveLength(1), recorded: 'dossier_event' },
  { name: 'receive an online filing', method: 'post', path: dossierPath('receive'), body: () => ({ documents: [], sets: 1, delivery: 'center' }), state: 'filed', wrongClerk: 'allowed', check: (b) => expect(b.dossier.status).toBe('received'), recorded: 'dossier_event' },
  { name: 'download an online filing\'s file', method: 'get', path: (f) => `/api/dossiers/${f.dossier}/attachments/${f.attachment}`, state: 'filed', wrongClerk: 'allowed', check: (b) => expect(b).toBeDefined() },
  { name: 'read the calendar', method: 'get', path: () => '/api/centers/na-sang/calendar?year=2026', state: 'closed', wrongClerk: 'allowed', check: (b) => expect(b.days.length).toBeGreaterThan(0) },
  { name: 'set a calendar day', method: 'put', path: () => '/api/centers/na-sang/calendar/2026-12-30', body: () => ({ kind: 'holiday', name: 'Nghỉ thử' }), state: 'closed', wrongClerk: 'FORBIDDEN',
    except: { rightClerk: 'FORBIDDEN', otherCenterClerk: 'FORBIDDEN' }, check: (b) => expect(b.day).toEqual({ date: '2026-12-30', kind: 'holiday', name: 'Nghỉ thử' }) },
  { name: 'remove a calendar day', method: 'delete', path: () => '/api/centers/na-sang/calendar/2026-12-29', state: 'calendarDay', wrongClerk: 'FORBIDDEN',
    except: { rightClerk: 'FORBIDDEN', otherCenterClerk: 'FORBIDDEN' }, check: (b) => expect(b).toEqual({ ok: true }) },
]

function expected(route: RouteCase, actor: Actor): Outcome {
  const exception = route.except?.[actor]
  if (exception) return exception
  switch (actor) {
    case 'anonymous': return 'AUTH_REQUIRED'
    case 'otherCenterClerk': case 'otherCenterManager': return route.otherCenter ?? 'WRONG_CENTER'
    case 'wrongClerk': return route.wrongClerk
    default: return 'allowed'
  }
}

const STATUS: Partial<Record<ErrorCode, number>> = { AUTH_REQUIRED: 401, FORBIDDEN: 403, WRONG_CENTER: 403, NOT_AT_COUNTER: 403, NOT_YOUR_HELD_TICKET: 403, STAFF_AT_OTHER_COUNTER: 409, NO_OPEN_COUNTER: 409 }
const TABLES = ['dossier', 'dossier_event', 'calendar_day', 'ticket', 'ticket_event', 'counter', 'counter_event', 'ticket_number', 'center_board_seq', 'staff_session', 'service', 'center', 'audit_log', 'procedure', 'priority_group', 'staff', 'api_token', 'webhook_subscription', 'outbox_delivery', 'voice_language', 'voice_clip', 'appointment_rule', 'appointment'] as const
const SNAPSHOT = sql<{ t: string; n: number; digest: string }>`${sql.join(TABLES.map((t) =>
  sql`select ${t} as t, count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as digest from ${sql.table(t)} x`), sql` union all `)}`

describe.each(backends)('roles on %s', (kind) => {
  let h: Harness
  const agents = {} as Record<Actor, Agent | ReturnType<typeof supertest>>
  const staffId = {} as Record<Exclude<Actor, 'anonymous'>, string>

  beforeAll(async () => {
    h = await startHarness(kind)
    const db = h.handle.db
    // a second center with its own service, counter, clerk and manager (demo password)
    const centerId = await addOtherCenter(h)
    const service = await db.insertInto('service').values({ center_id: centerId, prefix: 'A', code: 'ho-tich', name_vi: 'Hộ tịch', name_en: 'Civil status' }).returning('id').executeTakeFirstOrThrow()
    const counter = await db.insertInto('counter').values({ center_id: centerId, number: 1, name: 'Quầy số 1' }).returning('id').executeTakeFirstOrThrow()
    await db.insertInto('counter_service').values({ counter_id: counter.id, service_id: service.id, tier: 1 }).execute()
    const rows = await db.selectFrom('staff').select(['id', 'username']).execute()
    ids.procedure = (await db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
    ids.apiToken = (await db.insertInto('api_token').values({ center_id: h.demo.centerId, name: 'Máy thử', scopes: ['board:read'], secret_hash: 'f'.repeat(64), prefix: 'mc_fffffff',
      created_by: h.demo.staff.quanly!, created_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id
    ids.webhook = (await db.insertInto('webhook_subscription').values({ center_id: h.demo.centerId, url: 'https://tinh.example/hook', events: ['ticket.issued'],
      secret: 'whsec_thu', active: false }).returning('id').executeTakeFirstOrThrow()).id
    const event = await db.insertInto('outbox_event').values({ center_id: h.demo.centerId, kind: 'ticket.issued', stream: 'ticket:x', occurred_at: new Date(),
      data: '{}' }).returning('id').executeTakeFirstOrThrow()
    ids.delivery = String((await db.insertInto('outbox_delivery').values({ event_id: event.id, subscription_id: ids.webhook, stream: 'ticket:x', status: 'failed' })
      .returning('id').executeTakeFirstOrThrow()).id)
    ids.priorityGroup = (await db.selectFrom('priority_group').select('id').where('code', '=', 'nguoi-cao-tuoi').executeTakeFirstOrThrow()).id
    ids.clerk = rows.find((r) => r.username === 'canbo6')!.id
    ids.promoted = rows.find((r) => r.username === 'canbo5')!.id
    agents.anonymous = h.http
    for (const actor of ACTORS) {
      if (actor === 'anonymous') continue
      staffId[actor] = rows.find((r) => r.username === USERNAME[actor])!.id
      agents[actor] = await h.login(USERNAME[actor])
    }
  }, 60_000)
  afterAll(async () => { await h?.close() })

  /** Row count and a digest of every row's text, per table, in one round trip. */
  const snapshot = async () => {
    const { rows } = await SNAPSHOT.execute(h.handle.db)
    return Object.fromEntries(rows.map((r) => [r.t, `${r.n} rows, md5 ${r.digest}`]))
  }

  // A refused call changes nothing (each test checks it), so the next case of the same state reuses the arrangement.
  let arranged: { state: State; f: Fixture } | null = null

  /**
   * Frees every counter but canbo2's counter 2 (opened once, in the first build) and ends every open
   * ticket, then builds `state` through the API as canbo1 would.
   */
  async function arrange(state: State): Promise<Fixture> {
    const reuse = arranged?.state === state ? arranged.f : undefined
    arranged = null
    return reuse ?? build(state)
  }

  async function build(state: State): Promise<Fixture> {
    const db = h.handle.db
    await db.updateTable('ticket').set({ status: 'cancelled', finished_at: h.clock() }).where('status', 'in', ['waiting', 'called', 'serving', 'held']).execute()
    const counter2 = h.demo.counters[2]!
    await db.updateTable('counter').set({ status: 'closed', staff_id: null, pause_reason: null }).where('id', '!=', counter2).execute()
    const f: Fixture = { counter: h.demo.counters[1]!, ticket: '', serviceB: h.demo.services.B!, dossier: '', attachment: '', counter2 }
    const ok = async (p: Promise<supertest.Response>) => { const r = await p; expect(r.status).toBeLessThan(300); return r }
    const clerk = agents.rightClerk
    const c2 = await db.selectFrom('counter').select(['status', 'staff_id']).where('id', '=', counter2).executeTakeFirstOrThrow()
    if (c2.status !== 'open' || c2.staff_id !== staffId.wrongClerk) {
      await db.updateTable('counter').set({ status: 'closed', staff_id: null, pause_reason: null }).where('id', '=', counter2).execute()
      await ok(agents.wrongClerk.post(`/api/counters/${counter2}/open`).send({}))
    }
    if (state === 'dossier') f.dossier = (await ok(clerk.post('/api/dossiers').send(DOSSIER_BODY()))).body.dossier.id
    if (state === 'filed') {
      const { code } = (await ok(h.http.post('/api/public/dossiers').send({ center: 'na-sang', procedureId: ids.procedure, applicant: DOSSIER_BODY().applicant,
        attachments: [{ name: 'to-khai.pdf', type: 'application/pdf', dataBase64: Buffer.from('%PDF-1.4 test').toString('base64') }] }))).body
      f.dossier = (await db.selectFrom('dossier').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id
      f.attachment = (await db.selectFrom('dossier_attachment').select('id').where('dossier_id', '=', f.dossier).executeTakeFirstOrThrow()).id
    }
    if (state === 'calendarDay') await db.insertInto('calendar_day').values({ center_id: h.demo.centerId, date: '2026-12-29', kind: 'holiday', name: 'Nghỉ thử' }).onConflict((oc) => oc.doNothing()).execute()
    if (state === 'closed' || state === 'dossier' || state === 'filed' || state === 'calendarDay') return f
    await ok(clerk.post(`/api/counters/${f.counter}/open`).send({}))
    if (state === 'paused') await ok(clerk.post(`/api/counters/${f.counter}/pause`).send({ reason: 'break' }))
    if (state === 'open' || state === 'paused') return f
    f.ticket = (await ok(h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }))).body.ticket.id
    if (state === 'waiting') return f
    await ok(clerk.post(`/api/counters/${f.counter}/call-next`).send({}))
    if (state === 'serving' || state === 'held') await ok(clerk.post(`/api/tickets/${f.ticket}/start`).send({}))
    if (state === 'held') await ok(clerk.post(`/api/tickets/${f.ticket}/hold`).send({}))
    return f
  }

  /** A fresh session for `actor`, for the calls that end it (log out). */
  async function freshAgent(actor: Actor) {
    if (actor === 'anonymous') return h.http
    const a = supertest.agent(h.url)
    expect((await a.post('/api/auth/login').send({ username: USERNAME[actor as Exclude<Actor, 'anonymous'>], password: TEST_PASSWORD })).status).toBe(200)
    return a
  }

  for (const route of ROUTES) {
    describe(route.name, () => {
      for (const actor of ACTORS) {
        const outcome = expected(route, actor)
        const title = outcome === 'allowed' ? `${actor}: allowed` : `${actor}: ${STATUS[outcome]} ${outcome}, nothing changes`
        it(title, async () => {
          const f = await arrange(route.state)
          const agent = route.path(f) === '/api/auth/logout' ? await freshAgent(actor) : agents[actor]
          const before = await snapshot()
          const lastEvent = route.recorded && (await h.handle.db.selectFrom(route.recorded).select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id
          const req = agent[route.method](route.path(f))
          const res = route.method === 'get' ? await req : await req.send(route.body?.(f) ?? {})
          if (outcome === 'allowed') {
            expect({ status: res.status, error: res.body.error }).toEqual({ status: route.status ?? 200, error: undefined })
            route.check(res.body, f)
            if (route.recorded) {
              // every row the call wrote is credited to the caller
              const written = await h.handle.db.selectFrom(route.recorded).select(['staff_id', 'type'])
                .where('id', '>', Number(lastEvent ?? 0)).execute()
              expect(written.length).toBeGreaterThan(0)
              for (const w of written) expect(w.staff_id).toBe(staffId[actor as Exclude<Actor, 'anonymous'>])
            }
          } else {
            expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: STATUS[outcome], code: outcome })
            expect(await snapshot()).toEqual(before)
            arranged = { state: route.state, f }
          }
        })
      }
    })
  }

  it('still accepts the session of everyone who called above (nobody was logged out by a refusal)', async () => {
    for (const actor of ACTORS) {
      if (actor === 'anonymous') continue
      const me = await agents[actor].get('/api/auth/me')
      expect({ actor, status: me.status, username: me.body.staff?.username }).toEqual({ actor, status: 200, username: USERNAME[actor] })
    }
  })
})

/**
 * The staff socket: the staff room joined on a session cookie (every ticket of the center, `ticket:updated`)
 * and `counter:watch` (a counter's room). A refused caller gets no data: no ack `true`, no event.
 */
const SOCKET_ACTORS = ['anonymous', 'otherCenterClerk', 'otherCenterManager', 'loggedOutClerk', 'clerk', 'manager', 'admin'] as const
type SocketActor = (typeof SOCKET_ACTORS)[number]
const SOCKET_USER: Record<Exclude<SocketActor, 'anonymous'>, string> = {
  otherCenterClerk: 'canbo.muongpon', otherCenterManager: 'quanly.muongpon', loggedOutClerk: 'canbo3', clerk: 'canbo1', manager: 'quanly', admin: 'quantri',
}
const ALLOWED: SocketActor[] = ['clerk', 'manager', 'admin']
/** How long a refused socket is watched for an event it must not get (allowed ones get it within this too). */
const QUIET_MS = 800

describe.each(backends)('staff socket events by role on %s', (kind) => {
  let h: Harness
  let otherCounter: string
  const cookies = {} as Record<SocketActor, string | undefined>

  beforeAll(async () => {
    h = await startHarness(kind)
    const centerId = await addOtherCenter(h)
    otherCounter = (await h.handle.db.insertInto('counter').values({ center_id: centerId, number: 1, name: 'Quầy số 1' }).returning('id').executeTakeFirstOrThrow()).id
    for (const actor of SOCKET_ACTORS) {
      if (actor === 'anonymous') continue
      const res = await h.http.post('/api/auth/login').send({ username: SOCKET_USER[actor], password: TEST_PASSWORD })
      cookies[actor] = res.headers['set-cookie']![0]!.split(';')[0]!
    }
    // a session that was ended: its cookie must open nothing
    await supertest(h.url).post('/api/auth/logout').set('Cookie', cookies.loggedOutClerk!).send({}).expect(200)
  }, 60_000)
  afterAll(async () => { await h?.close() })

  /** Connects every actor's socket; resolves each with the socket, or null when the handshake was refused. */
  async function connectAll(auth: Record<string, string>): Promise<Record<SocketActor, ClientSocket | null>> {
    const out = {} as Record<SocketActor, ClientSocket | null>
    await Promise.all(SOCKET_ACTORS.map(async (actor) => {
      const s = h.socket(auth, { cookie: cookies[actor] })
      out[actor] = await new Promise<ClientSocket | null>((resolve) => {
        s.on('connect', () => resolve(s))
        s.on('connect_error', () => resolve(null))
      })
    }))
    return out
  }

  /** Who of the sockets received `event` within QUIET_MS of `act`. */
  async function receivers(sockets: Record<SocketActor, ClientSocket | null>, event: 'ticket:updated' | 'counter:changed', act: () => Promise<unknown>) {
    const got = new Set<SocketActor>()
    for (const actor of SOCKET_ACTORS) sockets[actor]?.on(event, () => { got.add(actor) })
    await act()
    await new Promise((r) => setTimeout(r, QUIET_MS))
    for (const actor of SOCKET_ACTORS) sockets[actor]?.disconnect()
    return SOCKET_ACTORS.filter((a) => got.has(a))
  }

  const watch = (s: ClientSocket | null, counterId: string) => s === null ? Promise.resolve('refused at handshake')
    : new Promise<boolean | 'no answer'>((resolve) => {
      const t = setTimeout(() => resolve('no answer'), QUIET_MS)
      s.emit('counter:watch', counterId, (ok) => { clearTimeout(t); resolve(ok) })
    })

  it('the staff room (session cookie + center): ticket:updated of the center reaches its clerk, manager and the admin only', async () => {
    const sockets = await connectAll({ center: 'na-sang' })
    // a public page connects with or without a cookie: all are connected, only staff of the center are in the staff room
    expect(SOCKET_ACTORS.filter((a) => sockets[a] === null)).toEqual([])
    expect(await receivers(sockets, 'ticket:updated', () => h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)))
      .toEqual(ALLOWED)
  })

  it('counter:watch on a Na Sang counter (cookie only): acknowledged and delivered to the center’s staff and the admin; refused ones get nothing', async () => {
    const sockets = await connectAll({})
    const acks = Object.fromEntries(await Promise.all(SOCKET_ACTORS.map(async (a) => [a, await watch(sockets[a], h.demo.counters[1]!)] as const)))
    expect(acks).toEqual({ anonymous: 'refused at handshake', otherCenterClerk: false, otherCenterManager: false, loggedOutClerk: 'refused at handshake', clerk: true, manager: true, admin: true })
    const clerk = supertest.agent(h.url)
    await clerk.post('/api/auth/login').send({ username: 'canbo2', password: TEST_PASSWORD }).expect(200)
    expect(await receivers(sockets, 'counter:changed', () => clerk.post(`/api/counters/${h.demo.counters[1]}/open`).send({}).expect(200))).toEqual(ALLOWED)
    await clerk.post(`/api/counters/${h.demo.counters[1]}/close`).send({}).expect(200)
  })

  it('counter:watch on another center’s counter: refused for Na Sang’s clerk and manager, allowed for its own staff and the admin', async () => {
    const sockets = await connectAll({})
    const acks = Object.fromEntries(await Promise.all(SOCKET_ACTORS.map(async (a) => [a, await watch(sockets[a], otherCounter)] as const)))
    for (const s of Object.values(sockets)) s?.disconnect()
    expect(acks).toEqual({ anonymous: 'refused at handshake', otherCenterClerk: true, otherCenterManager: true, loggedOutClerk: 'refused at handshake', clerk: false, manager: false, admin: true })
  })
})
