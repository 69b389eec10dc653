import './dossiers.css'
import { attachmentsSection } from './dossier-attachments.js'
import type { DossierDelivery, DossierHandover, DossierView } from '../common/dossier-types.js'
import type { ProcedureView, TicketView } from '../common/types.js'
import { apiGet, newRequestId } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { dmy, hm } from '../web/time.js'
import { openSlip, procedureName, slipUrl } from './dossiers-format.js'
import { apiFieldErrors, apiSend, clearErrorsOnEdit, field, formError, isUnauthorized, openDialog, setFormError, showFieldErrors, statusPill } from './dossiers-ui.js'
import { feeFields, intakeForm, type IntakeForm } from './intake-form.js'
import { openHandoverDialog } from './dossiers-handover.js'
import { errorText } from './util.js'
import type { CccdResult } from '../common/cccd.js'
import type { ScanSource } from './intake-scan.js'
import type { IntakeNotifyView, NotifyOptionsView } from '../common/notify-schemas.js'

/** The ticket as the console has it; the server adds the dossier a check-in ticket was issued for. */
type CurrentTicket = TicketView & { dossierId?: string | null; dossierCode?: string | null }
interface Deps { center: string; onSessionEnded: (message: string) => void; onChanged: () => void }

const enc = encodeURIComponent

/** "16:30 23/11/2026" */
export function dueText(iso: string | null): string {
  return iso ? `${hm(iso)} ${dmy(iso)}` : t().dossier.notYet
}

/** The center's procedures, fetched once per page (they change only in settings). */
const procedureCache = new Map<string, Promise<ProcedureView[]>>()
export function centerProcedures(center: string): Promise<ProcedureView[]> {
  let p = procedureCache.get(center)
  if (!p) {
    p = apiGet<{ procedures: ProcedureView[] }>(`/api/centers/${enc(center)}/procedures`).then((r) => r.procedures)
    p.catch(() => procedureCache.delete(center))
    procedureCache.set(center, p)
  }
  return p
}

/** issue 24: the phone channels on (the intake form's consent box), fetched once per page */
let phoneChannels: Promise<NotifyOptionsView['phones']> | null = null
function phoneChannelsOnce(): Promise<NotifyOptionsView['phones']> {
  phoneChannels ??= apiGet<NotifyOptionsView>('/api/notify/options').then((o) => o.phones ?? [], () => { phoneChannels = null; return [] })
  return phoneChannels
}

/**
 * The dossier part of the clerk's current ticket: "Tiếp nhận hồ sơ" (F2) opens the intake form; a ticket
 * taken at the kiosk with a dossier code shows that dossier, with "Tiếp nhận" for an online filing and
 * "Trả kết quả" for a ready result. Redrawn with the console (every live fact), so it draws from what it
 * already fetched and refetches the linked dossier in the background.
 */
export class IntakePanel {
  private linked = new Map<string, DossierView>()
  private fetching = new Set<string>()
  /** dossiers received from each ticket during this session: their slips can be printed again */
  private received = new Map<string, DossierView[]>()
  /** issue 24: where messages about a dossier received here go (the citizen consented at the counter), by dossier id */
  private notified = new Map<string, IntakeNotifyView>()
  private el: HTMLElement | null = null
  private ticket: CurrentTicket | null = null
  private error: string | null = null
  /** the last hand-over done here, said once */
  private ok: string | null = null

  constructor(private deps: Deps) {}

  element(ticket: CurrentTicket): HTMLElement {
    if (this.ticket?.id !== ticket.id) this.ok = null
    this.ticket = ticket
    this.el = h('section', { class: 'intake', id: 'intake' })
    this.draw()
    if (ticket.dossierId) void this.loadLinked(ticket.dossierId)
    return this.el
  }

  /** the intake form while its dialog is open: an ID card scanned anywhere fills it (W1) */
  private form: IntakeForm | null = null

  /**
   * An ID card's QR read on the counter tab (staff/intake-scan.ts): into the open intake form, or it opens the
   * form for the ticket at the desk. False when there is no ticket to receive a dossier for.
   */
  onScan(r: CccdResult, source: ScanSource): boolean {
    // the dialog may have been removed without its close event (a submit closes and removes it at once)
    if (this.form && !this.form.form.isConnected) { this.form.stopCamera(); this.form = null }
    if (!this.form && this.ticket && document.getElementById('intake-open') && !document.querySelector('dialog[open]')) this.openIntake()
    if (!this.form) return false
    this.form.scanned(r, source)
    return true
  }

