import { Router, type Express } from 'express'
import { catalogs } from '../../common/i18n/index.js'
import { openApiDocument } from './openapi.js'

/** The document's version: the API's, raised when a route changes in a way a client must follow. */
export const API_VERSION = '1.0.0'

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * `/api/openapi.json` (the document, built once from the app's routes) and `/api/docs`, a page that reads it:
 * our own small page (server/http/openapi-page.js) rather than Swagger UI, Redoc or Scalar, served from this
 * server, no CDN (docs/integration.md says why). Public, as the routes it describes are no secret.
 */
export function openApiRoutes(): Router {
  const r = Router()
  let doc: ReturnType<typeof openApiDocument> | undefined
  r.get('/openapi.json', (req, res) => {
    doc ??= openApiDocument(req.app as Express, { version: API_VERSION })
    res.set('cache-control', 'no-cache').json(doc)
  })
  r.get('/docs', (req, res) => {
    const w = catalogs[req.lang ?? 'vi'].apiTokens
    res.type('html').set('cache-control', 'no-cache').send(`<!doctype html>
<html lang="${req.lang ?? 'vi'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(w.docsTitle)}</title><link rel="stylesheet" href="/api/docs/docs.css"></head>
<body><header><h1>${esc(w.docsTitle)}</h1><p>${esc(w.docsIntro)}</p><p><a href="/api/openapi.json" download="motcua-openapi.json">${esc(w.docsDownload)}</a></p>
<input id="filter" type="search" placeholder="${esc(w.docsFilter)}" aria-label="${esc(w.docsFilter)}"></header>
<main id="ops"><p>${esc(w.docsLoading)}</p></main>
<script type="application/json" id="labels">${JSON.stringify(w).replace(/</g, '\\u003c')}</script>
<script src="/api/docs/docs.js" type="module"></script></body></html>`)
  })
  r.get('/docs/docs.js', (_req, res) => { res.type('js').set('cache-control', 'no-cache').send(PAGE_JS) })
  r.get('/docs/docs.css', (_req, res) => { res.type('css').set('cache-control', 'no-cache').send(PAGE_CSS) })
  return r
}

// The page's script: no framework, the document's operations grouped by tag, each with who may call it,
// its parameters and its body's JSON Schema. Text goes in through textContent only.
const PAGE_JS = `
const L = JSON.parse(document.getElementById('labels').textContent)
const el = (tag, attrs, ...kids) => { const e = document.createElement(tag); for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v); for (const k of kids) if (k != null) e.append(k); return e }
const doc = await (await fetch('/api/openapi.json')).json()
const ops = []
for (const [path, methods] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(methods)) ops.push({ path, method, op })
function render(filter) {
  const main = document.getElementById('ops'); main.textContent = ''
  const tags = new Map()
  for (const o of ops) { if (filter && !(o.method + ' ' + o.path).toLowerCase().includes(filter)) continue; const t = o.op.tags[0]; if (!tags.has(t)) tags.set(t, []); tags.get(t).push(o) }
  for (const [tag, list] of tags) {
    const sec = el('section', { class: 'tag' }, el('h2', null, tag))
    for (const { path, method, op } of list) {
      const who = op['x-required-role'] ? L.docsRole + ': ' + op['x-required-role'] : L.docsPublic
      const d = el('details', { class: 'op', id: op.operationId },
        el('summary', null, el('span', { class: 'm m-' + method }, method.toUpperCase()), ' ', el('code', null, path), ' ', el('span', { class: 'who' }, who),
          op['x-token-scope'] ? el('span', { class: 'scope', title: L.docsScope }, op['x-token-scope']) : null))
      if (op.parameters.length) {
        const t = el('table', null, ...op.parameters.map((p) => el('tr', null, el('td', null, el('code', null, p.name)), el('td', null, p.in + (p.required ? ' *' : '')), el('td', null, el('code', null, JSON.stringify(p.schema))))))
        d.append(el('h3', null, L.docsParams), t)
      }
      const body = op.requestBody && op.requestBody.content['application/json'].schema
      if (body) d.append(el('h3', null, L.docsBody), el('pre', null, JSON.stringify(body, null, 2)))
      sec.append(d)
    }
    main.append(sec)
  }
}
render('')
document.getElementById('filter').addEventListener('input', (e) => render(e.target.value.trim().toLowerCase()))
`

const PAGE_CSS = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 16px 24px; color: #1d2733; }
h1 { font-size: 24px; margin: 8px 0; } h2 { font-size: 18px; margin: 24px 0 8px; text-transform: capitalize; } h3 { font-size: 14px; margin: 12px 0 4px; }
#filter { width: 100%; max-width: 420px; padding: 6px 8px; font: inherit; }
.op { border: 1px solid #d0d7de; border-radius: 6px; margin: 6px 0; padding: 6px 10px; background: #fff; }
.op summary { cursor: pointer; }
.m { display: inline-block; min-width: 58px; font: 600 12px monospace; text-align: center; border-radius: 4px; padding: 2px 4px; color: #fff; background: #57606a; }
.m-get { background: #0969da; } .m-post { background: #1a7f37; } .m-patch, .m-put { background: #9a6700; } .m-delete { background: #cf222e; }
.who { color: #57606a; font-size: 13px; margin-left: 8px; }
.scope { font: 12px monospace; background: #ddf4ff; border-radius: 4px; padding: 1px 6px; margin-left: 8px; }
table { border-collapse: collapse; } td { border-top: 1px solid #eaeef2; padding: 3px 8px; vertical-align: top; font-size: 13px; }
pre { background: #f6f8fa; padding: 8px; overflow: auto; font-size: 12px; max-height: 420px; }
`
