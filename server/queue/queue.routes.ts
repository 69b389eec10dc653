import { Router, type Request, type RequestHandler } from 'express'
import { z } from 'zod'
import { CallTicketBody, CenterSlug, EmptyBody, IssueTicketBody, PauseBody, ResumeBody, TransferBody, Uuid } from '../../common/schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { validate } from '../http/validate.js'
import type { BoardService } from '../centers/board.service.js'
import type { QueueService } from './queue.service.js'

const IdParams = z.strictObject({ id: Uuid })
const CenterParams = z.strictObject({ center: CenterSlug })

export function publicRoutes(queue: QueueService, board: BoardService, issue: ReturnType<typeof issueRoute>): Router {
  const r = Router()
  r.get('/centers', async (_req, res) => { res.json({ centers: await board.listCenters() }) })
  r.get('/centers/:center/board', validate({ params: CenterParams }), async (req, res) => {
    res.json(await board.board(req.input.params.center))
  })
  r.get('/centers/:center/procedures', validate({ params: CenterParams }), async (req, res) => {
    res.json({ procedures: await board.procedures(req.input.params.center) })
  })
  r.get('/centers/:center/priority-groups', validate({ params: CenterParams }), async (req, res) => {
    res.json({ priorityGroups: await board.priorityGroups(req.input.params.center) })
  })
  r.post('/centers/:center/tickets', ...issue.steps, async (req, res) => {
    const { status, body } = await issue.handle(req)
    res.status(status).json(body)
  })
  r.get('/tickets/:id', validate({ params: IdParams }), async (req, res) => {
    res.json({ ticket: await queue.getTicket(req.input.params.id) })
  })
  return r
}

/**
 * A kiosk's tap: its own middlewares after the API's, and its answer. Served by Express here (every
 * spelling of the path) and by a lean route for the canonical one (server/app.ts, server/http/lean-route.ts).
 */
export function issueRoute(queue: QueueService, issueLimiter: RequestHandler) {
  return {
    steps: [issueLimiter, validate({ params: CenterParams, body: IssueTicketBody })],
    handle: async (req: Request) => ({ status: 201, body: { ticket: await queue.issue(req.input.params.center, req.input.body) } }),
  }
}

export function staffQueueRoutes(queue: QueueService): Router {
  const r = Router()
  const clerk = requireRole('clerk')
  const counterAction = (path: string, body: z.ZodType, act: (id: string, req: Parameters<RequestHandler>[0]) => Promise<unknown>, key: 'counter' | 'ticket') =>
    r.post(path, clerk, validate({ params: IdParams, body }), async (req, res) => {
      res.json({ [key]: await act(req.input.params.id, req) })
    })

  counterAction('/counters/:id/open', EmptyBody, (id, req) => queue.openCounter(id, req.auth!.actor), 'counter')
  counterAction('/counters/:id/close', EmptyBody, (id, req) => queue.closeCounter(id, req.auth!.actor), 'counter')
  counterAction('/counters/:id/pause', PauseBody, (id, req) => queue.pauseCounter(id, req.auth!.actor, req.input.body.reason, req.input.body.note), 'counter')
  counterAction('/counters/:id/resume', EmptyBody, (id, req) => queue.resumeCounter(id, req.auth!.actor), 'counter')
  counterAction('/counters/:id/call-next', EmptyBody, (id, req) => queue.callNext(id, req.auth!.actor), 'ticket')
  counterAction('/counters/:id/call', CallTicketBody, (id, req) => queue.callTicket(id, req.input.body.ticketId, req.auth!.actor), 'ticket')

  counterAction('/tickets/:id/recall', EmptyBody, (id, req) => queue.recall(id, req.auth!.actor), 'ticket')
  counterAction('/tickets/:id/start', EmptyBody, (id, req) => queue.start(id, req.auth!.actor), 'ticket')
  counterAction('/tickets/:id/complete', EmptyBody, (id, req) => queue.complete(id, req.auth!.actor), 'ticket')
  counterAction('/tickets/:id/no-show', EmptyBody, (id, req) => queue.noShow(id, req.auth!.actor), 'ticket')
  counterAction('/tickets/:id/hold', EmptyBody, (id, req) => queue.hold(id, req.auth!.actor), 'ticket')
  counterAction('/tickets/:id/resume', ResumeBody, (id, req) => queue.resume(id, req.auth!.actor, req.input.body.counterId), 'ticket')
  counterAction('/tickets/:id/transfer', TransferBody, (id, req) => queue.transfer(id, req.input.body.serviceId, req.auth!.actor), 'ticket')
  counterAction('/tickets/:id/cancel', EmptyBody, (id, req) => queue.cancel(id, req.auth!.actor), 'ticket')
  return r
}
