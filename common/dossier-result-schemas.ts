import { z } from 'zod'
import { CenterSlug } from './schemas.js'

/**
 * A dossier's electronic result (issue 21, Decree 118 Art. 22) and the province's code of a dossier (issue 25
 * "Inbound"): the bodies the clerk, the province's system and the citizen send, and what staff see of them.
 */

/** 10 MiB: a scanned decision of a few pages; the database keeps it (migration 0024 checks the same bound) */
export const MAX_RESULT_BYTES = 10 * 1024 * 1024

/** The province's own code of a dossier: letters, digits and . _ - (it travels in URL paths), unique per center. */
export const ProvincialCode = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/)

export const ResultUploadBody = z.strictObject({
  // a name the citizen's download keeps, never a path
  name: z.string().trim().min(1).max(200).refine((s) => !/[\\/\u0000-\u001f]/.test(s), 'no / \\ or control characters'),
  // checked once decoded (size, and a PDF by its first bytes); this bound only keeps an absurd body out
  dataBase64: z.string().min(8).max(Math.ceil(MAX_RESULT_BYTES / 3) * 4 + 8).regex(/^[A-Za-z0-9+/]*={0,2}$/),
})
export type ResultUploadBody = z.infer<typeof ResultUploadBody>

/**
 * The citizen's download: both codes, and the last 4 digits of the phone given at intake (the second factor:
 * the codes are printed on a slip, which may be lost or photographed). A wrong one counts as a wrong guess.
 */
export const ResultDownloadBody = z.strictObject({
  lookupCode: z.string().max(20),
  phoneLast4: z.string().trim().regex(/^[0-9]{4}$/),
  center: CenterSlug.optional(),
})
export type ResultDownloadBody = z.infer<typeof ResultDownloadBody>

export const ProvincialCodeBody = z.strictObject({ provincialCode: ProvincialCode.nullable() })
export const ProvincialParams = z.strictObject({ center: CenterSlug, provincialCode: ProvincialCode })

/** What staff (and the province's system) see of the attached result; the file itself is a download. */
export interface DossierResultInfo {
  name: string
  size: number
  /** hex SHA-256 of the file: the province's system can check what it sent */
  sha256: string
  attachedAt: string
  attachedByName: string | null
  /** the API token's name when the province's system attached it */
  attachedByToken: string | null
  /** how often the citizen downloaded it from the lookup page */
  downloads: number
  lastDownloadedAt: string | null
}
