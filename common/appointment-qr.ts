// What the kiosk's 2D scanner read (issue 24), DOM-free: a booking's QR (/dat-lich/<id>, its own link
// too), a dossier slip's lookup link (/tra-cuu?code=…&lookupCode=…), or something else.

export type ScanPayload =
  | { kind: 'appointment'; id: string }
  | { kind: 'dossier'; code: string; lookupCode: string }
  | { kind: 'unknown' }

/** What a scanned payload is: a booking's QR, a dossier slip's QR, or something else. */
export function parseScan(text: string): ScanPayload {
  const s = text.trim()
  let url: URL
  try { url = new URL(s, 'http://kiosk.invalid') } catch { return { kind: 'unknown' } }
  const appt = /\/dat-lich\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i.exec(url.pathname)
  if (appt) return { kind: 'appointment', id: appt[1]!.toLowerCase() }
  const code = url.searchParams.get('code')
  const lookupCode = url.searchParams.get('lookupCode')
  if (/\/tra-cuu\/?$/.test(url.pathname) && code && lookupCode) return { kind: 'dossier', code: code.trim().toUpperCase(), lookupCode: lookupCode.trim().toUpperCase() }
  return { kind: 'unknown' }
}
