import type { CalendarDay } from './dossier-types.js'

/**
 * Vietnam's public holidays on weekdays and official make-up working Saturdays for the public sector
 * (Labour Code 2019 art. 112; the yearly notices of the Ministry of Labour, then of Home Affairs).
 * Only days that change the rule "Monday–Friday work, weekend off" are listed: a holiday on a weekend
 * is listed as its weekday day off in lieu ("nghỉ bù"). Sources and what is not confirmed: docs/dossiers.md.
 * Seeded into every new center; the manager edits the center's own copy.
 */
export const VN_CALENDAR: readonly CalendarDay[] = [
  // 2025
  { date: '2025-01-01', kind: 'holiday', name: 'Tết Dương lịch' },
  { date: '2025-01-27', kind: 'holiday', name: 'Tết Nguyên đán (28 tháng Chạp)' },
  { date: '2025-01-28', kind: 'holiday', name: 'Tết Nguyên đán (29 tháng Chạp)' },
  { date: '2025-01-29', kind: 'holiday', name: 'Tết Nguyên đán (mùng 1)' },
  { date: '2025-01-30', kind: 'holiday', name: 'Tết Nguyên đán (mùng 2)' },
  { date: '2025-01-31', kind: 'holiday', name: 'Tết Nguyên đán (mùng 3)' },
  { date: '2025-04-07', kind: 'holiday', name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)' },
  { date: '2025-04-26', kind: 'workday', name: 'Làm bù cho thứ Sáu 02/5' },
  { date: '2025-04-30', kind: 'holiday', name: 'Ngày Chiến thắng 30/4' },
  { date: '2025-05-01', kind: 'holiday', name: 'Ngày Quốc tế Lao động 1/5' },
  { date: '2025-05-02', kind: 'holiday', name: 'Nghỉ hoán đổi (làm bù thứ Bảy 26/4)' },
  { date: '2025-09-01', kind: 'holiday', name: 'Quốc khánh (ngày liền kề)' },
  { date: '2025-09-02', kind: 'holiday', name: 'Quốc khánh 2/9' },
  // 2026
  { date: '2026-01-01', kind: 'holiday', name: 'Tết Dương lịch' },
  { date: '2026-01-02', kind: 'holiday', name: 'Nghỉ hoán đổi (làm bù thứ Bảy 10/1)' },
  { date: '2026-01-10', kind: 'workday', name: 'Làm bù cho thứ Sáu 02/1' },
  { date: '2026-02-16', kind: 'holiday', name: 'Tết Nguyên đán (29 tháng Chạp)' },
  { date: '2026-02-17', kind: 'holiday', name: 'Tết Nguyên đán (mùng 1)' },
  { date: '2026-02-18', kind: 'holiday', name: 'Tết Nguyên đán (mùng 2)' },
  { date: '2026-02-19', kind: 'holiday', name: 'Tết Nguyên đán (mùng 3)' },
  { date: '2026-02-20', kind: 'holiday', name: 'Tết Nguyên đán (mùng 4)' },
  { date: '2026-04-27', kind: 'holiday', name: 'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch, Chủ nhật 26/4)' },
  { date: '2026-04-30', kind: 'holiday', name: 'Ngày Chiến thắng 30/4' },
  { date: '2026-05-01', kind: 'holiday', name: 'Ngày Quốc tế Lao động 1/5' },
  { date: '2026-09-01', kind: 'holiday', name: 'Quốc khánh (ngày liền kề)' },
  { date: '2026-09-02', kind: 'holiday', name: 'Quốc khánh 2/9' },
  // 2027: not yet announced when written; by the Labour Code's rules (see docs/dossiers.md)
  { date: '2027-01-01', kind: 'holiday', name: 'Tết Dương lịch' },
  { date: '2027-02-04', kind: 'holiday', name: 'Tết Nguyên đán (28 tháng Chạp)' },
  { date: '2027-02-05', kind: 'holiday', name: 'Tết Nguyên đán (29 tháng Chạp)' },
  { date: '2027-02-08', kind: 'holiday', name: 'Tết Nguyên đán (mùng 3)' },
  { date: '2027-02-09', kind: 'holiday', name: 'Tết Nguyên đán (mùng 4)' },
  { date: '2027-02-10', kind: 'holiday', name: 'Tết Nguyên đán (mùng 5)' },
  { date: '2027-04-16', kind: 'holiday', name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)' },
  { date: '2027-04-30', kind: 'holiday', name: 'Ngày Chiến thắng 30/4' },
  { date: '2027-05-03', kind: 'holiday', name: 'Nghỉ bù Ngày Quốc tế Lao động (thứ Bảy 1/5)' },
  { date: '2027-09-02', kind: 'holiday', name: 'Quốc khánh 2/9' },
  { date: '2027-09-03', kind: 'holiday', name: 'Quốc khánh (ngày liền kề)' },
]
