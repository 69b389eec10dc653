import './checkin.css'
import { DOSSIER_LOOKUP_ALPHABET, type DossierStatus, type PublicDossierView } from '../common/dossier-types.js'
import type { IssuedTicket } from '../common/types.js'
import type { AppointmentView } from '../common/appointment-types.js'
import { ApiError, apiGet, apiPost, errorMessage, NetworkError } from '../web/api.js'
import { h, markup } from '../web/dom.js'
import { icon } from '../web/icons.js'
import { fmt, getLang, t } from '../web/i18n.js'
import { dmy, hm } from '../web/time.js'
import { listenForKioskScans, parseScan } from './appointment-scan.js'
import { KioskBooking } from './appointment-book.js'
import { KioskCamera } from './camera.js'

/** Dossier states a citizen checks in for at the kiosk, and the button that says what for. */
const CHECK_IN: Partial<Record<DossierStatus, 'takeTicketReceive' | 'takeTicketPickup' | 'takeTicketSupplement'>> = {
  submitted_online: 'takeTicketReceive',
  needs_supplement: 'takeTicketSupplement',
  ready: 'takeTicketPickup',
}
/** digits, then A–Z in alphabetical order (easier than QWERTY for people who do not type) */
const CODE_KEYS = [...'1234567890', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ']
const CODE_MAX = 24

interface Deps {
  center(): string
  /** redraws the kiosk (the check-in screen is one of its screens) */
  rerender(): void
  /** the normal ticket screen: shows, prints and reads the ticket (`note`: an appointment's place in the queue) */
  showTicket(ticket: IssuedTicket, note?: string): Promise<void>
  back(): void
  /** the check-in screen is the one showing (physical keys go to it only then) */
  active(): boolean
  /** a screen on which a scanned QR checks in (home, check-in, a ticket just shown) */
  scannable(): boolean
  /** shows the check-in screen as it is (a scan started elsewhere) */
  open(): void
  /** the device has a camera (kiosk/camera.ts watchCamera): "Quét mã bằng camera" shows */
  hasCamera(): boolean
}

/** the six digits of an appointment, typed on the keyboard without a lookup code (issue 24) */
const APPOINTMENT_CODE = /^\d{6}$/

/** "NS2611230007" typed without dashes → "NS-261123-0007". */
export function normalizeCode(typed: string): string {
  const s = typed.trim().toUpperCase()
  const m = /^([A-Z]{1,6})(\d{6})(\d{1,6})$/.exec(s)
  return m ? `${m[1]}-${m[2]}-${m[3]}` : s
}

/**
 * The kiosk's "Tra cứu / nhận kết quả": the dossier code and the 4-character lookup code on an
 * on-screen keyboard with large keys (the lookup field offers only DOSSIER_LOOKUP_ALPHABET), then the
 * dossier's state; when the dossier can be checked in (an online filing to hand in, documents to add,
 * a result to collect), "Lấy số" takes a ticket linked to it and the kiosk shows and prints it as usual.
 */
export class KioskCheckin {
  private code = ''
  private lookup = ''
  private focus: 'code' | 'lookup' = 'code'
  private phase: 'enter' | 'loading' | 'found' | 'issuing' = 'enter'
  private dossier: PublicDossierView | null = null
  private message: string | null = null
  /** the entry as it was when the last run of keys began: a scan takes its first key back */
  private beforeRun: { code: string; lookup: string; focus: 'code' | 'lookup' } | null = null
  /** booking for a later day (kiosk/appointment-book.ts), shown on this screen while `booking` */
  private booking = false
  private booker: KioskBooking
  /** the camera view: what it reads goes to `scanned`, like the scanner's payload */
  private camera = new KioskCamera({
    onCode: (text) => void this.scanned(text),
    onFailed: () => {
      this.reset()
      this.message = t().appointments.cameraFailed
      if (this.deps.active()) this.deps.rerender()
      else this.deps.open()
    },
  })

  constructor(private deps: Deps) {
    this.booker = new KioskBooking({ center: () => this.deps.center(), rerender: () => this.deps.rerender(), close: () => { this.booking = false; this.deps.rerender() } })
    listenForKioskScans({
      listening: () => this.deps.scannable() && this.phase !== 'loading' && this.phase !== 'issuing',
      onRunStart: () => { this.beforeRun = { code: this.code, lookup: this.lookup, focus: this.focus } },
      onScan: (text) => void this.scanned(text),
      replay: (keys) => { for (const k of keys) if (this.deps.active()) this.press(k.toUpperCase()) },
    })
    window.addEventListener('keydown', (ev) => {
      if (!this.deps.active() || this.booking || ev.ctrlKey || ev.altKey || ev.metaKey) return
      if (ev.key === 'Backspace') { ev.preventDefault(); this.press('back') }
      else if (ev.key === 'Enter') { ev.preventDefault(); void this.find() }
      else if (ev.key === 'Tab') { ev.preventDefault(); this.focus = this.focus === 'code' ? 'lookup' : 'code'; this.deps.rerender() }
      else if (ev.key.length === 1) this.press(ev.key.toUpperCase())
    })
  }

  /** "Quét mã bằng camera" (home and check-in screens) */
  openCamera(): void { void this.camera.open() }

  get cameraOpen(): boolean { return this.camera.isOpen }

  reset(): void {
    this.booking = false
    this.code = ''
    this.lookup = ''
    this.focus = 'code'
    this.phase = 'enter'
    this.dossier = null
    this.message = null
  }

  private press(key: string): void {
    if (this.phase !== 'enter') return
    this.message = null
    if (key === 'back') {
      if (this.focus === 'lookup' && !this.lookup) this.focus = 'code'
      else if (this.focus === 'lookup') this.lookup = this.lookup.slice(0, -1)
      else this.code = this.code.slice(0, -1)
    } else if (key === 'clear') {
      if (this.focus === 'lookup') this.lookup = ''
      else this.code = ''
    } else if (this.focus === 'lookup') {
      if (!DOSSIER_LOOKUP_ALPHABET.includes(key) || this.lookup.length >= 4) return
      this.lookup += key
    } else {
      if (!/^[A-Z0-9-]$/.test(key) || this.code.length >= CODE_MAX) return
      this.code += key
    }
    this.deps.rerender()
  }

  private async find(): Promise<void> {
    if (this.phase !== 'enter') return
    const w = t().dossier
    if (APPOINTMENT_CODE.test(this.code) && !this.lookup) return this.checkInAppointment({ code: this.code })
    if (!this.code || this.lookup.length !== 4) {
      this.message = w.fillBoth
      this.focus = this.code ? 'lookup' : 'code'
      return this.deps.rerender()
    }
    this.code = normalizeCode(this.code)
    this.phase = 'loading'
    this.deps.rerender()
    try {
      const qs = new URLSearchParams({ lookupCode: this.lookup, center: this.deps.center() })
      const { dossier } = await apiGet<{ dossier: PublicDossierView }>(`/api/public/dossiers/${encodeURIComponent(this.code)}?${qs.toString()}`)
      this.dossier = dossier
      this.phase = 'found'
    } catch (e) {
      this.phase = 'enter'
      this.message = e instanceof ApiError && (e.status === 404 || e.status === 400) ? w.notFound
        : e instanceof NetworkError ? t().kiosk.offline : errorMessage(e)
    }
    this.deps.rerender()
  }

  /**
   * A QR read by the scanner or the camera: a booking checks in at once; a dossier slip is looked up and,
   * when it can be checked in (a result to collect, papers to hand in or add), takes its ticket at once: one scan.
   */
  private async scanned(text: string): Promise<void> {
    this.camera.close() // the scanner read a code while the camera view was open
    this.booking = false
    if (this.beforeRun && this.deps.active()) ({ code: this.code, lookup: this.lookup, focus: this.focus } = this.beforeRun)
    this.beforeRun = null
    const p = parseScan(text)
    if (!this.deps.active()) { this.reset(); this.deps.open() }
    if (p.kind === 'appointment') return this.checkInAppointment({ id: p.id })
    if (p.kind === 'unknown') {
      this.reset()
      this.message = t().appointments.kioskUnknownQr
      return this.deps.rerender()
    }
    this.reset()
    this.code = normalizeCode(p.code)
    this.lookup = p.lookupCode.slice(0, 4)
    await this.find()
    if (this.phase === 'found' && this.dossier && CHECK_IN[this.dossier.status]) await this.checkIn()
  }

  /** A booking's check-in: its ticket, with the sentence saying where it queues (on time or late). */
  private async checkInAppointment(by: { id: string } | { code: string }): Promise<void> {
    const a = t().appointments
    this.phase = 'loading'
    this.message = null
    this.deps.rerender()
    try {
      const r = await apiPost<{ ticket: IssuedTicket; appointment: AppointmentView; late: boolean }>(
        `/api/centers/${encodeURIComponent(this.deps.center())}/appointments/check-in`, by, { timeoutMs: 8000 })
      this.reset()
      await this.deps.showTicket(r.ticket, fmt(r.late ? a.kioskLate : a.kioskOnTime, { time: r.appointment.time }))
    } catch (e) {
      this.phase = 'enter'
      this.message = e instanceof NetworkError ? t().kiosk.networkError : errorMessage(e)
      this.deps.rerender()
    }
  }

  private async checkIn(): Promise<void> {
    if (this.phase !== 'found') return
    this.phase = 'issuing'
    this.deps.rerender()
    try {
      const { ticket } = await apiPost<{ ticket: IssuedTicket }>(`/api/centers/${encodeURIComponent(this.deps.center())}/check-in`, { code: this.code, lookupCode: this.lookup }, { timeoutMs: 8000 })
      this.reset()
      await this.deps.showTicket(ticket)
    } catch (e) {
      this.phase = 'found'
      this.message = e instanceof NetworkError ? t().kiosk.networkError : errorMessage(e)
      this.deps.rerender()
    }
  }

  render(): (HTMLElement | null)[] {
    const w = t().dossier
    const k = t().kiosk
    if (this.booking) return this.booker.render()
    if ((this.phase === 'found' || this.phase === 'issuing') && this.dossier) return this.renderFound(this.dossier)
    const box = (which: 'code' | 'lookup', label: string, value: string, cells = 0) => h('button', {
      type: 'button', class: `entry${this.focus === which ? ' focused' : ''}`, id: `entry-${which}`, 'aria-pressed': String(this.focus === which),
      onclick: () => { this.focus = which; this.deps.rerender() },
    },
    h('span', { class: 'entry-label' }, label),
    cells
      ? h('span', { class: 'entry-cells', 'data-value': value }, ...Array.from({ length: cells }, (_, i) => h('span', { class: `cell${i === value.length && this.focus === which ? ' caret' : ''}` }, value[i] ?? '')))
      : h('span', { class: 'entry-value', 'data-value': value }, value || h('span', { class: 'entry-ph' }, w.codeExample)))
    const keys = this.focus === 'lookup' ? [...DOSSIER_LOOKUP_ALPHABET] : CODE_KEYS
    const loading = this.phase === 'loading'
    return [
      h('h1', { class: 'title' }, w.kioskEntry),
      this.deps.hasCamera()
        ? h('div', { class: 'checkin-scan-row' }, h('p', { class: 'hint checkin-scan', id: 'checkin-scan-hint' }, t().appointments.kioskScanHint),
          h('button', { type: 'button', class: 'btn btn-camera', id: 'checkin-camera', disabled: loading, onclick: () => this.openCamera() },
            markup('span', 'btn-icon', icon('camera', 40)), t().appointments.cameraOpen))
        : h('p', { class: 'hint checkin-scan', id: 'checkin-scan-hint' }, t().appointments.kioskScanHint),
      h('p', { class: 'hint' }, w.kioskIntro, ' ', t().appointments.kioskHint),
      h('p', { class: 'hint checkin-rule', id: 'checkin-rule' }, t().appointments.kioskRule),
      h('div', { class: 'entries' }, box('code', `${w.codeLabel} / ${t().appointments.codeLabel.toLowerCase()}`, this.code), box('lookup', w.lookupCodeLabel, this.lookup, 4)),
      this.message ? h('p', { class: 'checkin-message', id: 'checkin-message', role: 'alert' }, this.message) : null,
      h('div', { class: `osk ${this.focus}`, id: 'osk', role: 'group', 'aria-label': this.focus === 'code' ? w.codeLabel : w.lookupCodeLabel },
        ...keys.map((c) => h('button', { type: 'button', class: 'key', 'data-key': c, disabled: loading, onclick: () => this.press(c) }, c)),
        this.focus === 'code' ? h('button', { type: 'button', class: 'key', 'data-key': '-', 'aria-label': w.keyDash, disabled: loading, onclick: () => this.press('-') }, '-') : null,
        h('button', { type: 'button', class: 'key key-fn', 'data-key': 'back', 'aria-label': w.keyBackspace, title: w.keyBackspace, disabled: loading, onclick: () => this.press('back') }, '⌫'),
        this.focus === 'code' ? h('button', { type: 'button', class: 'key key-wide key-fn', 'data-key': 'clear', disabled: loading, onclick: () => this.press('clear') }, w.keyClear) : null),
      h('button', { type: 'button', class: 'btn btn-primary btn-find', id: 'checkin-find', disabled: loading, onclick: () => void this.find() }, loading ? (this.code || this.lookup ? w.looking : t().appointments.kioskReading) : w.lookupSubmit),
      h('div', { class: 'nav' }, h('button', { type: 'button', class: 'btn btn-back', onclick: () => this.deps.back() }, k.back),
        h('button', { type: 'button', class: 'btn btn-back', id: 'kbook-open', onclick: () => { this.booking = true; void this.booker.open() } }, t().appointments.kioskBook)),
    ]
  }

  private renderFound(d: PublicDossierView): (HTMLElement | null)[] {
    const w = t().dossier
    const k = t().kiosk
    const action = CHECK_IN[d.status]
    const when = (iso: string | null) => (iso ? `${hm(iso)}, ${dmy(iso)}` : w.notYet)
    const hint = d.status === 'ready' ? w.readyHint : d.status === 'needs_supplement' ? w.supplementHint : d.status === 'submitted_online' ? w.submittedHint
      : d.status === 'received' || d.status === 'processing' ? w.noCheckin : null
    return [
      h('section', { class: 'dossier-card', id: 'checkin-dossier', 'data-status': d.status },
        h('p', { class: 'dc-label' }, w.codeLabel),
        h('p', { class: 'dc-code', id: 'checkin-code' }, d.code),
        h('p', { class: `dc-status ds-${d.status}`, id: 'checkin-status' }, w.status[d.status]),
        hint && d.status !== 'submitted_online' ? h('p', { class: 'dc-hint' }, hint) : null,
        d.status === 'needs_supplement' && d.supplementNote ? h('p', { class: 'dc-supplement' }, `${w.supplementNote}: ${d.supplementNote}`) : null,
        h('dl', { class: 'facts' },
          h('dt', null, w.applicantLabel), h('dd', null, d.applicantMasked),
          h('dt', null, w.procedure), h('dd', null, getLang() === 'en' ? d.procedureNameEn : d.procedureNameVi),
          h('dt', null, w.dueLabel), h('dd', null, when(d.dueAt)),
          h('dt', null, w.collectLabel), h('dd', null, d.delivery === 'post' ? w.delivery.post : d.collectAt))),
      this.message ? h('p', { class: 'checkin-message', id: 'checkin-message', role: 'alert' }, this.message) : null,
      action ? h('button', { type: 'button', class: 'btn btn-primary btn-take', id: 'checkin-take', disabled: this.phase === 'issuing', onclick: () => void this.checkIn() },
        this.phase === 'issuing' ? k.issuing : w[action]) : null,
      h('div', { class: 'nav' },
        h('button', { type: 'button', class: 'btn btn-back', id: 'checkin-again', onclick: () => { this.reset(); this.deps.rerender() } }, w.lookAnother),
        h('button', { type: 'button', class: 'btn btn-back', onclick: () => this.deps.back() }, k.home)),
    ]
  }
}
