import { FEE_METHODS, type DossierChannel, type DossierDelivery, type FeeMethod } from '../common/dossier-types.js'
import type { ProcedureView, TicketView } from '../common/types.js'
import { fill, h } from '../web/dom.js'
import { daysText, feeText, fmt, fold, getLang, t } from '../web/i18n.js'
import { apiFieldErrors, field, formError, setFormError, showFieldErrors } from './dossiers-ui.js'
import type { CccdResult } from '../common/cccd.js'
import { cameraPanel, type ScanSource } from './intake-scan.js'
import { mobileOf, normalizePhone } from '../common/fold.js'

// The counter's intake form, which staff/intake.ts opens in a dialog for the ticket at the desk: the procedure
// picker with its document checklist, the applicant, what the form checks before it sends, and the body it sends.

/** issue 22: any usual spelling (0912 345 678, 0912-345-678, +84 912 345 678), as the server stores it (common/fold.ts) */
const PHONE = /^(0\d{8,10}|\+[1-9]\d{7,14})$/

type IntakeTicket = Pick<TicketView, 'id' | 'code' | 'serviceId'>

export interface IntakeForm {
  form: HTMLFormElement
  search: HTMLInputElement
  error: HTMLElement
  drawList: () => void
  /** the center's procedures have arrived */
  setProcedures: (procs: ProcedureView[]) => void
  /** Marks the fields the form's own checks refuse; true when none. */
  check: () => boolean
  /** the request body, once check() passed */
  body: (requestId: string) => unknown
  /** the submit button while the request is out, and back */
  sending: (on: boolean) => void
  /** the server refused: its message, and the fields it named */
  refused: (e: unknown) => void
  /** W1: an ID card's QR was read (scanner or camera): a card fills the applicant, a refusal says why and fills nothing */
  scanned: (r: CccdResult, source: ScanSource) => void
  /** stops the camera (the dialog closed) */
  stopCamera: () => void
  /** issue 24: the phone channels on (default first): the consent box shows when there is one, the choice when two */
  setPhoneChannels: (channels: PhoneChannel[]) => void
}

type PhoneChannel = 'sms' | 'zalo'

