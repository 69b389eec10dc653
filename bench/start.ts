/**
 * (start) `npm start` on the embedded database until /healthz answers 200: the first start of a fresh clone
 * (nothing built, an empty DATA_DIR: pages and server built, initdb, migrations, the demo seeded) and restarts
 * (everything up to date), each in wall time and in CPU time of all its processes (npm, the build check,
 * the server), which a busy shared machine disturbs less. For comparison, the start as it was before the
 * build check and the compiled server: `vite build` every time, then the server through tsx.
 * It runs in a copy of the working tree (the shared dist/ is left alone), node_modules linked.
 *   npm run bench -- start          (BENCH_START_RUNS=3 restarts of each kind)
 */
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { createServer } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fmt, header, ROOT, sleep, writeSection } from './lib.js'

const RUNS = Number(process.env.BENCH_START_RUNS ?? 3)
const TICKS = 100 // clock ticks a second in /proc/<pid>/stat (getconf CLK_TCK on Linux)

interface Start { wall: number; cpu: number; load: number; phases?: Record<string, number> }

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)) })
  })
}

/** CPU seconds used so far by a process group: its live processes and the children they have reaped. */
function groupCpu(pgid: number): number {
  let ticks = 0
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string
    try { stat = readFileSync(`/proc/${pid}/stat`, 'utf8') } catch { continue }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // fields from the 3rd (state) on
    if (Number(f[2]) !== pgid) continue // 5th: pgrp
    ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) // utime stime cutime cstime
  }
  return ticks / TICKS
}

function groupAlive(pgid: number): boolean {
  try { process.kill(-pgid, 0); return true } catch { return false }
}

/** Runs `command` in `dir` as its own process group until /healthz answers 200, then stops it (SIGTERM) and waits. */
async function timeStart(dir: string, dataDir: string, command: string[]): Promise<Start> {
  const port = await freePort()
  const load = loadavg()[0]!
  const t0 = performance.now()
  const child = spawn(command[0]!, command.slice(1), {
    cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_OPTIONS: '' },
  })
  let out = ''
  child.stdout.on('data', (d) => { out += d })
  child.stderr.on('data', (d) => { out += d })
  let exited = false
  child.once('exit', () => { exited = true })
  try {
    for (;;) {
      if (exited) throw new Error(`${command.join(' ')} exited before answering:\n${out}`)
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false)
      if (ok) break
      await sleep(25)
    }
    const wall = (performance.now() - t0) / 1000
    const cpu = groupCpu(child.pid!)
    const ready = out.split('\n').map((l) => { try { return JSON.parse(l) as { msg?: string; ms?: Record<string, number> } } catch { return null } })
      .find((l) => l?.msg === 'ready')
    return { wall, cpu, load, phases: ready?.ms }
  } finally {
    try { process.kill(-child.pid!, 'SIGTERM') } catch { /* gone */ }
    for (let i = 0; i < 400 && groupAlive(child.pid!); i++) await sleep(50)
    if (groupAlive(child.pid!)) process.kill(-child.pid!, 'SIGKILL')
  }
}

/** The working tree as a fresh clone sees it (tracked and new files, nothing ignored: no dist, no data), node_modules linked. */
function copyTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-bench-start-'))
  const list = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
  for (const file of list.stdout.split('\0').filter(Boolean)) {
    try { cpSync(join(ROOT, file), join(dir, file)) } catch { /* deleted in the working tree */ }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  return dir
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!
const row = (label: string, runs: Start[]) => {
  const w = runs.map((r) => r.wall), c = runs.map((r) => r.cpu)
  const range = (xs: number[]) => runs.length > 1 ? ` (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})` : ''
  return `| ${label} | ${runs.length} | ${fmt(median(w))}${range(w)} | ${fmt(median(c))}${range(c)} | ${fmt(median(runs.map((r) => r.load)))} |`
}

export async function startBench() {
  const dir = copyTree()
  const data = (name: string) => { const d = join(dir, 'data', name); mkdirSync(d, { recursive: true }); return d }
  try {
    const npmStart = ['npm', 'start', '--silent']
    const first = await timeStart(dir, data('a'), npmStart)
    const restarts: Start[] = []
    for (let i = 0; i < RUNS; i++) restarts.push(await timeStart(dir, data('a'), npmStart))
    // before: vite build on every start, the server through tsx (the same tree, the same data directory)
    const before: Start[] = []
    for (let i = 0; i < RUNS; i++) before.push(await timeStart(dir, data('a'), ['sh', '-c', 'npx vite build --logLevel silent && exec npx tsx server/main.ts']))
    const check = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: dir })
    const t = performance.now()
    spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: dir })
    const checkMs = performance.now() - t
    if (check.status !== 0) throw new Error('scripts/build.mjs failed')

    const phases = (s: Start) => s.phases ? Object.entries(s.phases).map(([k, v]) => `${k} ${v}`).join(', ') : '–'
    const md = `${header('Start: `npm start` until /healthz answers 200 (embedded database)', 'npm run bench -- start')}
| start | runs | wall s, median (range) | CPU s of its processes | load average |
|---|---|---|---|---|
${row('first start of a fresh clone (builds pages and server, initdb, migrations, demo seed)', [first])}
${row('restart (everything up to date)', restarts)}
${row('restart as before: `vite build` every time, server through tsx', before)}

- inside the server, ms from the process's start (the \`ready\` log line): first start: ${phases(first)};
  a restart: ${phases(restarts[Math.floor((restarts.length - 1) / 2)]!)}
- the build check alone when nothing changed (\`node scripts/build.mjs\`: hashes the page and server sources): ${fmt(checkMs, 0)} ms
`
    writeSection('start', md)
    return { first: first.wall, restart: median(restarts.map((r) => r.wall)), before: median(before.map((r) => r.wall)) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
