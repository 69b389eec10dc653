import './dossier.css'
import type { ProcedureView } from '../common/types.js'
import { ApiError, apiGet, newRequestId, resolveCenter } from '../web/api.js'
import { fill, h, markup } from '../web/dom.js'
import { daysText, feeText, fmt, fold, getLang, t } from '../web/i18n.js'
import { filingConsentField, subscribeFiled } from './notify.js'
import { ATTACH_MAX, applicantErrors, checkFiles, readBase64, sendFiling, type Attachment, type FieldErrors, type Filed, type FormValues } from './filing-send.js'

/** What the page holds between draws. */
interface FilingState {
  center: string
  procs: ProcedureView[] | null
  loadFailed: boolean
  query: string
  chosen: ProcedureView | null
  values: FormValues
  files: Attachment[]
  fileProblems: string[]
  errors: FieldErrors
  formError: string | null
  sending: boolean
  requestId: string
  done: Filed | null
  /** issue 24: the citizen ticked "send me messages about this dossier at this number" */
  notifyConsent: boolean
}

/** What the citizen can do on the page; each one redraws it. */
interface FilingActions {
  choose: (p: ProcedureView) => void
  change: () => void
  addFiles: (list: File[]) => void
  removeFile: (i: number) => void
  submit: (p: ProcedureView) => void
  another: () => void
}

