import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP, type LookupFunction } from 'node:net'

/**
 * Where a webhook may be sent. The scheme: https anywhere; http only to this host (loopback) unless the admin
 * allowed it for that subscription (a LAN receiver without TLS). The address (SSRF): never a private, loopback,
 * link-local (cloud metadata 169.254.169.254), unspecified, shared, multicast or reserved one, unless an admin
 * allowed private addresses for that subscription (`allow_private`). Checked when the webhook is saved (the URL's
 * literal address or its DNS answers) and again at each send on the address the connection actually uses: the
 * lookup below resolves once, checks, and hands that same address to the socket, so a DNS answer that changes
 * between the check and the connection (rebinding) cannot slip through.
 */

const BLOCKED = new BlockList()
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network", 0.0.0.0
  ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], // IETF, test, benchmark
  ['224.0.0.0', 4], ['240.0.0.0', 4], // multicast, reserved and broadcast
] as const) BLOCKED.addSubnet(net, bits, 'ipv4')
for (const [net, bits] of [
  ['::', 128], ['::1', 128], // unspecified, loopback
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], // unique local (AWS fd00:ec2::254), link-local, old site-local
  ['ff00::', 8], ['100::', 64], ['2001:db8::', 32], // multicast, discard, documentation
] as const) BLOCKED.addSubnet(net, bits, 'ipv6')

/** The 8 groups of an IPv6 address (any textual form, with or without a dotted IPv4 tail). */
function groups(v6: string): number[] {
  let s = v6.toLowerCase().replace(/%.*$/, '')
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s)
  if (tail) {
    const [a, b, c, d] = tail[1]!.split('.').map(Number) as [number, number, number, number]
    s = s.slice(0, -tail[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, rest] = s.split('::') as [string, string | undefined]
  const h = head ? head.split(':') : []
  const r = rest !== undefined && rest !== '' ? rest.split(':') : []
  const fill = rest === undefined ? [] : Array(8 - h.length - r.length).fill('0')
  return [...h, ...fill, ...r].map((x) => parseInt(x, 16))
}

/** The IPv4 address an IPv6 one carries (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16), if any. */
function embeddedV4(v6: string): string | null {
  const g = groups(v6)
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return g[6] === 0 && g[7]! <= 1 && g[5] === 0 ? null : v4(g[6]!, g[7]!)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4(g[6]!, g[7]!)
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!)
  return null
}

/** True for an address no webhook may reach without the admin's `allow_private` (a name that is not an address: false). */
export function isPrivateAddress(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '')
  const kind = isIP(a)
  if (kind === 4) return BLOCKED.check(a, 'ipv4')
  if (kind !== 6) return false
  const v4 = embeddedV4(a)
  return v4 ? BLOCKED.check(v4, 'ipv4') : BLOCKED.check(a, 'ipv6')
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

/** The URL's scheme rule (the address rule is checkWebhookUrl's and the sender's). */
export function urlAllowed(url: string, allowHttp: boolean): boolean {
  let u: URL
  try { u = new URL(url) } catch { return false }
  if (u.username || u.password) return false
  if (u.protocol === 'https:') return true
  return u.protocol === 'http:' && (allowHttp || isLoopback(u.hostname))
}

export type Resolver = (host: string) => Promise<LookupAddress[]>
const systemResolver: Resolver = (host) => new Promise((resolve, reject) =>
  dnsLookup(host, { all: true, verbatim: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))))

export type UrlVerdict = { ok: true } | { ok: false; code: 'WEBHOOK_URL_NOT_ALLOWED' } | { ok: false; code: 'WEBHOOK_URL_PRIVATE'; address: string }

/**
 * The save-time check: the scheme rule, then every address the host names (itself, or its DNS answers) outside the
 * private ranges unless `allowPrivate`. A name that does not resolve now is accepted: each send checks again.
 */
export async function checkWebhookUrl(url: string, o: { allowHttp: boolean; allowPrivate: boolean }, resolve: Resolver = systemResolver): Promise<UrlVerdict> {
  if (!urlAllowed(url, o.allowHttp)) return { ok: false, code: 'WEBHOOK_URL_NOT_ALLOWED' }
  if (o.allowPrivate) return { ok: true }
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '')
  let addresses: string[] = [host]
  if (!isIP(host)) {
    try { addresses = (await resolve(host)).map((a) => a.address) } catch { addresses = [] }
  }
  const bad = addresses.find(isPrivateAddress)
  return bad ? { ok: false, code: 'WEBHOOK_URL_PRIVATE', address: bad } : { ok: true }
}

/** An error the sender records as the delivery's last error (`code`). */
export class BlockedAddressError extends Error {
  readonly code = 'WEBHOOK_URL_PRIVATE'
  constructor(address: string) { super(`webhook address ${address} is private`) }
}

/**
 * The send-time check, as the socket's `lookup`: resolves the name once, refuses when any answer is private (unless
 * allowed), and connects to the first answer, the one just checked (pinned: nothing resolves the name again).
 */
export function guardedLookup(allowPrivate: boolean, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const cb = callback as (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void
    resolve(hostname).then((all) => {
      const answers = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all
      const bad = allowPrivate ? undefined : answers.find((a) => isPrivateAddress(a.address))
      if (bad) return cb(new BlockedAddressError(bad.address), '', 0)
      const first = answers[0]
      if (!first) return cb(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0)
      if (options.all) cb(null, [first])
      else cb(null, first.address, first.family)
    }, (err: NodeJS.ErrnoException) => cb(err, '', 0))
  }
}
