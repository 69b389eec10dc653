/**
 * `npm run bench [-- issue callnext scaling fanout fuzz kill pgrestart reports memory abuse start webhooks estimates]`: runs the benchmarks (all by default) against
 * PostgreSQL on BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; databases
 * motcua_bench_* are created and dropped there) and writes their sections of docs/benchmarks.md.
 * Load goes to 127.0.0.1 only. Never run as a test.
 */
import { issueBench } from './issue.js'
import { callNextBench } from './call-next.js'
import { scalingBench } from './scaling.js'
import { fanoutBench } from './fanout.js'
import { fuzzBench } from './fuzz.js'
import { killBench } from './kill.js'
import { pgRestartBench } from './pg-restart.js'
import { reportsBench } from './reports.js'
import { memoryBench } from './memory.js'
import { abuseBench } from './abuse.js'
import { startBench } from './start.js'
import { webhooksBench } from './webhooks.js'
import { estimatesBench } from './estimates.js'

const all = { issue: issueBench, callnext: callNextBench, scaling: scalingBench, fanout: fanoutBench, fuzz: fuzzBench, kill: killBench, pgrestart: pgRestartBench, reports: reportsBench, memory: memoryBench, abuse: abuseBench, start: startBench, webhooks: webhooksBench, estimates: estimatesBench } as const
const asked = process.argv.slice(2).filter((a) => a in all) as (keyof typeof all)[]
for (const name of asked.length ? asked : (Object.keys(all) as (keyof typeof all)[])) {
  const t = Date.now()
  process.stdout.write(`bench ${name}…\n`)
  const r = await all[name]()
  process.stdout.write(`bench ${name} done in ${((Date.now() - t) / 1000).toFixed(0)} s: ${JSON.stringify(r)}\n`)
}
process.exit(0)
