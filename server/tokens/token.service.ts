import { createHash, randomBytes } from 'node:crypto'
import type { Db } from '../../db/create-db.js'
import type { Authenticated } from '../auth/auth.service.js'
import type { ApiTokenCreateBody, ApiTokenView, TokenScope } from '../../common/token-schemas.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import { centerFor } from '../staff/settings.support.js'
import { insertAudit } from '../staff/settings.repository.js'
import { findToken, insertToken, listTokens, revokeToken, tokenBySecretHash, touchToken } from './token.repository.js'

/** What a request authenticated by a token carries (`req.apiToken`). */
export interface ApiTokenAuth { id: string; name: string; scopes: TokenScope[]; centerId: string; centerSlug: string; createdBy: string; expiresAt: Date | null }

/** Secrets are `mc_` and 43 base64url characters (32 random bytes). */
export const SECRET_PREFIX = 'mc_'

/**
 * SHA-256, not argon2: the secret is 256 random bits, so there is no dictionary to slow down and a fast hash
 * is as safe as a slow one; argon2 would cost tens of milliseconds and ~19 MB on every API request.
 */
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())

type Row = { id: string; name: string; scopes: string[]; prefix: string; created_at: Date | string; expires_at: Date | string | null
  revoked_at: Date | string | null; last_used_at: Date | string | null; last_used_address: string | null; created_by_name?: string | null }

function view(r: Row): ApiTokenView {
  return {
    id: r.id, name: r.name, scopes: r.scopes as TokenScope[], prefix: r.prefix, createdBy: r.created_by_name ?? null,
    createdAt: iso(r.created_at)!, expiresAt: iso(r.expires_at), revokedAt: iso(r.revoked_at), lastUsedAt: iso(r.last_used_at),
    lastUsedAddress: r.last_used_address,
  }
}

export class TokenService {
  constructor(private db: Db, private clock: Clock) {}

  async list(slug: string, actor: Actor): Promise<ApiTokenView[]> {
    const center = await centerFor(this.db, slug, actor)
    return (await listTokens(this.db, center.id)).map(view)
  }

  /** A new token of the center: its secret is in this answer only; the database keeps its hash. Audited. */
  async create(slug: string, input: ApiTokenCreateBody, actor: Actor): Promise<{ token: ApiTokenView; secret: string }> {
    const center = await centerFor(this.db, slug, actor)
    const now = this.clock()
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null
    if (expiresAt && expiresAt <= now) throw new AppError('VALIDATION_FAILED', {}, [{ path: 'body.expiresAt', message: 'in the past' }])
    const secret = SECRET_PREFIX + randomBytes(32).toString('base64url')
    const row = await this.db.transaction().execute(async (trx) => {
      const r = await insertToken(trx, {
        center_id: center.id, name: input.name, scopes: input.scopes, secret_hash: sha256(secret), prefix: secret.slice(0, 10),
        created_by: actor.staffId, created_at: now, expires_at: expiresAt,
      })
      await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'api_token', entityId: r.id, action: 'create',
        changes: { name: { from: null, to: r.name }, scopes: { from: null, to: input.scopes }, expiresAt: { from: null, to: iso(expiresAt) } }, at: now })
      return r
    })
    return { token: view(row), secret }
  }

  /** Revoked at once: the next request with it is refused. Audited. */
  async revoke(id: string, actor: Actor): Promise<ApiTokenView> {
    const found = await findToken(this.db, id)
    if (!found) throw new AppError('API_TOKEN_NOT_FOUND')
    assertCenter(actor, found.center_id)
    const now = this.clock()
    const row = await this.db.transaction().execute(async (trx) => {
      const r = await revokeToken(trx, id, now)
      if (r) await insertAudit(trx, { centerId: r.center_id, staffId: actor.staffId, entity: 'api_token', entityId: id, action: 'revoke', changes: { revokedAt: { from: null, to: iso(now) } }, at: now })
      return r ?? found
    })
    return view(row)
  }

  /** The token of a secret, or null when unknown, revoked or expired; its last use is noted (at most once a minute). */
  async authenticate(secret: string, address: string): Promise<ApiTokenAuth | null> {
    if (!secret.startsWith(SECRET_PREFIX) || secret.length > 100) return null
    const r = await tokenBySecretHash(this.db, sha256(secret))
    const now = this.clock()
    if (!r || r.revoked_at || (r.expires_at && new Date(r.expires_at) <= now)) return null
    await touchToken(this.db, r.id, now, address)
    return { id: r.id, name: r.name, scopes: r.scopes as TokenScope[], centerId: r.center_id, centerSlug: r.slug, createdBy: r.created_by, expiresAt: r.expires_at ? new Date(r.expires_at) : null }
  }

  /**
   * A token's request as the routes see one: an Actor of its one center, ranked as a manager so the routes its
   * scopes open (server/tokens/scopes.ts) pass their role check, never an admin; rows it writes carry its
   * creator as staff and the token itself (`api_token_id`).
   */
  static asSession(t: ApiTokenAuth): Authenticated {
    // until the token's expiry (or for good): the session's own end, for code that reads it
    const session = {
      expiresAt: t.expiresAt ?? new Date(8.64e15),
      staff: { id: t.createdBy, username: `api:${t.name}`, fullName: t.name, role: 'manager' as const, centerId: t.centerId, centerSlug: t.centerSlug, firstLogin: false },
      actor: { staffId: t.createdBy, role: 'manager' as const, centerId: t.centerId },
      tokenHash: `api:${t.id}`,
    }
    return session
  }
}
