/** `A` + 12 → `A012`: three digits at least, so codes sort and read alike on every screen. */
export function formatTicketCode(prefix: string, number: number): string {
  return prefix + String(number).padStart(3, '0')
}

const DIGITS_VI = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín']

/** `A012` → `A, không, một, hai`: how the display reads a code aloud, character by character. */
export function spellTicketCode(code: string): string {
  return [...code].map((c) => (/[0-9]/.test(c) ? DIGITS_VI[Number(c)] : c)).join(', ')
}
