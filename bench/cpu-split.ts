/**
 * `npx tsx bench/cpu-split.ts [connections] [seconds]`: the issue load against the app on PostgreSQL,
 * and where the machine's CPU went meanwhile: the app process, PostgreSQL's processes, this load
 * process, the rest (/proc, jiffies). Prints CPU ms per request for each.
 * `npx tsx bench/cpu-split.ts callnext [seconds]`: the same for 50 clerks calling next and marking
 * no-show (bench/call-next.ts), per call (a call-next and a no-show).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { dropDatabase, freshDatabase, percentile, startServer } from './lib.js'
import { callNextSetup, drain } from './call-next.js'
import { issueLoad, services } from './issue.js'

const callnext = process.argv[2] === 'callnext'
const connections = callnext ? 50 : Number(process.argv[2] ?? 32)
const seconds = Number(process.argv[3] ?? 10)

const ticks = (pid: number | string) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return Number(f[11]) + Number(f[12])
  } catch { return 0 }
}
const comm = (pid: string) => { try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() } catch { return '' } }
const pgPids = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p) && comm(p) === 'postgres')
const machineTicks = () => readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1, 8).reduce((a, b) => a + Number(b), 0)
const idleTicks = () => { const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/); return Number(f[4]) + Number(f[5]) }
/** time the hypervisor gave our vCPUs to someone else (a shared host's noise) */
const stealTicks = () => Number(readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/)[8])

const setup = callnext ? await callNextSetup(20_000, 50, { name: 'cpusplit' }) : undefined
const dbUrl = setup?.dbUrl ?? await freshDatabase('cpusplit')
const server = setup?.server ?? await startServer(dbUrl)
const ids = await services(server.url)
const load = async (s: number) => {
  if (!setup) return issueLoad(server.url, ids, connections, s)
  const { got, lat } = await drain(server.url, setup.clerks, performance.now() + s * 1000)
  const sorted = lat.sort((a, b) => a - b)
  return { rps: got.length / s, p50: percentile(sorted, 50), p99: percentile(sorted, 99) }
}
await load(3)
const snap = () => {
  const pg = new Map(pgPids().map((p) => [p, ticks(p)]))
  return { app: ticks(server.proc.pid!), self: ticks(process.pid), pg, all: machineTicks(), idle: idleTicks(), steal: stealTicks() }
}
const a = snap()
const r = await load(seconds)
const b = snap()
let pgT = 0
for (const [p, t] of b.pg) pgT += t - (a.pg.get(p) ?? 0)
const reqs = r.rps * seconds
const ms = (t: number) => ((t * 10) / reqs).toFixed(2) // 100 ticks/s
const busy = (b.all - a.all) - (b.idle - a.idle)
process.stdout.write(`${connections} ${callnext ? 'clerks' : 'connections'}: ${r.rps.toFixed(1)} ${callnext ? 'calls' : 'req'}/s, p50 ${r.p50} p99 ${r.p99} ms\n` +
  `CPU ms per ${callnext ? 'call' : 'request'}: app ${ms(b.app - a.app)}, postgres ${ms(pgT)}, load ${ms(b.self - a.self)}, ` +
  `other ${ms(busy - (b.app - a.app) - pgT - (b.self - a.self))}; machine busy ${(100 * busy / (b.all - a.all)).toFixed(0)} %, ` +
  `stolen by the host ${(100 * (b.steal - a.steal) / (b.all - a.all + b.steal - a.steal)).toFixed(0)} %\n`)
await server.stop()
await dropDatabase(dbUrl)
process.exit(0)
