// Migration 0012 (issue 21) on dossiers made before it: they keep their meaning. Its down then its up, on
// rows written the way the earlier code wrote them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql, type Kysely } from 'kysely'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import * as m0012 from '../db/migrations/2026_12_07_0012_dossier_lifecycle.js'

const DAY = 86_400_000

describe.each(backends)('migration 0012 on older dossiers (%s)', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await startHarness(kind) }, 60_000)
  afterAll(async () => { await h?.close() })

  it('counts an earlier supplement as the one request, gives a waiting one 15 days from the migration, keeps withdrawn ones', async () => {
    const db = h.handle.db as unknown as Kysely<any>
    await m0012.down(db)
    const procedure = await db.selectFrom('procedure').select(['id']).where('code', '=', 'ct-hop-dong').executeTakeFirstOrThrow()
    const old = async (code: string, status: string, supplementNote: string | null, supplementAt: string | null) => {
      const { rows: [d] } = await sql<{ id: string }>`
        INSERT INTO dossier (center_id, code, lookup_code, status, channel, procedure_id, applicant_name, applicant_phone, applicant_address,
          received_at, due_at, supplement_note, created_at, updated_at)
        VALUES (${h.demo.centerId}, ${code}, 'ABCD', ${status}::dossier_status, 'counter', ${procedure.id}, 'Lò Văn Cũ', '0912000000', 'Na Sang',
          '2025-07-10T02:00:00Z', '2025-07-14T10:00:00Z', ${supplementNote}, '2025-07-10T02:00:00Z', '2025-07-12T02:00:00Z')
        RETURNING id`.execute(db)
      if (supplementAt) {
        await sql`INSERT INTO dossier_event (dossier_id, center_id, type, from_status, to_status, at, note)
          VALUES (${d!.id}, ${h.demo.centerId}, 'status', 'processing', 'needs_supplement', ${supplementAt}, ${supplementNote})`.execute(db)
      }
      return d!.id
    }
    const waiting = await old('NS-250710-0001', 'needs_supplement', 'Thiếu bản sao sổ hộ khẩu', '2025-07-11T02:00:00Z')
    const hadOne = await old('NS-250710-0002', 'processing', null, '2025-07-11T02:00:00Z')
    const withdrawn = await old('NS-250710-0003', 'withdrawn', null, null)
    const before = Date.now()
    await m0012.up(db)

    const row = (id: string) => db.selectFrom('dossier').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    const w = await row(waiting)
    expect(new Date(w.supplement_requested_at).toISOString()).toBe('2025-07-11T02:00:00.000Z')
    // never told of the 15 days: they count from the migration at the least
    expect(new Date(w.supplement_deadline).getTime()).toBeGreaterThanOrEqual(before + 15 * DAY - 60_000)
    expect(w.supplement_completed_at).toBeNull()
    expect(new Date((await row(hadOne)).supplement_requested_at).toISOString()).toBe('2025-07-11T02:00:00.000Z')
    expect(await row(withdrawn)).toMatchObject({ status: 'withdrawn', supplement_requested_at: null, handover_to: null })

    // through the API: the waiting one shows its guidance as its one item; the other may not be asked again
    const clerk = await h.login('canbo1')
    const view = (await clerk.get(`/api/dossiers/${waiting}`).expect(200)).body.dossier
    expect(view).toMatchObject({ status: 'needs_supplement', supplement: { items: ['Thiếu bản sao sổ hộ khẩu'], completedAt: null } })
    const again = await clerk.post(`/api/dossiers/${hadOne}/status`).send({ status: 'needs_supplement', items: ['Giấy tờ khác'] })
    expect({ status: again.status, code: again.body.error?.code }).toEqual({ status: 409, code: 'SUPPLEMENT_ALREADY_REQUESTED' })
    expect((await clerk.get(`/api/dossiers/${withdrawn}`).expect(200)).body.dossier).toMatchObject({ status: 'withdrawn', supplement: null, handover: null, closing: null })
  })
})
