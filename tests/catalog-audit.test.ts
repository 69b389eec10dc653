// The procedure catalog as a file (CSV and JSON import with a preview, export) and the audit log's pages, filters, dossier actions and CSV.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import Papa from 'papaparse'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { openLine, issued, type Agent } from './queue-fixtures.js'
import { MINUTE } from './helpers/clock.js'
import type { AuditEntry, AuditPage, ImportPreview, ProcedureSettings } from '../common/staff-types.js'

const HEAD = 'Mã thủ tục;Tên thủ tục;Lĩnh vực;Thời hạn giải quyết (ngày làm việc);Lệ phí (đồng);Thành phần hồ sơ;Mức độ dịch vụ công trực tuyến'
const csv = (...rows: string[]) => '\uFEFF' + [HEAD, ...rows].join('\r\n') + '\r\n'

describe.each(backends)('procedure catalog import and export on %s', (kind) => {
  let h: Harness
  let manager: Agent, clerk: Agent
  beforeAll(async () => {
    h = await startHarness(kind)
    ;[manager, clerk] = await Promise.all([h.login('quanly'), h.login('canbo1')])
  }, 60_000)
  afterAll(async () => { await h?.close() })

  const procedures = async () => (await manager.get('/api/centers/na-sang/settings/procedures').expect(200)).body.procedures as ProcedureSettings[]

  it('previews a file with bad rows: every problem with its row number, in Vietnamese, and writes nothing', async () => {
    const before = await procedures()
    const file = csv(
      '1.001193;Đăng ký khai sinh;A;1;0;"Tờ khai đăng ký khai sinh\nGiấy chứng sinh";Toàn trình',
      '1.00119;Đăng ký kết hôn;A;ba ngày;8.000;Tờ khai;Một phần',
      '',
      '2.000815;;Z;1;;;Mức 9',
      '1.001193;Đăng ký khai sinh lần hai;Hộ tịch;1;0;;',
    )
    const res = await manager.post('/api/centers/na-sang/procedures/import/preview').send({ format: 'csv', csv: file }).expect(200)
    const p = res.body.preview as ImportPreview
    expect(p.counts).toEqual({ create: 1, update: 0, unchanged: 0, invalid: 3 })
    expect(p.rows.map((r) => [r.row, r.action])).toEqual([[2, 'create'], [3, 'invalid'], [5, 'invalid'], [6, 'invalid']])
    expect(p.problems.map((x) => [x.row, x.field])).toEqual([
      [3, 'nationalCode'], [3, 'processingDays'], [5, 'nameVi'], [5, 'onlineLevel'], [5, 'service'], [6, 'nationalCode']])
    const messages = p.problems.map((x) => `${x.row}: ${x.message}`)
    expect(messages).toContain('3: Mã thủ tục "1.00119" không đúng dạng (ví dụ 1.001193).')
    expect(messages).toContain('3: Thời hạn giải quyết "ba ngày" phải là số ngày làm việc từ 0 đến 365.')
    expect(messages).toContain('5: Không có lĩnh vực "Z" ở trung tâm này (ghi chữ cái như A, hoặc tên lĩnh vực).')
    expect(messages).toContain('6: Mã thủ tục 1.001193 đã có ở dòng 2.')
    // the import itself refuses the same file with the same problems, and writes nothing
    const refused = await manager.post('/api/centers/na-sang/procedures/import').send({ format: 'csv', csv: file }).expect(422)
    expect(refused.body.error.code).toBe('PROCEDURE_IMPORT_INVALID')
    expect(refused.body.error.message).toBe('Chưa nhập danh mục thủ tục: 6 lỗi, chưa có gì được ghi. Sửa các dòng được nêu rồi nhập lại.')
    expect(refused.body.error.details[0]).toEqual({ path: 'row.3.nationalCode', message: 'Dòng 3: Mã thủ tục "1.00119" không đúng dạng (ví dụ 1.001193).' })
    expect(await procedures()).toEqual(before)
    const audit = (await manager.get('/api/centers/na-sang/audit?entity=procedure').expect(200)).body.entries as AuditEntry[]
    expect(audit).toEqual([])
  })

  it('refuses a file that is not UTF-8, an unknown column, a missing one', async () => {
    const latin1 = Buffer.from(csv('1.001193;Đăng ký khai sinh;A;1;0;;'), 'latin1').toString('utf8')
    const p1 = (await manager.post('/api/centers/na-sang/procedures/import/preview').send({ format: 'csv', csv: latin1 }).expect(200)).body.preview as ImportPreview
    expect(p1.problems[0]!.message).toMatch(/không phải UTF-8/)
    const p2 = (await manager.post('/api/centers/na-sang/procedures/import/preview').send({ format: 'csv', csv: 'Mã thủ tục;Tên;Màu sắc\n1.001193;X;đỏ\n' }).expect(200)).body.preview as ImportPreview
    expect(p2.problems.map((x) => [x.row, x.message])).toEqual([
      [1, 'Cột thứ 3 "Màu sắc" không phải cột của danh mục thủ tục.'], [1, 'Thiếu cột "Lĩnh vực".'], [1, 'Thiếu cột "Thời hạn giải quyết (ngày làm việc)".']])
  })

  it('imports in one transaction (upsert by national code), audits each procedure, and an export imports back unchanged', async () => {
    const file = csv(
      '1.001193;Đăng ký khai sinh;A;1;0;"Tờ khai đăng ký khai sinh\nGiấy chứng sinh";Toàn trình',
      '2.000815;Chứng thực bản sao từ bản chính;B · Chứng thực;0;2.000;Bản chính giấy tờ | Bản sao cần chứng thực;Một phần',
      '1.004227;"=HYPERLINK(""http://evil.example"";""bấm"")";Đất đai;10;;-Đơn đăng ký;',
    )
    const res = await manager.post('/api/centers/na-sang/procedures/import').send({ format: 'csv', csv: file }).expect(200)
    expect(res.body.result.counts).toEqual({ create: 3, update: 0, unchanged: 0, invalid: 0 })
    const all = await procedures()
    const ks = all.find((p) => p.nationalCode === '1.001193')!
    expect(ks).toMatchObject({ code: '1-001193', nameVi: 'Đăng ký khai sinh', nameEn: 'Đăng ký khai sinh', serviceId: h.demo.services.A, processingDays: 1,
      documents: ['Tờ khai đăng ký khai sinh', 'Giấy chứng sinh'], onlineLevel: 'full', active: true })
    expect(all.find((p) => p.nationalCode === '2.000815')).toMatchObject({ serviceId: h.demo.services.B, feeVnd: 2000, onlineLevel: 'partial', documents: ['Bản chính giấy tờ', 'Bản sao cần chứng thực'] })
    expect(all.find((p) => p.nationalCode === '1.004227')).toMatchObject({ serviceId: h.demo.services.C, nameVi: '=HYPERLINK("http://evil.example";"bấm")', onlineLevel: 'info', feeVnd: 0 })
    const audit = (await manager.get('/api/centers/na-sang/audit?entity=procedure').expect(200)).body.entries as AuditEntry[]
    expect(audit.map((e) => e.action)).toEqual(['create', 'create', 'create'])
    expect(audit.find((e) => e.entityId === ks.id)).toMatchObject({ staffName: 'Lò Văn Thắng', entityLabel: '1.001193 · Đăng ký khai sinh',
      changes: expect.objectContaining({ nationalCode: { from: null, to: '1.001193' }, onlineLevel: { from: null, to: 'full' } }) })
    // the public list (kiosk, portal) carries the national code
    const pub = (await h.http.get('/api/centers/na-sang/procedures').expect(200)).body.procedures as { code: string; nationalCode: string | null }[]
    expect(pub.find((p) => p.code === '1-001193')!.nationalCode).toBe('1.001193')

    // the export: BOM, ';', CRLF, the formula neutralised, every procedure (the demo's too)
    const exp = await manager.get('/api/centers/na-sang/procedures/export?format=csv').buffer(true).parse((r, cb) => { let s = ''; r.setEncoding('utf8'); r.on('data', (c: string) => { s += c }); r.on('end', () => cb(null, s)) }).expect(200)
    expect(exp.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(exp.headers['content-disposition']).toBe('attachment; filename="thu-tuc-na-sang.csv"')
    const text = exp.body as string
    expect(text.startsWith('\uFEFFMã thủ tục;Tên thủ tục;Tên tiếng Anh;Lĩnh vực;Thời hạn giải quyết (ngày làm việc);Lệ phí (đồng);Ghi chú lệ phí;Thành phần hồ sơ;Mức độ dịch vụ công trực tuyến;Mã nội bộ;Đang áp dụng\r\n')).toBe(true)
    const rows = Papa.parse<string[]>(text.slice(1), { delimiter: ';' }).data.filter((r) => r.length > 1)
    expect(rows).toHaveLength(1 + all.length)
    const evil = rows.find((r) => r[0] === '1.004227')!
    expect(evil[1]).toBe(`'=HYPERLINK("http://evil.example";"bấm")`)
    expect(evil[7]).toBe(`'-Đơn đăng ký`)
    expect(rows.find((r) => r[0] === '1.001193')).toEqual(['1.001193', 'Đăng ký khai sinh', 'Đăng ký khai sinh', 'A · Hộ tịch', '1', '0', '',
      'Tờ khai đăng ký khai sinh\nGiấy chứng sinh', 'Toàn trình', '1-001193', 'Có'])
    // … and imports back as it is: nothing to change (the demo's procedures matched by their local code)
    const again = (await manager.post('/api/centers/na-sang/procedures/import/preview').send({ format: 'csv', csv: text }).expect(200)).body.preview as ImportPreview
    expect(again.problems).toEqual([])
    expect(again.counts).toEqual({ create: 0, update: 0, unchanged: all.length, invalid: 0 })

    // JSON: the same round trip, and an update by national code writes only what changed
    const json = JSON.parse((await manager.get('/api/centers/na-sang/procedures/export?format=json').expect(200)).text) as { procedures: Record<string, unknown>[] }
    expect(json.procedures.find((p) => p.nationalCode === '2.000815')).toMatchObject({ service: 'B', feeVnd: 2000, onlineLevel: 'partial' })
    const changed = json.procedures.map((p) => (p.nationalCode === '2.000815' ? { ...p, processingDays: 1, feeNote: '2.000 đồng/trang' } : p))
    const upd = await manager.post('/api/centers/na-sang/procedures/import').send({ format: 'json', procedures: changed }).expect(200)
    expect(upd.body.result.counts).toEqual({ create: 0, update: 1, unchanged: all.length - 1, invalid: 0 })
    const last = (await manager.get('/api/centers/na-sang/audit?entity=procedure&limit=1').expect(200)).body.entries[0] as AuditEntry
    expect(last).toMatchObject({ action: 'update', changes: { processingDays: { from: 0, to: 1 }, feeNote: { from: '', to: '2.000 đồng/trang' } } })
  })

  it('gives a demo procedure its national code through its local code, and refuses a code held by another', async () => {
    const head = 'Mã thủ tục;Mã nội bộ;Tên thủ tục;Lĩnh vực;Thời hạn giải quyết (ngày làm việc)'
    const ok = await manager.post('/api/centers/na-sang/procedures/import').send({ format: 'csv', csv: `${head}\n1.000894;ket-hon;Đăng ký kết hôn;A;1\n` }).expect(200)
    expect(ok.body.result.rows[0]).toMatchObject({ action: 'update', changes: ['nationalCode'] })
    const p = (await procedures()).find((x) => x.code === 'ket-hon')!
    expect(p.nationalCode).toBe('1.000894')
    const bad = await manager.post('/api/centers/na-sang/procedures/import').send({ format: 'csv', csv: `${head}\n1.000656;ket-hon;Đăng ký khai tử;A;1\n` }).expect(422)
    expect(bad.body.error.details).toEqual([{ path: 'row.2.code', message: 'Dòng 2: Mã nội bộ ket-hon là của thủ tục có mã 1.000894.' }])
    // the manual form takes the national code too, and refuses one already used
    const taken = await manager.patch(`/api/procedures/${(await procedures()).find((x) => x.code === 'khai-tu')!.id}`).send({ nationalCode: '1.000894' }).expect(409)
    expect(taken.body.error.code).toBe('PROCEDURE_NATIONAL_CODE_TAKEN')
  })

  it('is for managers: a clerk 403, nobody 401; a body too large is refused before it is read', async () => {
    const body = { format: 'csv', csv: csv('1.001193;X;A;1;0;;') }
    for (const [agent, status] of [[clerk, 403], [h.http, 401]] as const) {
      await agent.post('/api/centers/na-sang/procedures/import').send(body).expect(status)
      await agent.post('/api/centers/na-sang/procedures/import/preview').send(body).expect(status)
      await agent.get('/api/centers/na-sang/procedures/export').expect(status)
    }
    await manager.post('/api/centers/na-sang/procedures/import/preview').send({ format: 'csv', csv: 'x'.repeat(3 * 1024 * 1024 + 10) }).expect(413)
    // a JSON item with neither code: named, not a 500
    const noCode = await manager.post('/api/centers/na-sang/procedures/import').send({ format: 'json', procedures: [{ nationalCode: null, nameVi: 'X', service: 'A', processingDays: 1 }] }).expect(422)
    expect(noCode.body.error.details).toEqual([{ path: 'row.1.nationalCode', message: 'Dòng 1: Cần mã thủ tục hoặc mã nội bộ.' }])
    const bad = await manager.post('/api/centers/na-sang/procedures/import/preview').send({ format: 'xml', csv: 'a' }).expect(400)
    expect(bad.body.error.code).toBe('VALIDATION_FAILED')
  })
})

describe.each(backends)('audit log on %s', (kind) => {
  let h: Harness
  let manager: Agent, clerk: Agent
  beforeAll(async () => {
    h = await startHarness(kind, { clockStart: '2026-11-23T02:00:00Z', sessionHours: 24 * 7 }) // sessions outlive the days walked
    ;[manager, clerk] = await Promise.all([h.login('quanly'), h.login('canbo1')])
  }, 60_000)
  afterAll(async () => { await h?.close() })

  const all = async (query: string, limit: number) => {
    const seen: AuditEntry[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page: AuditPage = (await manager.get(`/api/centers/na-sang/audit?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).expect(200)).body
      seen.push(...page.entries)
      cursor = page.next
      pages++
    } while (cursor && pages < 100)
    return { seen, pages }
  }

  it('walks every row exactly once across pages, over a range of days, with several rows at the same moment', async () => {
    const line = await openLine(h) // a counter opened by a new clerk
    // 3 days: each a few setting changes (some at one instant) and ticket actions
    const procs = (await manager.get('/api/centers/na-sang/settings/procedures').expect(200)).body.procedures as ProcedureSettings[]
    for (let day = 0; day < 3; day++) {
      h.clock.set(new Date(Date.parse('2026-11-23T02:00:00Z') + day * 86_400_000).toISOString())
      for (const [i, p] of procs.slice(0, 4).entries()) await manager.patch(`/api/procedures/${p.id}`).send({ feeNote: `ngày ${day} lần ${i}` }).expect(200)
      h.clock.advance(MINUTE)
      const t = await issued(h, line.serviceId)
      await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
      await line.clerk.post(`/api/tickets/${t.id}/start`).send({}).expect(200)
      await line.clerk.post(`/api/tickets/${t.id}/complete`).send({}).expect(200)
    }
    const full = (await manager.get('/api/centers/na-sang/audit?from=2026-11-23&to=2026-11-25&limit=200').expect(200)).body as AuditPage
    expect(full.next).toBeNull()
    expect(full.entries.length).toBeGreaterThanOrEqual(3 * 7 + 1)
    for (const limit of [1, 2, 5, 7]) {
      const { seen, pages } = await all('from=2026-11-23&to=2026-11-25', limit)
      expect(seen.map((e) => e.id)).toEqual(full.entries.map((e) => e.id))
      expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length)
      expect(pages).toBe(Math.ceil(full.entries.length / limit))
    }
    // newest first
    const times = full.entries.map((e) => e.at)
    expect([...times].sort().reverse()).toEqual(times)

    // filters: one day (the center's time zone), a kind, a staff member
    const day2 = (await manager.get('/api/centers/na-sang/audit?day=2026-11-24&limit=200').expect(200)).body as AuditPage
    expect(day2.entries.length).toBe(7)
    expect(day2.entries.every((e) => e.at.startsWith('2026-11-24'))).toBe(true)
    const settings = await all('from=2026-11-23&to=2026-11-25&entity=settings', 5)
    expect(settings.seen.length).toBe(12)
    expect(settings.seen.every((e) => e.entity === 'procedure' && e.staffName === 'Lò Văn Thắng')).toBe(true)
    const tickets = await all(`from=2026-11-23&to=2026-11-25&entity=ticket&staff=${line.staffId}`, 4)
    expect(tickets.seen.map((e) => e.action)).toEqual(['completed', 'started', 'called', 'completed', 'started', 'called', 'completed', 'started', 'called'])
    expect((await manager.get(`/api/centers/na-sang/audit?from=2026-11-23&to=2026-11-25&staff=${h.demo.staff.canbo6}`).expect(200)).body.entries).toEqual([])

    // the CSV: every row of the filters, BOM and ';', in the center's time zone
    const res = await manager.get('/api/centers/na-sang/audit?from=2026-11-23&to=2026-11-25&entity=settings&format=csv').buffer(true)
      .parse((r, cb) => { let s = ''; r.setEncoding('utf8'); r.on('data', (c: string) => { s += c }); r.on('end', () => cb(null, s)) }).expect(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    const text = res.body as string
    expect(text.startsWith('\uFEFFThời điểm;Người thực hiện;Loại;Đối tượng;Thao tác;Thay đổi\r\n')).toBe(true)
    const lines = text.slice(1).trimEnd().split('\r\n')
    expect(lines).toHaveLength(1 + 12)
    expect(lines[1]).toMatch(/^2026-11-25 09:00:00;Lò Văn Thắng;Thủ tục;[^;]+;Sửa cài đặt;Ghi chú lệ phí: .* → ngày 2 lần 3$/)
  })

  it('lists dossier actions: received, status changes, extension, supplement asked and completed, result, handover', async () => {
    h.clock.set('2026-11-26T02:00:00Z')
    const line = await openLine(h)
    const t = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
    const proc = (await manager.get('/api/centers/na-sang/settings/procedures').expect(200)).body.procedures.find((p: ProcedureSettings) => p.code === 'ct-hop-dong') as ProcedureSettings
    const created = await line.clerk.post('/api/dossiers').send({ ticketId: t.id, procedureId: proc.id, sets: 1, delivery: 'center',
      applicant: { fullName: 'Nguyễn Văn An', phone: '0912 345 678', address: 'Bản Huổi Lướng' }, documents: [{ name: 'Dự thảo hợp đồng', received: true }] }).expect(201)
    const d = created.body.dossier as { id: string; code: string; dueAt: string }
    h.clock.advance(MINUTE)
    await line.clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' }).expect(200)
    h.clock.advance(MINUTE)
    await manager.post(`/api/dossiers/${d.id}/extend`).send({ dueAt: '2026-12-10', reason: 'Cần xác minh thêm' }).expect(200)
    h.clock.advance(MINUTE)
    await line.clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'needs_supplement', items: ['Bản sao giấy tờ nhà đất'] }).expect(200)
    h.clock.advance(MINUTE)
    await line.clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' }).expect(200)
    h.clock.advance(MINUTE)
    await line.clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'ready' }).expect(200)
    h.clock.advance(MINUTE)
    // ready before its due day: the citizen is told before the handover (Art. 22.5)
    await line.clerk.post(`/api/dossiers/${d.id}/early-notice`).send({ channel: 'phone' }).expect(200)
    h.clock.advance(MINUTE)
    await line.clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'returned', handover: { to: 'applicant' } }).expect(200)
    const entries = (await manager.get('/api/centers/na-sang/audit?entity=dossier').expect(200)).body.entries as AuditEntry[]
    expect(entries.map((e) => e.action)).toEqual(['returned', 'early_return_announced', 'ready', 'supplement_completed', 'supplement_requested', 'extended', 'processing', 'received'])
    expect(entries.every((e) => e.entityLabel === d.code && e.entityId === d.id)).toBe(true)
    expect(entries.find((e) => e.action === 'extended')!.staffName).toBe('Lò Văn Thắng')
    expect(entries.find((e) => e.action === 'processing')!.changes.status).toEqual({ from: 'received', to: 'processing' })
    expect(entries.find((e) => e.action === 'returned')!.changes.status).toEqual({ from: 'ready', to: 'returned' })
    const extended = entries.find((e) => e.action === 'extended')!
    expect(extended.changes.note).toEqual({ from: null, to: 'Cần xác minh thêm' })
    expect(extended.changes.dueAt!.from).toBe(d.dueAt)
    // among everything else of the day
    const day = (await manager.get('/api/centers/na-sang/audit?limit=200').expect(200)).body.entries as AuditEntry[]
    expect(day.filter((e) => e.entity === 'dossier')).toHaveLength(8)
    // a clerk may not read the log
    await clerk.get('/api/centers/na-sang/audit').expect(403)
    const bad = await manager.get('/api/centers/na-sang/audit?from=2026-11-25&to=2026-11-23&cursor=abc').expect(400)
    expect(bad.body.error.details.map((x: { path: string }) => x.path)).toEqual(['query.cursor'])
    expect((await manager.get('/api/centers/na-sang/audit?from=2026-11-25&to=2026-11-23').expect(400)).body.error.details[0].path).toBe('query.from')
    expect((await manager.get('/api/centers/na-sang/audit?from=2025-01-01&to=2026-11-23').expect(400)).body.error.details[0].path).toBe('query.to')
  })
})
