import { fmt, t } from './i18n.js'

/** Every center is in Vietnam; a screen's own time zone setting does not matter. */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh'

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
})

export interface LocalParts { year: number; month: number; day: number; hour: string; minute: string; second: string; weekday: number }

export function localParts(d: Date | string): LocalParts {
  const date = typeof d === 'string' ? new Date(d) : d
  const p: Record<string, string> = {}
  for (const x of parts.formatToParts(date)) p[x.type] = x.value
  const year = Number(p.year), month = Number(p.month), day = Number(p.day)
  return { year, month, day, hour: p.hour ?? '00', minute: p.minute ?? '00', second: p.second ?? '00', weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() }
}

/** "2026-11-23": the local day an instant falls on (a service day's form) */
export function localDay(d: Date | string): string {
  const p = localParts(d)
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`
}

/** "09:05" */
export function hm(d: Date | string): string {
  const p = localParts(d)
  return `${p.hour}:${p.minute}`
}

/** "09:05:30" */
export function hms(d: Date | string): string {
  const p = localParts(d)
  return `${p.hour}:${p.minute}:${p.second}`
}

/** "23/11/2026" */
export function dmy(d: Date | string): string {
  const p = localParts(d)
  return `${String(p.day).padStart(2, '0')}/${String(p.month).padStart(2, '0')}/${p.year}`
}

/** "Thứ Hai, ngày 23 tháng 11 năm 2026" */
export function dateLong(d: Date | string): string {
  const p = localParts(d)
  const names = t().pages.weekday
  const weekday = names[`d${p.weekday}` as keyof typeof names]
  return fmt(t().pages.dateLong, { weekday, day: p.day, month: p.month, year: p.year })
}
