import { parseArgs } from 'node:util'
import { createInterface } from 'node:readline/promises'
import { Writable } from 'node:stream'
import { z } from 'zod'
import { hashPassword } from '../auth/auth.service.js'
import { passwordProblem, PASSWORD_MIN_LENGTH } from '../auth/password-policy.js'
import { catalogs, format } from '../../common/i18n/index.js'
import { staffPasswordFromEnv } from '../config.js'
import { openConfiguredDb, fail } from './open-db.js'

const USAGE = `Usage: npm run staff:create -- --username NAME --name "Full Name" [--role admin|manager|clerk] [--center SLUG]
The password is read from the STAFF_PASSWORD environment variable, or asked for (at least 12 characters, not a common one).
The first admin of a real deployment: npm run staff:create -- --username admin --name "Quản trị" --role admin`

const Args = z.object({
  username: z.string().regex(/^[a-z0-9._-]{3,40}$/, 'username: 3–40 of a-z 0-9 . _ -'),
  name: z.string().trim().min(1).max(100),
  role: z.enum(['admin', 'manager', 'clerk']).default('admin'),
  center: z.string().regex(/^[a-z0-9-]{2,40}$/).optional(),
})

async function readPassword(): Promise<string> {
  const fromEnv = staffPasswordFromEnv()
  if (fromEnv) return fromEnv
  if (!process.stdin.isTTY) throw new Error('Set STAFF_PASSWORD or run in a terminal to type the password.')
  // the typed password is not echoed: the prompt is written, then the terminal output is muted
  let muted = false
  const out = new Writable({ write(chunk, encoding, done) { if (!muted) process.stdout.write(chunk, encoding); done() } })
  const rl = createInterface({ input: process.stdin, output: out, terminal: true })
  process.stdout.write(`Password (at least ${PASSWORD_MIN_LENGTH} characters): `)
  muted = true
  try { return await rl.question('') } finally { rl.close(); process.stdout.write('\n') }
}

async function main() {
  const { values } = parseArgs({ options: { username: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, center: { type: 'string' }, help: { type: 'boolean' } } })
  if (values.help) { process.stdout.write(`${USAGE}\n`); return }
  const parsed = Args.safeParse(values)
  if (!parsed.success) throw new Error(`${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')}\n\n${USAGE}`)
  const a = parsed.data
  if (a.role !== 'admin' && !a.center) throw new Error(`A ${a.role} belongs to a center: add --center SLUG.\n\n${USAGE}`)
  const password = await readPassword()
  // the rules of every password (server/auth/password-policy.ts), worded as the console words them
  const problem = passwordProblem(password, { username: a.username })
  if (problem) throw new Error(`${format(catalogs.vi.errors[problem], { min: PASSWORD_MIN_LENGTH })}\n${format(catalogs.en.errors[problem], { min: PASSWORD_MIN_LENGTH })}`)
  const { handle, done } = await openConfiguredDb()
  try {
    let centerId: string | null = null
    if (a.center) {
      const c = await handle.db.selectFrom('center').select('id').where('slug', '=', a.center).executeTakeFirst()
      if (!c) throw new Error(`No center with slug '${a.center}'.`)
      centerId = c.id
    }
    if (await handle.db.selectFrom('staff').select('id').where('username', '=', a.username).executeTakeFirst()) {
      throw new Error(`The username '${a.username}' is taken.`)
    }
    await handle.db.insertInto('staff').values({ username: a.username, full_name: a.name, role: a.role, center_id: centerId,
      password_hash: await hashPassword(password) }).execute()
    process.stdout.write(`Created ${a.role} '${a.username}'${a.center ? ` of ${a.center}` : ''}.\n`)
  } finally { await done() }
}

main().catch(fail)
