import { chmodSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { verify } from '@node-rs/argon2'
import type { Db } from '../../db/create-db.js'
import { DEMO_STAFF, seedDemo } from '../../db/seed-demo.js'
import { hashPassword } from './auth.service.js'
import { generatePassword } from './password-policy.js'

/**
 * The demo's password is this install's own: made at the first seed, kept in `DATA_DIR/demo-password.txt`
 * (mode 0600), printed by `npm start` on every start. No install accepts a password written in the README or
 * the source. docs/staff.md, "The demo password".
 */
export const DEMO_PASSWORD_FILE = 'demo-password.txt'

/** The password the demo shipped with until issue 20, printed in old READMEs: retired wherever it still opens a demo account. */
const RETIRED_DEMO_PASSWORD = 'motcua-demo'

export interface DemoStart {
  /** the demo center was seeded by this call */
  seeded: boolean
  /** the demo accounts' password, or null when this install holds none (another instance seeded the demo) */
  password: string | null
  file: string
}

/**
 * Seeds the Na Sang demo once (what `npm start` does on the embedded database, and with SEED_DEMO=1) with this
 * install's demo password, and answers that password. A demo seeded before this install had a password file gets
 * one, and its accounts that still take the retired published password take the new one instead.
 */
export async function startDemo(db: Db, dataDir: string): Promise<DemoStart> {
  const file = join(dataDir, DEMO_PASSWORD_FILE)
  const kept = readKept(file)
  if (kept) return { seeded: await seedDemo(db, hashPassword, kept), password: kept, file }
  mkdirSync(dataDir, { recursive: true })
  const password = generatePassword()
  // written before the seed commits: a crash in between leaves a file, never a demo nobody can log in to
  writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' })
  if (await seedDemo(db, hashPassword, password)) return { seeded: true, password, file }
  if (await retirePublishedPassword(db, password)) return { seeded: false, password, file }
  // the demo was seeded elsewhere (another instance, with its own file): this install has no demo password
  unlinkSync(file)
  return { seeded: false, password: null, file }
}

function readKept(file: string): string | null {
  let text: string
  try { text = readFileSync(file, 'utf8') } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
  chmodSync(file, 0o600) // whoever copied it kept it to themselves too
  const password = text.trim()
  if (!password) throw new Error(`${file} is empty: delete it, and the next start makes a new demo password only for a new demo.`)
  return password
}

/** Demo accounts still taking the retired published password get `password`; answers whether any did. */
async function retirePublishedPassword(db: Db, password: string): Promise<boolean> {
  const rows = await db.selectFrom('staff').select(['id', 'password_hash'])
    .where('username', 'in', DEMO_STAFF.map((s) => s.username)).execute()
  const retired: string[] = []
  for (const r of rows) if (await verify(r.password_hash, RETIRED_DEMO_PASSWORD).catch(() => false)) retired.push(r.id)
  if (!retired.length) return false
  await db.updateTable('staff').set({ password_hash: await hashPassword(password) }).where('id', 'in', retired).execute()
  await db.deleteFrom('staff_session').where('staff_id', 'in', retired).execute()
  return true
}
