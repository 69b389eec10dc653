import type { Db } from '../../db/create-db.js'
import type { Center } from '../../db/types.js'
import type { StaffAccount } from '../../common/staff-types.js'
import type { StaffCreateBody, StaffPatchBody } from '../../common/staff-schemas.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { hashPassword } from '../auth/auth.service.js'
import { assertPasswordAllowed, generatePassword } from '../auth/password-policy.js'
import { findOpenCounterOfStaff } from '../queue/counter.repository.js'
import { findCenterById } from '../centers/center.repository.js'
import type { Actor } from '../auth/actor.js'
import type { CounterService } from '../queue/counter.service.js'
import type { EventSink } from '../realtime/event-sink.js'
import { insertAudit } from './settings.repository.js'
import * as accounts from './accounts.repository.js'
import { centerFor, diffFields } from './settings.support.js'
import { isUniqueViolation } from '../../db/unique-violation.js'

type Target = NonNullable<Awaited<ReturnType<typeof accounts.findAccount>>>

const FIELDS = { fullName: 'full_name', role: 'role', active: 'active' } as const

/**
 * Staff accounts of a center. The rules (docs/staff.md): a manager manages the clerks of their own center;
 * manager and admin accounts are an admin's; nobody deactivates or changes the role of their own account;
 * the last active admin stays. Deactivating an account or resetting its password ends its sessions and
 * disconnects its sockets at once; passwords are hashed (argon2) and never logged or returned.
 */
export class AccountsService {
  constructor(private db: Db, private clock: Clock, private counters: CounterService, private sink: EventSink) {}

  async list(centerSlug: string, actor: Actor): Promise<StaffAccount[]> {
    const center = await centerFor(this.db, centerSlug, actor)
    return (await accounts.listAccounts(this.db, center.id, actor.role === 'admin')).map(accountView)
  }

