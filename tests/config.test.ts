// Startup configuration and the embedded database's lock: neither touches a database, so these run once,
// not per backend.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { ConfigError, loadConfig, testDatabaseUrl } from '../server/config.js'
import { DataDirLockedError, lockDataDir } from '../server/data-lock.js'

/** The ConfigError loadConfig throws for `env` (fails the test when it does not throw). */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env)
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return e as ConfigError
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`)
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: resolve('./data'),
      databaseUrl: undefined,
      seedDemo: true, // the embedded database opens the Na Sang demo
      logLevel: 'info',
      publicRateLimitPerMinute: 120,
      publicReadsPerMinute: 1200,
      publicSocketsPerMinute: 300,
      sessionHours: 12,
      publicUrl: 'http://localhost:3000',
      publicUrlSet: false,
      trustProxy: 0,
      outboxRetention: { deliveredDays: 30, failedDays: 90 },
      // issue 24: web push on (keys made in DATA_DIR at start), no SMS, no Zalo
      notify: { push: { enabled: true, extraHosts: [] }, sms: null, zalo: null },
    })
  })

  it('treats a variable set to the empty string as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '', DATABASE_URL: '' })).toMatchObject({ port: 3000, logLevel: 'info', databaseUrl: undefined })
  })

  it('reads every variable it documents', () => {
    const c = loadConfig({
      PORT: '8080', HOST: '127.0.0.1', DATA_DIR: 'var/motcua', DATABASE_URL: 'postgres://u:p@db:5432/motcua',
      SEED_DEMO: '1', LOG_LEVEL: 'debug', PUBLIC_RATE_LIMIT_PER_MINUTE: '30', SESSION_HOURS: '8', PUBLIC_READS_PER_MINUTE: '600', PUBLIC_SOCKETS_PER_MINUTE: '150',
      PUBLIC_URL: 'https://motcua.nasang.dienbien.gov.vn/', TRUST_PROXY: '1', OUTBOX_KEEP_DELIVERED_DAYS: '14', OUTBOX_KEEP_FAILED_DAYS: '60',
      PUSH_ENABLED: '1', VAPID_SUBJECT: 'mailto:it@nasang.gov.vn', PUSH_ENDPOINT_HOSTS: 'push.example.vn',
      SMS_PROVIDER: 'esms', ESMS_API_KEY: 'ak', ESMS_SECRET_KEY: 'sk', ESMS_BRANDNAME: 'NASANG', ESMS_UNICODE: '1',
      ZALO_PROVIDER: 'zns', ZNS_ACCESS_TOKEN: 'tok', ZNS_TEMPLATE_ID: '231456',
    })
    expect(c).toEqual({
      port: 8080, host: '127.0.0.1', dataDir: resolve('var/motcua'), databaseUrl: 'postgres://u:p@db:5432/motcua',
      seedDemo: true, logLevel: 'debug', publicRateLimitPerMinute: 30, publicReadsPerMinute: 600, publicSocketsPerMinute: 150, sessionHours: 8,
      publicUrl: 'https://motcua.nasang.dienbien.gov.vn', publicUrlSet: true, trustProxy: 1,
      outboxRetention: { deliveredDays: 14, failedDays: 60 },
      notify: {
        push: { enabled: true, subject: 'mailto:it@nasang.gov.vn', extraHosts: ['push.example.vn'] },
        sms: { provider: 'esms', url: 'https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/', apiKey: 'ak', secretKey: 'sk',
          brandname: 'NASANG', smsType: '2', unicode: true, sandbox: false },
        zalo: { provider: 'zns', url: 'https://business.openapi.zalo.me/message/template', accessToken: 'tok', templateId: '231456' },
      },
    })
  })

  it('derives the public URL from PORT when PUBLIC_URL is unset', () => {
    expect(loadConfig({ PORT: '8088' }).publicUrl).toBe('http://localhost:8088')
  })

  it.each([
    ['1', true], ['true', true], ['0', false], ['false', false],
  ])('reads SEED_DEMO=%s as %s', (value, expected) => {
    expect(loadConfig({ SEED_DEMO: value }).seedDemo).toBe(expected)
    expect(loadConfig({ SEED_DEMO: value, DATABASE_URL: 'postgres://db/motcua' }).seedDemo).toBe(expected)
  })

  it('seeds the demo on the embedded database and not on PostgreSQL when SEED_DEMO is unset', () => {
    expect(loadConfig({}).seedDemo).toBe(true)
    expect(loadConfig({ DATABASE_URL: 'postgres://db/motcua' }).seedDemo).toBe(false)
    expect(loadConfig({ SEED_DEMO: '' }).seedDemo).toBe(true) // empty is unset
  })

  it('accepts postgresql:// as well as postgres://', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/motcua' }).databaseUrl).toBe('postgresql://db/motcua')
  })

  it('reads TEST_DATABASE_URL for the test suite and rejects a non-PostgreSQL one', () => {
    expect(testDatabaseUrl({ TEST_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' })).toBe('postgres://postgres@127.0.0.1:5432/test')
    expect(testDatabaseUrl({})).toBeUndefined()
    expect(() => testDatabaseUrl({ TEST_DATABASE_URL: 'mysql://root@localhost/test' })).toThrow(/TEST_DATABASE_URL/)
  })

  it.each([
    ['PORT', 'abc'],
    ['PORT', ' '], // Number(' ') is 0: a random port
    ['PORT', '0x50'],
    ['PORT', '1e3'],
    ['PORT', '3000.5'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['DATABASE_URL', 'mysql://root:hunter2@localhost/motcua'],
    ['DATABASE_URL', 'motcua'],
    ['TEST_DATABASE_URL', 'sqlite:///tmp/x.db'],
    ['SEED_DEMO', 'yes'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_LEVEL', 'INFO'],
    ['PUBLIC_RATE_LIMIT_PER_MINUTE', '0'],
    ['PUBLIC_READS_PER_MINUTE', '0'],
    ['PUBLIC_SOCKETS_PER_MINUTE', 'many'],
    ['PUBLIC_RATE_LIMIT_PER_MINUTE', 'many'],
    ['SESSION_HOURS', '0'],
    ['SESSION_HOURS', '1000'],
    ['SESSION_HOURS', 'twelve'],
    ['PUBLIC_URL', 'not a url'],
    ['PUBLIC_URL', 'javascript:alert(1)'],
    ['PUBLIC_URL', 'ftp://files.example'],
    ['TRUST_PROXY', '-1'],
    ['TRUST_PROXY', '9'],
  ])('rejects %s=%j with a message naming the variable', (name, value) => {
    const e = configError({ [name]: value })
    expect(e.message).toMatch(new RegExp(`^\\s*${name}: \\S`, 'm'))
    // only the bad variable is named
    const named = [...e.message.matchAll(/^\s*([A-Z_]+):/gm)].map((m) => m[1])
    expect(named).toEqual([name])
  })

  it('names every bad variable at once', () => {
    const e = configError({ PORT: 'abc', DATABASE_URL: 'mysql://db/motcua', LOG_LEVEL: 'loud' })
    const named = [...e.message.matchAll(/^\s*([A-Z_]+):/gm)].map((m) => m[1]).sort()
    expect(named).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT'])
  })

  it('never repeats a rejected database URL, which may hold a password', () => {
    const e = configError({ DATABASE_URL: 'mysql://root:hunter2@localhost/motcua' })
    expect(e.message).not.toContain('hunter2')
  })
})

describe('lockDataDir', () => {
  let dir: string
  const children: ChildProcess[] = []
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'motcua-lock-')) })
  afterEach(() => { rmSync(dir, { recursive: true, force: true }) })
  afterAll(() => { for (const c of children) c.kill() })

  const lockFile = () => join(dir, 'motcua.lock')

  it('writes our pid to the lock file and removes it on release', () => {
    const release = lockDataDir(dir)
    expect(readFileSync(lockFile(), 'utf8').trim()).toBe(String(process.pid))
    release()
    expect(existsSync(lockFile())).toBe(false)
  })

  it('refuses a second lock on the same directory with DataDirLockedError naming the holder pid', () => {
    const release = lockDataDir(dir)
    try {
      expect(() => lockDataDir(dir)).toThrow(DataDirLockedError)
      expect(() => lockDataDir(dir)).toThrow(`pid ${process.pid}`)
      // the refused attempt left the holder's lock in place
      expect(readFileSync(lockFile(), 'utf8').trim()).toBe(String(process.pid))
    } finally {
      release()
    }
  })

  it('refuses while another live process holds the lock, naming that process', async () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' })
    children.push(other)
    await new Promise((r) => other.once('spawn', r))
    writeFileSync(lockFile(), String(other.pid))
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError)
    expect(() => lockDataDir(dir)).toThrow(`pid ${other.pid}`)
    other.kill()
  })

  it('takes over a stale lock left by a process that died', () => {
    const dead = spawnSync('true').pid
    writeFileSync(lockFile(), String(dead))
    const release = lockDataDir(dir)
    expect(readFileSync(lockFile(), 'utf8').trim()).toBe(String(process.pid))
    release()
  })

  it('takes over a lock naming our own pid that this process does not hold (a restarted container reuses pids)', () => {
    writeFileSync(lockFile(), String(process.pid))
    const release = lockDataDir(dir)
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError)
    release()
  })

  it('takes over an empty or garbled lock file (a crash between creating and writing it)', () => {
    writeFileSync(lockFile(), 'not a pid')
    lockDataDir(dir)()
    writeFileSync(lockFile(), '')
    lockDataDir(dir)()
  })

  it('can lock again after a release', () => {
    lockDataDir(dir)()
    const release = lockDataDir(dir)
    release()
    release() // releasing twice is harmless
  })
})
