/** What both intakes share (a clerk's at the counter, a citizen's online): codes, request ids, the center's transaction. */

import { randomInt } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { Executor } from '../../db/create-db.js'
import type { Center, Database } from '../../db/types.js'
import { DOSSIER_LOOKUP_ALPHABET } from '../../common/dossier-types.js'
import type { CreateDossierBody } from '../../common/dossier-schemas.js'
import { isUniqueViolation } from '../../db/unique-violation.js'
import { localTime } from '../time.js'
import * as repo from './dossier.repository.js'

/** A fact for the center's display: a dossier's result is ready, or was handed over. */
export type DossierFact = { name: 'dossier:ready' | 'dossier:returned'; payload: { code: string } }

/**
 * A write in the center's transaction: facts added to `out` take the center's board seq in it and are
 * sent after the commit, like the queue's own (server/dossiers/dossiers.ts says whose transaction).
 */
export type CenterTx = <T>(center: Center, work: (trx: Transaction<Database>, out: { add(fact: DossierFact): void }) => Promise<T>) => Promise<T>

/** "NS-261123-0007": center prefix, the day of intake (yymmdd, local), the day's sequence. */
export function formatDossierCode(prefix: string, day: string, n: number): string {
  return `${prefix}-${day.slice(2).replaceAll('-', '')}-${String(n).padStart(4, '0')}`
}

export function newLookupCode(): string {
  let s = ''
  for (let i = 0; i < 4; i++) s += DOSSIER_LOOKUP_ALPHABET[randomInt(DOSSIER_LOOKUP_ALPHABET.length)]
  return s
}

/** The next code of the center's day (the number from its counter row, in the caller's transaction). */
export async function nextCode(trx: Executor, center: Center, now: Date): Promise<string> {
  const day = localTime(now, center.time_zone).day
  return formatDossierCode(center.dossier_prefix, day, await repo.takeDossierNumber(trx, center.id, day))
}

/** Creates once per request id: a retry, or the loser of two racing retries, gets the first one's result. */
export async function once<T>(requestId: string | undefined, existing: () => Promise<T | undefined>, create: () => Promise<T>): Promise<T> {
  if (requestId) {
    const found = await existing()
    if (found) return found
  }
  try {
    return await create()
  } catch (e) {
    if (requestId && isUniqueViolation(e, 'dossier_request_id')) {
      const found = await existing()
      if (found) return found
    }
    throw e
  }
}

/**
 * W1 (issue 22): what the ID card's QR gave, and how the ID was checked (Decree 118 Art. 17.1.a). The record
 * follows the number: without one it is 'none'; a number with no (or a 'none') method was typed.
 */
export function idCheckColumns(b: Pick<CreateDossierBody, 'applicant' | 'idCheck'>) {
  const how: NonNullable<CreateDossierBody['idCheck']> = b.applicant.idNumber === null ? 'none' : b.idCheck && b.idCheck !== 'none' ? b.idCheck : 'typed'
  return { applicant_birth_date: b.applicant.birthDate, applicant_sex: b.applicant.sex, id_check: how }
}

export function applicantColumns(a: Pick<CreateDossierBody['applicant'], 'fullName' | 'phone' | 'address' | 'idNumber'>) {
  return { applicant_name: a.fullName, applicant_phone: a.phone, applicant_address: a.address, applicant_id_number: a.idNumber }
}