  /**
   * A new account, whose password is someone else's choice: a typed one (kept to the rules) or, left out, a
   * one-time password made here and answered once. Either way the account chooses its own at its first login.
   */
  async create(centerSlug: string, input: StaffCreateBody, actor: Actor): Promise<{ staff: StaffAccount; oneTimePassword?: string }> {
    const center = await centerFor(this.db, centerSlug, actor)
    if (input.role !== 'clerk' && actor.role !== 'admin') throw new AppError('FORBIDDEN')
    if (input.password !== undefined) assertPasswordAllowed(input.password, { username: input.username })
    const oneTimePassword = input.password === undefined ? generatePassword() : undefined
    const passwordHash = await hashPassword(input.password ?? oneTimePassword!)
    let id: string
    try {
      id = await this.db.transaction().execute(async (trx) => {
        if (await accounts.usernameTaken(trx, input.username)) throw new AppError('USERNAME_TAKEN', { username: input.username })
        // an admin belongs to no center: it works in every one
        const { id } = await accounts.insertAccount(trx, { username: input.username, full_name: input.fullName, role: input.role,
          center_id: input.role === 'admin' ? null : center.id, password_hash: passwordHash, must_change_password: true })
        await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'staff', entityId: id, action: 'create', at: this.clock(),
          changes: { username: { from: null, to: input.username }, fullName: { from: null, to: input.fullName }, role: { from: null, to: input.role }, active: { from: null, to: true } } })
        return id
      })
    } catch (e) {
      if (isUniqueViolation(e, 'staff_username_key')) throw new AppError('USERNAME_TAKEN', { username: input.username })
      throw e
    }
    return { staff: await this.view(id), ...(oneTimePassword ? { oneTimePassword } : {}) }
  }

  /** Name, role, active. Deactivating closes the account's free counter first, and refuses while a citizen is at it. */
  async update(centerSlug: string, id: string, patch: StaffPatchBody, actor: Actor): Promise<StaffAccount> {
    const center = await centerFor(this.db, centerSlug, actor)
    const target = await this.target(center, id, actor)
    const self = target.id === actor.staffId
    if (self && (patch.active === false || (patch.role !== undefined && patch.role !== target.role))) throw new AppError('OWN_ACCOUNT')
    assertManages(actor, target)
    if (patch.role !== undefined && target.role === 'admin') throw new AppError('ADMIN_ROLE_FIXED')
    if (patch.role === 'manager' && actor.role !== 'admin') throw new AppError('FORBIDDEN')
    const deactivating = patch.active === false && target.active
    if (deactivating) {
      // a counter with nobody behind it must not stay open: closed as the manager would (COUNTER_BUSY while a
      // citizen is at the desk: the clerk finishes or transfers first)
      const counter = await findOpenCounterOfStaff(this.db, target.id)
      if (counter) await this.counters.closeCounter(counter.id, actor)
    }
    const now = this.clock()
    await this.db.transaction().execute(async (trx) => {
      // the admins first, always in the same order, then the account
      const admins = deactivating && target.role === 'admin' ? await accounts.lockActiveAdmins(trx) : null
      const t = await accounts.lockAccount(trx, id)
      const { set, changes } = diffFields(t, patch, FIELDS)
      if (!Object.keys(changes).length) return
      if (changes.active && patch.active === false) {
        if (admins && !admins.some((a) => a.id !== t.id)) throw new AppError('LAST_ADMIN')
        // the clerk opened a counter again since we closed it: the manager tries again
        const counter = await findOpenCounterOfStaff(trx, t.id)
        if (counter) throw new AppError('COUNTER_IN_USE')
        await accounts.revokeSessions(trx, t.id, now)
      }
      await accounts.updateAccount(trx, t.id, set)
      await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'staff', entityId: t.id, action: 'update', changes, at: now })
    })
    if (deactivating) await this.disconnect(target)
    return this.view(id)
  }

  /**
   * A one-time password made here, answered once (never stored but hashed, never logged): the account must
   * choose its own at its next login; every session of the account ends and its sockets are disconnected.
   * One's own password is changed with the current one (POST /api/auth/password), never reset.
   */
  async resetPassword(centerSlug: string, id: string, actor: Actor): Promise<{ staff: StaffAccount; oneTimePassword: string }> {
    const center = await centerFor(this.db, centerSlug, actor)
    const target = await this.target(center, id, actor)
    if (target.id === actor.staffId) throw new AppError('OWN_ACCOUNT')
    assertManages(actor, target)
    const oneTimePassword = generatePassword()
    const passwordHash = await hashPassword(oneTimePassword)
    const now = this.clock()
    await this.db.transaction().execute(async (trx) => {
      await accounts.lockAccount(trx, id)
      await accounts.updateAccount(trx, id, { password_hash: passwordHash, must_change_password: true })
      await accounts.revokeSessions(trx, id, now)
      // what changed is said, never the password
      await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'staff', entityId: id, action: 'reset_password',
        changes: { firstLogin: { from: null, to: true } }, at: now })
    })
    await this.disconnect(target)
    return { staff: await this.view(id), oneTimePassword }
  }

  /** The account, when it is of this center (or an admin, for an admin): 404 otherwise. */
  private async target(center: Center, id: string, actor: Actor): Promise<Target> {
    const t = await accounts.findAccount(this.db, id)
    const visible = t && (t.center_id === center.id || (t.center_id === null && actor.role === 'admin'))
    if (!t || !visible) throw new AppError('STAFF_NOT_FOUND')
    return t
  }

  /**
   * The account's open sockets stop receiving staff events now: they are disconnected, and reconnect (a page
   * does) as public sockets, their session being gone. Staff sockets of a center sit in its staff room; an
   * admin's may be anywhere.
   */
  private async disconnect(target: Target) {
    try {
      const center = target.center_id ? await findCenterById(this.db, target.center_id) : undefined
      await this.sink.staffSignedOut(target.id, center?.slug)
    } catch (err) {
      this.sink.publishFailed(err) // the sessions are revoked: the sockets' next handshake is refused anyway
    }
  }

  private async view(id: string): Promise<StaffAccount> {
    return accountView(await accounts.findAccountRow(this.db, id))
  }
}

/** A manager manages the clerks of their center; manager and admin accounts are an admin's. */
function assertManages(actor: Actor, target: Target) {
  if (actor.role !== 'admin' && target.role !== 'clerk') throw new AppError('FORBIDDEN')
}

function accountView(r: accounts.AccountRow): StaffAccount {
  return {
    id: r.id, username: r.username, fullName: r.full_name, role: r.role, active: r.active, centerSlug: r.center_slug,
    counterNumber: r.counter_number, createdAt: new Date(r.created_at).toISOString(), firstLogin: r.must_change_password,
  }
}
