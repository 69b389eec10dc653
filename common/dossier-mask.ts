/**
 * The applicant's name as public views show it: the family name, then initials.
 * "Nguyễn Văn An" → "Nguyễn V. A."; a one-word name shows its initial only ("An" → "A.").
 */
export function maskName(fullName: string): string {
  const words = fullName.trim().split(/\s+/).filter(Boolean)
  if (!words.length) return ''
  const initial = (w: string) => `${[...w.normalize('NFC')][0]!.toLocaleUpperCase('vi')}.`
  if (words.length === 1) return initial(words[0]!)
  return [words[0]!, ...words.slice(1).map(initial)].join(' ')
}
