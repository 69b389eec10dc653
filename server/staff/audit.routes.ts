import { Router } from 'express'
import { z } from 'zod'
import { CenterSlug } from '../../common/schemas.js'
import { AuditQuery } from '../../common/staff-schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { validate } from '../http/validate.js'
import type { AuditService } from './audit.service.js'

const CenterParams = z.strictObject({ center: CenterSlug })

/** `GET /api/centers/:center/audit`: the audit log a page at a time (JSON), or all of it for the filters (`format=csv`). */
export function auditRoutes(audit: AuditService): Router {
  const r = Router()
  r.get('/centers/:center/audit', requireRole('manager'), validate({ params: CenterParams, query: AuditQuery }), async (req, res) => {
    const { center } = req.input.params
    const query = req.input.query
    if (query.format !== 'csv') {
      res.set('cache-control', 'no-store').json(await audit.page(center, req.auth!.actor, query, req.lang))
      return
    }
    const lines = audit.csv(center, req.auth!.actor, query, req.lang)
    // the first chunk is read before the headers go out, so a refusal (role, center, range) is still an error answer
    const first = await lines.next()
    const name = `nhat-ky-${center}-${query.from ?? query.day ?? ''}-${query.to ?? query.day ?? ''}.csv`.replace(/--+/g, '-').replace(/-\.csv$/, '.csv')
    res.set('content-type', 'text/csv; charset=utf-8').set('content-disposition', `attachment; filename="${name}"`).set('cache-control', 'no-store')
    if (!first.done) res.write(first.value)
    for await (const chunk of lines) res.write(chunk)
    res.end()
  })
  return r
}
