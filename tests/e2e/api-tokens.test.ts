// API tokens in Chromium (issue 25, W5): the manager creates a token (its secret shown once), a program uses it
// (plain fetch), the manager sees its last use, revokes it, and the program is refused. Then /api/docs.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { startHarness, type Harness, TEST_PASSWORD } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot } from './browser.js'

declare const document: { querySelector(s: string): { textContent: string | null } | null }

const OFFICE_PC = { width: 1366, height: 768 }

describeBrowser('API tokens in Chromium', () => {
  let h: Harness
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite'), launch()])
    ;({ page } = await newPage(browser, OFFICE_PC))
    page.context().setDefaultTimeout(8000)
    await page.goto(`${h.url}/staff?center=na-sang`)
    await page.fill('#username', 'quanly')
    await page.fill('#password', TEST_PASSWORD)
    await page.click('#login-submit')
    await page.waitForSelector('#floor')
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('the manager creates a token, its secret shown once; a program uses it; last use shown; revoked, the program is refused', async () => {
    await page.click('#tab-settings')
    await page.click('#set-tokens')
    await page.waitForSelector('#token-none')
    // no scope chosen: said, nothing made
    await page.fill('#token-name', 'Hệ thống một cửa điện tử tỉnh Điện Biên')
    await page.click('#token-create')
    await page.waitForSelector('#token-new .f-scopes.invalid')
    await page.check('#token-scope-board-read')
    await page.check('#token-scope-dossiers-read')
    await page.check('#token-scope-dossiers-write')
    await page.click('#token-create')
    await page.waitForSelector('#token-secret')
    const secret = await page.inputValue('#token-secret')
    expect(secret).toMatch(/^mc_[A-Za-z0-9_-]{43}$/)
    await page.waitForSelector('#token-list tr[data-token] .token-last-use')
    expect(await page.textContent('#token-list tbody tr .token-last-use')).toBe('Chưa dùng')
    await shot(page, 'api-tokens-created-1366.png')

    // once the manager says it is saved, the secret is gone from the page for good
    await page.click('#token-done')
    await page.waitForSelector('#token-new')
    expect(await page.$('#token-secret')).toBeNull()
    expect(await page.content()).not.toContain(secret)

    // the program reads the board's counters through the token, with no cookie
    const res = await fetch(`${h.url}/api/centers/na-sang/counters`, { headers: { authorization: `Bearer ${secret}` } })
    expect(res.status).toBe(200)
    // the panel is opened again: its last use is there
    await page.click('#set-general')
    await page.click('#set-tokens')
    await page.waitForFunction(() => !document.querySelector('#token-list tbody tr .token-last-use')?.textContent?.includes('Chưa dùng'))
    expect(await page.textContent('#token-list tbody tr .token-last-use')).toMatch(/^09:00 23\/11\/2026 · /)

    // revoke: asked once more, then done
    await page.click('#token-list .token-revoke')
    await page.waitForSelector('#token-list .token-revoke-yes')
    await shot(page, 'api-tokens-revoke-1366.png')
    await page.click('#token-list .token-revoke-yes')
    await page.waitForFunction(() => document.querySelector('#token-list tbody tr .token-status')?.textContent?.startsWith('Đã thu hồi'))
    await shot(page, 'api-tokens-revoked-1366.png')
    // the change log below says it: the token, by name, revoked
    await page.waitForFunction(() => {
      const row = document.querySelector('#audit tbody tr:first-child')?.textContent ?? ''
      return row.includes('Khóa API') && row.includes('Hệ thống một cửa điện tử tỉnh Điện Biên') && row.includes('Thu hồi')
    })
    const refused = await fetch(`${h.url}/api/centers/na-sang/counters`, { headers: { authorization: `Bearer ${secret}` } })
    expect(refused.status).toBe(401)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('TOKEN_INVALID')
    expect(pageErrors(page)).toEqual([])
  }, 60_000)

  it('/api/docs lists the routes from the OpenAPI document, with each token scope', async () => {
    const { page: docs } = await newPage(browser, OFFICE_PC)
    await docs.goto(`${h.url}/api/docs`)
    await docs.waitForSelector('#postDossiersByIdStatus')
    expect(await docs.textContent('#postDossiersByIdStatus summary')).toContain('dossiers:write')
    await docs.click('#postDossiersByIdStatus summary')
    expect(await docs.textContent('#postDossiersByIdStatus pre')).toContain('"status"')
    await docs.fill('#filter', 'api-tokens')
    await docs.waitForFunction(() => !document.querySelector('#postDossiersByIdStatus'))
    await shot(docs, 'api-docs-1366.png')
    expect(pageErrors(docs)).toEqual([])
  })
})
