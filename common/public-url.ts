/**
 * The address the pages' QR codes carry (issue 24), without the browser: web/qr.ts passes its page's
 * origin and host name. PUBLIC_URL (the board's `publicUrl`) when the install sets it, else the page's own.
 */

/** The base of every link a QR carries, no trailing slash. */
export function publicBase(publicUrl: string | null | undefined, pageOrigin: string): string {
  return (publicUrl || pageOrigin).replace(/\/+$/, '')
}

/** A host no phone reaches: the machine itself. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/** The QR of a page opened at `pageHostname` points where no phone can go: no PUBLIC_URL, and the page is on this machine. */
export function qrPointsHere(publicUrl: string | null | undefined, pageHostname: string): boolean {
  return !publicUrl && isLoopbackHost(pageHostname)
}