  /** F2 anywhere on the counter tab opens the form (when a ticket is at the desk). */
  onKey(ev: KeyboardEvent): boolean {
    if (ev.key !== 'F2' || !this.ticket || !document.getElementById('intake-open')) return false
    ev.preventDefault()
    this.openIntake()
    return true
  }

  private async loadLinked(id: string): Promise<void> {
    if (this.fetching.has(id)) return
    this.fetching.add(id)
    try {
      const { dossier } = await apiGet<{ dossier: DossierView }>(`/api/dossiers/${enc(id)}`)
      this.linked.set(id, dossier)
      this.error = null
    } catch (e) {
      if (isUnauthorized(e)) return this.deps.onSessionEnded(errorText(e))
      this.error = errorText(e)
    } finally {
      this.fetching.delete(id)
    }
    this.draw()
  }

  private draw(): void {
    const el = this.el
    const tk = this.ticket
    if (!el || !tk) return
    const w = t().dossier
    const linked = tk.dossierId ? this.linked.get(tk.dossierId) : undefined
    const mine = this.received.get(tk.id) ?? []
    fill(el,
      tk.dossierId ? this.linkedCard(tk, linked) : null,
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      this.ok ? h('p', { class: 'notice ok', role: 'status' }, this.ok) : null,
      ...mine.map((d) => h('p', { class: 'notice ok just-received', 'data-dossier': d.code },
        fmt(w.receivedOk, { code: d.code, due: dueText(d.dueAt) }), ' · ',
        ...this.notifiedText(d.id),
        h('a', { href: slipUrl(d.id, 'tiep-nhan'), target: '_blank', class: 'print-again' }, w.printReceipt))),
      h('button', { type: 'button', class: 'btn intake-btn', id: 'intake-open', onclick: () => this.openIntake() },
        h('span', null, w.intake), h('kbd', null, 'F2')))
  }

  private notifiedText(id: string): (HTMLElement | string)[] {
    const n = this.notified.get(id)
    if (!n) return []
    const words = t().notify
    return [h('span', { class: 'intake-notify-on' }, fmt(words.counterOn, { channel: words.panel.channelNames[n.channel], to: n.to })), ' · ']
  }

  private linkedCard(tk: CurrentTicket, d: DossierView | undefined): HTMLElement {
    const w = t().dossier
    if (!d) return h('div', { class: 'linked', id: 'linked-dossier' }, h('p', { class: 'muted' }, `${w.ticketDossier}: ${tk.dossierCode ?? ''} · ${t().pages.loading}`))
    const action = d.status === 'submitted_online'
      ? h('button', { type: 'button', class: 'btn btn-primary', id: 'linked-receive', onclick: () => this.openReceive(d) }, w.receiveOnline)
      : d.status === 'ready'
        ? h('button', { type: 'button', class: 'btn btn-primary', id: 'linked-return', onclick: () => void this.returnResult(d) }, w.returnResult)
        : d.status === 'needs_supplement'
          ? h('button', { type: 'button', class: 'btn btn-primary', id: 'linked-resume', onclick: () => void this.move(d, 'processing') }, w.completeSupplement)
          : null
    return h('div', { class: 'linked', id: 'linked-dossier', 'data-dossier': d.code, 'data-status': d.status },
      h('div', { class: 'linked-head' }, h('strong', null, `${w.ticketDossier}: `, h('span', { class: 'linked-code' }, d.code)), statusPill(d.status)),
      h('p', null, `${procedureName(d)} · ${d.applicant.fullName}`),
      d.dueAt ? h('p', { class: 'muted small' }, `${w.dueAt}: ${dueText(d.dueAt)}`) : null,
      d.supplementNote && d.status === 'needs_supplement' ? h('p', { class: 'small' }, `${w.supplementNote}: ${d.supplementNote}`) : null,
      action)
  }

