// The agency identifier of the dossier code (Decree 118/2025 Art. 28.a; issue 21): a setting of the center its
// manager edits, validated, audited, used from the next dossier on; another center's identifier is refused.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { addOtherCenter, startHarness, type Harness } from './helpers/harness.js'

type Agent = Awaited<ReturnType<Harness['login']>>
const applicant = { fullName: 'Lò Thị Xuân', phone: '0912 345 679', address: 'Bản Na Sang 2, xã Na Sang' }
const docs = [{ name: 'Tờ khai', received: true }]

describe.each(backends)('agency identifier of dossier codes on %s', (kind) => {
  let h: Harness
  let manager: Agent, clerk: Agent, otherManager: Agent
  let procedureId: string
  const settings = '/api/centers/na-sang/settings/center'
  const receive = async () => (await clerk.post('/api/dossiers').send({ procedureId, applicant, documents: docs, sets: 1, delivery: 'center' }).expect(201)).body.dossier
  const prefix = async () => (await h.handle.db.selectFrom('center').select('dossier_prefix').where('slug', '=', 'na-sang').executeTakeFirstOrThrow()).dossier_prefix

  beforeAll(async () => {
    h = await startHarness(kind, { clockStart: '2026-11-23T09:00:00+07:00' })
    await addOtherCenter(h) // Mường Pồn, identifier HS (the default)
    ;[manager, clerk, otherManager] = await Promise.all((['quanly', 'canbo1', 'quanly.muongpon'] as const).map((u) => h.login(u))) as [Agent, Agent, Agent]
    procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
  }, 60_000)
  afterAll(async () => { await h?.close() })

  it('is NS by default; the manager sets the national code, audited; the next dossier carries it, earlier ones keep theirs', async () => {
    expect((await manager.get(settings).expect(200)).body.center.dossierPrefix).toBe('NS')
    const before = await receive()
    expect(before.code).toBe('NS-261123-0001')
    const res = await manager.patch(settings).send({ dossierPrefix: ' 000.00.19.h09 ' }).expect(200)
    expect(res.body.center.dossierPrefix).toBe('000.00.19.H09')
    const audit = await h.handle.db.selectFrom('audit_log').select(['entity', 'action', 'changes']).where('entity', '=', 'center').orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(audit).toMatchObject({ entity: 'center', action: 'update' })
    expect(typeof audit.changes === 'string' ? JSON.parse(audit.changes) : audit.changes).toEqual({ dossierPrefix: { from: 'NS', to: '000.00.19.H09' } })
    const after = await receive()
    expect(after.code).toBe('000.00.19.H09-261123-0002')
    // the citizen finds it by that code; the earlier one keeps its own
    expect((await h.http.get(`/api/public/dossiers/${after.code}`).query({ lookupCode: after.lookupCode }).expect(200)).body.dossier.code).toBe(after.code)
    expect((await clerk.get(`/api/dossiers/${before.id}`).expect(200)).body.dossier.code).toBe('NS-261123-0001')
    // back to a short one
    expect((await manager.patch(settings).send({ dossierPrefix: 'ns' }).expect(200)).body.center.dossierPrefix).toBe('NS')
    expect((await receive()).code).toBe('NS-261123-0003')
  })

  it('refuses a malformed identifier (400), another center’s (409 with the rule), other roles and centers; nothing changes', async () => {
    for (const bad of ['N S', '.NS', 'NS.', 'ABCDEFG', 'A.B.C.D.E.F', 'ABCDEF.ABCDEF.ABCDEF.A', 'NS-1', 'ĐB', '']) {
      const res = await manager.patch(settings).send({ dossierPrefix: bad })
      expect({ bad, status: res.status, paths: res.body.error?.details?.map((d: { path: string }) => d.path) }).toEqual({ bad, status: 400, paths: ['body.dossierPrefix'] })
    }
    const taken = await manager.patch(settings).send({ dossierPrefix: 'hs' })
    expect({ status: taken.status, code: taken.body.error.code }).toEqual({ status: 409, code: 'DOSSIER_PREFIX_TAKEN' })
    expect(taken.body.error.message).toContain('Điều 28 Nghị định 118/2025/NĐ-CP')
    expect((await clerk.patch(settings).send({ dossierPrefix: 'XY' }).expect(403)).body.error.code).toBe('FORBIDDEN')
    expect((await otherManager.patch(settings).send({ dossierPrefix: 'XY' }).expect(403)).body.error.code).toBe('WRONG_CENTER')
    expect(await prefix()).toBe('NS')
    // the database refuses what the API would (migration 0015's check)
    await expect(h.handle.db.updateTable('center').set({ dossier_prefix: 'n s' }).where('slug', '=', 'na-sang').execute()).rejects.toThrow()
    expect(await prefix()).toBe('NS')
  })
})
