import type { Transaction } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { Counter, Database } from '../../db/types.js'
import type { CounterView, PauseReason } from '../../common/types.js'
import { isUniqueViolation } from '../../db/unique-violation.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { assertAtCounter, assertCenter, type Actor } from '../auth/actor.js'
import { findCenterOf } from '../centers/center.repository.js'
import * as counters from './counter.repository.js'
import * as tickets from './ticket.repository.js'
import type { Changes, Outbox } from './changes.js'
import { counterView } from './ticket-views.js'

/** A clerk's counter: open, close, pause with a reason, resume. */
export class CounterService {
  constructor(private db: Db, private clock: Clock, private changes: Changes) {}

  async openCounter(counterId: string, actor: Actor): Promise<CounterView> {
    return this.counterChange(counterId, actor, async (trx, c, now) => {
      if (!c.active) throw new AppError('COUNTER_INACTIVE') // deactivated in settings (H6)
      if (c.status !== 'closed') {
        if (c.staff_id === actor.staffId) return false
        throw new AppError('COUNTER_IN_USE')
      }
      const other = await counters.findOpenCounterOfStaff(trx, actor.staffId)
      if (other) throw new AppError('STAFF_AT_OTHER_COUNTER', { counter: other.number })
      try {
        await counters.updateCounter(trx, c.id, { status: 'open', staff_id: actor.staffId, pause_reason: null, pause_until: null, status_since: now })
      } catch (e) {
        if (isUniqueViolation(e, 'counter_one_per_staff')) throw new AppError('STAFF_AT_OTHER_COUNTER', { counter: '?' })
        throw e
      }
      await counters.insertCounterEvent(trx, { counterId: c.id, staffId: actor.staffId, type: 'open', at: now })
      return true
    }, { atCounter: false })
  }

  async closeCounter(counterId: string, actor: Actor): Promise<CounterView> {
    return this.counterChange(counterId, actor, async (trx, c, now, out) => {
      if (c.status === 'closed') return false
      const active = await tickets.findActiveAtCounter(trx, c.id)
      if (active) throw new AppError('COUNTER_BUSY', { code: active.code })
      await counters.updateCounter(trx, c.id, { status: 'closed', staff_id: null, pause_reason: null, pause_until: null, status_since: now })
      await counters.insertCounterEvent(trx, { counterId: c.id, staffId: actor.staffId, type: 'close', at: now })
      // issue 22: tickets transferred to this counter go back to their service's queue, in their place
      const released = await tickets.releaseForCounter(trx, c.id)
      if (released.length) out.add({ name: 'queue:changed', serviceIds: [...new Set(released.map((r) => r.service_id))] })
      return true
    })
  }

  /** Pauses with a reason, a note for staff and, when the clerk says, the minutes until they are back. */
  async pauseCounter(counterId: string, actor: Actor, reason: PauseReason, note?: string, minutes?: number): Promise<CounterView> {
    return this.counterChange(counterId, actor, async (trx, c, now) => {
      if (c.status === 'closed') throw new AppError('COUNTER_CLOSED')
      if (c.status === 'paused') throw new AppError('COUNTER_PAUSED')
      const text = note ? `${reason}: ${note}` : reason
      const until = minutes ? new Date(now.getTime() + minutes * 60_000) : null
      await counters.updateCounter(trx, c.id, { status: 'paused', pause_reason: text, pause_until: until, status_since: now })
      await counters.insertCounterEvent(trx, { counterId: c.id, staffId: actor.staffId, type: 'pause', reason: text, at: now })
      return true
    })
  }

  async resumeCounter(counterId: string, actor: Actor): Promise<CounterView> {
    return this.counterChange(counterId, actor, async (trx, c, now) => {
      if (c.status !== 'paused') throw new AppError('COUNTER_NOT_PAUSED')
      await counters.updateCounter(trx, c.id, { status: 'open', pause_reason: null, pause_until: null, status_since: now })
      await counters.insertCounterEvent(trx, { counterId: c.id, staffId: actor.staffId, type: 'resume', at: now })
      return true
    })
  }

  private async counterChange(counterId: string, actor: Actor,
    change: (trx: Transaction<Database>, c: Counter, now: Date, out: Outbox) => Promise<boolean>,
    opts: { atCounter: boolean } = { atCounter: true }): Promise<CounterView> {
    const center = await findCenterOf(this.db, 'counter', counterId)
    if (!center) throw new AppError('COUNTER_NOT_FOUND')
    assertCenter(actor, center.id)
    await this.changes.inTx(center, async (trx, out) => {
      const c = (await counters.lockCounter(trx, counterId))!
      // a closed counter belongs to nobody: each change answers for itself (close: nothing to do; pause: COUNTER_CLOSED)
      if (opts.atCounter && c.status !== 'closed') assertAtCounter(actor, c)
      if (await change(trx, c, this.clock(), out)) {
        out.add({ name: 'counter:changed', counterId })
        out.add({ name: 'queue:changed', serviceIds: (await counters.counterServices(trx, counterId)).map((s) => s.service_id) })
      }
    })
    return counterView(this.db, center.id, counterId)
  }
}