  /** Returns the refusal's text, or null when the move went through. */
  private async move(d: DossierView, status: 'returned' | 'processing', handover?: DossierHandover): Promise<string | null> {
    let refused: string | null = null
    try {
      const { dossier } = await apiSend<{ dossier: DossierView }>(`/api/dossiers/${enc(d.id)}/status`, handover ? { status, handover } : { status })
      this.linked.set(d.id, dossier)
      this.error = null
      this.ok = status === 'returned' ? fmt(t().dossier.returnedOk, { code: dossier.code }) : null
      // the supplement completed: the processing time restarted (Art. 19.5), the new receipt says until when
      if (d.status === 'needs_supplement') openSlip(dossier.id, 'tiep-nhan')
    } catch (e) {
      if (isUnauthorized(e)) { this.deps.onSessionEnded(errorText(e)); return null }
      this.error = refused = errorText(e)
      void this.loadLinked(d.id)
    }
    this.draw()
    this.deps.onChanged()
    return refused
  }

  /** Who takes the result is written down (Art. 6.2.b–c): the applicant, or an authorised person. */
  private returnResult(d: DossierView) {
    openHandoverDialog(d, (handover) => this.move(d, 'returned', handover))
  }

  // ---------- the intake form ----------

  private openIntake(): void {
    const tk = this.ticket
    if (!tk) return
    const requestId = newRequestId()
    const f = intakeForm(tk)
    clearErrorsOnEdit(f.form)
    f.form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      void this.submitIntake(tk, f, requestId, () => close())
    })
    let close = () => {}
    const dlg = openDialog('intake-dialog', fmt(t().dossier.intakeTitle, { code: tk.code }), (c) => {
      // the camera goes off with the dialog, however it closes
      close = () => { f.stopCamera(); c() }
      return [f.form, h('div', { class: 'dlg-foot' }, h('button', { type: 'button', class: 'btn', onclick: () => close() }, t().staff.closeDialog))]
    }, 'dlg-wide')
    this.form = f
    dlg.addEventListener('close', () => { f.stopCamera(); if (this.form === f) this.form = null })
    f.search.focus()
    f.drawList()
    centerProcedures(this.deps.center).then(f.setProcedures).catch((e) => setFormError(f.error, errorText(e)))
    void phoneChannelsOnce().then(f.setPhoneChannels)
  }

  /** Sends the intake and prints its receipt; the form's one requestId makes a retry after a failure receive it once. */
  private async submitIntake(tk: CurrentTicket, f: IntakeForm, requestId: string, close: () => void): Promise<void> {
    if (!f.check()) return
    f.sending(true)
    try {
      const { dossier, notify } = await apiSend<{ dossier: DossierView; notify: IntakeNotifyView | null }>('/api/dossiers', f.body(requestId))
      close()
      if (notify) this.notified.set(dossier.id, notify)
      this.received.set(tk.id, [...(this.received.get(tk.id) ?? []), dossier])
      this.error = null
      this.draw()
      openSlip(dossier.id, 'tiep-nhan')
      this.deps.onChanged()
    } catch (e) {
      if (isUnauthorized(e)) { close(); return this.deps.onSessionEnded(errorText(e)) }
      f.refused(e)
    }
  }

  /**
   * W2 (issue 22): a dossier received with no ticket (by post, from the information desk, a citizen the
   * clerk serves without one): the same form, which then asks how the dossier came.
   */
  openWithoutTicket(): void {
    const requestId = newRequestId()
    const f = intakeForm(null)
    clearErrorsOnEdit(f.form)
    let close = () => {}
    f.form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      if (!f.check()) return
      f.sending(true)
      apiSend<{ dossier: DossierView }>('/api/dossiers', f.body(requestId)).then(({ dossier }) => {
        close()
        openSlip(dossier.id, 'tiep-nhan')
        this.deps.onChanged()
      }, (e: unknown) => {
        if (isUnauthorized(e)) { close(); return this.deps.onSessionEnded(errorText(e)) }
        f.refused(e)
      })
    })
    const dlg = openDialog('intake-dialog', t().dossier.intakeNoTicketTitle, (c) => {
      close = c
      return [f.form, h('div', { class: 'dlg-foot' }, h('button', { type: 'button', class: 'btn', onclick: c }, t().staff.closeDialog))]
    }, 'dlg-wide')
    this.form = f
    dlg.addEventListener('close', () => { f.stopCamera(); if (this.form === f) this.form = null })
    f.search.focus()
    f.drawList()
    centerProcedures(this.deps.center).then(f.setProcedures).catch((e) => setFormError(f.error, errorText(e)))
    void phoneChannelsOnce().then(f.setPhoneChannels)
  }

  // ---------- receiving an online filing ----------

  private openReceive(d: DossierView): void {
    const tk = this.ticket
    const w = t().dossier
    const docs = h('fieldset', { class: 'docs-check', 'data-field': 'documents' }, h('legend', null, w.documents),
      h('p', { class: 'muted small' }, w.documentsHint),
      ...d.documents.map((x) => h('label', { class: 'doc-option' }, h('input', { type: 'checkbox', name: 'doc', 'data-doc': x.name }), h('span', { lang: 'vi' }, x.name))),
      h('span', { class: 'field-error', hidden: true }))
    const sets = h('input', { type: 'number', min: 1, max: 99, value: d.sets || 1 })
    const delivery = h('div', { class: 'radios', role: 'radiogroup' }, ...(['center', 'post'] as DossierDelivery[]).map((v) =>
      h('label', null, h('input', { type: 'radio', name: 'delivery', value: v, checked: v === d.delivery }), ' ', w.delivery[v])))
    const fee = feeFields(w) // W2 (issue 22): the fee, paid when the filing is received
    fee.due(d.procedure.feeVnd)
    const error = formError()
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-big', id: 'receive-submit' }, w.submitIntake)
    const form = h('form', { class: 'intake-form', id: 'receive-form', novalidate: true },
      h('p', null, h('strong', null, procedureName(d)), ` · ${d.applicant.fullName} · ${d.applicant.phone}`),
      docs,
      attachmentsSection(d), // issue 22: the files the citizen attached online
      h('div', { class: 'row2' }, field('sets', w.sets, sets), h('div', { class: 'field' }, h('span', { class: 'label' }, w.deliveryLabel), delivery)),
      fee.element,
      error,
      h('div', { class: 'dlg-actions' }, submit))
    let close = () => {}
    clearErrorsOnEdit(form)
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const boxes = [...docs.querySelectorAll<HTMLInputElement>('input[name=doc]')]
      const n = Number(sets.value)
      const problems: Record<string, string> = {}
      if (!boxes.some((b) => b.checked)) problems.documents = w.noDocumentChecked
      if (!Number.isInteger(n) || n < 1 || n > 99) problems.sets = w.setsInvalid
      if (!fee.valid()) problems['fee.paidVnd'] = w.feeInvalid
      if (!showFieldErrors(form, problems)) { setFormError(error, w.fixFields); return }
      submit.disabled = true
      try {
        const { dossier } = await apiSend<{ dossier: DossierView }>(`/api/dossiers/${enc(d.id)}/receive`, {
          ...(tk ? { ticketId: tk.id } : {}),
          documents: boxes.map((b) => ({ name: b.dataset.doc!, received: b.checked })),
          sets: n,
          delivery: (form.querySelector<HTMLInputElement>('input[name=delivery]:checked')?.value ?? 'center') as DossierDelivery,
          ...fee.body(),
        })
        close()
        this.linked.set(dossier.id, dossier)
        if (tk) this.received.set(tk.id, [...(this.received.get(tk.id) ?? []), dossier])
        this.draw()
        openSlip(dossier.id, 'tiep-nhan')
        this.deps.onChanged()
      } catch (e) {
        if (isUnauthorized(e)) { close(); return this.deps.onSessionEnded(errorText(e)) }
        const { text, fields } = apiFieldErrors(e)
        showFieldErrors(form, fields)
        setFormError(error, text)
        submit.disabled = false
      }
    })
    openDialog('receive-dialog', fmt(w.receiveTitle, { code: d.code }), (c) => {
      close = c
      return [form, h('div', { class: 'dlg-foot' }, h('button', { type: 'button', class: 'btn', onclick: c }, t().staff.closeDialog))]
    })
    docs.querySelector<HTMLInputElement>('input')?.focus()
  }
}
