// API tokens (issue 25, W5): a machine client with `Authorization: Bearer …` and plain fetch, on both backends.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { insertAudit } from '../server/staff/settings.repository.js'
import { runAsToken } from '../server/tokens/token-context.js'
import { addOtherCenter, startHarness, type Harness } from './helpers/harness.js'

type Agent = Awaited<ReturnType<Harness['login']>>

describe.each(backends)('API tokens (%s)', (kind) => {
  let h: Harness
  let manager: Agent
  let clerk: Agent
  let procedureId = ''
  let dossierId = ''
  const PER_MINUTE = 40

  /** What a province's program does: plain fetch, the token in the Authorization header, no cookie. */
  const call = async (secret: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(h.url + path, {
      method, headers: { authorization: `Bearer ${secret}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers }
  }
  const create = async (body: Record<string, unknown>, agent: Agent = manager) =>
    (await agent.post('/api/centers/na-sang/api-tokens').send(body).expect(201)).body as { token: { id: string; prefix: string }; secret: string }

  beforeAll(async () => {
    h = await startHarness(kind, { tokenRequestsPerMinute: PER_MINUTE })
    await addOtherCenter(h)
    manager = await h.login('quanly')
    clerk = await h.login('canbo1')
    procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
    const d = await clerk.post('/api/dossiers').send({ procedureId, applicant: { fullName: 'Nguyễn Văn An', phone: '0912345678', address: 'Na Sang' },
      documents: [], sets: 1, delivery: 'center' }).expect(201)
    dossierId = d.body.dossier.id
  }, 60_000)
  afterAll(async () => { await h?.close() })

  let full: { token: { id: string; prefix: string }; secret: string }

  it('a manager creates a token: its secret once, only its hash kept, the creation audited', async () => {
    full = await create({ name: 'Hệ thống một cửa điện tử tỉnh', scopes: ['board:read', 'dossiers:read', 'dossiers:write'] })
    expect(full.secret).toMatch(/^mc_[A-Za-z0-9_-]{43}$/)
    expect(full.token.prefix).toBe(full.secret.slice(0, 10))
    const row = await h.handle.db.selectFrom('api_token').selectAll().where('id', '=', full.token.id).executeTakeFirstOrThrow()
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(row)).not.toContain(full.secret)
    const listed = (await manager.get('/api/centers/na-sang/api-tokens').expect(200)).body.tokens
    expect(listed).toEqual([expect.objectContaining({ id: full.token.id, name: 'Hệ thống một cửa điện tử tỉnh', lastUsedAt: null, revokedAt: null })])
    expect(JSON.stringify(listed)).not.toContain(full.secret)
    const audit = await h.handle.db.selectFrom('audit_log').selectAll().where('entity', '=', 'api_token').where('entity_id', '=', full.token.id).execute()
    expect(audit).toEqual([expect.objectContaining({ action: 'create', staff_id: h.demo.staff.quanly })])
  })

  it('clerks and other centers\' managers may not manage a center\'s tokens', async () => {
    expect((await clerk.post('/api/centers/na-sang/api-tokens').send({ name: 'x', scopes: ['board:read'] })).body.error.code).toBe('FORBIDDEN')
    const other = await h.login('quanly.muongpon')
    expect((await other.get('/api/centers/na-sang/api-tokens')).body.error.code).toBe('WRONG_CENTER')
    expect((await other.post(`/api/api-tokens/${full.token.id}/revoke`).send({})).body.error.code).toBe('WRONG_CENTER')
  })

  it('reads the center\'s floor, counters and tickets, and a dossier, by plain fetch', async () => {
    const floor = await call(full.secret, 'GET', '/api/centers/na-sang/floor')
    expect(floor.status).toBe(200)
    const counters = await call(full.secret, 'GET', '/api/centers/na-sang/counters')
    expect(counters.status).toBe(200)
    const queue = await call(full.secret, 'GET', `/api/counters/${h.demo.counters[1]}/queue`)
    expect(queue.status).toBe(200)
    const d = await call(full.secret, 'GET', `/api/dossiers/${dossierId}`)
    expect(d).toMatchObject({ status: 200, body: { dossier: { id: dossierId, status: 'received' } } })
    // last use, shown to the manager
    const listed = (await manager.get('/api/centers/na-sang/api-tokens').expect(200)).body.tokens
    expect(listed[0].lastUsedAt).toBe(h.clock().toISOString())
    expect(listed[0].lastUsedAddress).toBeTruthy()
  })

  it('changes a dossier\'s status under the clerk\'s rules; the event names the token', async () => {
    const moved = await call(full.secret, 'POST', `/api/dossiers/${dossierId}/status`, { status: 'processing', note: 'Tỉnh đã tiếp nhận xử lý' })
    expect(moved).toMatchObject({ status: 200, body: { dossier: { id: dossierId, status: 'processing' } } })
    // the same transition rules and answers as a clerk's: back to 'submitted_online' is no move
    const refused = await call(full.secret, 'POST', `/api/dossiers/${dossierId}/status`, { status: 'submitted_online' })
    expect(refused.status).toBe(409)
    const ev = await h.handle.db.selectFrom('dossier_event').selectAll().where('dossier_id', '=', dossierId).where('to_status', '=', 'processing').executeTakeFirstOrThrow()
    expect(ev.api_token_id).toBe(full.token.id)
    // the center's audit log lists the move as the token's
    const log = (await manager.get('/api/centers/na-sang/audit?entity=dossier').expect(200)).body.entries as { entityId: string; action: string; staffName: string }[]
    expect(log.find((e) => e.entityId === dossierId && e.action === 'processing')?.staffName).toBe('API · Hệ thống một cửa điện tử tỉnh')
    expect(log.find((e) => e.entityId === dossierId && e.action === 'received')?.staffName).toBe('Quàng Thị Hoa')
    // the clerk's own moves name no token
    const received = await h.handle.db.selectFrom('dossier_event').selectAll().where('dossier_id', '=', dossierId).where('to_status', '=', 'received').executeTakeFirstOrThrow()
    expect(received.api_token_id).toBeNull()
  })

  it('is refused outside its scopes (403 TOKEN_SCOPE) and outside its center (403 WRONG_CENTER)', async () => {
    const outside = [
      ['GET', '/api/reports/summary?center=na-sang&from=2026-11-23&to=2026-11-23&groupBy=day'],
      ['GET', '/api/centers/na-sang/api-tokens'],
      ['GET', '/api/centers/na-sang/settings/services'],
      ['GET', '/api/auth/me'],
      ['POST', '/api/auth/logout', {}],
      ['POST', `/api/counters/${h.demo.counters[1]}/open`, {}],
      ['POST', `/api/api-tokens/${full.token.id}/revoke`, {}],
    ] as const
    for (const [method, path, body] of outside) {
      const r = await call(full.secret, method, path, body)
      expect({ path, status: r.status, code: r.body?.error?.code }).toEqual({ path, status: 403, code: 'TOKEN_SCOPE' })
    }
    const other = await call(full.secret, 'GET', '/api/centers/muong-pon/floor')
    expect({ status: other.status, code: other.body.error.code }).toEqual({ status: 403, code: 'WRONG_CENTER' })
    // a reports-only token reads reports and nothing of the dossiers
    const reports = await create({ name: 'Báo cáo tỉnh', scopes: ['reports:read'] })
    expect((await call(reports.secret, 'GET', '/api/reports/summary?center=na-sang&from=2026-11-23&to=2026-11-23&groupBy=day')).status).toBe(200)
    expect((await call(reports.secret, 'GET', '/api/reports/summary?center=muong-pon&from=2026-11-23&to=2026-11-23&groupBy=day')).body.error.code).toBe('WRONG_CENTER')
    expect((await call(reports.secret, 'GET', `/api/dossiers/${dossierId}`)).body.error.code).toBe('TOKEN_SCOPE')
  })

  it('a token decides, not a cookie sent with it; a foreign Origin is refused as before', async () => {
    const admin = await h.login('quantri')
    // the admin's cookie rides along, but the request is the token's: reports stay out of its scopes
    const cookie = (await admin.get('/api/auth/me')).request.cookies
    const r = await call(full.secret, 'GET', '/api/reports/summary?center=na-sang&from=2026-11-23&to=2026-11-23&groupBy=day', undefined, { cookie })
    expect(r.body.error.code).toBe('TOKEN_SCOPE')
    const foreign = await call(full.secret, 'POST', `/api/dossiers/${dossierId}/status`, { status: 'processing' }, { origin: 'https://evil.example' })
    expect(foreign.body.error.code).toBe('ORIGIN_MISMATCH')
    expect((await call('mc_' + 'x'.repeat(43), 'GET', '/api/centers/na-sang/floor')).body.error).toMatchObject({ code: 'TOKEN_INVALID' })
    expect((await call('', 'GET', '/api/centers/na-sang/floor', undefined, { authorization: 'Basic abc' })).status).toBe(401)
  })

  it('revoked and expired tokens are refused (401 TOKEN_INVALID); the revocation is audited', async () => {
    const soon = await create({ name: 'Thử hết hạn', scopes: ['board:read'], expiresAt: new Date(h.clock().getTime() + 60 * 60_000).toISOString() })
    expect((await call(soon.secret, 'GET', '/api/centers/na-sang/floor')).status).toBe(200)
    const doomed = await create({ name: 'Thử thu hồi', scopes: ['board:read'] })
    expect((await call(doomed.secret, 'GET', '/api/centers/na-sang/floor')).status).toBe(200)
    const revoked = (await manager.post(`/api/api-tokens/${doomed.token.id}/revoke`).send({}).expect(200)).body.token
    expect(revoked.revokedAt).toBe(h.clock().toISOString())
    expect((await call(doomed.secret, 'GET', '/api/centers/na-sang/floor')).body.error.code).toBe('TOKEN_INVALID')
    const audit = await h.handle.db.selectFrom('audit_log').select(['action', 'staff_id']).where('entity_id', '=', doomed.token.id).orderBy('id').execute()
    expect(audit.map((a) => a.action)).toEqual(['create', 'revoke'])
    h.clock.advance(61 * 60_000)
    expect((await call(soon.secret, 'GET', '/api/centers/na-sang/floor')).body.error.code).toBe('TOKEN_INVALID')
    // an expiry already past is refused at creation
    const past = await manager.post('/api/centers/na-sang/api-tokens').send({ name: 'x', scopes: ['board:read'], expiresAt: '2020-01-01T00:00:00Z' })
    expect(past.status).toBe(400)
  })

  it('audit rows written while a token acts name it; those of staff sessions do not', async () => {
    const at = h.clock()
    const write = (entityId: string) => insertAudit(h.handle.db, { centerId: h.demo.centerId, staffId: h.demo.staff.quanly!, entity: 'dossier', entityId, action: 'test', changes: {}, at })
    await runAsToken(full.token.id, () => write('00000000-0000-4000-8000-000000000001'))
    await write('00000000-0000-4000-8000-000000000002')
    const rows = await h.handle.db.selectFrom('audit_log').select(['entity_id', 'api_token_id']).where('action', '=', 'test').orderBy('entity_id').execute()
    expect(rows).toEqual([{ entity_id: '00000000-0000-4000-8000-000000000001', api_token_id: full.token.id }, { entity_id: '00000000-0000-4000-8000-000000000002', api_token_id: null }])
  })

  it('is rate-limited per token: 429 RATE_LIMITED past its budget, other tokens unaffected', async () => {
    const busy = await create({ name: 'Máy bận', scopes: ['board:read'] })
    const calm = await create({ name: 'Máy rảnh', scopes: ['board:read'] })
    const codes: number[] = []
    for (let i = 0; i < PER_MINUTE + 2; i++) codes.push((await call(busy.secret, 'GET', '/api/centers/na-sang/counters')).status)
    expect(codes.slice(0, PER_MINUTE).every((c) => c === 200)).toBe(true)
    expect(codes.slice(PER_MINUTE)).toEqual([429, 429])
    expect((await call(calm.secret, 'GET', '/api/centers/na-sang/counters')).status).toBe(200)
  })
})
