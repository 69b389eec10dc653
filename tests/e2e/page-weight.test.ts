import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startHarness, type Harness } from '../helpers/harness.js'
import { ensurePagesBuilt } from './browser.js'

const PAGES = new URL('../../dist/pages/', import.meta.url).pathname

/** Everything a page loads: the HTML, its scripts, preloads and styles, and the chunks those scripts import. */
export function pageFiles(page: string): string[] {
  const html = readFileSync(join(PAGES, page, 'index.html'), 'utf8')
  const seen = new Set<string>()
  const queue = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!)
  while (queue.length) {
    const f = queue.shift()!
    if (seen.has(f)) continue
    seen.add(f)
    if (f.endsWith('.js')) {
      const js = readFileSync(join(PAGES, f), 'utf8')
      for (const m of js.matchAll(/["'`]\.\/([\w.-]+\.(?:js|css))["'`]/g)) queue.push(`assets/${m[1]}`)
    }
  }
  return [join(page, 'index.html'), ...seen]
}

function gzippedBytes(page: string): number {
  return pageFiles(page).reduce((sum, f) => sum + gzipSync(readFileSync(join(PAGES, f))).length, 0)
}

describe('page weight (gzip of the built files each page loads)', () => {
  beforeAll(() => ensurePagesBuilt(), 60_000)

  it('the phone page /t/:id stays under 150 KB gzipped (issue 3)', () => {
    const bytes = gzippedBytes('portal')
    console.log(`portal: ${(bytes / 1024).toFixed(1)} KB gzipped (${pageFiles('portal').length} files)`)
    expect(bytes).toBeLessThan(150 * 1024)
  })

  it('kiosk and display stay small too', () => {
    for (const page of ['kiosk', 'display']) expect(gzippedBytes(page)).toBeLessThan(150 * 1024)
  })

  describe('as the server sends it', () => {
    let h: Harness
    beforeAll(async () => { h = await startHarness('pglite') }, 60_000)
    afterAll(async () => { await h?.close() })

    it('sends the phone page\'s script gzipped to a phone that accepts gzip (the HTML is under the 1 KB threshold)', async () => {
      const script = pageFiles('portal').find((f) => f.endsWith('.js'))!
      const js = await h.http.get(`/${script}`).set('accept-encoding', 'gzip').expect(200)
      expect(js.headers['content-encoding']).toBe('gzip')
      const plain = await h.http.get(`/${script}`).set('accept-encoding', 'identity').expect(200)
      expect(plain.headers['content-encoding']).toBeUndefined()
    })
  })
})
