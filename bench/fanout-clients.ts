/**
 * N display sockets for bench/fanout.ts: reports, for an expected ticket code, when the last socket received it.
 *
 *   argv: <url> <n> [socket.io|raw]
 *   socket.io: socket.io-client, as the pages run it (every packet decoded, JSON parsed, dispatched)
 *   raw: the same protocol (Engine.IO 4 / Socket.IO 5 over a websocket) spoken by hand with `ws`: only the
 *        `ticket:called` frames are looked at, and only for their code. The server cannot tell the two
 *        apart; the difference between them is what the load process itself costs.
 */
import { io } from 'socket.io-client'
import WebSocket from 'ws'

const [url, nArg, mode = 'socket.io'] = process.argv.slice(2)
const n = Number(nArg)
const seen = new Map<string, { first: number; last: number; count: number }>()
const waiting = new Map<string, true>()

function report(code: string) {
  const s = seen.get(code)
  if (s && s.count === n && waiting.has(code)) { waiting.delete(code); process.send!({ code, ...s }) }
}

function called(code: string) {
  const now = Date.now()
  const e = seen.get(code) ?? { first: now, last: now, count: 0 }
  e.last = now
  e.count++
  seen.set(code, e)
  report(code)
}

let connected = 0
let wave: () => void = () => {}
const ready = () => { if (++connected === n) process.send!({ ready: true }); if (connected % WAVE === 0) wave() }
/** sockets connect in waves of this many (all at once overflows the listen backlog of a loaded machine) */
const WAVE = 250
const CALLED = '42["ticket:called",'

function rawSocket() {
  const ws = new WebSocket(`${url!.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false })
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) return
    const m = data.toString()
    if (m.startsWith(CALLED)) {
      const code = /"code":"([^"]+)"/.exec(m)?.[1]
      if (code) called(code)
    } else if (m === '2') ws.send('3') // Engine.IO ping → pong
    else if (m[0] === '0') ws.send(`40${JSON.stringify({ center: 'na-sang' })}`) // open → connect to "/" with auth
    else if (m.startsWith('42["board:snapshot"')) ready()
    else if (m.startsWith('44')) process.send!({ error: m }) // connect_error
  })
  ws.on('error', (e) => process.send!({ error: e.message }))
}

for (let i = 0; i < n; i++) {
  if (i > 0 && i % WAVE === 0) await new Promise<void>((r) => { wave = r })
  if (mode === 'raw') { rawSocket(); continue }
  const s = io(url!, { auth: { center: 'na-sang' }, transports: ['websocket'], forceNew: true, reconnection: false })
  s.once('board:snapshot', ready)
  s.on('connect_error', (e) => process.send!({ error: e.message }))
  s.on('ticket:called', (p: { code: string }) => called(p.code))
}
process.on('message', (m: { expect: string }) => {
  waiting.set(m.expect, true)
  report(m.expect)
  // never wait for ever: after 10 s, say how many sockets got it
  setTimeout(() => { if (waiting.delete(m.expect)) process.send!({ code: m.expect, ...(seen.get(m.expect) ?? { first: 0, last: 0, count: 0 }), timedOut: true }) }, 10_000).unref()
})
