// The center's own voice in Chromium (issue 23): the manager names "Tiếng Thái" with its template, records a clip
// in the console (Chromium's fake microphone), the rest uploaded as generated WAV through the same route; the
// display then announces a call in Vietnamese then Thái (its voice log holds the clip sequence); a clip deleted
// in the console is named there as missing and the display skips Thái.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { centerPlan, neededClips } from '../../common/center-voice.js'
import { DEFAULT_ANNOUNCEMENT_TEMPLATE } from '../../common/announce.js'
import { announcementPlan, planClips } from '../../common/voice.js'
import { startHarness, type Harness, TEST_PASSWORD } from '../helpers/harness.js'
import type { Agent } from '../queue-fixtures.js'
import { toneBase64 } from '../voice-wav.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot } from './browser.js'

declare const window: {
  __voiceLog: { clips: string[]; seconds: number; at: number; lang: string }[]
  __announceLog: { key: string; event: string; at: number }[]
}

const OFFICE_PC = { width: 1366, height: 900 }
const THAI = { name: 'Tiếng Thái', template: 'Mời số {code}, pây quầy {counter}' }

describeBrowser('the center\'s own voice in Chromium (issue 23)', () => {
  let h: Harness
  let browser: Browser
  let manager: Page
  let display: Page
  let clerk: Agent

  beforeAll(async () => {
    ensurePagesBuilt()
    // the display's kiosk flag; a fake microphone that needs no permission prompt (the console records with it)
    ;[h, browser] = await Promise.all([startHarness('pglite'),
      launch(['--autoplay-policy=no-user-gesture-required', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'])])
    ;({ page: manager } = await newPage(browser, OFFICE_PC))
    manager.context().setDefaultTimeout(10_000)
    await manager.context().grantPermissions(['microphone'], { origin: h.url })
    await manager.goto(`${h.url}/staff?center=na-sang`)
    await manager.fill('#username', 'quanly')
    await manager.fill('#password', TEST_PASSWORD)
    await manager.click('#login-submit')
    await manager.waitForSelector('#floor')
    clerk = await h.login('canbo1')
    await clerk.post(`/api/counters/${h.demo.counters[1]}/open`).send({}).expect(200)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('the manager names Tiếng Thái, records a clip with the microphone, and completes the checklist', async () => {
    await manager.click('#tab-settings')
    await manager.click('#set-voice')
    await manager.waitForSelector('#voice-list-0')
    // Vietnamese is listed, incomplete: the display keeps the shipped voice for it
    expect(await manager.textContent('#voice-status-0')).toContain('giọng đọc có sẵn')
    await manager.fill('#voice-new-name', THAI.name)
    await manager.fill('#voice-new-template', THAI.template)
    await manager.click('#voice-new-save')
    await manager.waitForSelector('#voice-list-1')
    const rows = await manager.$$eval('#voice-list-1 tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-clip')))
    // 2 phrases, the letters A–G, the ten digits
    expect(rows).toHaveLength(19)
    expect(await manager.textContent('#voice-list-1 tbody tr:first-child td')).toBe('Câu “Mời số”')

    // one clip through the microphone (Chromium's fake one): record, stop, stored
    await manager.click('#voice-list-1 tr[data-clip="d-0"] button[data-act="record"]')
    await manager.waitForSelector('#voice-list-1 tr[data-clip="d-0"] button.btn-danger')
    await shot(manager, 'voice-recording.png')
    await manager.click('#voice-list-1 tr[data-clip="d-0"] button[data-act="record"]')
    await manager.waitForSelector('#voice-list-1 tr[data-clip="d-0"].voice-done')
    const stored = await h.handle.db.selectFrom('voice_clip').select(['content_type', 'size']).where('slot', '=', 1).where('clip', '=', 'd-0').executeTakeFirstOrThrow()
    expect(['audio/webm', 'audio/ogg']).toContain(stored.content_type)
    expect(stored.size).toBeGreaterThan(100)

    // the rest: generated WAV tones, uploaded through the console's own route with the manager's session
    const rest = rows.filter((id): id is string => !!id && id !== 'd-0')
    const tones = Object.fromEntries(rest.map((id, i) => [id, toneBase64(i + 1, 0.2)]))
    const statuses = await manager.evaluate(async (clips) => {
      const out: number[] = []
      for (const [id, dataBase64] of Object.entries(clips)) {
        const r = await fetch(`/api/centers/na-sang/voice/languages/1/clips/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataBase64 }) })
        out.push(r.status)
      }
      return out
    }, tones)
    expect(new Set(statuses)).toEqual(new Set([200]))
    await manager.click('#set-voice')
    await manager.waitForSelector('article[data-slot="1"].complete')
    expect(await manager.textContent('#voice-status-1')).toContain('Đủ 19 bản ghi')
    await shot(manager, 'voice-console-complete.png')
    expect(pageErrors(manager)).toEqual([])
  }, 60_000)

  it('the display announces a call in Vietnamese, then in Thái', async () => {
    ;({ page: display } = await newPage(browser, { width: 1920, height: 1080 }, { fakes: false }))
    display.context().setDefaultTimeout(10_000)
    await display.goto(`${h.url}/display?center=na-sang&voice=clips`)
    await display.waitForSelector('.counter[data-counter="1"]')
    await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)
    const called = await clerk.post(`/api/counters/${h.demo.counters[1]}/call-next`).send({}).expect(200)
    expect(called.body.ticket.code).toBe('A001')
    await display.waitForFunction(() => window.__voiceLog.some((l) => l.lang === 'center:1'), undefined, { timeout: 30_000 })
    const log = await display.evaluate(() => window.__voiceLog)
    expect(log.slice(0, 2).map((l) => [l.lang, l.clips])).toEqual([
      ['vi', planClips(announcementPlan(DEFAULT_ANNOUNCEMENT_TEMPLATE, 'A001', 1).steps)],
      ['center:1', planClips(centerPlan(THAI.template, 'A001', 1))],
    ])
    // the template's first part, the code letter by letter and digit by digit, the second part, the counter
    const [first, second] = neededClips(THAI.template, [], []).map((n) => n.id)
    expect(log[1]!.clips).toEqual([first, 'l-a', 'd-0', 'd-0', 'd-1', second, 'd-1'])
    await shot(display, 'voice-display-thai.png')
    // the call's announcement ends (said twice when nobody waits) before the next test calls again
    await display.waitForFunction(() => window.__announceLog.some((e) => e.event === 'end'), undefined, { timeout: 40_000 })
    await clerk.post(`/api/tickets/${called.body.ticket.id}/start`).send({}).expect(200)
    await clerk.post(`/api/tickets/${called.body.ticket.id}/complete`).send({}).expect(200)
  }, 90_000)

  it('a clip deleted in the console is named there as missing, and the display skips Thái', async () => {
    await manager.click('#voice-list-1 tr[data-clip="l-b"] button[data-act="delete"]')
    await manager.waitForSelector('#voice-list-1 tr[data-clip="l-b"].voice-missing')
    const status = await manager.textContent('#voice-status-1')
    expect(status).toContain('Thiếu 1 bản ghi: Chữ B')
    expect(status).toContain('bỏ qua')
    await shot(manager, 'voice-console-missing.png')

    const before = await display.evaluate(() => window.__voiceLog.length)
    await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)
    const called = await clerk.post(`/api/counters/${h.demo.counters[1]}/call-next`).send({}).expect(200)
    const key = `${called.body.ticket.code}@`
    await display.waitForFunction((k) => window.__announceLog.some((e) => e.key.startsWith(k) && e.event === 'end'), key, { timeout: 40_000 })
    const said = (await display.evaluate(() => window.__voiceLog)).slice(before)
    const expected = planClips(announcementPlan(DEFAULT_ANNOUNCEMENT_TEMPLATE, called.body.ticket.code, 1).steps)
    // Vietnamese only, twice (nobody waits): no Thái
    expect(said.map((l) => [l.lang, l.clips])).toEqual([['vi', expected], ['vi', expected]])
    expect(pageErrors(display)).toEqual([])
    expect(pageErrors(manager)).toEqual([])
  }, 90_000)
})
