import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startHarness, type Harness } from '../helpers/harness.js'
import { ensurePagesBuilt } from './browser.js'

const PAGES = new URL('../../dist/pages/', import.meta.url).pathname

/**
 * A built chunk's references to other chunks: `static` load with it (`import … from "./x.js"`, `import "./x.js"`,
 * `export … from "./x.js"`), `lazy` only when that code runs (`import("./x.js")`, and the files Vite preloads
 * with such an import, listed in `__vite__mapDeps` as "assets/x.js"). Every "./x.js" the chunk names must be
 * one or the other: a form of import this test does not know fails it rather than going uncounted.
 */
function chunkRefs(f: string): { static: string[]; lazy: string[] } {
  const js = readFileSync(join(PAGES, f), 'utf8')
  const names = (re: RegExp) => [...js.matchAll(re)].map((m) => `assets/${m[1]}`)
  const stat = names(/\b(?:from|import)\s*["'`]\.\/([\w.-]+\.(?:js|css))["'`]/g)
  const dynamic = names(/\bimport\(\s*["'`]\.\/([\w.-]+\.js)["'`]\s*\)/g)
  const all = new Set(names(/["'`]\.\/([\w.-]+\.(?:js|css))["'`]/g))
  const unknown = [...all].filter((x) => !stat.includes(x) && !dynamic.includes(x))
  if (unknown.length) throw new Error(`${f} names ${unknown.join(', ')} in a way page-weight.test.ts does not classify`)
  const preloads = [...js.matchAll(/__vite__mapDeps=[^[]*\[([^\]]*)\]/g)].flatMap((m) => [...m[1]!.matchAll(/"(assets\/[^"]+)"/g)].map((x) => x[1]!))
  return { static: stat, lazy: [...dynamic, ...preloads] }
}

/** The files and everything they import statically, transitively. */
function closure(start: string[]): Set<string> {
  const seen = new Set<string>()
  const queue = [...start]
  while (queue.length) {
    const f = queue.shift()!
    if (seen.has(f)) continue
    seen.add(f)
    if (f.endsWith('.js')) queue.push(...chunkRefs(f).static)
  }
  return seen
}

/**
 * What a page's first load fetches: the HTML, the scripts, preloads and styles it references, and the chunks
 * those scripts import statically. A chunk imported with `import()` (the kiosk's QR decoder, fetched when the
 * camera opens) is not in it: see `lazyFiles`.
 */
export function pageFiles(page: string): string[] {
  const html = readFileSync(join(PAGES, page, 'index.html'), 'utf8')
  return [join(page, 'index.html'), ...closure([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!))]
}

/** What the page may fetch later, by `import()`, and not on its first load (each chunk with its own static imports). */
export function lazyFiles(page: string): string[] {
  const first = new Set(pageFiles(page))
  const lazy = new Set<string>()
  const queue = [...first].filter((f) => f.endsWith('.js'))
  while (queue.length) {
    const f = queue.shift()!
    for (const l of chunkRefs(f).lazy) {
      for (const g of closure([l])) {
        if (first.has(g) || lazy.has(g)) continue
        lazy.add(g)
        if (g.endsWith('.js')) queue.push(g)
      }
    }
  }
  return [...lazy]
}

const gz = (files: string[]) => files.reduce((sum, f) => sum + gzipSync(readFileSync(join(PAGES, f))).length, 0)
function gzippedBytes(page: string): number {
  return gz(pageFiles(page))
}
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`

describe('page weight (gzip of the built files each page loads first)', () => {
  beforeAll(() => ensurePagesBuilt(), 60_000)

  it('the phone page /t/:id stays under 150 KB gzipped (issue 3)', () => {
    const bytes = gzippedBytes('portal')
    console.log(`portal: first load ${kb(bytes)} gzipped (${pageFiles('portal').length} files); later, by import(): ${kb(gz(lazyFiles('portal')))} (${lazyFiles('portal').length} files)`)
    expect(bytes).toBeLessThan(150 * 1024)
  })

  it('kiosk and display stay small too', () => {
    for (const page of ['kiosk', 'display']) {
      console.log(`${page}: first load ${kb(gzippedBytes(page))} gzipped (${pageFiles(page).length} files); later, by import(): ${kb(gz(lazyFiles(page)))} (${lazyFiles(page).join(', ')})`)
      expect(gzippedBytes(page)).toBeLessThan(150 * 1024)
    }
  })

  it('the kiosk\'s QR decoder for its camera (jsQR) is a chunk of its own, fetched only when the camera opens, under 60 KB', () => {
    const isJsQr = (f: string) => /^assets\/jsQR-[\w-]+\.js$/.test(f)
    expect(pageFiles('kiosk').filter(isJsQr)).toEqual([])
    const decoder = lazyFiles('kiosk').filter(isJsQr)
    expect(decoder).toHaveLength(1)
    console.log(`kiosk camera decoder: ${kb(gz(decoder))} gzipped (${decoder[0]})`)
    expect(gz(decoder)).toBeLessThan(60 * 1024)
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
