import { Router } from 'express'
import { ReportQuery } from '../../common/schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { validate } from '../http/validate.js'
import { reportCsv, type ReportService } from './report.service.js'

/** `GET /api/reports/summary`: a manager reads their center's report, an admin any center's. */
export function reportRoutes(reports: ReportService): Router {
  const r = Router()
  r.get('/reports/summary', requireRole('manager'), validate({ query: ReportQuery }), async (req, res) => {
    const query = req.input.query
    const report = await reports.summary(query, req.auth!.actor, req.lang)
    if (query.format === 'csv') {
      const name = `bao-cao-${report.center.slug}-${report.from}-${report.to}-${report.groupBy}.csv`
      res.set('content-type', 'text/csv; charset=utf-8').set('content-disposition', `attachment; filename="${name}"`)
        .set('cache-control', 'no-store').send(reportCsv(report, req.lang))
      return
    }
    res.set('cache-control', 'no-store').json(report)
  })
  return r
}
