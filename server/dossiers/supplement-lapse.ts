/**
 * Art. 19.5 of Decree 118/2025/NĐ-CP: a supplement not completed within 15 days of its notice closes the
 * dossier (`closed_incomplete`). Evaluated whenever a dossier is read or written (so nobody ever sees or
 * acts on a lapsed one) and by the server's periodic sweep; the history records it at its deadline.
 */
import type { Db } from '../../db/create-db.js'
import { addDays, zonedInstant } from './working-days.js'
import { localTime } from '../time.js'
import { SUPPLEMENT_DAYS } from '../../common/dossier-types.js'
import * as repo from './dossier.repository.js'

/** The end of the 15th day after the notice, in the center's time zone (the citizen has all of that day). */
export function supplementDeadline(noticeAt: Date, timeZone: string): Date {
  return zonedInstant(addDays(localTime(noticeAt, timeZone).day, SUPPLEMENT_DAYS + 1), '00:00', timeZone)
}

/** Closes every lapsed supplement request (of one center, or one dossier): returns the ids closed now. */
export async function closeLapsedSupplements(db: Db, now: Date, only: { centerId?: string; dossierId?: string } = {}): Promise<string[]> {
  const closed: string[] = []
  for (const r of await repo.lapsedSupplements(db, now, only)) {
    const done = await db.transaction().execute(async (trx) => {
      const d = await repo.lockDossier(trx, r.id)
      // another request may have completed or closed it meanwhile
      if (!d || d.status !== 'needs_supplement' || !d.supplement_deadline || new Date(d.supplement_deadline).getTime() > now.getTime()) return false
      const deadline = new Date(d.supplement_deadline)
      await repo.updateDossier(trx, d.id, { status: 'closed_incomplete', supplement_note: null, updated_at: now })
      await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: d.center_id, type: 'closed_incomplete', from: 'needs_supplement',
        to: 'closed_incomplete', staffId: null, at: deadline, data: { deadline: deadline.toISOString() } })
      return true
    })
    if (done) closed.push(r.id)
  }
  return closed
}
