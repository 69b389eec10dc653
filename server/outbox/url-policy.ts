/**
 * Where a webhook may be sent: https anywhere; http only to this host (loopback) unless the admin
 * explicitly allowed it for that subscription (a LAN receiver without TLS).
 */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

export function urlAllowed(url: string, allowHttp: boolean): boolean {
  let u: URL
  try { u = new URL(url) } catch { return false }
  if (u.username || u.password) return false
  if (u.protocol === 'https:') return true
  return u.protocol === 'http:' && (allowHttp || isLoopback(u.hostname))
}
