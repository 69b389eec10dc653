import { z } from 'zod'

/**
 * The notifications' settings, parsed from the environment object that server/config.ts (the only reader
 * of process.env) hands over: web push's VAPID keys, the SMS gateway and the Zalo ZNS account.
 * docs/notifications.md lists every variable with an example.
 */

/** Push services of the browsers in use (Chrome/Android, Firefox, Edge, Safari): a subscription must point at one of them. */
export const KNOWN_PUSH_HOSTS = ['fcm.googleapis.com', 'updates.push.services.mozilla.com', '.notify.windows.com', '.push.apple.com']

export interface HttpTemplate {
  url: string
  method: 'POST' | 'GET' | 'PUT'
  headers: Record<string, string>
  /** the body, `{{name}}` filled in (JSON-escaped when `format` is json, URL-encoded when form) */
  body: string
  format: 'json' | 'form'
  /** a 2xx answer counts as sent only if its body matches this (gateways that answer 200 with an error code) */
  success: RegExp | null
}

export type SmsConfig =
  | { provider: 'esms'; url: string; apiKey: string; secretKey: string; brandname: string; smsType: string; unicode: boolean; sandbox: boolean }
  | { provider: 'http'; template: HttpTemplate }

export type ZaloConfig =
  | { provider: 'zns'; url: string; accessToken: string; templateId: string }
  | { provider: 'http'; template: HttpTemplate }

export interface NotifyConfig {
  push: { enabled: boolean; publicKey?: string; privateKey?: string; subject?: string; extraHosts: string[] }
  sms: SmsConfig | null
  zalo: ZaloConfig | null
}

const Text = z.string().trim().min(1)
const Flag = z.enum(['0', '1', 'true', 'false']).optional().transform((v) => v === '1' || v === 'true')
const Headers = z.string().optional().transform((s, ctx) => {
  if (!s) return {}
  try {
    const v = z.record(z.string(), z.string()).parse(JSON.parse(s))
    return v
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object of header names to values, e.g. {"Authorization":"Bearer …"}' })
    return z.NEVER
  }
})
const Regex = z.string().optional().transform((s, ctx) => {
  if (!s) return null
  try { return new RegExp(s) } catch { ctx.addIssue({ code: 'custom', message: 'must be a regular expression' }); return z.NEVER }
})

const Env = z.object({
  PUSH_ENABLED: z.enum(['0', '1', 'true', 'false']).optional(),
  VAPID_PUBLIC_KEY: z.string().trim().regex(/^[A-Za-z0-9_-]{87}$/, 'must be the 65-byte public key in base64url (npx web-push generate-vapid-keys)').optional(),
  VAPID_PRIVATE_KEY: z.string().trim().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the 32-byte private key in base64url').optional(),
  VAPID_SUBJECT: z.string().trim().regex(/^(mailto:.+@.+|https:\/\/.+)$/, 'must be mailto:you@example.vn or an https:// address').optional(),
  PUSH_ENDPOINT_HOSTS: z.string().optional(),
  SMS_PROVIDER: z.enum(['esms', 'http']).optional(),
  ESMS_API_KEY: Text.optional(), ESMS_SECRET_KEY: Text.optional(), ESMS_BRANDNAME: Text.optional(),
  ESMS_SMS_TYPE: z.string().regex(/^\d{1,2}$/).default('2'),
  ESMS_UNICODE: Flag, ESMS_SANDBOX: Flag,
  ESMS_URL: z.url({ protocol: /^https?$/ }).default('https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/'),
  SMS_HTTP_URL: z.url({ protocol: /^https?$/ }).optional(), SMS_HTTP_METHOD: z.enum(['POST', 'GET', 'PUT']).default('POST'),
  SMS_HTTP_HEADERS: Headers, SMS_HTTP_BODY: z.string().optional(), SMS_HTTP_FORMAT: z.enum(['json', 'form']).default('json'), SMS_HTTP_SUCCESS: Regex,
  ZALO_PROVIDER: z.enum(['zns', 'http']).optional(),
  ZNS_ACCESS_TOKEN: Text.optional(), ZNS_TEMPLATE_ID: Text.optional(),
  ZNS_URL: z.url({ protocol: /^https?$/ }).default('https://business.openapi.zalo.me/message/template'),
  ZALO_HTTP_URL: z.url({ protocol: /^https?$/ }).optional(), ZALO_HTTP_METHOD: z.enum(['POST', 'GET', 'PUT']).default('POST'),
  ZALO_HTTP_HEADERS: Headers, ZALO_HTTP_BODY: z.string().optional(), ZALO_HTTP_FORMAT: z.enum(['json', 'form']).default('json'), ZALO_HTTP_SUCCESS: Regex,
})

