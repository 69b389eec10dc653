/** Shared pieces of the benchmarks: databases, the app in its own process, machine facts, markdown. */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { cpus, loadavg, totalmem } from 'node:os'
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import pg from 'pg'

export const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const ROOT = new URL('..', import.meta.url).pathname

export function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

export async function admin<T>(fn: (c: pg.Client) => Promise<T>, url = PG_URL): Promise<T> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try { return await fn(c) } finally { await c.end() }
}

/** A new empty database `motcua_bench_<name>` (dropped first); the server migrates and seeds it. */
export async function freshDatabase(name: string, base = PG_URL): Promise<string> {
  const db = `motcua_bench_${name}`
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)
    await c.query(`CREATE DATABASE ${db}`)
  }, base)
  return withDatabase(base, db)
}

/** Drops a database of freshDatabase once its benchmark is done with it. */
export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1)
  if (!name.startsWith('motcua_bench_')) throw new Error(`not a bench database: ${name}`)
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`), withDatabase(url, 'postgres'))
}

export interface Server {
  url: string; proc: ChildProcess; stop(): Promise<void>
  /** calls `fn` with each line the app prints on stdout from now on; returns what stops it */
  onLine(fn: (line: string) => void): () => void
}

// Ctrl-C or a timeout's SIGTERM ends a benchmark through 'exit', where its apps are stopped (startServer)
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) process.once(signal, () => process.exit(code))

/** bench/server.ts in its own process; `nodeArgs` e.g. ['--cpu-prof', '--cpu-prof-dir=…']; `root`: another checkout's app. */
export async function startServer(benchDb: string, opts: { nodeArgs?: string[]; env?: Record<string, string>; root?: string } = {}): Promise<Server> {
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', 'bench/server.ts'], {
    cwd: opts.root ?? ROOT, env: { ...process.env, ...opts.env, BENCH_DB: benchDb },
    stdio: [opts.env?.BENCH_CLOCK === 'manual' ? 'pipe' : 'ignore', 'pipe', 'inherit'], // a manual clock is moved through stdin
  })
  // a benchmark that dies (an error, a timeout's SIGTERM) takes its app with it instead of leaving it running
  const orphan = () => { proc.kill('SIGKILL') }
  process.once('exit', orphan)
  proc.once('exit', () => { process.off('exit', orphan) })
  const rl = createInterface({ input: proc.stdout! })
  const port = await new Promise<number>((resolve, reject) => {
    rl.on('line', (line) => { const m = /^LISTENING (\d+)$/.exec(line); if (m) resolve(Number(m[1])) })
    proc.once('exit', (code) => reject(new Error(`bench server exited (${code})`)))
  })
  return {
    url: `http://127.0.0.1:${port}`, proc,
    onLine: (fn) => { rl.on('line', fn); return () => { rl.off('line', fn) } },
    stop: () => new Promise<void>((resolve) => { proc.once('exit', () => resolve()); proc.kill('SIGTERM') }),
  }
}

export function machine(): string {
  const pgVersion = execFileSync('psql', [PG_URL, '-Atc', 'show server_version']).toString().trim()
  const sc = execFileSync('psql', [PG_URL, '-Atc', "select setting from pg_settings where name='synchronous_commit'"]).toString().trim()
  return `${cpus().length} vCPU (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ` +
    `PostgreSQL ${pgVersion} on 127.0.0.1 (synchronous_commit=${sc}), PGlite 0.5.16`
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

export const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–')
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Replaces one generated section of docs/benchmarks.md (between its markers), keeping the rest (BENCH_NO_WRITE=1: prints it). */
export function writeSection(id: string, markdown: string) {
  // BENCH_NO_WRITE=1: an experiment, printed, docs/benchmarks.md left alone
  if (process.env.BENCH_NO_WRITE) { process.stdout.write(`${markdown}\n`); return }
  const file = `${ROOT}docs/benchmarks.md`
  const begin = `<!-- bench:${id}:begin -->`, end = `<!-- bench:${id}:end -->`
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n'
  const block = `${begin}\n${markdown.trim()}\n${end}`
  const a = doc.indexOf(begin), b = doc.indexOf(end)
  doc = a >= 0 && b > a ? doc.slice(0, a) + block + doc.slice(b + end.length) : `${doc.trimEnd()}\n\n${block}\n`
  writeFileSync(file, doc)
}

export function header(title: string, command: string): string {
  return `### ${title}\n\n- command: \`${command}\`\n- machine: ${machine()}; shared: load average ${loadavg()[0]!.toFixed(1)} when the section was written (other people's test suites run here too: figures are noisy)\n- date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC\n`
}

/** JSON over HTTP with keep-alive (fetch); throws on a network error, returns status and body. */
export async function post(url: string, body: unknown, cookie?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) })
  return { status: res.status, body: await res.json().catch(() => null) }
}

export async function login(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`)
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
}
