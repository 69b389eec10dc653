import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import webpush from 'web-push'
import { catalogs } from '../../common/i18n/index.js'
import { KNOWN_PUSH_HOSTS } from './notify.config.js'
import { errorName, messageText, type NotifyMessage, type NotifyTarget, type NotifyTransport, type SendResult } from './transport.js'

/**
 * Web push (the Push API with VAPID): the payload is encrypted for the browser (aes128gcm) and signed
 * for its push service by `web-push`; the request itself goes out with fetch, under the outbox's time
 * limit. A push service may only be one of the browsers' (a subscription is the citizen's input: the
 * server must not POST wherever a stranger says).
 */

export interface VapidKeys { publicKey: string; privateKey: string; subject: string }

export const VAPID_FILE = 'vapid.json'

/**
 * The install's VAPID keys: from the environment, else generated once and kept in DATA_DIR/vapid.json
 * (mode 0600) so that subscriptions outlive a restart. Several instances on one PostgreSQL must share
 * them: set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (docs/notifications.md).
 */
export function loadVapidKeys(dataDir: string, env: { publicKey?: string; privateKey?: string; subject?: string }, publicUrl: string): VapidKeys & { generated: boolean } {
  const subject = env.subject ?? (publicUrl.startsWith('https://') ? publicUrl : 'mailto:mot-cua@localhost.invalid')
  if (env.publicKey && env.privateKey) return { publicKey: env.publicKey, privateKey: env.privateKey, subject, generated: false }
  const file = join(dataDir, VAPID_FILE)
  try {
    const k = JSON.parse(readFileSync(file, 'utf8')) as { publicKey: string; privateKey: string }
    if (k.publicKey && k.privateKey) return { ...k, subject, generated: false }
  } catch { /* not yet made */ }
  const k = webpush.generateVAPIDKeys()
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(file, `${JSON.stringify(k)}\n`, { mode: 0o600 })
  return { ...k, subject, generated: true }
}

/** A push endpoint the server may POST to: https on a browser's push service, or a host the operator added. */
export function pushEndpointAllowed(endpoint: string, extraHosts: string[]): boolean {
  let u: URL
  try { u = new URL(endpoint) } catch { return false }
  if (u.username || u.password) return false
  if (extraHosts.includes(u.host.toLowerCase())) return u.protocol === 'https:' || u.protocol === 'http:'
  if (u.protocol !== 'https:' || u.port) return false
  const host = u.hostname.toLowerCase()
  return KNOWN_PUSH_HOSTS.some((h) => (h.startsWith('.') ? host.endsWith(h) : host === h))
}

export class PushTransport implements NotifyTransport {
  readonly channel = 'push'
  readonly provider = 'web-push'
  constructor(private vapid: VapidKeys, private extraHosts: string[]) {}

  async send(t: NotifyTarget, m: NotifyMessage, signal: AbortSignal): Promise<SendResult> {
    if (!t.endpoint || !t.p256dh || !t.auth || !pushEndpointAllowed(t.endpoint, this.extraHosts)) {
      return { ok: false, status: null, error: 'PUSH_ENDPOINT_NOT_ALLOWED', permanent: true }
    }
    // the tag names the ticket or dossier by its code, which the page knows: a newer message replaces an older one,
    // and the service worker opens the page the citizen subscribed from
    const payload = JSON.stringify({ title: m.center, body: messageText(m), tag: `${m.stream.split(':')[0]}:${m.code}`, kind: m.kind, lang: m.lang,
      action: catalogs[m.lang].notify.open })
    let req: ReturnType<typeof webpush.generateRequestDetails>
    try {
      req = webpush.generateRequestDetails({ endpoint: t.endpoint, keys: { p256dh: t.p256dh, auth: t.auth } }, payload, {
        vapidDetails: this.vapid, TTL: m.kind.startsWith('ticket.') ? 30 * 60 : 24 * 3600, urgency: 'high',
      })
    } catch (err) {
      // keys the browser never made (a forged subscription): no retry will encrypt for them
      return { ok: false, status: null, error: `PUSH_KEYS: ${(err as Error).message.slice(0, 100)}`, permanent: true }
    }
    try {
      const res = await fetch(req.endpoint, { method: req.method, headers: req.headers, body: req.body as Buffer, signal, redirect: 'manual' })
      await res.body?.cancel()
      if (res.ok) return { ok: true, status: res.status }
      // 404/410: the browser unsubscribed or the subscription expired; it will never take a message again
      return { ok: false, status: res.status, error: `HTTP ${res.status}`, permanent: res.status === 404 || res.status === 410 }
    } catch (err) {
      return { ok: false, status: null, error: errorName(err) }
    }
  }
}
