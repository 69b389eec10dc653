import type { DossierView } from '../common/dossier-types.js'
import { MAX_RESULT_BYTES } from '../common/dossier-result-schemas.js'
import { h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { dmy, hm } from '../web/time.js'
import { apiWrite, errorText } from './util.js'

/** a result is attached while the dossier is worked on or once ready (the server's rule: server/dossiers/dossier-result.ts) */
const ATTACHABLE = ['received', 'processing', 'ready']

const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`)

/** The file's bytes as base64 (FileReader: a 10 MB file would overflow String.fromCharCode's arguments). */
function base64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''))
    r.onerror = () => reject(r.error)
    r.readAsDataURL(file)
  })
}

/**
 * The dossier's electronic result (issue 21, Decree 118 Art. 22) in the clerk's view: what is attached, who attached
 * it, whether the citizen downloaded it, a download of the staff's copy, and the upload of a PDF (checked here for size
 * and type to save a wasted upload; the server checks again by the file's bytes). `saved` redraws the dossier.
 */
export function resultSection(d: DossierView, saved: (x: DossierView) => void): HTMLElement {
  const w = t().dossierResult
  const r = d.result
  const status = h('p', { class: 'notice error', id: 'ds-result-error', role: 'alert', hidden: true })
  const input = h('input', { type: 'file', accept: 'application/pdf,.pdf', id: 'ds-result-file', class: 'sr-only' })
  const pick = h('button', { type: 'button', class: 'btn', id: 'ds-result-attach', onclick: () => input.click() }, r ? w.replace : w.attach)
  input.addEventListener('change', async () => {
    const file = input.files?.[0]
    input.value = ''
    if (!file) return
    const fail = (text: string) => { status.textContent = text; status.hidden = false }
    if (file.size > MAX_RESULT_BYTES) return fail(w.tooBig)
    if (file.type && file.type !== 'application/pdf') return fail(w.notPdf)
    pick.disabled = true
    pick.textContent = w.uploading
    try {
      const { dossier } = await apiWrite<{ dossier: DossierView }>('PUT', `/api/dossiers/${encodeURIComponent(d.id)}/result`, { name: file.name, dataBase64: await base64(file) })
      saved(dossier)
    } catch (e) {
      pick.disabled = false
      pick.textContent = r ? w.replace : w.attach
      fail(errorText(e))
    }
  })
  const by = r ? r.attachedByToken ?? r.attachedByName ?? '' : ''
  return h('section', { class: 'ds-result', id: 'ds-result' },
    h('h3', null, w.title),
    d.provincialCode ? h('p', { class: 'muted small', id: 'ds-provincial-code' }, fmt(w.provincialCode, { code: d.provincialCode })) : null,
    r ? h('p', { id: 'ds-result-info' }, fmt(w.attached, { name: r.name, size: size(r.size), at: `${hm(r.attachedAt)} ${dmy(r.attachedAt)}`, by }), ' ',
      h('a', { href: `/api/dossiers/${encodeURIComponent(d.id)}/result`, download: r.name, class: 'btn btn-small', id: 'ds-result-download' }, w.download))
      : h('p', { class: 'muted', id: 'ds-result-none' }, w.none),
    r ? h('p', { class: 'muted small', id: 'ds-result-downloads' }, r.downloads && r.lastDownloadedAt
      ? fmt(w.downloads, { n: r.downloads, at: `${hm(r.lastDownloadedAt)} ${dmy(r.lastDownloadedAt)}` }) : w.notDownloaded) : null,
    ATTACHABLE.includes(d.status) ? h('div', { class: 'ds-result-upload' }, input, pick, h('p', { class: 'muted small' }, w.hint)) : null,
    status)
}
