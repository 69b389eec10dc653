import './dossier.css'
import { lookupPath } from '../common/dossier-types.js'
import type { ProcedureView } from '../common/types.js'
import { ApiError, apiGet, newRequestId, resolveCenter } from '../web/api.js'
import { fill, h, markup } from '../web/dom.js'
import { daysText, feeText, fmt, fold, getLang, t } from '../web/i18n.js'

/** Checked in the browser before anything is sent (the server checks again). */
export const ATTACH_TYPES = ['application/pdf', 'image/jpeg', 'image/png']
export const ATTACH_MAX_BYTES = 2 * 1024 * 1024
export const ATTACH_MAX = 3
const PHONE = /^(0|\+84)\d{8,10}$/

interface Attachment { name: string; type: string; size: number; dataBase64: string }

/** Which files may be added to those already chosen, and the problems of the others (in the page's words). */
export function checkFiles(files: { name: string; type: string; size: number }[], already: number): { ok: number[]; problems: string[] } {
  const w = t().dossier
  const ok: number[] = []
  const problems: string[] = []
  files.forEach((f, i) => {
    if (!ATTACH_TYPES.includes(f.type)) problems.push(fmt(w.attachBadType, { name: f.name }))
    else if (f.size > ATTACH_MAX_BYTES) problems.push(fmt(w.attachTooBig, { name: f.name }))
    else if (already + ok.length >= ATTACH_MAX) { if (!problems.includes(w.attachTooMany)) problems.push(w.attachTooMany) }
    else ok.push(i)
  })
  return { ok, problems }
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''))
    r.onerror = () => reject(r.error)
    r.readAsDataURL(file)
  })
}

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
  let center = ''
  let procs: ProcedureView[] | null = null
  let loadFailed = false
  let query = ''
  let chosen: ProcedureView | null = null
  const values = { fullName: '', phone: '', address: '', idNumber: '', note: '' }
  let files: Attachment[] = []
  let fileProblems: string[] = []
  let errors: Partial<Record<keyof typeof values, string>> = {}
  let formError: string | null = null
  let sending = false
  let requestId = newRequestId()
  let done: { code: string; lookupCode: string; qr: string; url: string } | null = null

  const name = (p: { nameVi: string; nameEn: string }) => (getLang() === 'en' ? p.nameEn : p.nameVi)

  function render(): void {
    const w = t().dossier
    document.title = `${w.filingTitle} · ${t().pages.appName}`
    if (done) return fill(main, renderDone(done))
    if (!chosen) return fill(main, h('section', { class: 'card filing', id: 'filing' },
      h('h1', null, w.filingTitle), h('p', { class: 'muted' }, w.filingIntro), pickList()))
    fill(main, renderForm(chosen))
  }

  function pickList(): HTMLElement {
    const w = t().dossier
    const box = h('div', { class: 'pick-results' })
    const input = h('input', { type: 'search', id: 'filing-search', value: query, placeholder: t().kiosk.searchPlaceholder, autocomplete: 'off', spellcheck: 'false' })
    const draw = () => {
      if (!procs) return fill(box, h('p', { class: 'muted' }, loadFailed ? t().portal.loadError : t().pages.loading))
      const words = fold(query).split(/\s+/).filter(Boolean)
      const list = procs.filter((p) => { const hay = fold(`${p.nameVi} ${p.nameEn} ${p.serviceNameVi}`); return words.every((x) => hay.includes(x)) })
      if (!list.length) return fill(box, h('p', { class: 'muted' }, t().kiosk.noProcedures))
      fill(box, h('ul', { class: 'pick-list' }, ...list.map((p) => h('li', null, h('button', {
        type: 'button', class: 'pick', 'data-procedure': p.code,
        onclick: () => { chosen = p; errors = {}; formError = null; render(); window.scrollTo(0, 0) },
      }, h('span', { class: 'pick-name' }, name(p)), h('span', { class: 'pick-meta' }, `${name({ nameVi: p.serviceNameVi, nameEn: p.serviceNameEn })} · ${daysText(p.processingDays)}`))))))
    }
    input.addEventListener('input', () => { query = input.value; draw() })
    draw()
    return h('div', { class: 'pick' }, h('label', { for: 'filing-search', class: 'lbl' }, w.chooseProcedure), input, box)
  }

  function input(key: keyof typeof values, label: string, attrs: Record<string, string | number | boolean> = {}, area = false): HTMLElement {
    const id = `filing-${key}`
    const el = area ? h('textarea', { id, name: key, rows: 3, maxlength: 1000, ...attrs }) : h('input', { id, name: key, autocomplete: 'off', ...attrs })
    el.value = values[key]
    el.addEventListener('input', () => { values[key] = el.value })
    const err = errors[key]
    if (err) { el.setAttribute('aria-invalid', 'true'); el.setAttribute('aria-describedby', `${id}-error`) }
    return h('div', { class: `fld${err ? ' invalid' : ''}`, 'data-field': key },
      h('label', { for: id, class: 'lbl' }, label), el,
      err ? h('span', { class: 'fld-error', id: `${id}-error` }, err) : null)
  }

  function renderForm(p: ProcedureView): HTMLElement[] {
    const w = t().dossier
    const fileInput = h('input', { type: 'file', id: 'filing-files', multiple: true, accept: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png', class: 'sr-only' })
    fileInput.addEventListener('change', () => void addFiles([...(fileInput.files ?? [])]))
    const form = h('form', { class: 'card filing-form', id: 'filing-form', novalidate: true },
      h('h2', null, w.applicant),
      input('fullName', w.fullName, { autocomplete: 'name', maxlength: 120 }),
      input('phone', w.phone, { type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: 15 }),
      input('address', w.address, { autocomplete: 'street-address', maxlength: 300 }),
      input('idNumber', w.idNumber, { inputmode: 'numeric', maxlength: 12 }),
      input('note', w.note, {}, true),
      h('h2', null, w.attachments),
      h('p', { class: 'muted small' }, w.attachHint),
      files.length ? h('ul', { class: 'files', id: 'filing-file-list' }, ...files.map((f, i) => h('li', null,
        h('span', { class: 'file-name' }, f.name), h('span', { class: 'file-size' }, sizeText(f.size)),
        h('button', { type: 'button', class: 'file-remove', 'aria-label': fmt(w.attachRemove, { name: f.name }), onclick: () => { files.splice(i, 1); fileProblems = []; render() } }, '✕')))) : null,
      fileProblems.length ? h('ul', { class: 'file-problems', id: 'file-problems', role: 'alert' }, ...fileProblems.map((x) => h('li', null, x))) : null,
      // the real file input stays in the label (keyboard and screen readers reach it); the label looks like a button
      files.length < ATTACH_MAX ? h('label', { class: 'btn file-btn' }, w.attachChoose, fileInput) : null,
      formError ? h('p', { class: 'status bad', id: 'filing-error', role: 'alert' }, formError) : null,
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'filing-submit', disabled: sending }, sending ? w.filingSending : w.submitFiling))
    form.addEventListener('submit', (ev) => { ev.preventDefault(); void submit(p) })
    return [
      h('section', { class: 'card procedure', id: 'filing-procedure', 'data-procedure': p.code },
        h('p', { class: 'label' }, w.procedure),
        h('h1', null, name(p)),
        h('p', { class: 'proc-service' }, `${t().pages.service}: ${name({ nameVi: p.serviceNameVi, nameEn: p.serviceNameEn })}`),
        h('dl', { class: 'facts' },
          h('dt', null, t().pages.processing), h('dd', null, daysText(p.processingDays)),
          h('dt', null, t().pages.fee), h('dd', null, feeText(p.feeVnd, getLang() === 'vi' ? p.feeNote : ''))),
        h('h2', null, w.requiredDocs),
        h('ol', { class: 'docs' }, p.documents.map((d) => h('li', { lang: 'vi' }, d))),
        h('button', { type: 'button', class: 'btn btn-quiet', id: 'filing-change', onclick: () => { chosen = null; render() } }, w.changeProcedure)),
      form,
    ]
  }

  async function addFiles(list: File[]): Promise<void> {
    const { ok, problems } = checkFiles(list, files.length)
    fileProblems = problems
    for (const i of ok) {
      const f = list[i]!
      files.push({ name: f.name, type: f.type, size: f.size, dataBase64: await readBase64(f) })
    }
    render()
  }

  function validate(): boolean {
    const w = t().dossier
    errors = {}
    if (!values.fullName.trim()) errors.fullName = w.fieldRequired
    const phone = values.phone.replace(/[\s.]/g, '')
    if (!phone) errors.phone = w.fieldRequired
    else if (!PHONE.test(phone)) errors.phone = w.phoneInvalid
    if (!values.address.trim()) errors.address = w.fieldRequired
    if (values.idNumber.trim() && !/^(\d{9}|\d{12})$/.test(values.idNumber.trim())) errors.idNumber = w.idInvalid
    return !Object.keys(errors).length
  }

  async function submit(p: ProcedureView): Promise<void> {
    if (sending) return
    if (!validate()) {
      formError = t().dossier.fixFields
      render()
      main.querySelector<HTMLElement>('.fld.invalid input, .fld.invalid textarea')?.focus()
      return
    }
    formError = null
    sending = true
    render()
    try {
      const body = {
        center, procedureId: p.id, requestId,
        applicant: { fullName: values.fullName.trim(), phone: values.phone.replace(/[\s.]/g, ''), address: values.address.trim(), idNumber: values.idNumber.trim() || null },
        ...(values.note.trim() ? { note: values.note.trim() } : {}),
        ...(files.length ? { attachments: files.map(({ name: n, type, dataBase64 }) => ({ name: n, type, dataBase64 })) } : {}),
      }
      const res = await fetch('/api/public/dossiers', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) })
      const json = await res.json().catch(() => null) as { code?: string; lookupCode?: string; error?: { code: string; message: string; params?: Record<string, string | number>; details?: { path: string }[] } } | null
      if (!res.ok || !json?.code || !json.lookupCode) {
        const err = json?.error
        // the fields the server refused, outlined like the page's own checks
        for (const d of err?.details ?? []) {
          const key = d.path.replace(/^body\./, '').replace(/^applicant\./, '') as keyof typeof values
          if (key in values) errors[key] = key === 'phone' ? t().dossier.phoneInvalid : key === 'idNumber' ? t().dossier.idInvalid : t().dossier.fieldRequired
        }
        const tpl = err ? (t().errors as Record<string, string>)[err.code] : undefined
        throw new ApiError(res.status, err?.code ?? 'INTERNAL', err?.params ?? {}, tpl ? fmt(tpl, err?.params ?? {}) : err?.message ?? `HTTP ${res.status}`)
      }
      const url = location.origin + lookupPath(center, json.code, json.lookupCode)
      const QRCode = (await import('qrcode')).default
      const qr = await QRCode.toString(url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })
      done = { code: json.code, lookupCode: json.lookupCode, qr, url }
      requestId = newRequestId()
      window.scrollTo(0, 0)
    } catch (e) {
      formError = e instanceof ApiError ? e.message : t().portal.loadError
    } finally {
      sending = false
    }
    render()
  }

  function renderDone(d: NonNullable<typeof done>): HTMLElement {
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
      h('button', { type: 'button', class: 'btn btn-quiet', onclick: () => { done = null; chosen = null; files = []; for (const k of Object.keys(values) as (keyof typeof values)[]) values[k] = ''; render() } }, w.fileAnother))
  }

  render()
  void (async () => {
    try {
      center = await resolveCenter()
      procs = (await apiGet<{ procedures: ProcedureView[] }>(`/api/centers/${encodeURIComponent(center)}/procedures`)).procedures
    } catch { loadFailed = true }
    if (!chosen && !done) render()
  })()
  return { render }
}
