import type { DossierView } from '../common/dossier-types.js'
import { h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'

/**
 * The files a citizen attached to an online filing (issue 22), in the dossier's detail and in the dialog
 * receiving it: each can be downloaded, and images are previewed. The files are the citizen's, so never
 * trusted: the server checked their first bytes (PDF, JPEG, PNG only) and answers them as downloads
 * (`Content-Disposition: attachment`) under `Content-Security-Policy: sandbox` with `nosniff`, so a file
 * never runs as a page of our origin. A preview is an `<img>` of that answer: an image element only
 * decodes pixels (no script, no document), and the server sends it only with an image type. PDFs are not
 * shown inside the console (its viewer would be a document of our origin); they are downloaded.
 */
export function attachmentsSection(d: DossierView): HTMLElement | null {
  if (!d.attachments.length) return null
  const w = t().dossier
  const url = (id: string) => `/api/dossiers/${encodeURIComponent(d.id)}/attachments/${encodeURIComponent(id)}`
  return h('section', { class: 'ds-attachments', id: 'ds-attachments' },
    h('h3', null, fmt(w.attachmentsTitle, { n: d.attachments.length })),
    h('ul', { class: 'att-list' }, ...d.attachments.map((a) => {
      const image = a.type === 'image/png' || a.type === 'image/jpeg'
      return h('li', { class: 'att', 'data-attachment': a.name },
        image ? h('a', { href: url(a.id), download: a.name, class: 'att-thumb', title: a.name },
          h('img', { src: url(a.id), alt: fmt(w.attachmentAlt, { name: a.name }), loading: 'lazy', referrerpolicy: 'no-referrer' })) : null,
        h('span', { class: 'att-name' }, a.name),
        h('span', { class: 'muted small' }, ` · ${a.type === 'application/pdf' ? 'PDF' : a.type === 'image/png' ? 'PNG' : 'JPEG'} · ${sizeText(a.size)}`),
        h('a', { class: 'btn btn-small att-download', href: url(a.id), download: a.name }, w.attachmentDownload),
        image ? null : h('span', { class: 'muted small att-hint' }, w.attachmentPdfHint))
    })))
}

function sizeText(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} MB`
}
