import http from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import { BlockedAddressError, guardedLookup, isPrivateAddress, type Resolver } from './url-policy.js'

/** Kept-alive connections, apart for subscriptions that may reach private addresses (a pooled socket was checked under its own rule). */
const agents = {
  public: { http: new http.Agent({ keepAlive: true, maxSockets: 50 }), https: new https.Agent({ keepAlive: true, maxSockets: 50 }) },
  private: { http: new http.Agent({ keepAlive: true, maxSockets: 50 }), https: new https.Agent({ keepAlive: true, maxSockets: 50 }) },
}

/**
 * One webhook POST through node:http(s) with the SSRF guard of url-policy.ts on the address actually connected to
 * (a literal address checked here, a name by the guarded lookup, resolved once and pinned). No redirect is followed.
 * Resolves with the HTTP status; rejects with an error whose `code` says why (WEBHOOK_URL_PRIVATE, ECONNREFUSED, TIMEOUT…).
 */
export function postWebhook(url: string, body: string, headers: Record<string, string>, o: { timeoutMs: number; allowPrivate: boolean; resolve?: Resolver }): Promise<number> {
  const u = new URL(url)
  const host = u.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host) && !o.allowPrivate && isPrivateAddress(host)) return Promise.reject(new BlockedAddressError(host))
  const tls = u.protocol === 'https:'
  const agent = agents[o.allowPrivate ? 'private' : 'public'][tls ? 'https' : 'http']
  return new Promise((resolve, reject) => {
    const req = (tls ? https : http).request(u, {
      method: 'POST', agent, lookup: guardedLookup(o.allowPrivate, o.resolve),
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    }, (res) => {
      res.resume() // the answer's body is not read: only its status counts
      res.on('end', () => { clearTimeout(timer); resolve(res.statusCode ?? 0) })
      res.on('error', (err) => { clearTimeout(timer); reject(err) })
    })
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('webhook timed out'), { code: 'TIMEOUT' })), o.timeoutMs)
    req.on('error', (err) => { clearTimeout(timer); reject(err) })
    req.end(body)
  })
}
