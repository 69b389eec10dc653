// The contract, published (issue 25, W5): /api/openapi.json is generated from the routes' own zod schemas, and
// docs/openapi.json (the copy in the repository, `npm run openapi`) must say the same: a route added, removed,
// or whose schema changed without the published contract following fails here.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { z } from 'zod'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { walkRoutes, type AppRoute } from '../server/http/routes.js'
import { jsonSchemaOf, openApiPath } from '../server/http/openapi.js'
import { ROUTE_SCOPES } from '../server/tokens/scopes.js'

type Doc = { openapi: string; paths: Record<string, Record<string, any>> }

/** Where two documents differ, operation by operation ("GET /api/x: body", "POST /api/y: missing"). */
function contractDiff(served: Doc, published: Doc): string[] {
  const out: string[] = []
  const ops = (d: Doc) => new Map(Object.entries(d.paths).flatMap(([p, ms]) => Object.entries(ms).map(([m, op]) => [`${m.toUpperCase()} ${p}`, op] as const)))
  const a = ops(served)
  const b = ops(published)
  for (const [k, op] of a) {
    const other = b.get(k)
    if (!other) { out.push(`${k}: not in docs/openapi.json`); continue }
    for (const part of ['parameters', 'requestBody', 'security', 'x-required-role', 'x-token-scope'] as const) {
      if (JSON.stringify(op[part]) !== JSON.stringify(other[part])) out.push(`${k}: ${part} differs`)
    }
  }
  for (const k of b.keys()) if (!a.has(k)) out.push(`${k}: in docs/openapi.json, not served`)
  return out
}

describe('OpenAPI document', () => {
  let h: Harness
  let doc: Doc
  let routes: AppRoute[]
  beforeAll(async () => {
    h = await startHarness(backends[0]!)
    const res = await fetch(`${h.url}/api/openapi.json`)
    expect(res.status).toBe(200)
    doc = await res.json() as Doc
    routes = walkRoutes(h.app.app).filter((r) => r.path.startsWith('/api/'))
  }, 60_000)
  afterAll(async () => { await h?.close() })

  it('is OpenAPI 3.1 and lists every route the app has, each part from the zod schema its validate() checks', () => {
    expect(doc.openapi).toBe('3.1.0')
    expect(routes.length).toBeGreaterThan(50)
    for (const r of routes) {
      const op = doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()]
      expect({ route: `${r.method} ${r.path}`, found: !!op }).toEqual({ route: `${r.method} ${r.path}`, found: true })
      const body = op.requestBody?.content['application/json'].schema
      expect(body).toEqual(r.shapes.body ? jsonSchemaOf(r.shapes.body) : undefined)
      const names = (where: string, s?: z.ZodType) => (s ? Object.keys((jsonSchemaOf(s) as { properties?: object }).properties ?? {}) : [])
      expect(op.parameters.filter((p: any) => p.in === 'path').map((p: any) => p.name)).toEqual(names('path', r.shapes.params))
      expect(op.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name)).toEqual(names('query', r.shapes.query))
      // who may call it: staff routes name their least role; a public one has no security
      expect(op['x-required-role']).toBe(r.access)
    }
    const count = Object.values(doc.paths).reduce((n, ms) => n + Object.keys(ms).length, 0)
    expect(count).toBe(routes.length)
  })

  it('says which token scope opens which route, exactly as server/tokens/scopes.ts grants it', () => {
    for (const [key, scope] of Object.entries(ROUTE_SCOPES)) {
      const [method, path] = key.split(' ') as [string, string]
      const op = doc.paths[openApiPath(`/api${path}`)]?.[method.toLowerCase()]
      expect({ key, scope: op?.['x-token-scope'], security: op?.security }).toEqual({ key, scope, security: [{ session: [] }, { apiToken: [scope] }] })
    }
    // one in full: a dossier's status change, its body as DossierStatusBody says
    const status = doc.paths['/api/dossiers/{id}/status']!.post
    expect(status.requestBody.content['application/json'].schema).toMatchObject({ type: 'object', required: ['status'], additionalProperties: false,
      properties: { status: { enum: expect.arrayContaining(['received', 'processing', 'ready', 'returned']) }, note: { type: 'string', maxLength: 1000 } } })
  })

  it('matches the published contract, docs/openapi.json (regenerate it with `npm run openapi` when a route changes)', () => {
    const published = JSON.parse(readFileSync(new URL('../docs/openapi.json', import.meta.url), 'utf8')) as Doc
    expect(contractDiff(doc, published)).toEqual([])
    // and the comparison sees a change: a schema tightened, a route gone
    const changed = structuredClone(published)
    changed.paths['/api/dossiers/{id}/status']!.post.requestBody.content['application/json'].schema.properties.note.maxLength = 2000
    delete changed.paths['/api/reports/summary']
    expect(contractDiff(doc, changed)).toEqual(['POST /api/dossiers/{id}/status: requestBody differs', 'GET /api/reports/summary: not in docs/openapi.json'])
  })

  it('/api/docs is a page of this server: its script and style from here, no CDN', async () => {
    const page = await fetch(`${h.url}/api/docs`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Tài liệu API Một Cửa')
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])
    expect(assets).toEqual(['/api/docs/docs.css', '/api/openapi.json', '/api/docs/docs.js'])
    for (const a of ['/api/docs/docs.js', '/api/docs/docs.css']) {
      const res = await fetch(h.url + a)
      expect(res.status).toBe(200)
      expect(await res.text()).not.toMatch(/https?:\/\//)
    }
    expect((await (await fetch(`${h.url}/api/docs?lang=en`)).text())).toContain('Một Cửa API documentation')
  })
})
