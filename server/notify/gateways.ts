import type { NotifyChannel } from '../../db/types.js'
import type { HttpTemplate, SmsConfig, ZaloConfig } from './notify.config.js'
import {
  errorName, jsonAnswer, messageText, phone84, withoutDiacritics,
  type NotifyMessage, type NotifyTarget, type NotifyTransport, type SendResult,
} from './transport.js'

/**
 * SMS and Zalo through HTTP gateways: eSMS.vn's documented JSON API (SendMultipleMessage_V4_post_json),
 * Zalo's ZNS template message API, and a generic template for any other gateway (URL, method, headers and
 * a body with {{placeholders}}, all from the environment).
 */

/** eSMS.vn: POST JSON; `CodeResult` "100" is accepted; `RequestId` makes eSMS refuse a second send of one message. */
export class EsmsTransport implements NotifyTransport {
  readonly channel = 'sms'
  readonly provider = 'esms'
  constructor(private c: Extract<SmsConfig, { provider: 'esms' }>) {}

  async send(t: NotifyTarget, m: NotifyMessage, signal: AbortSignal): Promise<SendResult> {
    const text = messageText(m)
    const body = {
      ApiKey: this.c.apiKey, SecretKey: this.c.secretKey, Phone: t.phone, Brandname: this.c.brandname, SmsType: this.c.smsType,
      Content: this.c.unicode ? text : withoutDiacritics(text), IsUnicode: this.c.unicode ? '1' : '0', Sandbox: this.c.sandbox ? '1' : '0',
      RequestId: m.key,
    }
    return postJson(this.c.url, { 'content-type': 'application/json' }, JSON.stringify(body), signal, (a) =>
      String(a?.CodeResult) === '100' ? null : `eSMS ${String(a?.CodeResult ?? '?')}${a?.ErrorMessage ? `: ${String(a.ErrorMessage)}` : ''}`)
  }
}

/**
 * Zalo Notification Service: a template approved by Zalo, sent to the Zalo account of a phone number.
 * The template's parameters are `code`, `center` and `status` (the message's text); `tracking_id` is
 * the message's key. `error` 0 is accepted.
 */
export class ZnsTransport implements NotifyTransport {
  readonly channel = 'zalo'
  readonly provider = 'zns'
  constructor(private c: Extract<ZaloConfig, { provider: 'zns' }>) {}

  async send(t: NotifyTarget, m: NotifyMessage, signal: AbortSignal): Promise<SendResult> {
    const body = { phone: phone84(t.phone!), template_id: this.c.templateId, template_data: { code: m.code, center: m.center, status: messageText(m) }, tracking_id: m.key }
    return postJson(this.c.url, { 'content-type': 'application/json', access_token: this.c.accessToken }, JSON.stringify(body), signal, (a) =>
      a && Number(a.error) === 0 ? null : `ZNS ${String(a?.error ?? '?')}${a?.message ? `: ${String(a.message)}` : ''}`)
  }
}

/**
 * Any other gateway: `{{phone}}` (0912345678), `{{phone84}}` (84912345678), `{{text}}`, `{{textAscii}}`
 * (no diacritics), `{{code}}`, `{{center}}`, `{{key}}` are filled into the URL and the body.
 */
export class TemplateTransport implements NotifyTransport {
  readonly provider = 'http'
  constructor(readonly channel: NotifyChannel, private tpl: HttpTemplate) {}

  async send(t: NotifyTarget, m: NotifyMessage, signal: AbortSignal): Promise<SendResult> {
    const text = messageText(m)
    const values: Record<string, string> = {
      phone: t.phone ?? '', phone84: t.phone ? phone84(t.phone) : '', text, textAscii: withoutDiacritics(text), code: m.code, center: m.center, key: m.key,
    }
    const fill = (s: string, esc: (v: string) => string) => s.replace(/\{\{(\w+)\}\}/g, (all, k: string) => (k in values ? esc(values[k]!) : all))
    const url = fill(this.tpl.url, encodeURIComponent)
    const body = this.tpl.method === 'GET' ? undefined
      : fill(this.tpl.body, this.tpl.format === 'json' ? (v) => JSON.stringify(v).slice(1, -1) : encodeURIComponent)
    const headers = { 'content-type': this.tpl.format === 'json' ? 'application/json' : 'application/x-www-form-urlencoded', ...this.tpl.headers }
    try {
      const res = await fetch(url, { method: this.tpl.method, headers, body, signal, redirect: 'manual' })
      const answer = await res.text()
      if (!res.ok) return { ok: false, status: res.status, error: `HTTP ${res.status}` }
      if (this.tpl.success && !this.tpl.success.test(answer)) return { ok: false, status: res.status, error: `answer: ${answer.slice(0, 200)}` }
      return { ok: true, status: res.status }
    } catch (err) {
      return { ok: false, status: null, error: errorName(err) }
    }
  }
}

async function postJson(url: string, headers: Record<string, string>, body: string, signal: AbortSignal,
  refused: (answer: Record<string, unknown> | null) => string | null): Promise<SendResult> {
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'manual' })
    const answer = await jsonAnswer(res)
    if (!res.ok) return { ok: false, status: res.status, error: `HTTP ${res.status}` }
    const why = refused(answer)
    return why ? { ok: false, status: res.status, error: why } : { ok: true, status: res.status }
  } catch (err) {
    return { ok: false, status: null, error: errorName(err) }
  }
}

/** The SMS and Zalo transports the configuration asks for. */
export function phoneTransports(sms: SmsConfig | null, zalo: ZaloConfig | null): NotifyTransport[] {
  const out: NotifyTransport[] = []
  if (sms) out.push(sms.provider === 'esms' ? new EsmsTransport(sms) : new TemplateTransport('sms', sms.template))
  if (zalo) out.push(zalo.provider === 'zns' ? new ZnsTransport(zalo) : new TemplateTransport('zalo', zalo.template))
  return out
}