/** Parses the notification variables; `issues` are lines for config.ts's "Invalid environment" message. */
export function parseNotifyEnv(env: Record<string, string | undefined>): { config: NotifyConfig; issues: string[] } {
  const none: NotifyConfig = { push: { enabled: false, extraHosts: [] }, sms: null, zalo: null }
  const parsed = Env.safeParse(env)
  if (!parsed.success) return { config: none, issues: parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`) }
  const e = parsed.data
  const issues: string[] = []
  const need = (name: keyof typeof e, why: string) => { if (!e[name]) issues.push(`  ${name}: required when ${why}`) }
  if (!!e.VAPID_PUBLIC_KEY !== !!e.VAPID_PRIVATE_KEY) issues.push('  VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY: set both or neither (neither: generated once in DATA_DIR)')
  let sms: SmsConfig | null = null
  if (e.SMS_PROVIDER === 'esms') {
    need('ESMS_API_KEY', 'SMS_PROVIDER=esms'); need('ESMS_SECRET_KEY', 'SMS_PROVIDER=esms'); need('ESMS_BRANDNAME', 'SMS_PROVIDER=esms')
    sms = { provider: 'esms', url: e.ESMS_URL, apiKey: e.ESMS_API_KEY ?? '', secretKey: e.ESMS_SECRET_KEY ?? '', brandname: e.ESMS_BRANDNAME ?? '',
      smsType: e.ESMS_SMS_TYPE, unicode: e.ESMS_UNICODE, sandbox: e.ESMS_SANDBOX }
  } else if (e.SMS_PROVIDER === 'http') {
    need('SMS_HTTP_URL', 'SMS_PROVIDER=http'); if (e.SMS_HTTP_METHOD !== 'GET') need('SMS_HTTP_BODY', 'SMS_PROVIDER=http')
    sms = { provider: 'http', template: { url: e.SMS_HTTP_URL ?? '', method: e.SMS_HTTP_METHOD, headers: e.SMS_HTTP_HEADERS, body: e.SMS_HTTP_BODY ?? '', format: e.SMS_HTTP_FORMAT, success: e.SMS_HTTP_SUCCESS } }
  }
  let zalo: ZaloConfig | null = null
  if (e.ZALO_PROVIDER === 'zns') {
    need('ZNS_ACCESS_TOKEN', 'ZALO_PROVIDER=zns'); need('ZNS_TEMPLATE_ID', 'ZALO_PROVIDER=zns')
    zalo = { provider: 'zns', url: e.ZNS_URL, accessToken: e.ZNS_ACCESS_TOKEN ?? '', templateId: e.ZNS_TEMPLATE_ID ?? '' }
  } else if (e.ZALO_PROVIDER === 'http') {
    need('ZALO_HTTP_URL', 'ZALO_PROVIDER=http'); if (e.ZALO_HTTP_METHOD !== 'GET') need('ZALO_HTTP_BODY', 'ZALO_PROVIDER=http')
    zalo = { provider: 'http', template: { url: e.ZALO_HTTP_URL ?? '', method: e.ZALO_HTTP_METHOD, headers: e.ZALO_HTTP_HEADERS, body: e.ZALO_HTTP_BODY ?? '', format: e.ZALO_HTTP_FORMAT, success: e.ZALO_HTTP_SUCCESS } }
  }
  const push = {
    enabled: e.PUSH_ENABLED === undefined || e.PUSH_ENABLED === '1' || e.PUSH_ENABLED === 'true',
    publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY, subject: e.VAPID_SUBJECT,
    extraHosts: (e.PUSH_ENDPOINT_HOSTS ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean),
  }
  return { config: { push, sms, zalo }, issues }
}
