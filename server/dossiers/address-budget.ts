import type { Request, RequestHandler } from 'express'
import { ipKeyGenerator, MemoryStore, rateLimit, type AugmentedRequest, type Store } from 'express-rate-limit'
import { AppError } from '../errors.js'

/**
 * At most `limit` tries per address within `windowMs`, counted in one store by an HTTP route's
 * middleware and by Socket.IO handshakes (`take`): an address cannot spend the budget once on each.
 * Addresses are keyed as express-rate-limit keys them (an IPv6 address by its /56). Counted in `store`: the
 * database's (server/http/rate-limit-store.ts, shared by every instance) or this instance's memory.
 */
export class AddressBudget {
  readonly middleware: RequestHandler

  /** `refusal`: the error past the budget, given the minutes until the window ends (at least 1). */
  constructor(readonly limit: number, windowMs: number, private refusal: (minutesLeft: number) => AppError = () => new AppError('RATE_LIMITED'),
    skip?: (req: Request) => boolean, private store: Store = new MemoryStore()) {
    this.middleware = rateLimit({
      windowMs, limit, store: this.store, standardHeaders: 'draft-8', legacyHeaders: false, skip,
      handler: (req) => { throw this.refused((req as AugmentedRequest).rateLimit?.resetTime) },
    })
  }

  /** One try from `address` outside Express (a socket's handshake); the refusal past the budget. */
  async take(address: string): Promise<void> {
    const { totalHits, resetTime } = await this.store.increment(ipKeyGenerator(address))
    if (totalHits > this.limit) throw this.refused(resetTime)
  }

  private refused(resetTime: Date | undefined): AppError {
    return this.refusal(Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now()) - Date.now()) / 60_000)))
  }
}
