import QRCode from 'qrcode'
import type { BoardSnapshot } from '../common/types.js'
import { publicBase as base, qrPointsHere } from '../common/public-url.js'
import { apiGet } from './api.js'
import { fmt, t } from './i18n.js'

/**
 * The QR codes pages draw (kiosk ticket and procedure, dossier slip, online filing, appointment) and the
 * address they carry: the one citizens' phones reach. The board's `publicUrl` (PUBLIC_URL) when the
 * install sets one; otherwise this page's own origin, which is right when the page is opened by the
 * address phones use too, and wrong on the server's own PC (localhost): the page then says so.
 */

/** black on white, the quiet zone the scanner needs */
export function qrSvg(text: string, margin = 1): Promise<string> {
  return QRCode.toString(text, { type: 'svg', margin, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } })
}

/** The base of every link a QR carries: PUBLIC_URL when set, else this page's origin (no trailing slash). */
export function publicBase(publicUrl: string | null | undefined): string {
  return base(publicUrl, location.origin)
}

/** The notice a page shows beside its QR when the QR points at this machine (no PUBLIC_URL, served from localhost); null when the QR is fine. */
export function qrLocalNotice(publicUrl: string | null | undefined): string | null {
  return qrPointsHere(publicUrl, location.hostname) ? fmt(t().pages.qrLocalOnly, { host: location.host }) : null
}

/** For a page without the live board (the slip, the filing answer): the center's PUBLIC_URL from its board; null when unset or unread. */
export async function centerPublicUrl(centerSlug: string): Promise<string | null> {
  try {
    return (await apiGet<BoardSnapshot>(`/api/centers/${encodeURIComponent(centerSlug)}/board`)).publicUrl ?? null
  } catch {
    return null // this page's own origin then, with the notice when that is localhost
  }
}
