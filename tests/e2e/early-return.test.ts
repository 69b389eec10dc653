// A clerk in Chromium (issue 21): a supplement asked after its 03 working days is refused with the rule (Art. 19.5),
// the limit shown in the detail; a result ready before its due day is handed over only once the citizen was told
// (Art. 22.5): refused first, then the notice recorded from the detail; the citizen's lookup says it is early.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import type { DossierView } from '../../common/dossier-types.js'
import { startHarness, TEST_PASSWORD, type Harness } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot, VIEWPORTS } from './browser.js'

declare const document: { body: { innerText: string } }

const local = (day: string, hm: string) => `${day}T${hm}:00+07:00`
const applicant = { fullName: 'Lò Thị Xuân', phone: '0912 345 679', address: 'Bản Na Sang 2, xã Na Sang', idNumber: null }

describeBrowser('early return and the supplement limit in Chromium (Decree 118/2025 Art. 19.5, 22.5)', () => {
  let h: Harness
  let browser: Browser
  let clerk: Page, phone: Page
  let api: Awaited<ReturnType<Harness['login']>>

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite', { sessionHours: 24 * 30, publicUrl: 'https://motcua.nasang.example' }), launch()])
    ;({ page: clerk } = await newPage(browser, { width: 1366, height: 768 }))
    ;({ page: phone } = await newPage(browser, VIEWPORTS.phone))
    for (const p of [clerk, phone]) p.context().setDefaultTimeout(8000)
    api = await h.login('canbo1')
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('refuses a late supplement with the rule, then announces an early result before handing it over', async () => {
    const procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'ct-hop-dong').executeTakeFirstOrThrow()).id
    const receive = async (at: string) => {
      h.clock.set(at)
      return (await api.post('/api/dossiers').send({ procedureId, applicant, documents: [{ name: 'Dự thảo hợp đồng', received: true }], sets: 1, delivery: 'center' }).expect(201)).body.dossier as DossierView
    }
    // received Wednesday 18/11: a supplement may be asked until the end of Monday 23/11
    const old = await receive(local('2026-11-18', '09:00'))
    // received Monday 23/11 09:00 (due Wednesday 25/11 17:00), ready Monday 15:00: early
    const early = await receive(local('2026-11-23', '09:00'))
    h.clock.set(local('2026-11-23', '15:00'))
    for (const status of ['processing', 'ready']) await api.post(`/api/dossiers/${early.id}/status`).send({ status }).expect(200)

    h.clock.set(local('2026-11-24', '08:30'))
    await clerk.goto(`${h.url}/staff?center=na-sang`)
    await clerk.fill('#username', 'canbo1')
    await clerk.fill('#password', TEST_PASSWORD)
    await clerk.click('#login-submit')
    await clerk.click('#tab-dossiers')

    // the late supplement: the limit in the detail, the request refused with the article, nothing changed
    await clerk.click(`.ds-row[data-code="${old.code}"] button`)
    await clerk.waitForSelector('#ds-title')
    expect(await clerk.textContent('#ds-detail .ds-facts')).toContain('hết ngày 23/11/2026 (không quá 03 ngày làm việc kể từ ngày tiếp nhận')
    await clerk.click('#ds-actions [data-move="needs_supplement"]')
    await clerk.fill('#sup-other', 'Bản sao giấy chứng nhận quyền sử dụng đất')
    await clerk.click('#move-submit')
    await clerk.waitForSelector('#supplement-form .form-error:not([hidden])')
    expect(await clerk.textContent('#supplement-form .form-error')).toContain('Đã quá thời hạn yêu cầu bổ sung hồ sơ (hết ngày 23/11/2026)')
    expect(await clerk.textContent('#supplement-form .form-error')).toContain('khoản 5 Điều 19 Nghị định 118/2025/NĐ-CP')
    await shot(clerk, 'early-supplement-too-late.png')
    await clerk.keyboard.press('Escape')
    expect((await api.get(`/api/dossiers/${old.id}`).expect(200)).body.dossier).toMatchObject({ status: 'received', supplement: null })

    // the early result: the rule in the detail; a handover without a notice is refused with it
    await clerk.click(`.ds-row[data-code="${early.code}"] button`)
    await clerk.waitForSelector('#ds-early.pending #ds-early-rule')
    expect(await clerk.textContent('#ds-early-rule')).toContain('17:00 25/11/2026')
    await shot(clerk, 'early-return-pending.png')
    await clerk.click('#ds-actions [data-move="returned"]')
    await clerk.click('#handover-submit')
    await clerk.waitForSelector('#handover-form .form-error:not([hidden])')
    expect(await clerk.textContent('#handover-form .form-error')).toContain('khoản 5 Điều 22 Nghị định 118/2025/NĐ-CP')
    await clerk.keyboard.press('Escape')

    // the notice: the text to send is written for the clerk (the center, the code, the due date, the lookup link)
    await clerk.click('#ds-early-notice')
    await clerk.waitForSelector('#early-form')
    // the link is the one the citizen's phone reaches: PUBLIC_URL (issue 24), not the console's own address
    const link = `https://motcua.nasang.example/tra-cuu?center=na-sang&code=${early.code}`
    await clerk.waitForFunction(`document.querySelector('#early-form textarea').value.includes(${JSON.stringify(link)})`)
    const text = await clerk.inputValue('#early-form textarea')
    for (const s of [early.code, 'trước ngày hẹn (17:00 25/11/2026)', link]) expect(text).toContain(s)
    expect(await clerk.inputValue('#f-contact')).toBe('0912345679')
    await clerk.check('#early-sms')
    await shot(clerk, 'early-return-dialog.png')
    await clerk.click('#early-submit')
    await clerk.waitForSelector('#ds-early-notices li[data-channel="sms"]')
    expect(await clerk.textContent('#ds-early-notices')).toContain('08:30 24/11/2026 · Tin nhắn · 0912345679')
    expect(await clerk.textContent('#ds-history')).toContain('Báo công dân kết quả có trước hạn')

    // the citizen's lookup: early, and told when; never how or to which number
    await phone.goto(`${h.url}/tra-cuu?center=na-sang&code=${early.code}&lookupCode=${early.lookupCode}`)
    await phone.waitForSelector('#dossier-early')
    const lookup = await phone.evaluate(() => document.body.innerText)
    expect(lookup).toContain('Kết quả có trước ngày hẹn')
    expect(lookup).toContain('Trung tâm đã báo trả kết quả sớm lúc')
    expect(lookup).not.toContain('0912345679')
    await shot(phone, 'early-return-lookup-360.png')

    // now the handover goes through
    await clerk.click('#ds-actions [data-move="returned"]')
    await clerk.click('#handover-submit')
    await clerk.waitForSelector('#ds-detail .pill[data-status="returned"]')
    expect((await api.get(`/api/dossiers/${early.id}`).expect(200)).body.dossier).toMatchObject({ status: 'returned', outcome: 'early' })
    expect(pageErrors(clerk)).toEqual([])
    expect(pageErrors(phone)).toEqual([])
  })
})
