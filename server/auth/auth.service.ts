import { createHash, randomBytes } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'
import type { Db } from '../../db/create-db.js'
import type { StaffRole } from '../../db/types.js'
import type { StaffView } from '../../common/types.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import type { Actor } from './actor.js'
import type { EventSink } from '../realtime/event-sink.js'
import { DEFAULT_LOGIN_LIMITS, LoginThrottle, type LoginLimits } from './login-throttle.js'
import { assertPasswordAllowed } from './password-policy.js'
import { insertAudit } from '../staff/settings.repository.js'

export const SESSION_COOKIE = 'motcua_session'

export function hashPassword(password: string): Promise<string> {
  return hash(password)
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
// Verified when the username is unknown, so a wrong name takes as long as a wrong password.
let dummyHash: Promise<string> | undefined

export interface Authenticated { staff: StaffView; actor: Actor; tokenHash: string; /** when the session ends */ expiresAt: Date }

export interface AuthOptions {
  sessionHours: number
  /** where a logout ends the session's sockets (none for the CLI) */
  sink?: EventSink
  limits?: Partial<LoginLimits>
}

export class AuthService {
  private sessionHours: number
  private sink: EventSink | undefined
  private throttle: LoginThrottle

  constructor(private db: Db, private clock: Clock, opts: AuthOptions) {
    this.sessionHours = opts.sessionHours
    this.sink = opts.sink
    const given = Object.entries(opts.limits ?? {}).filter(([, v]) => v !== undefined)
    this.throttle = new LoginThrottle(db, clock, { ...DEFAULT_LOGIN_LIMITS, ...Object.fromEntries(given) })
  }

  /**
   * A new session for the right password. `address` is the caller's (its /56 for IPv6): guessing is
   * throttled per address, per address and username, and per username (LoginThrottle).
   */
  async login(username: string, password: string, address: string): Promise<{ token: string; expiresAt: Date; staff: StaffView }> {
    const attempt = await this.throttle.begin(address, username)
    const result = await this.signIn(username, password).catch(async (err: unknown) => {
      // only a wrong password counts; a database outage is nobody's guess
      if (err instanceof AppError && err.code === 'LOGIN_FAILED') attempt.failed()
      else await attempt.undo().catch(() => {})
      throw err
    })
    // the session exists: a count not given back (the database failing just now) must not turn it into a 500 and
    // an orphan session; it stays one failure too many in its 15-minute window (AuthService has no logger: swallowed)
    await attempt.succeeded().catch(() => {})
    return result
  }

  private async signIn(username: string, password: string) {
    const s = await this.db.selectFrom('staff').selectAll().where('username', '=', username).executeTakeFirst()
    if (!s || !s.active) {
      await verify(await (dummyHash ??= hash('not-a-password')), password).catch(() => false)
      throw new AppError('LOGIN_FAILED')
    }
    if (!(await verify(s.password_hash, password).catch(() => false))) throw new AppError('LOGIN_FAILED')
    const token = randomBytes(32).toString('base64url')
    const now = this.clock()
    const expiresAt = new Date(now.getTime() + this.sessionHours * 3_600_000)
    await this.db.insertInto('staff_session').values({ token_hash: sha256(token), staff_id: s.id, created_at: now, expires_at: expiresAt }).execute()
    // sessions ended over a week ago are of no use to anyone: the table does not grow forever
    await this.db.deleteFrom('staff_session').where('staff_id', '=', s.id)
      .where('expires_at', '<', new Date(now.getTime() - 7 * 86_400_000)).execute()
    return { token, expiresAt, staff: (await this.staffView(s.id))! }
  }

  /** The staff behind a session token, or null when it is unknown, expired, revoked or deactivated. */
  async authenticate(token: string | undefined): Promise<Authenticated | null> {
    if (!token || token.length > 100) return null
    const tokenHash = sha256(token)
    const row = await this.db.selectFrom('staff_session').innerJoin('staff', 'staff.id', 'staff_session.staff_id')
      .leftJoin('center', 'center.id', 'staff.center_id')
      .select(['staff.id', 'staff.active', 'staff_session.expires_at', 'staff_session.revoked_at',
        'staff.username', 'staff.full_name', 'staff.role', 'staff.center_id', 'center.slug', 'staff.must_change_password'])
      .where('staff_session.token_hash', '=', tokenHash).executeTakeFirst()
    if (!row || !row.active || row.revoked_at || new Date(row.expires_at) <= this.clock()) return null
    const staff = toStaffView(row)
    return { staff, tokenHash, expiresAt: new Date(row.expires_at), actor: { staffId: staff.id, role: staff.role, centerId: staff.centerId } }
  }

  /**
   * Ends this session: revoked here, and the sockets it authenticated are disconnected (on every
   * instance), so they stop receiving staff events; the staff member's other sessions keep theirs.
   */
  async logout(session: Authenticated): Promise<void> {
    await this.db.updateTable('staff_session').set({ revoked_at: this.clock() }).where('token_hash', '=', session.tokenHash).execute()
    await this.sink?.staffSignedOut(session.staff.id, session.staff.centerSlug ?? undefined, session.tokenHash)
  }

  /**
   * One's own new password: the current one proves it is the account's owner (a wrong one counts as a failed
   * login of the username, throttled alike), the new one keeps the rules and differs from it. The first-login
   * lock is lifted, the account's other sessions end and their sockets are disconnected; this one goes on.
   */
  async changeOwnPassword(session: Authenticated, input: { currentPassword: string; newPassword: string }, address: string): Promise<StaffView> {
    const { staff } = session
    const attempt = await this.throttle.begin(address, staff.username)
    const row = await this.db.selectFrom('staff').select('password_hash').where('id', '=', staff.id).executeTakeFirst()
      .catch(async (err: unknown) => { await attempt.undo().catch(() => {}); throw err })
    if (!row || !(await verify(row.password_hash, input.currentPassword).catch(() => false))) {
      attempt.failed()
      throw new AppError('CURRENT_PASSWORD_WRONG', { field: 'currentPassword' })
    }
    await attempt.succeeded().catch(() => {}) // the password was right: a count not given back does not refuse it
    assertPasswordAllowed(input.newPassword, { username: staff.username, field: 'newPassword' })
    if (await verify(row.password_hash, input.newPassword).catch(() => false)) throw new AppError('PASSWORD_UNCHANGED', { field: 'newPassword' })
    const passwordHash = await hashPassword(input.newPassword)
    const now = this.clock()
    const ended = await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('staff').set({ password_hash: passwordHash, must_change_password: false, password_changed_at: now })
        .where('id', '=', staff.id).execute()
      const revoked = await trx.updateTable('staff_session').set({ revoked_at: now }).where('staff_id', '=', staff.id)
        .where('revoked_at', 'is', null).where('token_hash', '!=', session.tokenHash).returning('token_hash').execute()
      // an admin belongs to every center: its change is in each center's log
      const centers = staff.centerId ? [staff.centerId] : (await trx.selectFrom('center').select('id').execute()).map((c) => c.id)
      // what changed is said, never the password
      for (const centerId of centers) {
        await insertAudit(trx, { centerId, staffId: staff.id, entity: 'staff', entityId: staff.id, action: 'change_password',
          changes: staff.firstLogin ? { firstLogin: { from: true, to: false } } : {}, at: now })
      }
      return revoked.map((r) => r.token_hash)
    })
    for (const tokenHash of ended) {
      await this.sink?.staffSignedOut(staff.id, staff.centerSlug ?? undefined, tokenHash).catch((err: unknown) => this.sink?.publishFailed(err))
    }
    return (await this.staffView(staff.id))!
  }

  async staffView(id: string): Promise<StaffView | undefined> {
    const r = await this.db.selectFrom('staff').leftJoin('center', 'center.id', 'staff.center_id')
      .select(['staff.id', 'staff.username', 'staff.full_name', 'staff.role', 'staff.center_id', 'center.slug', 'staff.must_change_password'])
      .where('staff.id', '=', id).executeTakeFirst()
    return r && toStaffView(r)
  }

  /** Creates a staff member (the CLI's first admin, the demo seed). */
  async createStaff(input: { username: string; fullName: string; role: StaffRole; password: string; centerId: string | null }) {
    return this.db.insertInto('staff').values({
      username: input.username, full_name: input.fullName, role: input.role, center_id: input.centerId,
      password_hash: await hashPassword(input.password),
    }).returning('id').executeTakeFirstOrThrow()
  }
}

function toStaffView(r: { id: string; username: string; full_name: string; role: StaffRole; center_id: string | null; slug: string | null; must_change_password: boolean }): StaffView {
  return { id: r.id, username: r.username, fullName: r.full_name, role: r.role, centerId: r.center_id, centerSlug: r.slug, firstLogin: r.must_change_password }
}
