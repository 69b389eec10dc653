/**
 * N display sockets for bench/fanout.ts: reports, for an expected fact (`ticket:called A001`, `ticket:finished A001`),
 * when the last socket received it.
 *
 *   argv: <url> <n> [socket.io|socket.io-events|raw]
 *   socket.io: socket.io-client, as the pages run it (`auth.batch`: one `facts` frame per change; every
 *        packet decoded, JSON parsed, dispatched)
 *   socket.io-events: socket.io-client taking the facts one event each (the contract's default, without
 *        `batch`: what the pages did before)
 *   raw: the pages' protocol (Engine.IO 4 / Socket.IO 5 over a websocket, `batch`) spoken by hand with
 *        `ws`: frames are only searched for the watched facts' ticket codes, never parsed. The server cannot tell
 *        it from `socket.io`; the difference between them is what the load process itself costs.
 */
import { io } from 'socket.io-client'
import WebSocket from 'ws'

const [url, nArg, mode = 'socket.io'] = process.argv.slice(2)
const n = Number(nArg)
const seen = new Map<string, { first: number; last: number; count: number }>()
const waiting = new Map<string, true>()

function report(fact: string) {
  const s = seen.get(fact)
  if (s && s.count === n && waiting.has(fact)) { waiting.delete(fact); process.send!({ fact, ...s }) }
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
const ready = () => { if (++connected === n) process.send!({ ready: true }); if (connected % WAVE === 0) wave() }
/** sockets connect in waves of this many (all at once overflows the listen backlog of a loaded machine) */
const WAVE = 250
const FACTS = '42["facts",'
const WATCHED = ['ticket:called', 'ticket:finished']
const MARKS = WATCHED.map((name) => [name, `{"name":"${name}","payload":{`] as const)

function rawSocket() {
  const ws = new WebSocket(`${url!.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false })
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) return
    const m = data.toString()
    if (m.startsWith(FACTS)) {
      for (const [name, mark] of MARKS) {
        const at = m.indexOf(mark)
        const code = at < 0 ? undefined : /"code":"([^"]+)"/.exec(m.slice(at))?.[1]
        if (code) got(name, code)
      }
    } else if (m === '2') ws.send('3') // Engine.IO ping → pong
    else if (m[0] === '0') ws.send(`40${JSON.stringify({ center: 'na-sang', batch: true })}`) // open → connect to "/" with auth
    else if (m.startsWith('42["board:snapshot"')) ready()
    else if (m.startsWith('44')) process.send!({ error: m }) // connect_error
  })
  ws.on('error', (e) => process.send!({ error: e.message }))
}

for (let i = 0; i < n; i++) {
  if (i > 0 && i % WAVE === 0) await new Promise<void>((r) => { wave = r })
  if (mode === 'raw') { rawSocket(); continue }
  const batch = mode === 'socket.io'
  const s = io(url!, { auth: { center: 'na-sang', batch }, transports: ['websocket'], forceNew: true, reconnection: false })
  s.once('board:snapshot', ready)
  s.on('connect_error', (e) => process.send!({ error: e.message }))
  if (batch) s.on('facts', (facts: { name: string; payload: { code: string } }[]) => { for (const f of facts) if (WATCHED.includes(f.name)) got(f.name, f.payload.code) })
  else for (const name of WATCHED) s.on(name as 'ticket:called', (p: { code: string }) => got(name, p.code))
}
process.on('message', (m: { expect: string }) => {
  waiting.set(m.expect, true)
  report(m.expect)
  // never wait for ever: after 10 s, say how many sockets got it
  setTimeout(() => { if (waiting.delete(m.expect)) process.send!({ fact: m.expect, ...(seen.get(m.expect) ?? { first: 0, last: 0, count: 0 }), timedOut: true }) }, 10_000).unref()
})
