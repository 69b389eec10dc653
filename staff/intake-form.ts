import type { DossierDelivery } from '../common/dossier-types.js'
import type { ProcedureView, TicketView } from '../common/types.js'
import { fill, h } from '../web/dom.js'
import { daysText, feeText, fmt, fold, getLang, t } from '../web/i18n.js'
import { apiFieldErrors, field, formError, setFormError, showFieldErrors } from './dossiers-ui.js'

// The counter's intake form, which staff/intake.ts opens in a dialog for the ticket at the desk: the procedure
// picker with its document checklist, the applicant, what the form checks before it sends, and the body it sends.

const PHONE = /^0\d{8,10}$/

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
}

export function intakeForm(tk: IntakeTicket): IntakeForm {
  const w = t().dossier
  const name = h('input', { autocomplete: 'off', maxlength: 120 })
  const phone = h('input', { type: 'tel', inputmode: 'tel', autocomplete: 'off', maxlength: 15 })
  const address = h('input', { autocomplete: 'off', maxlength: 200 })
  const idNumber = h('input', { autocomplete: 'off', maxlength: 20, inputmode: 'numeric' })
  const sets = h('input', { type: 'number', min: 1, max: 99, value: 1 })
  const note = h('textarea', { rows: 2, maxlength: 500 })
  const error = formError()
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-big', id: 'intake-submit' }, w.submitIntake)
  const pick = procedurePicker(tk, name)
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
        field('fullName', w.fullName, name),
        field('phone', w.phone, phone),
        field('address', w.address, address),
        field('idNumber', w.idNumber, idNumber),
        h('div', { class: 'row2' }, field('sets', w.sets, sets),
          h('div', { class: 'field', 'data-field': 'delivery' }, h('span', { class: 'label' }, w.deliveryLabel), delivery)),
        field('note', w.note, note))),
    error,
    h('div', { class: 'dlg-actions' }, submit))

  const boxes = () => [...pick.docs.querySelectorAll<HTMLInputElement>('input[name=doc]')]
  const sending = (on: boolean) => { submit.disabled = on; submit.textContent = on ? w.saving : w.submitIntake }
  return {
    form, search: pick.search, error, drawList: pick.drawList, setProcedures: pick.setProcedures, sending,
    check: () => {
      const problems: Record<string, string> = {}
      if (!pick.chosen()) problems.procedureId = w.chooseProcedureFirst
      if (!name.value.trim()) problems.fullName = w.fieldRequired
      if (!PHONE.test(phone.value.replace(/[\s.]/g, ''))) problems.phone = phone.value.trim() ? w.phoneInvalid : w.fieldRequired
      if (!address.value.trim()) problems.address = w.fieldRequired
      const n = Number(sets.value)
      if (!Number.isInteger(n) || n < 1 || n > 99) problems.sets = w.setsInvalid
      if (idNumber.value.trim() && !/^(\d{9}|\d{12})$/.test(idNumber.value.trim())) problems.idNumber = w.idInvalid
      if (pick.chosen() && !boxes().some((b) => b.checked)) problems.documents = w.noDocumentChecked
      if (!showFieldErrors(form, problems)) { setFormError(error, w.fixFields); return false }
      setFormError(error, null)
      return true
    },
    body: (requestId) => ({
      ticketId: tk.id, procedureId: pick.chosen()!.id, requestId,
      applicant: { fullName: name.value.trim(), phone: phone.value.replace(/[\s.]/g, ''), address: address.value.trim(), idNumber: idNumber.value.trim() || null },
      documents: boxes().map((b) => ({ name: b.dataset.doc!, received: b.checked })),
      sets: Number(sets.value),
      delivery: (form.querySelector<HTMLInputElement>('input[name=delivery]:checked')?.value ?? 'center') as DossierDelivery,
      ...(note.value.trim() ? { note: note.value.trim() } : {}),
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
 * The procedure search and its list (the ticket's own service first), and the chosen procedure's
 * processing time, fee and documents to tick. `next` takes the focus after Enter when there is none to tick.
 */
function procedurePicker(tk: IntakeTicket, next: HTMLElement) {
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
    const own = procs.filter((p) => p.serviceId === tk.serviceId && hit(p))
    const other = procs.filter((p) => p.serviceId !== tk.serviceId && hit(p))
    const option = (p: ProcedureView) => h('label', { class: 'proc-option', 'data-procedure': p.code },
      h('input', { type: 'radio', name: 'procedure', value: p.id, checked: chosen?.id === p.id, onchange: () => choose(p) }),
      h('span', null, getLang() === 'en' ? p.nameEn : p.nameVi, h('small', null, ` · ${daysText(p.processingDays)}`)))
    fill(list,
      own.length ? h('p', { class: 'proc-group' }, fmt(w.thisService, { code: tk.code })) : null, ...own.map(option),
      other.length ? h('p', { class: 'proc-group' }, w.otherServices) : null, ...other.map(option),
      !own.length && !other.length ? h('p', { class: 'muted' }, procs.length ? w.noProcedure : t().pages.loading) : null)
  }
  const choose = (p: ProcedureView) => {
    chosen = p
    procInfo.textContent = fmt(w.processingLine, { days: daysText(p.processingDays), fee: feeText(p.feeVnd, getLang() === 'vi' ? p.feeNote : '') })
    fill(docs, h('legend', null, w.documents), h('p', { class: 'muted small' }, w.documentsHint),
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
  const setProcedures = (p: ProcedureView[]) => {
    procs = p
    drawList()
    // the ticket's own service first: with a single procedure there, it is chosen already
    const own = procs.filter((x) => x.serviceId === tk.serviceId)
    if (own.length === 1 && !chosen) { choose(own[0]!); drawList() }
  }
  return { search, list, procInfo, docs, drawList, setProcedures, chosen: () => chosen }
}
