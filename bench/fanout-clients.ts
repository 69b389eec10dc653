/**
 * Display sockets in a process of their own, for bench/fanout.ts and bench/memory.ts: reports, for an
 * expected fact (`ticket:called A001`, `ticket:finished A001`), when the last socket received it, and
 * on request how many event frames all the sockets have received so far.
 *
 *   argv: <url> <n> [socket.io|raw] [centers]
 *   n sockets per center; centers: comma-separated slugs (default na-sang), the sockets dealt round-robin
 *   socket.io: socket.io-client, as the pages run it (web/live.ts, web/facts.ts): a listener on every
 *        public event, each fact its own event; every packet decoded, its JSON parsed, dispatched
 *   raw: the same protocol (Engine.IO 4 / Socket.IO 5 over a websocket) spoken by hand with `ws`: event
 *        frames (`42["ticket:called",{…}]`) are only searched for the watched event's name and the
 *        ticket code, never parsed. The server cannot tell it from `socket.io`; the difference between
 *        them is what the load process itself costs.
 *
 *   messages from the parent: { expect: 'ticket:called A001' } → { fact, first, last, count, frames }
 *   (count: sockets that got it; after 10 s without all of them, sent anyway with `timedOut`);
 *   { frames: true } → { frames }
 */
import { io } from 'socket.io-client'
import WebSocket from 'ws'
import { PUBLIC_EVENTS } from '../common/events.js'

const [url, nArg, mode = 'socket.io', centersArg = 'na-sang'] = process.argv.slice(2)
if (mode !== 'socket.io' && mode !== 'raw') throw new Error(`unknown mode ${mode} (socket.io or raw)`)
const centers = centersArg.split(',')
const total = Number(nArg) * centers.length
const seen = new Map<string, { first: number; last: number; count: number }>()
const waiting = new Map<string, true>()
/** event frames received by all the sockets (snapshots included) */
let frames = 0

function report(fact: string) {
  const s = seen.get(fact)
  if (s && s.count === total && waiting.has(fact)) { waiting.delete(fact); process.send!({ fact, ...s, frames }) }
}

/** a socket got the fact `name` about the ticket `code` */
function got(name: string, code: string) {
  const fact = `${name} ${code}`
  const now = Date.now()
  const e = seen.get(fact) ?? { first: now, last: now, count: 0 }
  e.last = now
  e.count++
  seen.set(fact, e)
  report(fact)
}

let connected = 0
let wave: () => void = () => {}
const ready = () => { if (++connected === total) process.send!({ ready: true }); if (connected % WAVE === 0) wave() }
/** sockets connect in waves of this many (all at once overflows the listen backlog of a loaded machine) */
const WAVE = 250
const WATCHED = ['ticket:called', 'ticket:finished']
/** the start of a watched event's frame, and its name */
const MARKS = WATCHED.map((name) => [`42["${name}",`, name] as const)
const CODE = '"code":"'

function rawSocket(center: string) {
  const ws = new WebSocket(`${url!.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false })
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) return
    const m = data.toString()
    if (m.startsWith('42[')) {
      frames++
      for (const [mark, name] of MARKS) {
        if (!m.startsWith(mark)) continue
        const at = m.indexOf(CODE, mark.length)
        if (at >= 0) got(name, m.slice(at + CODE.length, m.indexOf('"', at + CODE.length)))
        return
      }
      if (m.startsWith('42["board:snapshot"')) ready()
    } else if (m === '2') ws.send('3') // Engine.IO ping → pong
    else if (m[0] === '0') ws.send(`40${JSON.stringify({ center })}`) // open → connect to "/" with auth
    else if (m.startsWith('44')) process.send!({ error: m }) // connect_error
  })
  ws.on('error', (e) => process.send!({ error: e.message }))
}

for (let i = 0; i < total; i++) {
  if (i > 0 && i % WAVE === 0) await new Promise<void>((r) => { wave = r })
  const center = centers[i % centers.length]!
  if (mode === 'raw') { rawSocket(center); continue }
  const s = io(url!, { auth: { center }, transports: ['websocket'], forceNew: true, reconnection: false })
  s.once('board:snapshot', () => { frames++; ready() })
  s.on('connect_error', (e) => process.send!({ error: e.message }))
  for (const name of PUBLIC_EVENTS) {
    const watched = WATCHED.includes(name)
    s.on(name, (p: { code?: string }) => { frames++; if (watched && p.code) got(name, p.code) })
  }
}
process.on('message', (m: { expect?: string; frames?: true }) => {
  if (m.frames) { process.send!({ frames }); return }
  const fact = m.expect!
  waiting.set(fact, true)
  report(fact)
  // never wait for ever: after 10 s, say how many sockets got it
  setTimeout(() => { if (waiting.delete(fact)) process.send!({ fact, ...(seen.get(fact) ?? { first: 0, last: 0, count: 0 }), frames, timedOut: true }) }, 10_000).unref()
})
// the parent gone (its benchmark ended or died): the sockets go with it
process.on('disconnect', () => process.exit(0))
