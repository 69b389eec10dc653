import type { DossierView } from '../common/dossier-types.js'
import { fmt, getLang, t } from '../web/i18n.js'
import { localParts } from '../web/time.js'

/** "09 giờ 15 phút, ngày 23 tháng 11 năm 2026" (the national form's wording of a moment). */
export function timeLong(iso: string): string {
  const p = localParts(iso)
  return fmt(t().dossier.timeLong, { h: p.hour, min: p.minute, d: pad(p.day), m: pad(p.month), y: p.year })
}

/** "ngày 23 tháng 11 năm 2026" */
export function dateWords(iso: string): string {
  const p = localParts(iso)
  return fmt(t().dossier.dateOnly, { d: pad(p.day), m: pad(p.month), y: p.year })
}

export function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** "Trung tâm Phục vụ hành chính công xã Na Sang" → "Na Sang" (the place line of an official document). */
export function placeOf(centerName: string): string | null {
  const m = /(?:^|\s)(?:xã|phường|thị trấn|commune)\s+(.+)$/iu.exec(centerName)
  return m ? m[1]!.trim() : null
}

export function procedureName(d: Pick<DossierView, 'procedure'>): string {
  return getLang() === 'en' ? d.procedure.nameEn : d.procedure.nameVi
}

/**
 * The slip page of a dossier: kind tiep-nhan (receipt), bo-sung (supplement request), xin-loi (apology and
 * extension), tu-choi (refusal), dung (stop notice), kiem-soat (process control slip).
 */
export type SlipKind = 'tiep-nhan' | 'bo-sung' | 'xin-loi' | 'tu-choi' | 'dung' | 'kiem-soat'
export function slipUrl(dossierId: string, kind: SlipKind, print = true): string {
  return `/staff/phieu/${encodeURIComponent(dossierId)}?loai=${kind}${print ? '&in=1' : ''}`
}

/** Opens a slip in a new tab (it prints itself); returns false when the browser blocked the window. */
export function openSlip(dossierId: string, kind: SlipKind): boolean {
  return !!window.open(slipUrl(dossierId, kind), '_blank')
}
