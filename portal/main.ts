import '../web/base.css'
import './portal.css'
import type { ProcedureView } from '../common/types.js'
import { apiGet, resolveCenter } from '../web/api.js'
import { byId, fill, h, param } from '../web/dom.js'
import { daysText, feeText, getLang, setLang, t } from '../web/i18n.js'
import { ticketPage } from './ticket-page.js'
import { keyFromHash } from '../common/ticket-code.js'

// The citizen's phone pages: /t/:ticketId#k=<secret> (live ticket, ticket-page.ts) in this chunk; /tra-cuu (lookup.ts),
// /danh-gia (rating.ts) and /nop-ho-so (filing.ts) are loaded on demand, so the ticket page stays light.

const main = byId('main')
const offline = byId('offline')
const calledEl = byId('called')
let rerender: () => void = () => {}

function header(): void {
  byId('app-name').textContent = t().pages.appName
  const lang = byId<HTMLButtonElement>('lang')
  lang.textContent = t().pages.switchLang
  lang.setAttribute('aria-label', t().pages.switchLangLabel)
}

byId('lang').addEventListener('click', () => {
  setLang(getLang() === 'vi' ? 'en' : 'vi')
  header()
  rerender()
})

// ---------- /tra-cuu (procedure information from the kiosk's QR; dossier lookup is another issue) ----------

async function lookupPage(): Promise<void> {
  const code = param('thu-tuc')
  // the dossier lookup (portal/lookup.ts) is loaded only here, so /t/:id stays light
  const dossierLookup = code ? null : new (await import('./lookup.js')).DossierLookup()
  let procs: ProcedureView[] | null = null
  let failed = false
  let center = ''
  rerender = () => {
    const p = t().portal
    const proc = code && procs ? procs.find((x) => x.code === code) : null
    document.title = `${proc ? (getLang() === 'en' ? proc.nameEn : proc.nameVi) : p.lookupTitle} · ${t().pages.appName}`
    if (proc) {
      fill(main, h('section', { class: 'card procedure', id: 'procedure' },
        h('h1', null, getLang() === 'en' ? proc.nameEn : proc.nameVi),
        h('p', { class: 'proc-service' }, `${t().pages.service}: ${getLang() === 'en' ? proc.serviceNameEn : proc.serviceNameVi}`),
        h('dl', { class: 'facts' },
          proc.nationalCode ? h('dt', null, t().procImport.headers.nationalCode) : null, proc.nationalCode ? h('dd', { id: 'procedure-national-code' }, proc.nationalCode) : null,
          h('dt', null, t().pages.processing), h('dd', null, daysText(proc.processingDays)),
          h('dt', null, t().pages.fee), h('dd', null, feeText(proc.feeVnd, getLang() === 'vi' ? proc.feeNote : ''))),
        h('h2', null, t().pages.documents),
        h('ol', { class: 'docs' }, proc.documents.map((d) => h('li', { lang: 'vi' }, d)))))
      return
    }
    fill(main,
      code && (procs || failed) ? h('p', { class: 'status bad' }, p.procedureNotFound) : null,
      dossierLookup ? (dossierLookup.render(), dossierLookup.el) : null,
      procs ? h('section', { class: 'card' }, h('h2', null, t().kiosk.proceduresTitle),
        h('ul', { class: 'proc-links' }, procs.map((x) => h('li', null,
          h('a', { href: `/tra-cuu?center=${encodeURIComponent(center)}&thu-tuc=${encodeURIComponent(x.code)}` }, getLang() === 'en' ? x.nameEn : x.nameVi))))) : null)
  }
  rerender()
  try {
    center = await resolveCenter()
    procs = (await apiGet<{ procedures: ProcedureView[] }>(`/api/centers/${encodeURIComponent(center)}/procedures`)).procedures
  } catch { failed = true }
  rerender()
}

// ---------- routing ----------

header()
const path = location.pathname.replace(/\/+$/, '')
const ticketMatch = /^\/t\/([^/]+)$/.exec(path)
const ratingMatch = /^\/danh-gia\/([^/]+)$/.exec(path)
// the ticket's secret (or a counter tablet's key) is in the link's fragment: `#k=<secret>`
const key = keyFromHash(location.hash)
if (ticketMatch) rerender = ticketPage(decodeURIComponent(ticketMatch[1]!), key, { main, offline, called: calledEl }).render
else if (ratingMatch || path === '/danh-gia') {
  // the rating pages (portal/rating.ts): a phone with a ticket id, or the tablet at a counter (?counter=N)
  void import('./rating.js').then((m) => { rerender = (ratingMatch ? m.ratingPage(main, decodeURIComponent(ratingMatch[1]!), key) : m.counterRatingPage(main, key)).render })
}
else if (path === '/nop-ho-so') void import('./filing.js').then((m) => { rerender = m.filingPage(main).render })
else if (path === '/dat-lich' || path.startsWith('/dat-lich/')) {
  // appointments (issue 24): booking, or one booking's own page (`#k=<secret>` cancels it)
  const id = path.startsWith('/dat-lich/') ? decodeURIComponent(path.slice('/dat-lich/'.length)) : null
  void import('./appointment.js').then((m) => { rerender = m.appointmentPage(main, id, key).render })
}
else void lookupPage()
byId('app-name').setAttribute('href', location.pathname + location.search)
