/** N display sockets for bench/fanout.ts: reports, for an expected ticket code, when the last socket received it. */
import { io } from 'socket.io-client'

const [url, nArg] = process.argv.slice(2)
const n = Number(nArg)
const seen = new Map<string, { first: number; last: number; count: number }>()
const waiting = new Map<string, true>()

function report(code: string) {
  const s = seen.get(code)
  if (s && s.count === n && waiting.has(code)) { waiting.delete(code); process.send!({ code, ...s }) }
}

let connected = 0
for (let i = 0; i < n; i++) {
  const s = io(url!, { auth: { center: 'na-sang' }, transports: ['websocket'], forceNew: true, reconnection: false })
  s.once('board:snapshot', () => { if (++connected === n) process.send!({ ready: true }) })
  s.on('connect_error', (e) => process.send!({ error: e.message }))
  s.on('ticket:called', (p: { code: string }) => {
    const now = Date.now()
    const e = seen.get(p.code) ?? { first: now, last: now, count: 0 }
    e.last = now
    e.count++
    seen.set(p.code, e)
    report(p.code)
  })
}
process.on('message', (m: { expect: string }) => {
  waiting.set(m.expect, true)
  report(m.expect)
  // never wait for ever: after 10 s, say how many sockets got it
  setTimeout(() => { if (waiting.delete(m.expect)) process.send!({ code: m.expect, ...(seen.get(m.expect) ?? { first: 0, last: 0, count: 0 }), timedOut: true }) }, 10_000).unref()
})
