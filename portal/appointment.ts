import './dossier.css'
import './appointment.css'
import type { AppointmentView, BookedAppointment, SlotDay } from '../common/appointment-types.js'
import { ApiError, apiGet, apiPost, errorMessage, newRequestId, resolveCenter } from '../web/api.js'
import { fill, h, markup } from '../web/dom.js'
import { fmt, getLang, t } from '../web/i18n.js'
import { isPhone } from '../common/fold.js'
import { MessagesStop } from './notify-stop.js'

// /dat-lich (issue 24): a citizen books a time on their phone: service, day, time, an optional phone
// number with its consent; the answer is the six-digit code and the QR the kiosk scans. The booking's own
// page, /dat-lich/<id>#k=<secret>, shows it again, cancels it and stops its messages (issue 24: where they go, the
// number masked); without the secret (the QR's link opened on a phone) it only shows it.

type Service = { id: string; prefix: string; nameVi: string; nameEn: string }
const name = (x: { nameVi: string; nameEn: string }) => (getLang() === 'en' ? x.nameEn : x.nameVi)
const dm = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}`
const dmyText = (day: string) => day.split('-').reverse().join('/')

interface State {
  center: string
  services: Service[] | null
  service: Service | null
  days: SlotDay[] | null
  day: string | null
  time: string | null
  phone: string
  consent: boolean
  error: string | null
  fieldErrors: { phone?: string; consent?: string }
  busy: boolean
  requestId: string
  appointment: AppointmentView | null
  key: string | null
  qr: string
  qrNotice: string | null
  confirmCancel: boolean
  notice: string | null
  loadFailed: boolean
}

export function appointmentPage(main: HTMLElement, id: string | null, key: string | null): { render: () => void } {
  const s: State = {
    center: '', services: null, service: null, days: null, day: null, time: null, phone: '', consent: false, error: null, fieldErrors: {},
    busy: false, requestId: newRequestId(), appointment: null, key, qr: '', qrNotice: null, confirmCancel: false, notice: null, loadFailed: false,
  }

  // issue 24 (Decree 13/2023 Art. 12): the booking's SMS or Zalo, stopped from its own link
  const messagesStop = new MessagesStop('booking', async () => {
    s.appointment = (await apiPost<{ appointment: AppointmentView }>(`/api/appointments/${s.appointment!.id}/notify/stop`, { key: s.key })).appointment
  }, () => render())

  function render(): void {
    const w = t().appointments
    document.title = `${w.title} · ${t().pages.appName}`
    if (s.appointment) return fill(main, appointmentCard())
    if (id) return fill(main, h('section', { class: 'card' }, h('p', { class: s.loadFailed ? 'status bad' : 'muted' }, s.loadFailed ? w.notFound : t().pages.loading)))
    fill(main, h('section', { class: 'card booking', id: 'booking' },
      h('h1', null, w.title), h('p', { class: 'muted' }, w.intro),
      s.service ? slotPicker() : servicePicker()))
  }

  function servicePicker(): HTMLElement {
    const w = t().appointments
    if (!s.services) return h('p', { class: 'muted' }, s.loadFailed ? t().portal.loadError : t().pages.loading)
    if (!s.services.length) return h('p', { class: 'status bad', id: 'no-services' }, w.noServices)
    return h('div', null, h('h2', null, w.chooseService), h('ul', { class: 'appt-services' }, ...s.services.map((x) => h('li', null,
      h('button', { type: 'button', class: 'btn appt-service', 'data-service': x.prefix, onclick: () => void chooseService(x) },
        h('span', { class: 'appt-prefix' }, x.prefix), name(x))))))
  }

  function slotPicker(): HTMLElement {
    const w = t().appointments
    const day = s.days?.find((d) => d.day === s.day) ?? null
    const dayLabel = (d: SlotDay) => d.closed === 'holiday' ? fmt(w.dayHoliday, { name: d.holidayName ?? '' }) : d.closed === 'closed' ? w.dayClosed
      : d.closed === 'no_slots' ? w.dayNoSlots : d.full || !d.slots.some((x) => x.left > 0) ? w.full : null
    const form = h('form', { class: 'appt-form', id: 'appt-form', novalidate: true },
      h('p', { class: 'appt-chosen' }, h('strong', null, name(s.service!)), ' ',
        h('button', { type: 'button', class: 'link-btn', id: 'appt-change', onclick: () => { s.service = null; s.days = null; s.day = null; s.time = null; render() } }, w.changeService)),
      h('h2', null, w.chooseDay),
      !s.days ? h('p', { class: 'muted' }, t().pages.loading) : h('div', { class: 'appt-days', role: 'group', 'aria-label': w.chooseDay }, ...s.days.map((d) => {
        const off = dayLabel(d)
        return h('button', { type: 'button', class: `appt-day${d.day === s.day ? ' on' : ''}`, 'data-day': d.day, disabled: !!off, 'aria-pressed': String(d.day === s.day),
          onclick: () => { s.day = d.day; s.time = null; render() } },
        h('span', { class: 'appt-wd' }, w.weekdaysShort[d.weekday - 1]!), h('span', { class: 'appt-dm' }, dm(d.day)), off ? h('span', { class: 'appt-off' }, off) : null)
      })),
      day ? h('h2', null, w.chooseTime) : null,
      day ? (day.slots.some((x) => x.left > 0) ? h('div', { class: 'appt-times', role: 'group', 'aria-label': w.chooseTime }, ...day.slots.map((x) => h('button', {
        type: 'button', class: `appt-time${x.time === s.time ? ' on' : ''}`, 'data-time': x.time, disabled: x.left <= 0, 'aria-pressed': String(x.time === s.time),
        onclick: () => { s.time = x.time; render() },
      }, h('span', { class: 'appt-hm' }, x.time), h('span', { class: 'appt-left' }, x.left > 0 ? fmt(w.left, { n: x.left }) : w.full)))) : h('p', { class: 'muted' }, w.noTimes)) : null,
      s.time ? contactFields() : null,
      s.error ? h('p', { class: 'status bad', id: 'appt-error', role: 'alert' }, s.error) : null,
      s.time && day ? h('button', { type: 'submit', class: 'btn btn-primary', id: 'appt-submit', disabled: s.busy },
        s.busy ? w.booking : fmt(w.confirm, { time: s.time, day: `${w.weekdaysShort[day.weekday - 1]} ${dm(day.day)}` })) : null)
    form.addEventListener('submit', (ev) => { ev.preventDefault(); void book() })
    return form
  }

  function contactFields(): HTMLElement {
    const w = t().appointments
    const phone = h('input', { id: 'appt-phone', type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: 15, 'aria-describedby': 'appt-phone-hint' })
    phone.value = s.phone
    phone.addEventListener('input', () => { s.phone = phone.value })
    const consent = h('input', { id: 'appt-consent', type: 'checkbox' })
    consent.checked = s.consent
    consent.addEventListener('change', () => { s.consent = consent.checked; if (s.consent && s.fieldErrors.consent) { delete s.fieldErrors.consent; render() } })
    const fe = s.fieldErrors
    return h('div', { class: 'appt-contact' },
      h('div', { class: `fld${fe.phone ? ' invalid' : ''}` }, h('label', { for: 'appt-phone', class: 'lbl' }, w.phoneLabel), phone,
        h('span', { class: 'muted small', id: 'appt-phone-hint' }, w.phoneHint), fe.phone ? h('span', { class: 'fld-error' }, fe.phone) : null),
      h('label', { class: `appt-consent${fe.consent ? ' invalid' : ''}` }, consent, h('span', null, w.consent)),
      fe.consent ? h('span', { class: 'fld-error', id: 'appt-consent-error' }, fe.consent) : null)
  }

  function appointmentCard(): HTMLElement {
    const w = t().appointments
    const a = s.appointment!
    const st = a.status
    const when = `${a.time}, ${w.weekdays[(new Date(`${a.day}T00:00:00Z`).getUTCDay() + 6) % 7]} ${dmyText(a.day)}`
    const live = st === 'booked'
    return h('section', { class: 'card appt-card', id: 'appointment', 'data-status': st },
      h('h1', null, s.notice === 'booked' ? w.bookedTitle : w.yourAppointment),
      h('p', { class: 'label' }, w.codeLabel),
      h('p', { class: 'big-code', id: 'appt-code' }, a.code),
      live && s.qr ? markup('div', 'appt-qr', s.qr) : null,
      live && s.qrNotice ? h('p', { class: 'status bad small', id: 'appt-qr-notice' }, s.qrNotice) : null,
      h('dl', { class: 'facts' },
        h('dt', null, w.service), h('dd', null, name({ nameVi: a.serviceNameVi, nameEn: a.serviceNameEn })),
        h('dt', null, w.when), h('dd', { id: 'appt-when' }, when),
        h('dt', null, w.statusLabel), h('dd', { id: 'appt-status' }, fmt(w.status[st], { ticket: a.ticketCode ?? '' }))),
      live ? h('p', { class: 'appt-rule' }, fmt(w.atKiosk, { time: a.time })) : null,
      live ? h('p', { class: 'muted' }, fmt(w.lateRule, { time: addMinutes(a.time, 15) })) : null,
      s.notice === 'cancelled' ? h('p', { class: 'status', id: 'appt-cancelled', role: 'status' }, w.cancelled) : null,
      s.error ? h('p', { class: 'status bad', id: 'appt-error', role: 'alert' }, s.error) : null,
      live && s.key ? messagesStop.render(a.phoneSignUps ?? []) : null,
      live && s.key ? h('p', { class: 'muted small' }, w.keepLink) : null,
      live && s.key && !s.confirmCancel ? h('button', { type: 'button', class: 'btn', id: 'appt-cancel', onclick: () => { s.confirmCancel = true; render() } }, w.cancel) : null,
      live && s.key && s.confirmCancel ? h('div', { class: 'appt-confirm', role: 'alertdialog', 'aria-labelledby': 'appt-confirm-text' },
        h('p', { id: 'appt-confirm-text' }, w.confirmCancel),
        h('button', { type: 'button', class: 'btn btn-danger', id: 'appt-cancel-yes', disabled: s.busy, onclick: () => void cancel() }, s.busy ? w.cancelling : w.cancel),
        h('button', { type: 'button', class: 'btn', id: 'appt-cancel-no', onclick: () => { s.confirmCancel = false; render() } }, w.keep)) : null,
      !live || s.notice === 'booked' ? h('a', { class: 'btn', id: 'appt-another', href: `/dat-lich?center=${encodeURIComponent(a.center)}` }, w.another) : null)
  }

  async function chooseService(x: Service): Promise<void> {
    s.service = x
    s.days = null
    s.day = null
    s.time = null
    render()
    await loadSlots()
  }

  async function loadSlots(): Promise<void> {
    try {
      const r = await apiGet<{ days: SlotDay[] }>(`/api/centers/${encodeURIComponent(s.center)}/appointments/slots?serviceId=${s.service!.id}&days=14`)
      s.days = r.days
      // the first day with a free time, chosen for the citizen
      if (!s.day) s.day = r.days.find((d) => !d.closed && d.slots.some((x) => x.left > 0))?.day ?? null
      s.error = null
    } catch (e) { s.error = e instanceof ApiError ? errorMessage(e) : t().portal.loadError }
    render()
  }

  async function book(): Promise<void> {
    const w = t().appointments
    if (s.busy || !s.service || !s.day || !s.time) return
    s.fieldErrors = {}
    const phone = s.phone.trim()
    // the server's rule (common/appointment-schemas.ts), checked here first to say which field
    if (phone && !isPhone(phone)) s.fieldErrors.phone = w.phoneInvalid
    if (phone && !s.consent) s.fieldErrors.consent = w.consentNeeded
    if (Object.keys(s.fieldErrors).length) { s.error = null; return render() }
    s.busy = true
    s.error = null
    render()
    try {
      const { appointment } = await apiPost<{ appointment: BookedAppointment }>(`/api/centers/${encodeURIComponent(s.center)}/appointments`,
        { serviceId: s.service.id, day: s.day, time: s.time, requestId: s.requestId, ...(phone ? { phone, consent: true, lang: getLang() } : {}) })
      // the page's address becomes the booking's own link: bookmarked or shared, it shows and cancels it
      history.replaceState(null, '', `${appointment.ownPath.replace('#', `?center=${encodeURIComponent(s.center)}#`)}`)
      s.key = appointment.secret
      s.notice = 'booked'
      await show(appointment)
      window.scrollTo(0, 0)
    } catch (e) {
      s.error = e instanceof ApiError ? errorMessage(e) : t().portal.loadError
      // a slot taken meanwhile: the times are read again
      if (e instanceof ApiError && (e.code === 'SLOT_FULL' || e.code === 'DAILY_CAP_REACHED' || e.code === 'SLOT_UNAVAILABLE')) { s.time = null; s.requestId = newRequestId(); void loadSlots() }
    } finally { s.busy = false }
    render()
  }

  async function cancel(): Promise<void> {
    if (s.busy || !s.appointment || !s.key) return
    s.busy = true
    render()
    try {
      const { appointment } = await apiPost<{ appointment: AppointmentView }>(`/api/appointments/${s.appointment.id}/cancel`, { key: s.key })
      s.appointment = appointment
      s.notice = 'cancelled'
      s.error = null
    } catch (e) { s.error = e instanceof ApiError ? errorMessage(e) : t().portal.loadError }
    s.busy = false
    s.confirmCancel = false
    render()
  }

  async function show(a: AppointmentView): Promise<void> {
    s.appointment = a
    const { centerPublicUrl, publicBase, qrLocalNotice, qrSvg } = await import('../web/qr.js')
    const publicUrl = await centerPublicUrl(a.center)
    s.qr = await qrSvg(publicBase(publicUrl) + a.qrPath, 2)
    s.qrNotice = qrLocalNotice(publicUrl)
  }

  render()
  void (async () => {
    try {
      if (id) {
        // with its secret: where its messages go, too (a wrong secret: not found)
        await show((await apiGet<{ appointment: AppointmentView }>(`/api/appointments/${encodeURIComponent(id)}${key ? `?key=${encodeURIComponent(key)}` : ''}`)).appointment)
      } else {
        s.center = await resolveCenter()
        s.services = (await apiGet<{ services: Service[] }>(`/api/centers/${encodeURIComponent(s.center)}/appointments/services`)).services
      }
    } catch { s.loadFailed = true }
    render()
  })()
  return { render }
}

function addMinutes(hm: string, n: number): string {
  const m = Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3)) + n
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
}
