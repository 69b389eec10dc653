import { resolve } from 'node:path'
import { z } from 'zod'

// The only reader of process.env.
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  TEST_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  SEED_DEMO: z.enum(['0', '1', 'true', 'false']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** tickets one address may take per minute (a kiosk is one address) */
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(120),
  /** hours a staff session lasts */
  SESSION_HOURS: z.coerce.number().positive().max(24 * 7).default(12),
  /** the address citizens' phones reach, for QR codes; default http://localhost:PORT */
  PUBLIC_URL: z.url().optional(),
  /** trust X-Forwarded-* from this many proxies (nginx in front: 1) */
  TRUST_PROXY: z.coerce.number().int().min(0).max(5).default(0),
})

export interface Config {
  port: number
  host: string
  dataDir: string
  databaseUrl: string | undefined
  seedDemo: boolean
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL']
  publicRateLimitPerMinute: number
  sessionHours: number
  publicUrl: string
  trustProxy: number
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blank = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''))
  const parsed = EnvSchema.safeParse(blank)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    seedDemo: e.SEED_DEMO === '1' || e.SEED_DEMO === 'true',
    logLevel: e.LOG_LEVEL,
    publicRateLimitPerMinute: e.PUBLIC_RATE_LIMIT_PER_MINUTE,
    sessionHours: e.SESSION_HOURS,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    trustProxy: e.TRUST_PROXY,
  }
}

/** The test database of `npm test` on PostgreSQL, read here so config.ts stays the only reader. */
export function testDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env.TEST_DATABASE_URL
  if (!v) return undefined
  if (!/^postgres(ql)?:\/\//.test(v)) throw new ConfigError('TEST_DATABASE_URL must start with postgres://')
  return v
}
