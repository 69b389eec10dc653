// Inbound from the province (issue 25): a token-authenticated client (plain fetch, no cookie) reads a center's board,
// links its own code to a dossier, moves it by that code under the clerk's rules and 409s, attaches the electronic
// result, and is refused outside its scopes and its center. On both backends.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { addOtherCenter, startHarness, type Harness } from './helpers/harness.js'

const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj <<>> endobj\n%%EOF\n')

describe.each(backends)('the province\'s system through the token API (%s)', (kind) => {
  let h: Harness
  let rw = ''
  let readOnly = ''
  let dossier: { id: string; code: string }
  let second: { id: string }

  /** The province's program: fetch, the token in Authorization, JSON in and out. */
  const call = async (secret: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(h.url + path, { method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } })
    const text = await res.text()
    return { status: res.status, body: text && res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text }
  }

  beforeAll(async () => {
    h = await startHarness(kind)
    await addOtherCenter(h)
    const manager = await h.login('quanly')
    const clerk = await h.login('canbo1')
    const token = async (scopes: string[]) => (await manager.post('/api/centers/na-sang/api-tokens').send({ name: `Hệ thống tỉnh ${scopes.join(',')}`, scopes }).expect(201)).body.secret as string
    rw = await token(['board:read', 'dossiers:read', 'dossiers:write'])
    readOnly = await token(['dossiers:read'])
    const procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
    const file = async () => (await clerk.post('/api/dossiers').send({ procedureId, applicant: { fullName: 'Quàng Văn Tỉnh', phone: '0987654321', address: 'Na Sang' },
      documents: [], sets: 1, delivery: 'center' }).expect(201)).body.dossier
    dossier = await file()
    second = await file()
  }, 60_000)
  afterAll(async () => { await h?.close() })

  it('reads the center\'s floor with board:read', async () => {
    const floor = await call(rw, 'GET', '/api/centers/na-sang/floor')
    expect(floor.status).toBe(200)
    expect(floor.body).toHaveProperty('counters')
    expect((await call(readOnly, 'GET', '/api/centers/na-sang/floor')).body.error.code).toBe('TOKEN_SCOPE')
  })

  it('links its own code to a dossier, unique within the center, and finds the dossier by it', async () => {
    const set = await call(rw, 'PUT', `/api/dossiers/${dossier.id}/provincial-code`, { provincialCode: 'DBN-2026-000123' })
    expect(set.status).toBe(200)
    expect(set.body.dossier.provincialCode).toBe('DBN-2026-000123')
    const taken = await call(rw, 'PUT', `/api/dossiers/${second.id}/provincial-code`, { provincialCode: 'DBN-2026-000123' })
    expect([taken.status, taken.body.error.code]).toEqual([409, 'PROVINCIAL_CODE_TAKEN'])
    const bad = await call(rw, 'PUT', `/api/dossiers/${second.id}/provincial-code`, { provincialCode: '../x' })
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED'])
    const got = await call(readOnly, 'GET', '/api/centers/na-sang/provincial-dossiers/DBN-2026-000123')
    expect([got.status, got.body.dossier.id]).toEqual([200, dossier.id])
    expect((await call(rw, 'GET', '/api/centers/na-sang/provincial-dossiers/DBN-0000')).body.error.code).toBe('DOSSIER_NOT_FOUND')
    const row = await h.handle.db.selectFrom('dossier_event').select(['type', 'api_token_id', 'note']).where('dossier_id', '=', dossier.id).where('type', '=', 'provincial_code_set').executeTakeFirstOrThrow()
    expect(row).toMatchObject({ note: 'DBN-2026-000123', api_token_id: expect.any(String) })
  })

  it('changes the status by its code with a note, under the clerk\'s transition rules (409 on a wrong move)', async () => {
    const path = '/api/centers/na-sang/provincial-dossiers/DBN-2026-000123'
    const wrong = await call(rw, 'POST', `${path}/status`, { status: 'returned', handover: { to: 'applicant' } })
    expect([wrong.status, wrong.body.error.code]).toEqual([409, 'DOSSIER_WRONG_STATE'])
    const moved = await call(rw, 'POST', `${path}/status`, { status: 'processing', note: 'Tỉnh đã tiếp nhận xử lý' })
    expect([moved.status, moved.body.dossier.status]).toEqual([200, 'processing'])
    expect(moved.body.dossier.history.at(-1)).toMatchObject({ type: 'status', toStatus: 'processing', note: 'Tỉnh đã tiếp nhận xử lý' })
    const attached = await call(rw, 'PUT', `${path}/result`, { name: 'Giấy khai sinh (bản điện tử).pdf', dataBase64: PDF.toString('base64') })
    expect(attached.status).toBe(200)
    expect(attached.body.dossier.result).toMatchObject({ attachedByToken: 'Hệ thống tỉnh board:read,dossiers:read,dossiers:write', size: PDF.length })
    const ready = await call(rw, 'POST', `${path}/status`, { status: 'ready' })
    expect([ready.status, ready.body.dossier.status]).toEqual([200, 'ready'])
    const again = await call(rw, 'POST', `${path}/status`, { status: 'ready' })
    expect([again.status, again.body.error.code]).toEqual([409, 'DOSSIER_WRONG_STATE'])
    const events = await h.handle.db.selectFrom('dossier_event').select(['type', 'api_token_id']).where('dossier_id', '=', dossier.id).where('type', 'in', ['status', 'result_attached']).execute()
    expect(events.length).toBe(3)
    expect(events.every((e) => e.api_token_id)).toBe(true)
  })

  it('is refused outside its scopes and outside its center', async () => {
    const path = '/api/centers/na-sang/provincial-dossiers/DBN-2026-000123'
    expect((await call(readOnly, 'POST', `${path}/status`, { status: 'returned', handover: { to: 'applicant' } })).body.error.code).toBe('TOKEN_SCOPE')
    expect((await call(readOnly, 'PUT', `${path}/result`, { name: 'a.pdf', dataBase64: PDF.toString('base64') })).body.error.code).toBe('TOKEN_SCOPE')
    expect((await call(readOnly, 'PUT', `/api/dossiers/${second.id}/provincial-code`, { provincialCode: 'X1' })).body.error.code).toBe('TOKEN_SCOPE')
    const other = await call(rw, 'GET', '/api/centers/muong-pon/provincial-dossiers/DBN-2026-000123')
    expect([other.status, other.body.error.code]).toEqual([403, 'WRONG_CENTER'])
    const otherMove = await call(rw, 'POST', '/api/centers/muong-pon/provincial-dossiers/DBN-2026-000123/status', { status: 'processing' })
    expect([otherMove.status, otherMove.body.error.code]).toEqual([403, 'WRONG_CENTER'])
    expect((await call('mc_' + 'x'.repeat(43), 'GET', `${path}`)).body.error.code).toBe('TOKEN_INVALID')
    const d = await h.handle.db.selectFrom('dossier').select('status').where('id', '=', dossier.id).executeTakeFirstOrThrow()
    expect(d.status).toBe('ready')
    // the file is the staff's and the token's to read (dossiers:read), as a download
    const file = await fetch(`${h.url}/api/dossiers/${dossier.id}/result`, { headers: { authorization: `Bearer ${readOnly}` } })
    expect(file.status).toBe(200)
    expect(Buffer.compare(Buffer.from(await file.arrayBuffer()), PDF)).toBe(0)
  })
})
