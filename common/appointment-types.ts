// Appointments (issue 24): what the API answers, shared by the server and the pages.

/** `no_show`: booked and not checked in by the end of its lateness window (computed or recorded) */
export type AppointmentState = 'booked' | 'cancelled' | 'kept' | 'late' | 'no_show'

export interface SlotView { time: string; capacity: number; left: number }
export interface SlotDay {
  day: string
  weekday: number
  /** a holiday of the center's calendar (its name), a day without opening hours, or no slots set for the service */
  closed: 'holiday' | 'closed' | 'no_slots' | null
  holidayName: string | null
  /** the service's daily cap has no place left (walk-ins and bookings) */
  full: boolean
  slots: SlotView[]
}

export interface AppointmentView {
  id: string
  code: string
  center: string
  centerName: string
  serviceId: string
  serviceNameVi: string
  serviceNameEn: string
  day: string
  time: string
  startsAt: string
  status: AppointmentState
  /** the queue ticket it became at the kiosk */
  ticketCode: string | null
  checkedInAt: string | null
  /** a phone number was given (with consent); the number itself is never answered */
  phoneGiven: boolean
  /** the QR's payload path (`/dat-lich/<id>`): the kiosk checks the booking in with it */
  qrPath: string
  /**
   * issue 24: only on its own page (with the secret): where SMS or Zalo messages about it go (the number masked,
   * 0912•••678) while they may be stopped (`POST /api/appointments/:id/notify/stop`)
   */
  phoneSignUps?: import('./notify-schemas.js').PhoneSignUpView[]
}

/** The booking's answer: its secret once, in its own link (`/dat-lich/<id>#k=<secret>`) that cancels it. */
export interface BookedAppointment extends AppointmentView { secret: string; ownPath: string }

export interface AppointmentRuleView { weekday: number; slotMinutes: number; capacity: number }
export interface AppointmentServiceRules { id: string; prefix: string; nameVi: string; nameEn: string; dailyCap: number | null; rules: AppointmentRuleView[] }

export interface AppointmentReportRow { day: string; serviceId: string; serviceNameVi: string; serviceNameEn: string; booked: number; kept: number; late: number; noShow: number; cancelled: number }
export interface AppointmentReport { center: { slug: string; name: string }; from: string; to: string; rows: AppointmentReportRow[] }

export const appointmentQrPath = (id: string) => `/dat-lich/${id}`
export const appointmentOwnPath = (id: string, secret: string) => `/dat-lich/${id}#k=${secret}`
