import { Router } from 'express'
import { ReportQuery } from '../../common/schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { validate } from '../http/validate.js'
import { reportCsv, type ReportService } from './report.service.js'
import { BookQuery, PeriodReportQuery } from '../../common/schemas.js'
import { bookCsv, periodCsv, type BookService } from './book.service.js'

/** `GET /api/reports/summary`: a manager reads their center's report, an admin any center's. */
export function reportRoutes(reports: ReportService, book?: BookService): Router {
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
  if (book) {
    // the tracking book (Sổ theo dõi hồ sơ) and the period report (issue 21): managers of the center, admins
    r.get('/reports/book', requireRole('manager'), validate({ query: BookQuery }), async (req, res) => {
      const query = req.input.query
      const answer = await book.book(query, req.auth!.actor, req.lang)
      if (query.format === 'csv') {
        res.set('content-type', 'text/csv; charset=utf-8').set('content-disposition', `attachment; filename="so-theo-doi-${answer.center.slug}-${answer.from}-${answer.to}.csv"`)
          .set('cache-control', 'no-store').send(bookCsv(answer, req.lang))
        return
      }
      res.set('cache-control', 'no-store').json(answer)
    })
    r.get('/reports/period', requireRole('manager'), validate({ query: PeriodReportQuery }), async (req, res) => {
      const query = req.input.query
      const answer = await book.period(query, req.auth!.actor, req.lang)
      if (query.format === 'csv') {
        res.set('content-type', 'text/csv; charset=utf-8').set('content-disposition', `attachment; filename="bao-cao-dinh-ky-${answer.center.slug}-${answer.from}-${answer.to}-${answer.groupBy}.csv"`)
          .set('cache-control', 'no-store').send(periodCsv(answer, req.lang))
        return
      }
      res.set('cache-control', 'no-store').json(answer)
    })
  }
  return r
}
