import type { FloorAlert, FloorResponse, FloorService } from '../common/staff-types.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { duration, fmt, getLang, t } from '../web/i18n.js'
import { hm, hms } from '../web/time.js'
import { splitPauseReason } from './actions.js'
import { errorText, sinceText, syncClock } from './util.js'
import { centerPublicUrl, publicBase } from '../web/qr.js'

/** W3: "1 giờ 30 phút" of working time (the online answer's 8 working hours, Art. 17.2) */
export function workingTime(minutes: number): string {
  return fmt(t().staff.workingTime, { h: Math.floor(minutes / 60), m: minutes % 60 })
}

/** The manager's live floor: every counter, every service, and what needs attention now. */
export class FloorView {
  private root: HTMLElement | null = null
  private data: FloorResponse | null = null
  private error: string | null = null
  private timer: ReturnType<typeof setInterval> | undefined
  /** the rating tablet's link of the counter the manager asked for (it carries the counter's key) */
  private tablet: { counterNumber: number; url: string } | null = null

  constructor(private deps: { center: string; onSessionEnded: (message: string) => void }) {}

  mount(root: HTMLElement) {
    this.root = root
    this.render()
    void this.refresh()
    // alerts depend on the time passing too, not only on facts
    clearInterval(this.timer)
    this.timer = setInterval(() => { if (this.root?.isConnected) void this.refresh() }, 30_000)
  }

  async refresh(): Promise<void> {
    try {
      this.data = await apiGet<FloorResponse>(`/api/centers/${encodeURIComponent(this.deps.center)}/floor`)
      syncClock(this.data.now)
      this.error = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.error = errorText(e)
    }
    this.render()
  }

  /** Asks for a counter's rating-tablet link (manager+ of its center) and shows it under the counters. */
  private async showTablet(counterId: string) {
    try {
      const { tablet } = await apiGet<{ tablet: { counterNumber: number; path: string } }>(`/api/counters/${encodeURIComponent(counterId)}/rating-tablet`)
      // the address the tablet opens: PUBLIC_URL when the install sets it (issue 24), else this console's own
      const base = publicBase(await centerPublicUrl(this.deps.center))
      this.tablet = { counterNumber: tablet.counterNumber, url: `${base}${tablet.path}` }
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.error = errorText(e)
    }
    this.render()
  }

  private tabletPanel(): HTMLElement | null {
    const tb = this.tablet
    if (!tb) return null
    const w = t().staff
    const input = h('input', { type: 'text', readonly: true, id: 'tablet-link-url', class: 'tablet-link-url', 'aria-label': fmt(w.tabletLinkLabel, { n: tb.counterNumber }),
      onfocus: (ev: Event) => (ev.target as HTMLInputElement).select() })
    input.value = tb.url
    return h('div', { class: 'tablet-link', id: 'tablet-link', 'data-counter': tb.counterNumber },
      h('h3', null, fmt(w.tabletLinkTitle, { n: tb.counterNumber })), input, h('p', { class: 'muted small' }, w.tabletLinkHint))
  }

