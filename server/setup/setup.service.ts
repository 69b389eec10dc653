import { createHash, randomBytes } from 'node:crypto'
import type { Db } from '../../db/create-db.js'
import { isUniqueViolation } from '../../db/unique-violation.js'
import { seedCalendar } from '../../db/seed-demo.js'
import type { SetupBody } from '../../common/setup-schemas.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { hashPassword } from '../auth/auth.service.js'
import { assertPasswordAllowed } from '../auth/password-policy.js'
import { insertAudit } from '../staff/settings.repository.js'
import * as repo from './setup.repository.js'

/**
 * The one-time set-up of an empty install: while no active admin exists, each start makes a new token
 * (the link it prints) and the older ones stop working; the link's page creates the first admin and the
 * first center in the transaction that uses the token. Only the token's SHA-256 is stored: a token is
 * found by its hash, so no comparison ever runs over the secret itself.
 */
export class SetupService {
  constructor(private db: Db, private clock: Clock) {}

  /** At start: the token to print, or null when an active admin exists (then no link works). */
  async prepare(): Promise<string | null> {
    const now = this.clock()
    return this.db.transaction().execute(async (trx) => {
      await repo.replaceUnusedTokens(trx, now)
      if (await repo.hasActiveAdmin(trx)) return null
      const token = randomBytes(32).toString('base64url')
      await repo.insertToken(trx, sha256(token), now)
      return token
    })
  }

  /** The page asks before showing its form: throws the token's refusal, as `complete` would. */
  async check(token: string): Promise<void> {
    const row = await repo.findToken(this.db, sha256(token))
    if (!row || row.used_at || row.replaced_at) throw refusal(row)
    if (await repo.hasActiveAdmin(this.db)) throw new AppError('SETUP_DONE')
  }

  /**
   * Uses the token and creates the first admin and center, all or nothing: a refused field (a slug or a
   * username taken) leaves the token unused, so the page can send the form again, fixed.
   */
  async complete(input: SetupBody): Promise<{ staffId: string; centerSlug: string }> {
    const { admin, center } = input
    // a wrong token costs a lookup, not a password hash
    await this.check(input.token)
    assertPasswordAllowed(admin.password, { username: admin.username, field: 'admin.password' })
    const passwordHash = await hashPassword(admin.password)
    const tokenHash = sha256(input.token)
    const now = this.clock()
    try {
      return await this.db.transaction().execute(async (trx) => {
        const claimed = await repo.claimToken(trx, tokenHash, now)
        if (!claimed) throw refusal(await repo.findToken(trx, tokenHash))
        if (await repo.hasActiveAdmin(trx)) throw new AppError('SETUP_DONE')
        const c = await repo.insertCenter(trx, { slug: center.slug, name: center.name, address: center.address, province: center.province,
          time_zone: center.timeZone, opening_hours: center.openingHours, dossier_prefix: dossierPrefix(center.slug) })
        await repo.insertBoardSeq(trx, c.id)
        await seedCalendar(trx, c.id)
        const { id: staffId } = await repo.insertAdmin(trx, { username: admin.username, full_name: admin.fullName, password_hash: passwordHash })
        await repo.markTokenUsedBy(trx, claimed.id, staffId)
        await repo.replaceUnusedTokens(trx, now)
        const created = <T>(v: T) => ({ from: null, to: v })
        await insertAudit(trx, { centerId: c.id, staffId, entity: 'center', entityId: c.id, action: 'create', at: now, changes: {
          name: created(center.name), slug: created(center.slug), address: created(center.address), province: created(center.province),
          timeZone: created(center.timeZone), openingHours: created(center.openingHours) } })
        await insertAudit(trx, { centerId: c.id, staffId, entity: 'staff', entityId: staffId, action: 'create', at: now, changes: {
          username: created(admin.username), fullName: created(admin.fullName), role: created('admin'), active: created(true) } })
        return { staffId, centerSlug: c.slug }
      })
    } catch (e) {
      if (isUniqueViolation(e, 'center_slug_key')) throw new AppError('CENTER_SLUG_TAKEN', { slug: center.slug, field: 'center.slug' })
      if (isUniqueViolation(e, 'staff_username_key')) throw new AppError('USERNAME_TAKEN', { username: admin.username, field: 'admin.username' })
      // another token of this install was used at the same moment (two starts printed two links)
      if (isUniqueViolation(e, 'setup_token_used_once')) throw new AppError('SETUP_DONE')
      throw e
    }
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

function refusal(row: { used_at: unknown; replaced_at: unknown } | undefined): AppError {
  return new AppError(!row ? 'SETUP_TOKEN_UNKNOWN' : row.used_at ? 'SETUP_TOKEN_USED' : 'SETUP_TOKEN_REPLACED')
}

/** Dossier codes start with the center's initials: "muong-cha" → "MC" (the demo's "na-sang" is "NS"). */
export function dossierPrefix(slug: string): string {
  const initials = slug.split('-').map((w) => w[0] ?? '').join('').toUpperCase().slice(0, 6)
  return /^[A-Z][A-Z0-9]{0,5}$/.test(initials) ? initials : 'HS'
}
