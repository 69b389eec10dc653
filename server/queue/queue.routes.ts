import { Router, type RequestHandler } from 'express'
import { z } from 'zod'
import { CallTicketBody, CenterSlug, WalkInBody, EmptyBody, IssueTicketBody, PauseBody, ResumeBody, TicketKeyQuery, TransferBody, Uuid } from '../../common/schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { validate, type Validated } from '../http/validate.js'
import type { BoardService } from '../centers/board.service.js'
import type { IssueService } from './issue.service.js'
import type { CounterService } from './counter.service.js'
import type { TicketService } from './ticket.service.js'

const IdParams = z.strictObject({ id: Uuid })
const CenterParams = z.strictObject({ center: CenterSlug })

export function publicRoutes(issuing: IssueService, tickets: TicketService, board: BoardService, issueLimiter: RequestHandler): Router {
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
  r.post('/centers/:center/tickets', issueLimiter, validate({ params: CenterParams, body: IssueTicketBody }), async (req, res) => {
    res.status(201).json({ ticket: await issuing.issue(req.input.params.center, req.input.body) })
  })
  // the phone page: the ticket's id and the secret printed on its QR (a wrong one: TICKET_NOT_FOUND, as an unknown id)
  r.get('/tickets/:id', validate({ params: IdParams, query: TicketKeyQuery }), async (req, res) => {
    res.json({ ticket: await tickets.holderTicket(req.input.params.id, req.input.query.key) })
  })
  return r
}

export function staffQueueRoutes(counters: CounterService, tickets: TicketService): Router {
  const r = Router()
  const clerk = requireRole('clerk')
  const counterAction = <B extends z.ZodType>(path: string, body: B, act: (id: string, req: Validated<{ params: typeof IdParams; body: B }>) => Promise<unknown>, key: 'counter' | 'ticket') =>
    r.post(path, clerk, validate({ params: IdParams, body }), async (req, res) => {
      res.json({ [key]: await act(req.input.params.id, req) })
    })

  counterAction('/counters/:id/open', EmptyBody, (id, req) => counters.openCounter(id, req.auth!.actor), 'counter')
  counterAction('/counters/:id/close', EmptyBody, (id, req) => counters.closeCounter(id, req.auth!.actor), 'counter')
  counterAction('/counters/:id/pause', PauseBody, (id, req) => counters.pauseCounter(id, req.auth!.actor, req.input.body.reason, req.input.body.note, req.input.body.minutes), 'counter')
  counterAction('/counters/:id/resume', EmptyBody, (id, req) => counters.resumeCounter(id, req.auth!.actor), 'counter')
  counterAction('/counters/:id/call-next', EmptyBody, (id, req) => tickets.callNext(id, req.auth!.actor), 'ticket')
  counterAction('/counters/:id/call', CallTicketBody, (id, req) => tickets.callTicket(id, req.input.body.ticketId, req.auth!.actor), 'ticket')
  // a walk-in issued at the counter, straight into serving (issue 22)
  counterAction('/counters/:id/walk-in', WalkInBody, (id, req) => tickets.walkIn(id, req.input.body.serviceId, req.auth!.actor), 'ticket')

  counterAction('/tickets/:id/recall', EmptyBody, (id, req) => tickets.recall(id, req.auth!.actor), 'ticket')
  counterAction('/tickets/:id/start', EmptyBody, (id, req) => tickets.start(id, req.auth!.actor), 'ticket')
  counterAction('/tickets/:id/complete', EmptyBody, (id, req) => tickets.complete(id, req.auth!.actor), 'ticket')
  counterAction('/tickets/:id/no-show', EmptyBody, (id, req) => tickets.noShow(id, req.auth!.actor), 'ticket')
  counterAction('/tickets/:id/hold', EmptyBody, (id, req) => tickets.hold(id, req.auth!.actor), 'ticket')
  counterAction('/tickets/:id/resume', ResumeBody, (id, req) => tickets.resume(id, req.auth!.actor, req.input.body.counterId), 'ticket')
  counterAction('/tickets/:id/transfer', TransferBody, (id, req) => tickets.transfer(id, req.input.body, req.auth!.actor), 'ticket')
  // issue 22: a no-show taken back within 10 seconds, at the same counter
  counterAction('/tickets/:id/undo-no-show', EmptyBody, (id, req) => tickets.undoNoShow(id, req.auth!.actor), 'ticket')
  counterAction('/tickets/:id/cancel', EmptyBody, (id, req) => tickets.cancel(id, req.auth!.actor), 'ticket')
  return r
}
