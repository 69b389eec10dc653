import type { BookedAppointment, SlotDay } from '../common/appointment-types.js'
import { apiGet, apiPost, errorMessage, newRequestId } from '../web/api.js'
import { byId, fill, h, markup } from '../web/dom.js'
import { fmt, getLang, t } from '../web/i18n.js'

// Booking at the kiosk for a later day (issue 24): service, day, time in large buttons; the answer is
// printed on the 80 mm roll with the six digits and a QR of the booking's own link, which checks it in at
// the kiosk on that day and, opened on a phone, shows and cancels it. No phone number is asked here (typing
// one on a touch screen is slow; /dat-lich on a phone takes it, with its consent).

type Service = { id: string; prefix: string; nameVi: string; nameEn: string }
const name = (x: { nameVi: string; nameEn: string }) => (getLang() === 'en' ? x.nameEn : x.nameVi)
const dm = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}`

interface Deps {
  center(): string
  rerender(): void
  /** the booking is done or abandoned: back to the check-in screen */
  close(): void
}

export class KioskBooking {
  private services: Service[] | null = null
  private service: Service | null = null
  private days: SlotDay[] | null = null
  private day: string | null = null
  private time: string | null = null
  private booked: BookedAppointment | null = null
  private qr = ''
  private busy = false
  private message: string | null = null
  private requestId = newRequestId()

  constructor(private deps: Deps) {}

  async open(): Promise<void> {
    Object.assign(this, { services: null, service: null, days: null, day: null, time: null, booked: null, qr: '', busy: false, message: null, requestId: newRequestId() })
    this.deps.rerender()
    try {
      this.services = (await apiGet<{ services: Service[] }>(`/api/centers/${encodeURIComponent(this.deps.center())}/appointments/services`)).services
    } catch (e) { this.message = errorMessage(e) }
    this.deps.rerender()
  }

  private async choose(s: Service): Promise<void> {
    this.service = s
    this.days = null
    this.day = null
    this.time = null
    this.deps.rerender()
    try {
      const r = await apiGet<{ today: string; days: SlotDay[] }>(`/api/centers/${encodeURIComponent(this.deps.center())}/appointments/slots?serviceId=${s.id}&days=15`)
      // a later day: today's citizen takes a ticket
      this.days = r.days.filter((d) => d.day !== r.today)
      this.day = this.days.find((d) => !d.closed && d.slots.some((x) => x.left > 0))?.day ?? null
    } catch (e) { this.message = errorMessage(e) }
    this.deps.rerender()
  }

  private async book(): Promise<void> {
    if (this.busy || !this.service || !this.day || !this.time) return
    this.busy = true
    this.message = null
    this.deps.rerender()
    try {
      const { appointment } = await apiPost<{ appointment: BookedAppointment }>(`/api/centers/${encodeURIComponent(this.deps.center())}/appointments`,
        { serviceId: this.service.id, day: this.day, time: this.time, requestId: this.requestId }, { timeoutMs: 8000 })
      const { centerPublicUrl, publicBase, qrSvg } = await import('../web/qr.js')
      const url = `${publicBase(await centerPublicUrl(appointment.center))}${appointment.ownPath.replace('#', `?center=${encodeURIComponent(appointment.center)}#`)}`
      this.qr = await qrSvg(url)
      this.booked = appointment
      this.print(appointment)
    } catch (e) {
      this.message = errorMessage(e)
      this.time = null
      this.requestId = newRequestId()
      if (this.service) void this.choose(this.service)
    } finally { this.busy = false }
    this.deps.rerender()
  }

  /** The slip on the 80 mm roll: the code, service, day and time, the QR, what to do. */
  private print(a: BookedAppointment): void {
    const w = t().appointments
    fill(byId('print'),
      h('div', { class: 'p-center' }, a.centerName),
      h('div', { class: 'p-label' }, w.yourAppointment),
      h('div', { class: 'p-code' }, a.code),
      h('div', { class: 'p-service' }, name({ nameVi: a.serviceNameVi, nameEn: a.serviceNameEn })),
      h('div', { class: 'p-line' }, this.when(a.day, a.time)),
      markup('div', 'p-qr', this.qr),
      h('div', { class: 'p-small' }, fmt(w.atKiosk, { time: a.time })),
      h('div', { class: 'p-small' }, w.lateRuleShort))
    requestAnimationFrame(() => setTimeout(() => window.print(), 30))
  }

  private when(day: string, time: string): string {
    const w = t().appointments
    const wd = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7
    return `${time}, ${w.weekdays[wd]} ${day.split('-').reverse().join('/')}`
  }

  render(): (HTMLElement | null)[] {
    const w = t().appointments
    const back = h('div', { class: 'nav' }, h('button', { type: 'button', class: 'btn btn-back', id: 'kbook-back', onclick: () => this.deps.close() }, t().kiosk.back))
    const msg = this.message ? h('p', { class: 'checkin-message', id: 'kbook-message', role: 'alert' }, this.message) : null
    if (this.booked) {
      const a = this.booked
      return [h('section', { class: 'dossier-card kbook-done', id: 'kbook-done' },
        h('p', { class: 'dc-label' }, w.codeLabel),
        h('p', { class: 'dc-code kbook-code', id: 'kbook-code' }, a.code),
        h('p', { class: 'dc-hint' }, `${name({ nameVi: a.serviceNameVi, nameEn: a.serviceNameEn })} · ${this.when(a.day, a.time)}`),
        markup('div', 'kbook-qr', this.qr),
        h('p', { class: 'dc-hint' }, fmt(w.atKiosk, { time: a.time })),
        h('p', { class: 'hint' }, t().kiosk.takePrinted)),
      h('div', { class: 'nav' }, h('button', { type: 'button', class: 'btn btn-primary', id: 'kbook-finish', onclick: () => this.deps.close() }, t().kiosk.done))]
    }
    if (!this.service) {
      return [h('h1', { class: 'title' }, w.kioskBookTitle), h('p', { class: 'hint' }, w.kioskBookIntro), msg,
        !this.services ? h('p', { class: 'loading' }, t().pages.loading)
          : !this.services.length ? h('p', { class: 'hint' }, w.noServices)
            : h('div', { class: 'kbook-services' }, ...this.services.map((s) => h('button', { type: 'button', class: 'btn kbook-service', 'data-service': s.prefix, onclick: () => void this.choose(s) },
              h('span', { class: 'appt-prefix' }, s.prefix), name(s)))),
        back]
    }
    const day = this.days?.find((d) => d.day === this.day) ?? null
    const off = (d: SlotDay) => d.closed === 'holiday' ? fmt(w.dayHoliday, { name: d.holidayName ?? '' }) : d.closed ? w.dayNoSlots
      : d.full || !d.slots.some((x) => x.left > 0) ? w.full : null
    return [
      h('h1', { class: 'title' }, `${w.kioskBookTitle}: ${name(this.service)}`), msg,
      h('h2', null, w.chooseDay),
      !this.days ? h('p', { class: 'loading' }, t().pages.loading) : h('div', { class: 'kbook-days' }, ...this.days.map((d) => h('button', {
        type: 'button', class: `appt-day${d.day === this.day ? ' on' : ''}`, 'data-day': d.day, disabled: !!off(d), onclick: () => { this.day = d.day; this.time = null; this.deps.rerender() },
      }, h('span', { class: 'appt-wd' }, w.weekdaysShort[d.weekday - 1]!), h('span', { class: 'appt-dm' }, dm(d.day)), off(d) ? h('span', { class: 'appt-off' }, off(d)!) : null))),
      day ? h('h2', null, w.chooseTime) : null,
      day ? h('div', { class: 'kbook-times' }, ...day.slots.map((x) => h('button', {
        type: 'button', class: `appt-time${x.time === this.time ? ' on' : ''}`, 'data-time': x.time, disabled: x.left <= 0, onclick: () => { this.time = x.time; this.deps.rerender() },
      }, h('span', { class: 'appt-hm' }, x.time), h('span', { class: 'appt-left' }, x.left > 0 ? fmt(w.left, { n: x.left }) : w.full)))) : null,
      this.time && day ? h('button', { type: 'button', class: 'btn btn-primary btn-find', id: 'kbook-submit', disabled: this.busy, onclick: () => void this.book() },
        this.busy ? w.booking : fmt(w.confirm, { time: this.time, day: `${w.weekdaysShort[day.weekday - 1]} ${dm(day.day)}` })) : null,
      h('div', { class: 'nav' },
        h('button', { type: 'button', class: 'btn btn-back', id: 'kbook-change', onclick: () => { this.service = null; this.deps.rerender() } }, w.changeService),
        h('button', { type: 'button', class: 'btn btn-back', onclick: () => this.deps.close() }, t().kiosk.back)),
    ]
  }
}
