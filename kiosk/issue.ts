import type { PriorityGroupView, IssuedTicket } from '../common/types.js'
import { ApiError, apiPost, errorMessage, NetworkError, newRequestId } from '../web/api.js'
import { t } from '../web/i18n.js'
import type { Screen } from './screens.js'

/**
 * One tap is one ticket: the tap gets a requestId, and every retry of it (automatic after a network error
 * or a transient answer, then "Thử lại", then the connection coming back) sends the same one, so the
 * server answers a repeated tap with the ticket it already issued.
 */

/** Retries of one tap after a network error, with the same requestId, before asking the citizen. */
const AUTO_RETRIES = 2

interface Deps {
  center(): string
  /** the "issuing" and "cannot issue" screens */
  go(screen: Screen): void
  showTicket(ticket: IssuedTicket, group: PriorityGroupView | null): Promise<void>
  /** the server said DAILY_CAP_REACHED for this service */
  capReached(serviceId: string): void
  /** the server said CENTER_CLOSED or AFTER_CUTOFF: the board is out of date */
  closed(): void
}

interface Tap { serviceId: string; group: PriorityGroupView | null; requestId: string }

export class TicketIssuer {
  /** the tap being issued: its requestId is reused by every retry */
  private pending: Tap | null = null

  constructor(private deps: Deps) {}

  /** a tap is not answered yet (being sent, or waiting for "Thử lại") */
  get unanswered(): boolean {
    return this.pending !== null
  }

  start(serviceId: string, group: PriorityGroupView | null): void {
    if (this.pending) return // one tap at a time
    this.pending = { serviceId, group, requestId: newRequestId() }
    void this.attempt()
  }

  /** The citizen went home: an answer still on its way is ignored. */
  forget(): void {
    this.pending = null
  }

  /** Sends the pending tap; network failures are retried with the same requestId, so one tap is one ticket. */
  async attempt(): Promise<void> {
    const p = this.pending
    if (!p) return
    const { go } = this.deps
    go({ name: 'issuing', retrying: false })
    for (let attempt = 0; ; attempt++) {
      try {
        const body = { serviceId: p.serviceId, requestId: p.requestId, ...(p.group ? { priorityGroup: p.group.code } : {}) }
        const { ticket } = await apiPost<{ ticket: IssuedTicket }>(`/api/centers/${encodeURIComponent(this.deps.center())}/tickets`, body, { timeoutMs: 8000 })
        if (this.pending !== p) return
        this.pending = null
        await this.deps.showTicket(ticket, p.group)
        return
      } catch (e) {
        if (this.pending !== p) return
        const retryable = e instanceof NetworkError || (e instanceof ApiError && e.transient)
        if (retryable && attempt < AUTO_RETRIES) {
          go({ name: 'issuing', retrying: true })
          await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)))
          if (this.pending !== p) return
          continue
        }
        if (retryable) {
          // keep `pending`: "Thử lại" sends the same requestId
          go({ name: 'issueError', message: t().kiosk.networkError, canRetry: true, closed: false })
          return
        }
        this.refused(p, e)
        return
      }
    }
  }

  private refused(p: Tap, e: unknown): void {
    this.pending = null
    const code = e instanceof ApiError ? e.code : ''
    if (code === 'DAILY_CAP_REACHED') this.deps.capReached(p.serviceId)
    const closed = code === 'CENTER_CLOSED' || code === 'AFTER_CUTOFF'
    this.deps.go({ name: 'issueError', message: errorMessage(e), canRetry: false, closed })
    if (closed) this.deps.closed()
  }
}