const name = (p: { nameVi: string; nameEn: string }) => (getLang() === 'en' ? p.nameEn : p.nameVi)

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`
}

/**
 * /nop-ho-so: online filing on a phone. Choose the procedure (search ignores diacritics), see what to
 * bring and the fee, fill the applicant, optionally attach up to 3 files; the answer is the dossier code
 * and lookup code, shown big with a link and a QR to the lookup, and what to do next (bring the papers,
 * check in at the kiosk). What was typed survives a language switch.
 */
export function filingPage(main: HTMLElement): { render: () => void } {
  const s: FilingState = {
    center: '', procs: null, loadFailed: false, query: '', chosen: null,
    values: { fullName: '', phone: '', address: '', idNumber: '', note: '' },
    files: [], fileProblems: [], errors: {}, formError: null, sending: false, requestId: newRequestId(), done: null, notifyConsent: false,
  }
  const on: FilingActions = {
    choose: (p) => { s.chosen = p; s.errors = {}; s.formError = null; render(); window.scrollTo(0, 0) },
    change: () => { s.chosen = null; render() },
    addFiles: (list) => void addFiles(list),
    removeFile: (i) => { s.files.splice(i, 1); s.fileProblems = []; render() },
    submit: (p) => void submit(p),
    another: () => { s.done = null; s.chosen = null; s.files = []; for (const k of Object.keys(s.values) as (keyof FormValues)[]) s.values[k] = ''; render() },
  }

  function render(): void {
    const w = t().dossier
    document.title = `${w.filingTitle} · ${t().pages.appName}`
    if (s.done) return fill(main, filedCard(s.done, on))
    if (!s.chosen) return fill(main, h('section', { class: 'card filing', id: 'filing' },
      h('h1', null, w.filingTitle), h('p', { class: 'muted' }, w.filingIntro), pickList(s, on)))
    fill(main, procedureCard(s.chosen, on), filingForm(s, s.chosen, on))
  }

  async function addFiles(list: File[]): Promise<void> {
    const { ok, problems } = checkFiles(list, s.files.length)
    s.fileProblems = problems
    for (const i of ok) {
      const f = list[i]!
      s.files.push({ name: f.name, type: f.type, size: f.size, dataBase64: await readBase64(f) })
    }
    render()
  }

  async function submit(p: ProcedureView): Promise<void> {
    if (s.sending) return
    s.errors = applicantErrors(s.values)
    if (Object.keys(s.errors).length) {
      s.formError = t().dossier.fixFields
      render()
      main.querySelector<HTMLElement>('.fld.invalid input, .fld.invalid textarea')?.focus()
      return
    }
    s.formError = null
    s.sending = true
    render()
    try {
      s.done = await sendFiling(s.center, p, s.requestId, s.values, s.files, s.errors)
      // the dossier exists now; its messages are a second request, and the filing stands if that one fails
      if (s.notifyConsent) await subscribeFiled(s.done.code, s.done.lookupCode, s.values.phone).catch(() => {})
      s.requestId = newRequestId()
      window.scrollTo(0, 0)
    } catch (e) {
      s.formError = e instanceof ApiError ? e.message : t().portal.loadError
    } finally {
      s.sending = false
    }
    render()
  }

  render()
  void (async () => {
    try {
      s.center = await resolveCenter()
      s.procs = (await apiGet<{ procedures: ProcedureView[] }>(`/api/centers/${encodeURIComponent(s.center)}/procedures`)).procedures
    } catch { s.loadFailed = true }
    if (!s.chosen && !s.done) render()
  })()
  return { render }
}

function pickList(s: FilingState, on: FilingActions): HTMLElement {
  const w = t().dossier
  const box = h('div', { class: 'pick-results' })
  const input = h('input', { type: 'search', id: 'filing-search', value: s.query, placeholder: t().kiosk.searchPlaceholder, autocomplete: 'off', spellcheck: 'false' })
  const draw = () => {
    if (!s.procs) return fill(box, h('p', { class: 'muted' }, s.loadFailed ? t().portal.loadError : t().pages.loading))
    const words = fold(s.query).split(/\s+/).filter(Boolean)
    const list = s.procs.filter((p) => { const hay = fold(`${p.nameVi} ${p.nameEn} ${p.serviceNameVi}`); return words.every((x) => hay.includes(x)) })
    if (!list.length) return fill(box, h('p', { class: 'muted' }, t().kiosk.noProcedures))
    fill(box, h('ul', { class: 'pick-list' }, ...list.map((p) => h('li', null, h('button', {
      type: 'button', class: 'pick', 'data-procedure': p.code, onclick: () => on.choose(p),
    }, h('span', { class: 'pick-name' }, name(p)), h('span', { class: 'pick-meta' }, `${name({ nameVi: p.serviceNameVi, nameEn: p.serviceNameEn })} · ${daysText(p.processingDays)}`))))))
  }
  input.addEventListener('input', () => { s.query = input.value; draw() })
  draw()
  return h('div', { class: 'pick' }, h('label', { for: 'filing-search', class: 'lbl' }, w.chooseProcedure), input, box)
}

/** One applicant field, bound to its value in the state, with its error (the page's or the server's). */
function applicantField(s: FilingState, key: keyof FormValues, label: string, attrs: Record<string, string | number | boolean> = {}, area = false): HTMLElement {
  const id = `filing-${key}`
  const el = area ? h('textarea', { id, name: key, rows: 3, maxlength: 1000, ...attrs }) : h('input', { id, name: key, autocomplete: 'off', ...attrs })
  el.value = s.values[key]
  el.addEventListener('input', () => { s.values[key] = el.value })
  const err = s.errors[key]
  if (err) { el.setAttribute('aria-invalid', 'true'); el.setAttribute('aria-describedby', `${id}-error`) }
  return h('div', { class: `fld${err ? ' invalid' : ''}`, 'data-field': key },
    h('label', { for: id, class: 'lbl' }, label), el,
    err ? h('span', { class: 'fld-error', id: `${id}-error` }, err) : null)
}

function procedureCard(p: ProcedureView, on: FilingActions): HTMLElement {
  const w = t().dossier
  return h('section', { class: 'card procedure', id: 'filing-procedure', 'data-procedure': p.code },
    h('p', { class: 'label' }, w.procedure),
    h('h1', null, name(p)),
    h('p', { class: 'proc-service' }, `${t().pages.service}: ${name({ nameVi: p.serviceNameVi, nameEn: p.serviceNameEn })}`),
    h('dl', { class: 'facts' },
      h('dt', null, t().pages.processing), h('dd', null, daysText(p.processingDays)),
      h('dt', null, t().pages.fee), h('dd', null, feeText(p.feeVnd, getLang() === 'vi' ? p.feeNote : ''))),
    h('h2', null, w.requiredDocs),
    h('ol', { class: 'docs' }, p.documents.map((d) => h('li', { lang: 'vi' }, d))),
    h('button', { type: 'button', class: 'btn btn-quiet', id: 'filing-change', onclick: on.change }, w.changeProcedure))
}

function filingForm(s: FilingState, p: ProcedureView, on: FilingActions): HTMLElement {
  const w = t().dossier
  const fileInput = h('input', { type: 'file', id: 'filing-files', multiple: true, accept: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png', class: 'sr-only' })
  fileInput.addEventListener('change', () => on.addFiles([...(fileInput.files ?? [])]))
  const form = h('form', { class: 'card filing-form', id: 'filing-form', novalidate: true },
    h('h2', null, w.applicant),
    applicantField(s, 'fullName', w.fullName, { autocomplete: 'name', maxlength: 120 }),
    applicantField(s, 'phone', w.phone, { type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: 15 }),
    filingConsentField(s.notifyConsent, (v) => { s.notifyConsent = v }),
    applicantField(s, 'address', w.address, { autocomplete: 'street-address', maxlength: 300 }),
    applicantField(s, 'idNumber', w.idNumber, { inputmode: 'numeric', maxlength: 12 }),
    applicantField(s, 'note', w.note, {}, true),
    h('h2', null, w.attachments),
    h('p', { class: 'muted small' }, w.attachHint),
    s.files.length ? h('ul', { class: 'files', id: 'filing-file-list' }, ...s.files.map((f, i) => h('li', null,
      h('span', { class: 'file-name' }, f.name), h('span', { class: 'file-size' }, sizeText(f.size)),
      h('button', { type: 'button', class: 'file-remove', 'aria-label': fmt(w.attachRemove, { name: f.name }), onclick: () => on.removeFile(i) }, '✕')))) : null,
    s.fileProblems.length ? h('ul', { class: 'file-problems', id: 'file-problems', role: 'alert' }, ...s.fileProblems.map((x) => h('li', null, x))) : null,
    // the real file input stays in the label (keyboard and screen readers reach it); the label looks like a button
    s.files.length < ATTACH_MAX ? h('label', { class: 'btn file-btn' }, w.attachChoose, fileInput) : null,
    s.formError ? h('p', { class: 'status bad', id: 'filing-error', role: 'alert' }, s.formError) : null,
    h('button', { type: 'submit', class: 'btn btn-primary', id: 'filing-submit', disabled: s.sending }, s.sending ? w.filingSending : w.submitFiling))
  form.addEventListener('submit', (ev) => { ev.preventDefault(); on.submit(p) })
  return form
}

function filedCard(d: Filed, on: FilingActions): HTMLElement {
  const w = t().dossier
  return h('section', { class: 'card filed', id: 'filed' },
    h('h1', null, w.filedTitle),
    h('p', { class: 'label' }, w.codeLabel),
    h('p', { class: 'big-code', id: 'filed-code' }, d.code),
    h('p', { class: 'label' }, w.lookupCodeLabel),
    h('p', { class: 'big-code lookup', id: 'filed-lookup' }, d.lookupCode),
    h('p', { class: 'ds-hint' }, w.filedKeep),
    h('p', null, w.filedNext),
    h('a', { class: 'btn btn-primary', id: 'filed-link', href: d.url }, w.filedLookup),
    markup('div', 'filed-qr', d.qr),
    h('p', { class: 'muted small center' }, w.filedQr),
    h('button', { type: 'button', class: 'btn btn-quiet', onclick: on.another }, w.fileAnother))
}
