/** `A` + 12 → `A012`: three digits at least, so codes sort and read alike on every screen. */
export function formatTicketCode(prefix: string, number: number): string {
  return prefix + String(number).padStart(3, '0')
}

const DIGITS_VI = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín']

/** `A012` → `A, không, một, hai`: how the display reads a code aloud, character by character. */
export function spellTicketCode(code: string): string {
  return [...code].map((c) => (/[0-9]/.test(c) ? DIGITS_VI[Number(c)] : c)).join(', ')
}

/** The phone page's link of a ticket: the secret in the fragment, which browsers never send to a server or in a Referer. */
export function ticketPhonePath(id: string, secret: string): string {
  return `/t/${encodeURIComponent(id)}#k=${encodeURIComponent(secret)}`
}

/** The secret a page's address carries in its fragment (`#k=<secret>`): a ticket's, or a counter tablet's key; '' when none. */
export function keyFromHash(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('k') ?? ''
}