  private render() {
    const root = this.root
    if (!root || !root.isConnected) return
    const w = t().staff
    const d = this.data
    if (!d) {
      fill(root, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    const services = new Map(d.services.map((s) => [s.id, s]))
    const name = (s: { nameVi: string; nameEn: string }) => (getLang() === 'en' ? s.nameEn : s.nameVi)
    const alertText = (a: FloorAlert) => a.kind === 'wait'
      ? fmt(w.alertWait, { prefix: a.prefix, name: name(services.get(a.serviceId) ?? { nameVi: '', nameEn: '' }), minutes: a.minutes, target: a.targetMinutes })
      : a.kind === 'pause' ? fmt(w.alertPause, { n: a.counterNumber, minutes: a.minutes, limit: a.limitMinutes })
      // W3 (Art. 17.2)
      : a.leftMinutes >= 0 ? fmt(w.alertOnline, { code: a.code, left: workingTime(a.leftMinutes) }) : fmt(w.alertOnlineLate, { code: a.code, late: workingTime(-a.leftMinutes) })
    const reasonText = (text: string | null) => {
      const { reason, note } = splitPauseReason(text)
      return reason ? `${(t().pauseReason as Record<string, string>)[reason] ?? reason}${note ? ` (${note})` : ''}` : ''
    }
    const longest = (s: FloorService) => (s.longestWaitMinutes === null ? w.noValue : duration(s.longestWaitMinutes))

    fill(root, h('div', { class: 'floor', id: 'floor' },
      h('div', { class: 'floor-head' },
        h('h1', null, w.floorTitle),
        h('p', { class: 'muted' }, `${d.center.name} · ${fmt(w.updatedAt, { time: hms(d.now) })}`)),
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      h('section', { class: `card alerts${d.alerts.length ? ' has' : ''}`, id: 'alerts', 'aria-live': 'polite' },
        h('h2', null, `${w.alertsTitle} (${d.alerts.length})`),
        d.alerts.length ? h('ul', null, ...d.alerts.map((a) => h('li', { class: `alert ${a.kind}`, 'data-kind': a.kind }, alertText(a))))
          : h('p', { class: 'muted' }, w.noAlerts),
        h('p', { class: 'muted small' }, fmt(w.pauseLimitNote, { n: d.pauseAlertMinutes }))),
      h('div', { class: 'floor-grid' },
        h('section', { class: 'card' },
          h('h2', null, w.countersTitle),
          h('table', { class: 'tbl', id: 'floor-counters' },
            h('thead', null, h('tr', null, ...[w.colCounter, w.colStaff, w.colStatus, w.colTicket, w.colTime].map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', null, ...d.counters.map((c) => {
              const paused = c.status === 'paused'
              const late = paused && c.minutesInStatus >= d.pauseAlertMinutes
              return h('tr', { 'data-counter': c.number, 'data-status': c.status, class: late ? 'late' : '' },
                h('th', { scope: 'row' }, String(c.number), ' ',
                  h('button', { type: 'button', class: 'btn btn-small tablet-btn', 'data-tablet': c.number, title: fmt(w.tabletLinkTitle, { n: c.number }),
                    onclick: () => void this.showTablet(c.id) }, w.tabletLink)),
                h('td', null, c.staffName ?? h('span', { class: 'muted' }, w.nobody)),
                h('td', null, h('span', { class: `pill ${c.status}` }, w.status[c.status]), paused ? h('span', { class: 'reason' }, ` ${reasonText(c.pauseReason)}${c.pauseUntil ? ` · ${fmt(w.pauseBackAt, { time: hm(c.pauseUntil) })}` : ''}`) : null),
                h('td', { class: 'code' }, c.currentTicket ? `${c.currentTicket.code} · ${t().ticketStatus[c.currentTicket.status]}` : ''),
                h('td', null, c.status === 'closed' ? '' : h('span', { 'data-since': c.statusSince }, sinceText(c.statusSince))))
            }))),
          this.tabletPanel()),
        h('section', { class: 'card' },
          h('h2', null, w.servicesTitle),
          h('table', { class: 'tbl', id: 'floor-services' },
            h('thead', null, h('tr', null, ...[w.colService, w.colWaiting, w.colLongest, w.colEstimate, w.colTarget, w.colServed].map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', null, ...d.services.filter((s) => s.active || s.waiting).map((s) => {
              const over = s.longestWaitMinutes !== null && s.longestWaitMinutes > s.targetWaitMinutes
              return h('tr', { 'data-service': s.prefix, class: over ? 'late' : '' },
                h('th', { scope: 'row' }, h('span', { class: 'prefix' }, s.prefix), ' ', name(s)),
                h('td', { class: 'num' }, String(s.waiting)),
                h('td', { class: 'num' }, longest(s)),
                h('td', { class: 'num' }, s.waiting ? duration(s.estimatedWaitMinutes) : w.noValue),
                h('td', { class: 'num' }, duration(s.targetWaitMinutes)),
                h('td', { class: 'num' }, String(s.servedToday)))
            })))))))
  }
}