/** `tk` null: a dossier received without a ticket (W2), which says how it came. */
export function intakeForm(tk: IntakeTicket | null): IntakeForm {
  const w = t().dossier
  const name = h('input', { autocomplete: 'off', maxlength: 120 })
  const phone = h('input', { type: 'tel', inputmode: 'tel', autocomplete: 'off', maxlength: 15 })
  const address = h('input', { autocomplete: 'off', maxlength: 300 })
  const idNumber = h('input', { autocomplete: 'off', maxlength: 20, inputmode: 'numeric' })
  // W1: what the ID card's QR fills besides, and how the ID was checked (Decree 118 Art. 17.1.a)
  const c = t().cccd
  const birthDate = h('input', { type: 'date', min: '1900-01-01', max: new Date().toISOString().slice(0, 10) })
  const sex = h('select', null, h('option', { value: '' }, '—'), h('option', { value: 'male' }, c.sexes.male), h('option', { value: 'female' }, c.sexes.female))
  let idCheck: ScanSource | null = null
  idNumber.addEventListener('input', () => { idCheck = null })
  const scanNote = h('p', { class: 'notice scan-note', id: 'scan-note', role: 'status', hidden: true })
  const scanned = (r: CccdResult, source: ScanSource) => {
    scanNote.hidden = false
    if (!r.ok) {
      scanNote.className = 'notice error scan-note'
      scanNote.textContent = fmt(c.refused, { reason: c.problems[r.problem] })
      return
    }
    const card = r.card
    name.value = card.fullName
    address.value = card.address
    idNumber.value = card.idNumber
    birthDate.value = card.birthDate
    sex.value = card.sex
    idCheck = source
    for (const el of [name, address, idNumber, birthDate, sex]) el.dispatchEvent(new Event('change', { bubbles: true }))
    scanNote.className = 'notice ok scan-note'
    scanNote.textContent = fmt(c.filled, { name: card.fullName, id: card.idNumber })
    // issue 22: the card gives all but the phone: the clerk types it next, with no click
    if (!phone.value.trim()) phone.focus()
  }
  const camera = cameraPanel(scanned)
  const consent = consentBox()
  const sets = h('input', { type: 'number', min: 1, max: 99, value: 1 })
  const note = h('textarea', { rows: 2, maxlength: 500 })
  const error = formError()
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-big', id: 'intake-submit' }, w.submitIntake)
  const pick = procedurePicker(tk, name, (p) => fee.due(p.feeVnd))
  const fee = feeFields(w) // W2 (issue 22): the fee, Decree 118 Art. 24
  const channel = tk ? null : h('div', { class: 'radios', role: 'radiogroup', id: 'intake-channel' }, ...(['counter', 'post', 'online'] as DossierChannel[]).map((v) =>
    h('label', null, h('input', { type: 'radio', name: 'channel', value: v, checked: v === 'counter' }), ' ', w.channelChoice[v])))
  const delivery = h('div', { class: 'radios', role: 'radiogroup' }, ...(['center', 'post'] as DossierDelivery[]).map((v) =>
    h('label', null, h('input', { type: 'radio', name: 'delivery', value: v, checked: v === 'center' }), ' ', w.delivery[v])))

  const form = h('form', { class: 'intake-form', id: 'intake-form', novalidate: true },
    h('div', { class: 'intake-grid' },
      h('div', { class: 'intake-col' },
        h('div', { class: 'field', 'data-field': 'procedureId' },
          h('label', { for: 'proc-filter' }, w.procedureSearch), pick.search, pick.list, h('span', { class: 'field-error', hidden: true })),
        pick.procInfo, pick.docs),
      h('div', { class: 'intake-col' },
        h('h3', null, w.applicant),
        scanNote, camera.element,
        field('fullName', w.fullName, name),
        field('phone', w.phone, phone),
        consent.element,
        field('address', w.address, address),
        field('idNumber', w.idNumber, idNumber),
        // after the ID number in the Tab order: the keyboard's way through the form (documents → name) stays as it was
        h('div', { class: 'scan-row' }, h('button', { type: 'button', class: 'btn btn-small', id: 'scan-camera', onclick: () => void camera.start() }, c.scanCamera)),
        h('div', { class: 'row-half' }, field('birthDate', c.birthDate, birthDate), field('sex', c.sex, sex)),
        h('div', { class: 'row2' }, field('sets', w.sets, sets),
          h('div', { class: 'field', 'data-field': 'delivery' }, h('span', { class: 'label' }, w.deliveryLabel), delivery)),
        channel ? h('div', { class: 'field', 'data-field': 'channel' }, h('span', { class: 'label' }, w.channelInput), channel) : null,
        field('note', w.note, note))),
    // last in the order of the work: the fee is paid once the dossier is accepted
    fee.element,
    error,
    h('div', { class: 'dlg-actions' }, submit))

  // issue 22: Ctrl+Enter saves from any field (Enter alone picks a procedure, or ticks nothing)
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); form.requestSubmit() }
  })
  const boxes = () => [...pick.docs.querySelectorAll<HTMLInputElement>('input[name=doc]')]
  const sending = (on: boolean) => { submit.disabled = on; submit.textContent = on ? w.saving : w.submitIntake }
  return {
    form, search: pick.search, error, drawList: pick.drawList, setProcedures: pick.setProcedures, sending, scanned, stopCamera: camera.stop,
    setPhoneChannels: consent.setChannels,
    check: () => {
      const problems: Record<string, string> = {}
      if (!pick.chosen()) problems.procedureId = w.chooseProcedureFirst
      if (!name.value.trim()) problems.fullName = w.fieldRequired
      if (!PHONE.test(normalizePhone(phone.value))) problems.phone = phone.value.trim() ? w.phoneInvalid : w.fieldRequired
      // messages go to a mobile number only (a landline or a foreign number gets no SMS)
      else if (consent.body().notify && !mobileOf(phone.value)) problems.phone = t().errors.NOTIFY_PHONE_INVALID
      if (!address.value.trim()) problems.address = w.fieldRequired
      const n = Number(sets.value)
      if (!Number.isInteger(n) || n < 1 || n > 99) problems.sets = w.setsInvalid
      if (idNumber.value.trim() && !/^(\d{9}|\d{12})$/.test(idNumber.value.trim())) problems.idNumber = w.idInvalid
      if (birthDate.value && !(birthDate.value >= birthDate.min && birthDate.value <= birthDate.max)) problems.birthDate = c.birthDateInvalid
      if (pick.chosen() && !boxes().some((b) => b.checked)) problems.documents = w.noDocumentChecked
      if (!fee.valid()) problems['fee.paidVnd'] = w.feeInvalid
      if (!showFieldErrors(form, problems)) { setFormError(error, w.fixFields); return false }
      setFormError(error, null)
      return true
    },
    body: (requestId) => ({
      ...(tk ? { ticketId: tk.id } : { channel: (form.querySelector<HTMLInputElement>('input[name=channel]:checked')?.value ?? 'counter') as DossierChannel }),
      procedureId: pick.chosen()!.id, requestId,
      ...fee.body(),
      applicant: { fullName: name.value.trim(), phone: phone.value.replace(/[\s.]/g, ''), address: address.value.trim(), idNumber: idNumber.value.trim() || null,
        birthDate: birthDate.value || null, sex: (sex.value || null) as 'male' | 'female' | null },
      ...(idNumber.value.trim() ? { idCheck: idCheck ?? 'typed' } : { idCheck: 'none' }),
      documents: boxes().map((b) => ({ name: b.dataset.doc!, received: b.checked })),
      sets: Number(sets.value),
      delivery: (form.querySelector<HTMLInputElement>('input[name=delivery]:checked')?.value ?? 'center') as DossierDelivery,
      ...(note.value.trim() ? { note: note.value.trim() } : {}),
      ...consent.body(),
    }),
    refused: (e) => {
      const { text, fields } = apiFieldErrors(e)
      showFieldErrors(form, fields)
      setFormError(error, text)
      sending(false)
    },
  }
}

