import type { PublicDossierView } from '../common/dossier-types.js'
import { ApiError, errorMessage, NetworkError } from '../web/api.js'
import { h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'

/** The file's name from Content-Disposition (filename* first: UTF-8 names such as "Giấy khai sinh.pdf"). */
export function dispositionName(header: string | null): string {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header ?? '')
  if (star) { try { return decodeURIComponent(star[1]!) } catch { /* the plain one below */ } }
  return /filename="([^"]*)"/i.exec(header ?? '')?.[1] || 'ket-qua.pdf'
}

/** The section survives the page's redraws (a live update, a language switch) with what was typed. */
let kept: { key: string; el: HTMLElement; lang: string } | null = null

/**
 * The citizen's download of the electronic result (issue 21, Art. 22) on the lookup page: the last 4 digits of the
 * phone given with the dossier, then POST (the digits stay out of the address and the logs). The PDF is saved as a
 * file, never shown inside our page: the answer is an attachment, and the saved blob is typed as plain bytes.
 */
export function resultDownload(d: PublicDossierView, codes: { lookupCode: string; center: string | null }): HTMLElement {
  const key = `${d.code} ${codes.lookupCode}`
  const lang = t().dossierResult.title
  if (kept?.key === key && kept.lang === lang) return kept.el
  const w = t().dossierResult
  const digits = h('input', { id: 'result-phone4', inputmode: 'numeric', autocomplete: 'off', maxlength: 4, pattern: '[0-9]{4}', class: 'lookup-key', required: true })
  const status = h('p', { class: 'status', id: 'result-status', role: 'status', hidden: true })
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'result-download' }, w.portalSubmit)
  const say = (text: string, bad: boolean) => { status.textContent = text; status.className = `status ${bad ? 'bad' : 'ok'}`; status.hidden = false }
  digits.addEventListener('input', () => { const v = digits.value.replace(/\D/g, '').slice(0, 4); if (v !== digits.value) digits.value = v })
  const form = h('form', { class: 'lookup-form result-form', id: 'result-form', novalidate: true },
    h('label', { for: 'result-phone4' }, w.phoneLast4), digits, status, submit)
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    if (!/^[0-9]{4}$/.test(digits.value)) { say(w.fourDigits, true); return }
    submit.disabled = true
    submit.textContent = w.downloading
    try {
      const res = await fetch(`/api/public/dossiers/${encodeURIComponent(d.code)}/result`, {
        method: 'POST', cache: 'no-store', headers: { 'content-type': 'application/json', accept: 'application/pdf, application/json' },
        body: JSON.stringify({ lookupCode: codes.lookupCode, phoneLast4: digits.value, ...(codes.center ? { center: codes.center } : {}) }),
      }).catch((e: unknown) => { throw new NetworkError(String(e)) })
      if (!res.ok) {
        const err = (await res.json().catch(() => null) as { error?: { code?: string; message?: string; params?: Record<string, string | number> } } | null)?.error
        throw new ApiError(res.status, err?.code ?? 'INTERNAL', err?.params ?? {}, err?.message ?? `HTTP ${res.status}`)
      }
      const name = dispositionName(res.headers.get('content-disposition'))
      // octet-stream: the browser saves the bytes, it never opens a PDF viewer inside our origin
      const url = URL.createObjectURL(new Blob([await res.arrayBuffer()], { type: 'application/octet-stream' }))
      const a = h('a', { href: url, download: name, hidden: true })
      document.body.append(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 60_000)
      say(fmt(w.portalDone, { name }), false)
    } catch (e) {
      say(errorMessage(e), true)
    }
    submit.disabled = false
    submit.textContent = w.portalSubmit
  })
  const el = h('section', { class: 'result-download', id: 'dossier-result' }, h('h2', null, w.portalTitle), h('p', { class: 'muted' }, w.portalIntro), form)
  kept = { key, el, lang }
  return el
}
