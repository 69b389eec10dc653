import { Router, type Response } from 'express'
import { z } from 'zod'
import { Uuid } from '../../common/schemas.js'
import { DossierStatusBody } from '../../common/dossier-schemas.js'
import { MAX_RESULT_BYTES, ProvincialCodeBody, ProvincialParams, ResultDownloadBody, ResultUploadBody } from '../../common/dossier-result-schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { allowBodyUpTo } from '../http/body.js'
import { validate } from '../http/validate.js'
import type { Dossiers } from './dossiers.js'
import type { DossierResults, ResultFile } from './dossier-result.js'

const IdParams = z.strictObject({ id: Uuid })
const CodeParams = z.strictObject({ code: z.string().min(1).max(40) })
/** the PDF as base64 in JSON, and room for its name */
const uploadLimit = allowBodyUpTo(Math.ceil(MAX_RESULT_BYTES / 3) * 4 + 4096)
const rfc5987 = (s: string) => encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/**
 * The result is a file from outside the app (a scan, the province's system): always a download, never shown in our
 * origin (attachment, a sandboxing CSP, no sniffing), and never cached.
 */
function sendPdf(res: Response, f: ResultFile) {
  res.set({
    'content-type': 'application/pdf',
    'content-disposition': `attachment; filename="${f.name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${rfc5987(f.name)}`,
    'content-security-policy': "default-src 'none'; sandbox",
    'x-content-type-options': 'nosniff',
    'cache-control': 'private, no-store',
  }).send(f.data)
}

/**
 * The electronic result (issue 21) and the province's code of a dossier (issue 25 "Inbound"). Staff routes take a
 * session or an API token (dossiers:read / dossiers:write, server/tokens/scopes.ts); the citizen's download is
 * public, under the lookups' per-address budget and their guess throttle.
 */
export function dossierResultRoutes(results: DossierResults, { budgets }: Pick<Dossiers, 'budgets'>): Router {
  const r = Router()
  const clerk = requireRole('clerk')
  r.put('/dossiers/:id/result', clerk, uploadLimit, validate({ params: IdParams, body: ResultUploadBody }), async (req, res) => {
    res.json({ dossier: await results.attach(req.input.params.id, req.input.body, req.auth!.actor) })
  })
  r.get('/dossiers/:id/result', clerk, validate({ params: IdParams }), async (req, res) => {
    sendPdf(res, await results.staffFile(req.input.params.id, req.auth!.actor))
  })
  r.put('/dossiers/:id/provincial-code', clerk, validate({ params: IdParams, body: ProvincialCodeBody }), async (req, res) => {
    res.json({ dossier: await results.setProvincialCode(req.input.params.id, req.input.body.provincialCode, req.auth!.actor) })
  })
  r.get('/centers/:center/provincial-dossiers/:provincialCode', clerk, validate({ params: ProvincialParams }), async (req, res) => {
    const { center, provincialCode } = req.input.params
    res.json({ dossier: await results.getByProvincialCode(center, provincialCode, req.auth!.actor) })
  })
  r.post('/centers/:center/provincial-dossiers/:provincialCode/status', clerk, validate({ params: ProvincialParams, body: DossierStatusBody }), async (req, res) => {
    const { center, provincialCode } = req.input.params
    res.json({ dossier: await results.setStatusByProvincialCode(center, provincialCode, req.input.body, req.auth!.actor) })
  })
  r.put('/centers/:center/provincial-dossiers/:provincialCode/result', clerk, uploadLimit, validate({ params: ProvincialParams, body: ResultUploadBody }), async (req, res) => {
    const { center, provincialCode } = req.input.params
    res.json({ dossier: await results.attachByProvincialCode(center, provincialCode, req.input.body, req.auth!.actor) })
  })
  // POST: the second factor stays out of URLs, logs and the browser's history
  r.post('/public/dossiers/:code/result', budgets.lookups.middleware, validate({ params: CodeParams, body: ResultDownloadBody }), async (req, res) => {
    sendPdf(res, await results.citizenFile(req.input.params.code, req.input.body, req.ip ?? ''))
  })
  return r
}