/**
 * Issue 24: "the citizen agrees to receive messages about this dossier at this number" (Decree 13/2023),
 * unticked, under the phone; the clerk ticks it only when the citizen says yes. SMS or Zalo when both are on.
 * Hidden while no phone channel is on (then nothing is sent either way).
 */
function consentBox() {
  const n = t().notify
  const box = h('input', { type: 'checkbox', id: 'intake-notify-consent' })
  const choice = h('div', { class: 'radios', role: 'radiogroup', id: 'intake-notify-channel', 'aria-label': n.counterChannel, hidden: true })
  const element = h('div', { class: 'field intake-notify', 'data-field': 'notify', id: 'intake-notify', hidden: true },
    h('label', { class: 'check' }, box, h('span', null, n.counterConsent)), choice)
  let channels: PhoneChannel[] = []
  return {
    element,
    setChannels: (list: PhoneChannel[]) => {
      channels = list
      element.hidden = list.length === 0
      choice.hidden = list.length < 2
      fill(choice, h('span', { class: 'label' }, `${n.counterChannel}:`), ...list.map((c, i) =>
        h('label', null, h('input', { type: 'radio', name: 'notify-channel', value: c, checked: i === 0 }), ' ', n.panel.channelNames[c])))
    },
    /** the request's `notify`, when ticked */
    body: (): { notify?: { consent: true; channel?: PhoneChannel } } => {
      if (!box.checked || channels.length === 0) return {}
      const chosen = choice.querySelector<HTMLInputElement>('input[name=notify-channel]:checked')?.value as PhoneChannel | undefined
      return { notify: { consent: true, ...(channels.length > 1 && chosen ? { channel: chosen } : {}) } }
    },
  }
}

/**
 * The procedure search and its list (the ticket's own service first), and the chosen procedure's
 * processing time, fee and documents to tick. `next` takes the focus after Enter when there is none to tick.
 */
