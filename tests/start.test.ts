import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import supertest from 'supertest'
import { backends } from './helpers/db.js'

/**
 * `npm start`'s path (scripts/build.mjs, then the compiled server in dist/server), in a copy of the working
 * tree as a fresh clone has it (the shared dist/ is left alone): each part is built once and again only when
 * one of its sources changed, and the compiled server runs on the embedded database as the sources do.
 */
const ROOT = new URL('..', import.meta.url).pathname

function copyTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-start-'))
  const list = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
  for (const file of list.stdout.split('\0').filter(Boolean)) {
    try { cpSync(join(ROOT, file), join(dir, file)) } catch { /* deleted in the working tree */ }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  return dir
}

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address() as AddressInfo
  await new Promise((r) => s.close(r))
  return port
}

;(backends.includes('pglite') ? describe : describe.skip)('npm start: the build check and the compiled server', () => {
  let dir: string
  beforeAll(() => { dir = copyTree() })
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }) })

  const build = (...parts: string[]) => {
    const r = spawnSync(process.execPath, ['scripts/build.mjs', ...parts], { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })
    if (r.status !== 0) throw new Error(`build failed: ${r.stdout}${r.stderr}`)
    return r.stdout
  }

  it('builds each part once, and again only when one of its sources changed or its stamp is gone', () => {
    // one real build of each part; then which parts a build would redo (--dry-run: the same hash check, no build)
    const built = (...parts: string[]) => [...build(...parts).matchAll(/^built (\w+) in/gm)].map((m) => m[1])
    const stale = (...parts: string[]) => [...build('--dry-run', ...parts).matchAll(/^stale (\w+)$/gm)].map((m) => m[1])
    expect(stale()).toEqual(['pages', 'server'])
    expect(built()).toEqual(['pages', 'server'])
    expect(built()).toEqual([])
    const server = join(dir, 'server/http/pages.ts'), page = join(dir, 'web/dom.ts'), both = join(dir, 'common/ticket-code.ts')
    const original = new Map([server, page, both].map((f) => [f, readFileSync(f, 'utf8')]))
    appendFileSync(server, '\n// changed\n')
    expect(stale()).toEqual(['server'])
    appendFileSync(page, '\n// changed\n')
    expect(stale()).toEqual(['pages', 'server'])
    expect(stale('pages')).toEqual(['pages'])
    appendFileSync(both, '\n// changed\n') // the pages' and the server's
    for (const [f, text] of original) writeFileSync(f, text)
    expect(stale()).toEqual([]) // the hash is of the contents: a file changed back is up to date again
    appendFileSync(both, '\n// changed\n')
    expect(stale()).toEqual(['pages', 'server'])
    writeFileSync(both, original.get(both)!)
    const stamp = join(dir, 'dist/pages.sha256'), hash = readFileSync(stamp, 'utf8')
    rmSync(stamp)
    expect(stale()).toEqual(['pages'])
    writeFileSync(stamp, hash) // the next test starts what was built
    expect(stale()).toEqual([])
  }, 180_000)

  it('the compiled server starts on a fresh data directory: /healthz, the pages, and files it reads beside its code', async () => {
    build()
    const port = await freePort()
    const dataDir = join(dir, 'data')
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DATABASE_URL', 'SEED_DEMO', 'PUBLIC_URL'].includes(k)))
    const child = spawn(process.execPath, ['dist/server/server/main.js'], {
      cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...clean, NODE_OPTIONS: '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    })
    let out = ''
    child.stdout.on('data', (b) => { out += String(b) })
    child.stderr.on('data', (b) => { out += String(b) })
    const exited = new Promise<void>((r) => child.once('exit', () => r()))
    const url = `http://127.0.0.1:${port}`
    try {
      for (let i = 0; ; i++) {
        if (child.exitCode !== null) throw new Error(`server exited: ${out}`)
        if (await fetch(`${url}/healthz`).then((r) => r.status === 200, () => false)) break
        if (i > 1200) throw new Error(`no /healthz 200: ${out}`)
        await new Promise((r) => setTimeout(r, 100))
      }
      // dist/pages found from dist/server/server/http
      expect((await supertest(url).get('/kiosk')).status).toBe(200)
      // the password rules read their word list beside the code (dist/server/server/auth/common-passwords.txt)
      const password = readFileSync(join(dataDir, 'demo-password.txt'), 'utf8').trim()
      const agent = supertest.agent(url)
      await agent.post('/api/auth/login').send({ username: 'quanly', password }).expect(200)
      const res = await agent.post('/api/auth/password').send({ currentPassword: password, newPassword: '1q2w3e4r5t6y' })
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe('PASSWORD_TOO_COMMON')
    } finally {
      child.kill('SIGTERM')
      await exited
    }
  }, 240_000)
})
