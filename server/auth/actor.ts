import type { Counter } from '../../db/types.js'
import { AppError } from '../errors.js'

/** Who acts: a logged-in staff member. */
export interface Actor { staffId: string; role: 'admin' | 'manager' | 'clerk'; centerId: string | null }

/** An admin acts in every center; a manager or clerk only in their own. */
export function assertCenter(actor: Actor, centerId: string) {
  if (actor.role !== 'admin' && actor.centerId !== centerId) throw new AppError('WRONG_CENTER')
}

/** A clerk acts only at the counter they opened; a manager or admin may act at any counter of the center. */
export function assertAtCounter(actor: Actor, c: Counter) {
  if (actor.role === 'clerk' && c.staff_id !== actor.staffId) throw new AppError('NOT_AT_COUNTER')
}
