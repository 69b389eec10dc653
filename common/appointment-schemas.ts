import { z } from 'zod'
import { normalizePhone, PHONE_SPELLING, PHONE_STORED } from './fold.js'

// Appointments (issue 24): request shapes shared by the server (validation) and the pages (typed calls).

const Uuid = z.uuid()
const CenterSlug = z.string().regex(/^[a-z0-9-]{2,40}$/)
const Day = z.iso.date()
const Hm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/)
/** the six digits printed under the booking's QR and typed at the kiosk */
export const APPOINTMENT_CODE = /^[0-9]{6}$/
/** how many days ahead a citizen may book, today included */
export const BOOKING_DAYS_AHEAD = 30
/** a booked citizen who checks in later than this after the slot's start queues as a walk-in */
export const LATE_AFTER_MINUTES = 15

export const SlotsQuery = z.strictObject({
  serviceId: Uuid,
  /** first day listed (default: today) */
  from: Day.optional(),
  days: z.coerce.number().int().min(1).max(BOOKING_DAYS_AHEAD).optional(),
  lang: z.string().max(10).optional(),
})

export const BookBody = z.strictObject({
  serviceId: Uuid,
  day: Day,
  time: Hm,
  /** optional; only with `consent: true` (Decree 13/2023/NĐ-CP on personal data) */
  phone: z.string().trim().regex(PHONE_SPELLING).overwrite(normalizePhone).regex(PHONE_STORED).optional(),
  consent: z.boolean().optional(),
  /** the page's language: the booking's messages (issue 24) are written in it */
  lang: z.enum(['vi', 'en']).optional(),
  /** chosen by the page per booking; a retry with the same id answers with the same booking */
  requestId: z.string().min(8).max(100).regex(/^[A-Za-z0-9_-]+$/).optional(),
}).refine((b) => !b.phone || b.consent === true, { path: ['consent'], message: 'consent required with a phone number' })

export const AppointmentKeyBody = z.strictObject({ key: z.string().max(200) })
export const AppointmentKeyQuery = z.strictObject({ key: z.string().max(200).optional(), lang: z.string().max(10).optional() })

/** the kiosk: the QR's payload (the booking's id) or the typed six digits */
export const AppointmentCheckInBody = z.union([
  z.strictObject({ id: Uuid }),
  z.strictObject({ code: z.string().trim().regex(APPOINTMENT_CODE) }),
])

export const AppointmentRule = z.strictObject({
  weekday: z.number().int().min(1).max(7),
  slotMinutes: z.number().int().min(5).max(240),
  capacity: z.number().int().min(1).max(100),
})
export const AppointmentRulesBody = z.strictObject({
  rules: z.array(AppointmentRule).max(7).refine((r) => new Set(r.map((x) => x.weekday)).size === r.length, 'each weekday once'),
})

export const AppointmentReportQuery = z.strictObject({
  center: CenterSlug.optional(),
  from: Day.optional(),
  to: Day.optional(),
  lang: z.string().max(10).optional(),
})

export type BookBody = z.infer<typeof BookBody>
export type AppointmentRuleInput = z.infer<typeof AppointmentRule>
