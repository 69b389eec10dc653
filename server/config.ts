import { resolve } from 'node:path'
import { z } from 'zod'
import { parseNotifyEnv, type NotifyConfig } from './notify/notify.config.js'

// Whole numbers written as digits only: Number() would read " " as 0, "0x50" as 80 and "1e3" as 1000.
const int = (min: number, max: number, fallback: number) => z.string().default(String(fallback)).pipe(z.string().trim()
  .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
  .transform(Number).pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`)))

// The only reader of process.env.
const EnvSchema = z.object({
  PORT: int(0, 65535, 3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  TEST_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  SEED_DEMO: z.enum(['0', '1', 'true', 'false']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** tickets one address may take per minute (a kiosk is one address) */
  PUBLIC_RATE_LIMIT_PER_MINUTE: int(1, 1_000_000, 120),
  /** issue 19: anonymous reads (GET) and anonymous socket connections one address may make per minute, per instance */
  PUBLIC_READS_PER_MINUTE: int(1, 1_000_000, 1200),
  PUBLIC_SOCKETS_PER_MINUTE: int(1, 1_000_000, 300),
  /** hours a staff session lasts */
  SESSION_HOURS: z.string().default('12').pipe(z.string().trim().regex(/^\d+(\.\d+)?$/, 'must be a number of hours')
    .transform(Number).pipe(z.number().positive('must be more than 0').max(24 * 7, 'must be at most 168 (a week)'))),
  /** the address citizens' phones reach, for QR codes; default http://localhost:PORT */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' }).optional(),
  /** trust X-Forwarded-* from this many proxies (nginx in front: 1) */
  TRUST_PROXY: int(0, 5, 0),
  /** the bearer token Prometheus sends to read /metrics (`openssl rand -hex 32`); unset: /metrics answers this host only */
  METRICS_TOKEN: z.string().trim().min(16, 'must be at least 16 characters (openssl rand -hex 32)')
    .regex(/^[A-Za-z0-9._~+/-]+=*$/, 'must be a bearer token: letters, digits and - . _ ~ + / (openssl rand -hex 32)').optional(),
  /** days the outbox keeps delivered webhook and notification deliveries, and failed ones (server/outbox/retention.ts) */
  OUTBOX_KEEP_DELIVERED_DAYS: int(1, 3650, 30),
  OUTBOX_KEEP_FAILED_DAYS: int(1, 3650, 90),
})

export interface Config {
  port: number
  host: string
  dataDir: string
  databaseUrl: string | undefined
  /** seed the Na Sang demo: SEED_DEMO, else yes on the embedded database and no on PostgreSQL */
  seedDemo: boolean
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL']
  publicRateLimitPerMinute: number
  publicReadsPerMinute: number
  publicSocketsPerMinute: number
  sessionHours: number
  publicUrl: string
  /** PUBLIC_URL was given (else publicUrl is the local default, which phones cannot reach) */
  publicUrlSet: boolean
  trustProxy: number
  metricsToken: string | undefined
  /** the outbox's retention: OUTBOX_KEEP_DELIVERED_DAYS, OUTBOX_KEEP_FAILED_DAYS */
  outboxRetention: { deliveredDays: number; failedDays: number }
  /** web push, SMS and Zalo for citizens (issue 24; server/notify/notify.config.ts, docs/notifications.md) */
  notify: NotifyConfig
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blank = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''))
  const parsed = EnvSchema.safeParse(blank)
  const notify = parseNotifyEnv(blank)
  if (!parsed.success || notify.issues.length) {
    const lines = [...(parsed.error?.issues ?? []).map((i) => `  ${i.path.join('.')}: ${i.message}`), ...notify.issues]
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    // a newcomer's `npm start` (embedded) opens the demo; an empty install prints its set-up link instead
    seedDemo: e.SEED_DEMO === undefined ? !e.DATABASE_URL : e.SEED_DEMO === '1' || e.SEED_DEMO === 'true',
    logLevel: e.LOG_LEVEL,
    publicRateLimitPerMinute: e.PUBLIC_RATE_LIMIT_PER_MINUTE,
    publicReadsPerMinute: e.PUBLIC_READS_PER_MINUTE,
    publicSocketsPerMinute: e.PUBLIC_SOCKETS_PER_MINUTE,
    sessionHours: e.SESSION_HOURS,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    publicUrlSet: e.PUBLIC_URL !== undefined,
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
    outboxRetention: { deliveredDays: e.OUTBOX_KEEP_DELIVERED_DAYS, failedDays: e.OUTBOX_KEEP_FAILED_DAYS },
    notify: notify.config,
  }
}

/** The test database of `npm test` on PostgreSQL, read here so config.ts stays the only reader. */
export function testDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env.TEST_DATABASE_URL
  if (!v) return undefined
  if (!/^postgres(ql)?:\/\//.test(v)) throw new ConfigError('TEST_DATABASE_URL must start with postgres://')
  return v
}

/** `npm run staff:create`'s password, when given through the environment (STAFF_PASSWORD) rather than typed. */
export function staffPasswordFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.STAFF_PASSWORD || undefined
}
