import { lookupPath } from '../common/dossier-types.js'
import { isPhone, normalizePhone } from '../common/fold.js'
import type { ProcedureView } from '../common/types.js'
import { ApiError } from '../web/api.js'
import { fmt, t } from '../web/i18n.js'

// What the filing page (portal/filing.ts) checks in the browser before anything is sent (the server checks
// again), and the request that files the dossier and answers its codes with a QR to the lookup.

export const ATTACH_TYPES = ['application/pdf', 'image/jpeg', 'image/png']
export const ATTACH_MAX_BYTES = 2 * 1024 * 1024
export const ATTACH_MAX = 3

export interface Attachment { name: string; type: string; size: number; dataBase64: string }
export interface FormValues { fullName: string; phone: string; address: string; idNumber: string; note: string }
export type FieldErrors = Partial<Record<keyof FormValues, string>>
/** The answer shown big once filed: the codes, the lookup link and its QR (SVG). */
export interface Filed { code: string; lookupCode: string; qr: string; url: string }

/** Which files may be added to those already chosen, and the problems of the others (in the page's words). */
export function checkFiles(files: { name: string; type: string; size: number }[], already: number): { ok: number[]; problems: string[] } {
  const w = t().dossier
  const ok: number[] = []
  const problems: string[] = []
  files.forEach((f, i) => {
    if (!ATTACH_TYPES.includes(f.type)) problems.push(fmt(w.attachBadType, { name: f.name }))
    else if (f.size > ATTACH_MAX_BYTES) problems.push(fmt(w.attachTooBig, { name: f.name }))
    else if (already + ok.length >= ATTACH_MAX) { if (!problems.includes(w.attachTooMany)) problems.push(w.attachTooMany) }
    else ok.push(i)
  })
  return { ok, problems }
}

export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''))
    r.onerror = () => reject(r.error)
    r.readAsDataURL(file)
  })
}

/** The page's own checks of the applicant, by field; empty when all pass. */
export function applicantErrors(values: FormValues): FieldErrors {
  const w = t().dossier
  const errors: FieldErrors = {}
  if (!values.fullName.trim()) errors.fullName = w.fieldRequired
  if (!values.phone.trim()) errors.phone = w.fieldRequired
  else if (!isPhone(values.phone)) errors.phone = w.phoneInvalid
  if (!values.address.trim()) errors.address = w.fieldRequired
  if (values.idNumber.trim() && !/^(\d{9}|\d{12})$/.test(values.idNumber.trim())) errors.idNumber = w.idInvalid
  return errors
}

/**
 * Files the dossier (`requestId` makes a retried send file it once). A refusal adds the fields the server
 * refused to `errors`, outlined like the page's own checks, and throws an ApiError in the page's words.
 */
export async function sendFiling(center: string, p: ProcedureView, requestId: string, values: FormValues, files: Attachment[], errors: FieldErrors): Promise<Filed> {
  const body = {
    center, procedureId: p.id, requestId,
    applicant: { fullName: values.fullName.trim(), phone: normalizePhone(values.phone), address: values.address.trim(), idNumber: values.idNumber.trim() || null },
    ...(values.note.trim() ? { note: values.note.trim() } : {}),
    ...(files.length ? { attachments: files.map(({ name: n, type, dataBase64 }) => ({ name: n, type, dataBase64 })) } : {}),
  }
  const res = await fetch('/api/public/dossiers', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) })
  const json = await res.json().catch(() => null) as { code?: string; lookupCode?: string; error?: { code: string; message: string; params?: Record<string, string | number>; details?: { path: string }[] } } | null
  if (!res.ok || !json?.code || !json.lookupCode) {
    const err = json?.error
    for (const d of err?.details ?? []) {
      const key = d.path.replace(/^body\./, '').replace(/^applicant\./, '') as keyof FormValues
      if (key in values) errors[key] = key === 'phone' ? t().dossier.phoneInvalid : key === 'idNumber' ? t().dossier.idInvalid : t().dossier.fieldRequired
    }
    const tpl = err ? (t().errors as Record<string, string>)[err.code] : undefined
    throw new ApiError(res.status, err?.code ?? 'INTERNAL', err?.params ?? {}, tpl ? fmt(tpl, err?.params ?? {}) : err?.message ?? `HTTP ${res.status}`)
  }
  const { centerPublicUrl, publicBase, qrSvg } = await import('../web/qr.js')
  const url = publicBase(await centerPublicUrl(center)) + lookupPath(center, json.code, json.lookupCode)
  const qr = await qrSvg(url, 2)
  return { code: json.code, lookupCode: json.lookupCode, qr, url }
}