function procedurePicker(tk: IntakeTicket | null, next: HTMLElement, onChoose: (p: ProcedureView) => void = () => {}) {
  const w = t().dossier
  let procs: ProcedureView[] = []
  let chosen: ProcedureView | null = null
  const search = h('input', { type: 'search', id: 'proc-filter', autocomplete: 'off', spellcheck: 'false', placeholder: w.procedureSearchHint })
  const list = h('div', { class: 'proc-pick', id: 'proc-pick', role: 'radiogroup', 'aria-label': w.procedure })
  const procInfo = h('p', { class: 'muted small', id: 'proc-info' })
  const docs = h('fieldset', { class: 'docs-check', id: 'docs-check' }, h('legend', null, w.documents))

  const drawList = () => {
    const q = fold(search.value).split(/\s+/).filter(Boolean)
    const hit = (p: ProcedureView) => { const hay = fold(`${p.nameVi} ${p.nameEn} ${p.code}`); return q.every((x) => hay.includes(x)) }
    const own = procs.filter((p) => p.serviceId === tk?.serviceId && hit(p))
    const other = procs.filter((p) => p.serviceId !== tk?.serviceId && hit(p))
    const option = (p: ProcedureView) => h('label', { class: 'proc-option', 'data-procedure': p.code },
      h('input', { type: 'radio', name: 'procedure', value: p.id, checked: chosen?.id === p.id, onchange: () => choose(p) }),
      h('span', null, getLang() === 'en' ? p.nameEn : p.nameVi, h('small', null, ` · ${daysText(p.processingDays)}`)))
    fill(list,
      own.length ? h('p', { class: 'proc-group' }, fmt(w.thisService, { code: tk?.code ?? '' })) : null, ...own.map(option),
      other.length && own.length ? h('p', { class: 'proc-group' }, w.otherServices) : null, ...other.map(option),
      !own.length && !other.length ? h('p', { class: 'muted' }, procs.length ? w.noProcedure : t().pages.loading) : null)
  }
  const choose = (p: ProcedureView) => {
    chosen = p
    onChoose(p)
    procInfo.textContent = fmt(w.processingLine, { days: daysText(p.processingDays), fee: feeText(p.feeVnd, getLang() === 'vi' ? p.feeNote : '') })
    fill(docs, h('legend', null, w.documents), h('p', { class: 'muted small' }, w.documentsHint, ' ', w.docsAllKey),
      ...p.documents.map((d, i) => h('label', { class: 'doc-option' }, h('input', { type: 'checkbox', name: 'doc', value: String(i), 'data-doc': d }), h('span', { lang: 'vi' }, d))),
      h('span', { class: 'field-error', hidden: true }))
    docs.dataset.field = 'documents'
  }
  search.addEventListener('input', drawList)
  // Enter in the search picks the first match: the clerk types "khai sinh" ⏎, then ticks the documents
  // (Space, Tab) and goes on to the applicant: the form's order is the order of the work
  search.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter') return
    ev.preventDefault()
    const first = list.querySelector<HTMLInputElement>('input[type=radio]')
    if (!first) return
    first.checked = true
    first.dispatchEvent(new Event('change', { bubbles: true }))
    ;(docs.querySelector<HTMLInputElement>('input[name=doc]') ?? next).focus()
  })
  // issue 22: "+" on the checklist ticks every document (the citizen handed in all of them): one key, not Space-Tab per line
  docs.addEventListener('keydown', (ev) => {
    if (ev.key !== '+' || ev.ctrlKey || ev.altKey || ev.metaKey) return
    ev.preventDefault()
    for (const b of docs.querySelectorAll<HTMLInputElement>('input[name=doc]')) {
      if (!b.checked) { b.checked = true; b.dispatchEvent(new Event('change', { bubbles: true })) }
    }
  })
  const setProcedures = (p: ProcedureView[]) => {
    procs = p
    drawList()
    // the ticket's own service first: with a single procedure there, it is chosen already
    const own = procs.filter((x) => x.serviceId === tk?.serviceId)
    if (own.length === 1 && !chosen) { choose(own[0]!); drawList() }
  }
  return { search, list, procInfo, docs, drawList, setProcedures, chosen: () => chosen }
}

/**
 * W2 (issue 22): the fee part of the intake (Decree 118 Art. 24): what the procedure asks, what was paid,
 * how, and the receipt's number. Left empty, no payment is recorded (it can be recorded later).
 */
export function feeFields(w: ReturnType<typeof t>['dossier']) {
  const due = h('strong', { id: 'fee-due' }, '—')
  const paid = h('input', { type: 'number', id: 'fee-paid', min: 0, max: 100_000_000, step: 1000, inputmode: 'numeric' })
  const method = h('select', { id: 'fee-method' }, ...FEE_METHODS.map((m) => h('option', { value: m }, w.feeMethods[m])))
  const receipt = h('input', { id: 'fee-receipt', maxlength: 40, autocomplete: 'off' })
  const element = h('fieldset', { class: 'fee-fields', id: 'fee-fields' }, h('legend', null, w.feeTitle),
    h('p', { class: 'small' }, `${w.feeDue}: `, due),
    h('div', { class: 'row3' },
      field('fee.paidVnd', w.feePaid, paid), field('fee.method', w.feeMethod, method), field('fee.receiptNumber', w.feeReceipt, receipt)))
  const amount = () => (paid.value.trim() === '' ? null : Number(paid.value))
  return {
    element,
    due: (vnd: number) => {
      due.textContent = vnd ? `${vnd.toLocaleString('vi-VN')} đ` : t().pages.feeFree
      if (paid.value.trim() === '' && vnd) paid.placeholder = String(vnd)
    },
    valid: () => { const a = amount(); return a === null || (Number.isInteger(a) && a >= 0 && a <= 100_000_000) },
    body: () => {
      const a = amount()
      if (a === null) return {}
      return { fee: { paidVnd: a, method: method.value as FeeMethod, ...(receipt.value.trim() ? { receiptNumber: receipt.value.trim() } : {}) } }
    },
  }
}
