import type { Db } from '../../db/create-db.js'
import type { PublicFilingBody } from '../../common/dossier-schemas.js'
import { MAX_ATTACHMENT_BYTES } from '../../common/dossier-schemas.js'
import { AppError } from '../errors.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import * as repo from './dossier.repository.js'

const MAGIC: Record<string, number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
}

/** Decodes each attachment; one whose bytes are not what its type says, or too large, is refused. Nothing is trusted further. */
export function decodeAttachments(list: NonNullable<PublicFilingBody['attachments']>) {
  return list.map((a) => {
    const data = Buffer.from(a.dataBase64, 'base64')
    const magic = MAGIC[a.type]!
    if (!data.length || data.length > MAX_ATTACHMENT_BYTES || magic.some((b, i) => data[i] !== b)) {
      throw new AppError('ATTACHMENT_REJECTED', { name: a.name })
    }
    return { name: a.name, content_type: a.type, size: data.length, data }
  })
}

/** The files of online filings: stored with the dossier (decodeAttachments), read back by its center's staff only. */
export class DossierAttachments {
  constructor(private db: Db) {}

  async file(dossierId: string, attachmentId: string, actor: Actor) {
    const d = await repo.findDossier(this.db, dossierId)
    if (!d) throw new AppError('DOSSIER_NOT_FOUND')
    assertCenter(actor, d.center_id)
    const file = await repo.findAttachment(this.db, dossierId, attachmentId)
    if (!file) throw new AppError('NOT_FOUND')
    return { name: file.name, type: file.content_type, data: Buffer.from(file.data) }
  }
}
