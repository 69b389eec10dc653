import { catalogs, format, type Catalog, type Lang } from '../common/i18n/index.js'
import { param } from './dom.js'

/** Vietnamese first; `?lang=en` or the page's switch selects English. */
let lang: Lang = param('lang') === 'en' ? 'en' : 'vi'

export function getLang(): Lang {
  return lang
}

export function setLang(l: Lang): void {
  lang = l
  document.documentElement.lang = l
}

export function t(): Catalog {
  return catalogs[lang]
}

export const fmt = format

/** 75 → "1 giờ 15 phút" */
export function duration(minutes: number): string {
  const p = t().pages
  const m = Math.max(0, Math.round(minutes))
  if (m < 60) return fmt(p.minutes, { n: m })
  const hh = Math.floor(m / 60), mm = m % 60
  return mm ? fmt(p.hoursMinutes, { h: hh, m: mm }) : fmt(p.hours, { h: hh })
}

/** "khoảng 15 phút", or "Không phải chờ" */
export function waitText(minutes: number | null | undefined): string {
  if (!minutes || minutes <= 0) return t().pages.noWait
  return fmt(t().pages.about, { time: duration(minutes) })
}

/** "Thời gian chờ dự kiến: khoảng 15 phút", or just "Không phải chờ" */
export function estimateText(minutes: number | null | undefined): string {
  if (!minutes || minutes <= 0) return t().pages.noWait
  return fmt(t().pages.estimate, { time: waitText(minutes) })
}

/** "Đang nghỉ giữa giờ: gọi số lại lúc 13:30" while the board (or a ticket) says calls resume later; '' otherwise */
export function resumeText(callsResumeAt: string | null | undefined): string {
  return callsResumeAt ? fmt(t().pages.callsResume, { time: callsResumeAt }) : ''
}

/** "Trung tâm mở cửa lại lúc 07:00, Thứ Hai, ngày 30 tháng 11 năm 2026." (`today`: the board's service day) */
export function opensText(next: { day: string; at: string } | null | undefined, today: string): string {
  if (!next) return ''
  if (next.day === today) return fmt(t().pages.opensToday, { time: next.at })
  const [y, m, d] = next.day.split('-').map(Number) as [number, number, number]
  const names = t().pages.weekday
  const weekday = names[`d${new Date(Date.UTC(y, m - 1, d)).getUTCDay()}` as keyof typeof names]
  return fmt(t().pages.opensOn, { time: next.at, date: fmt(t().pages.dateLong, { weekday, day: d, month: m, year: y }) })
}

export function waitingText(n: number): string {
  return n > 0 ? fmt(t().pages.waitingCount, { n }) : t().pages.waitingNone
}

export function aheadText(ahead: number | null | undefined): string {
  return ahead && ahead > 0 ? fmt(t().pages.ahead, { n: ahead }) : t().pages.aheadNone
}

/** 8000 → "8.000 đồng", 0 → "Miễn phí" */
export function feeText(feeVnd: number, note: string): string {
  if (note.trim()) return note
  if (!feeVnd) return t().pages.feeFree
  return fmt(t().pages.feeAmount, { amount: feeVnd.toLocaleString('vi-VN') })
}

export function daysText(days: number): string {
  return days > 0 ? fmt(t().pages.processingDays, { n: days }) : t().pages.processingSameDay
}

/** Vietnamese search that ignores diacritics: "khai sinh" finds "Đăng ký khai sinh", "dang ky" too. */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase()
}
