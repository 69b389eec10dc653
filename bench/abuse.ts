/**
 * One stranger against the server (issue 19, item 1): two connections from one address post a 7.6 MB
 * JSON array nested 3.8 million levels deep to the online filing, over and over, while a probe asks
 * `/healthz/live` every 50 ms. Reported: the probe's latency alone and under the attack, and what the
 * attack was answered. ABUSE_BEFORE_ROOT=<dir> (ABUSE_BEFORE_LABEL=<its commit>): also runs another
 * checkout of the app, e.g. `git archive <commit> | tar -x -C <dir>` with node_modules linked (an A/B).
 */
import http from 'node:http'
import { fmt, freshDatabase, header, percentile, sleep, startServer, writeSection, dropDatabase } from './lib.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const DEPTH = 3_800_000
const body = Buffer.from(`${'['.repeat(DEPTH)}0${']'.repeat(DEPTH)}`)

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 })

/** One request; resolves with its status when the answer has been read (0: the connection failed). */
function request(url: string, method: string, payload?: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(url, { method, agent, headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {} }, (res) => {
      res.resume()
      res.once('end', () => resolve(res.statusCode ?? 0))
    })
    req.once('error', () => resolve(0))
    req.end(payload)
  })
}

/** `/healthz/live` every 50 ms until `until`: each answer's latency in ms. */
async function probe(url: string, until: number): Promise<number[]> {
  const ms: number[] = []
  while (Date.now() < until) {
    const t = performance.now()
    await request(`${url}/healthz/live`, 'GET')
    ms.push(performance.now() - t)
    await sleep(50)
  }
  return ms.sort((a, b) => a - b)
}

async function attack(url: string, until: number, statuses: Map<number, number>) {
  while (Date.now() < until) {
    const s = await request(`${url}/api/public/dossiers`, 'POST', body)
    statuses.set(s, (statuses.get(s) ?? 0) + 1)
  }
}

async function run(name: string, root?: string) {
  const db = await freshDatabase(`abuse_${name}`)
  const server = await startServer(db, { root })
  try {
    const quiet = await probe(server.url, Date.now() + SECONDS * 1000)
    const statuses = new Map<number, number>()
    const until = Date.now() + SECONDS * 1000
    const [loud] = await Promise.all([probe(server.url, until), attack(server.url, until, statuses), attack(server.url, until, statuses)])
    return { name, quiet, loud, statuses }
  } finally {
    await server.stop()
    await dropDatabase(db)
  }
}

export async function abuseBench() {
  const runs = [await run('now')]
  if (process.env.ABUSE_BEFORE_ROOT) runs.push(await run('before', process.env.ABUSE_BEFORE_ROOT))
  const before = process.env.ABUSE_BEFORE_LABEL ?? process.env.ABUSE_BEFORE_ROOT
  const row = (r: Awaited<ReturnType<typeof run>>) => `| ${r.name === 'now' ? 'this checkout' : `\`${before}\``} | ` +
    `${fmt(percentile(r.quiet, 50))} / ${fmt(percentile(r.quiet, 99))} / ${fmt(r.quiet.at(-1)!)} | ` +
    `${fmt(percentile(r.loud, 50))} / ${fmt(percentile(r.loud, 99))} / ${fmt(r.loud.at(-1)!)} | ` +
    `${[...r.statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${n} × ${s}`).join(', ')} |`
  writeSection('abuse', [
    header('One stranger: a 7.6 MB, 3.8-million-deep JSON array posted to the online filing', 'npx tsx bench/run.ts abuse'),
    `Two connections from one address post it back to back for ${SECONDS} s (PostgreSQL, the filing's default limits) while a probe asks \`GET /healthz/live\` every 50 ms on its own connection. Now the filings within the address's budget are read and refused by the depth check before JSON.parse (400 BODY_TOO_DEEP), the rest unread (429).`,
    '',
    '| app | probe alone: p50 / p99 / max ms | probe under the attack: p50 / p99 / max ms | the attack was answered |',
    '|---|---|---|---|',
    ...runs.map(row),
  ].join('\n'))
  return Object.fromEntries(runs.map((r) => [r.name, { loudP99: percentile(r.loud, 99), loudMax: r.loud.at(-1), statuses: Object.fromEntries(r.statuses) }]))
}
