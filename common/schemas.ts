import { z } from 'zod'
import { PAUSE_REASONS } from './types.js'

// Request shapes shared by the server (validation) and the pages (typed calls).
export const Uuid = z.uuid()
export const CenterSlug = z.string().regex(/^[a-z0-9-]{2,40}$/)

export const IssueTicketBody = z.strictObject({
  serviceId: Uuid,
  priorityGroup: z.string().min(1).max(40).optional(),
  /** chosen by the kiosk per tap; a retry with the same id returns the same ticket */
  requestId: z.string().min(8).max(100).regex(/^[A-Za-z0-9_-]+$/).optional(),
})
export type IssueTicketBody = z.infer<typeof IssueTicketBody>

export const LoginBody = z.strictObject({
  username: z.string().trim().toLowerCase().min(1).max(40),
  password: z.string().min(1).max(200),
})
export const PauseBody = z.strictObject({
  reason: z.enum(PAUSE_REASONS),
  note: z.string().trim().max(200).optional(),
})
export const CallTicketBody = z.strictObject({ ticketId: Uuid })
export const TransferBody = z.strictObject({ serviceId: Uuid })
export const ResumeBody = z.strictObject({ counterId: Uuid.optional() })
export const EmptyBody = z.strictObject({})
