/**
 * CSV for Excel, one way for every export (reports, the procedure catalog, the audit log): UTF-8 with a BOM
 * (so Excel reads Vietnamese correctly), `;` between fields (what Excel expects with Vietnamese regional
 * settings), CRLF line ends, fields quoted when they hold `;`, `"` or a line break.
 */

/**
 * A text cell as data, never a formula (OWASP "CSV Injection"): one starting with `=`, `+`, `-`, `@`, a tab
 * or a line break gets a leading `'`, so a staff member named `=HYPERLINK(…)` is shown, not run.
 */
export function textCell(s: string): string {
  return /^[=+\-@\t\r\n]/.test(s) ? `'${s}` : s
}

/** What `textCell` wrote, read back: the leading `'` it added is dropped (an import of an export is the same data). */
export function untextCell(s: string): string {
  return /^'[=+\-@\t\r\n]/.test(s) ? s.slice(1) : s
}

export function csvField(s: string): string {
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The file: BOM, then each line's cells (already neutralised or formatted by the caller) joined by `;`. */
export function csvDocument(lines: string[][]): string {
  return '\uFEFF' + lines.map((l) => l.map(csvField).join(';')).join('\r\n') + '\r\n'
}
