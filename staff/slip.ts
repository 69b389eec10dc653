import { formatPhone } from '../common/fold.js'
import './slip.css'
import { centerPublicUrl, publicBase, qrLocalNotice, qrSvg } from '../web/qr.js'
import type { DossierView } from '../common/dossier-types.js'
import { ApiError, apiGet } from '../web/api.js'
import { byId, fill, h, markup, param } from '../web/dom.js'
import { daysText, fmt, getLang, setLang, t } from '../web/i18n.js'
import { dateWords, pad, placeOf, procedureName, timeLong, type SlipKind } from './dossiers-format.js'
import { localParts } from '../web/time.js'
import { errorText } from './util.js'

/**
 * The printable slips of a dossier at /staff/phieu/:id?loai=tiep-nhan|bo-sung|xin-loi|tu-choi|dung|kiem-soat (&kho=a4, &in=1):
 * the receipt slip "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in two copies, the supplement request, the
 * apology and extension, the refusal and the stop notice: the forms Decree 118/2025/NĐ-CP names, laid out
 * like the 2018 national forms (Circular 01/2018/TT-VPCP) since the 2025 circular's text is not at hand. A5 by default, A4 on demand;
 * each copy is one sheet: the type steps down (`fitToSheet()`) until the longest copy fits the paper's printable height, so
 * the signature block with the clerk's name stays on the sheet of the table (tests/e2e/forms.test.ts prints them to PDF).
 * Two copies (one kept, one the citizen's) of every form the citizen signs for. Staff only: it reads GET /api/dossiers/:id with the session cookie.
 */
type Paper = 'a5' | 'a4'
const KINDS: SlipKind[] = ['tiep-nhan', 'bo-sung', 'xin-loi', 'tu-choi', 'dung', 'kiem-soat']
const kind: SlipKind = (KINDS as string[]).includes(param('loai') ?? '') ? param('loai') as SlipKind : 'tiep-nhan'
let paper: Paper = param('kho') === 'a4' ? 'a4' : 'a5'
const id = decodeURIComponent(location.pathname.replace(/\/+$/, '').split('/').pop() ?? '')
const sheets = byId('sheets')
let dossier: DossierView | null = null
let qr = ''
/** PUBLIC_URL from the center's board: the address the slip's QR and lookup line carry */
let publicUrl: string | null = null
let message: string | null = null

const PAGE: Record<Paper, string> = {
  // Decree 30/2020/NĐ-CP margins for administrative documents (A4); narrower on A5
  a4: '@page { size: A4 portrait; margin: 20mm 15mm 15mm 30mm; }',
  a5: '@page { size: A5 portrait; margin: 10mm 10mm 10mm 15mm; }',
}

function setPaper(p: Paper): void {
  paper = p
  byId('page-size').textContent = PAGE[p]
  const u = new URL(location.href)
  u.searchParams.set('kho', p)
  u.searchParams.delete('in')
  history.replaceState(null, '', u)
  render()
}

function kindName(): string {
  const k = t().dossier.slipKinds
  if (kind === 'kiem-soat') return t().dossier.controlKind
  return kind === 'bo-sung' ? k.supplement : kind === 'xin-loi' ? k.apology : kind === 'tu-choi' ? k.refusal : kind === 'dung' ? k.stop : k.receipt
}

function toolbar(): void {
  const w = t().dossier
  fill(byId('toolbar'),
    h('span', { class: 'title' }, dossier ? `${kindName()} · ${dossier.code}` : kindName()),
    h('span', { class: 'group', role: 'group', 'aria-label': w.slipPaper }, w.slipPaper, ' ',
      ...(['a5', 'a4'] as const).map((p) => h('button', { type: 'button', id: `paper-${p}`, 'aria-pressed': String(paper === p), onclick: () => setPaper(p) }, p.toUpperCase()))),
    h('button', { type: 'button', class: 'primary', id: 'print', disabled: !dossier, onclick: () => window.print() }, w.slipPrint),
    h('button', { type: 'button', id: 'lang', 'aria-label': t().pages.switchLangLabel, onclick: () => { setLang(getLang() === 'vi' ? 'en' : 'vi'); render() } }, t().pages.switchLang),
    h('button', { type: 'button', id: 'close', onclick: () => window.close() }, w.slipClose),
    dossier && qr ? localQrNotice() : null)
}

/** On screen only (the toolbar is not printed): the QR points at this PC, no phone can open it (no PUBLIC_URL). */
function localQrNotice(): HTMLElement | null {
  const notice = qrLocalNotice(publicUrl)
  return notice ? h('span', { class: 'qr-local', id: 'qr-local', role: 'note' }, notice) : null
}

// ---------- pieces of an official document ----------

function heading(d: DossierView): HTMLElement {
  const w = t().dossier
  // the document's date: when the dossier was received, when the supplement was asked, when it was extended
  const supplementAt = d.supplement?.requestedAt ?? [...d.history].reverse().find((e) => e.toStatus === 'needs_supplement')?.at
  // a receipt reprinted once the supplement is complete is dated that day (its due date counts from then)
  const at = kind === 'kiem-soat' ? new Date().toISOString() : kind === 'xin-loi' ? d.extensions[d.extensions.length - 1]?.at : kind === 'bo-sung' ? supplementAt
    : kind === 'tu-choi' || kind === 'dung' ? d.closing?.at : d.supplement?.completedAt ?? d.receivedAt
  const when = localParts(at ?? d.receivedAt ?? d.history[0]?.at ?? new Date().toISOString())
  const place = placeOf(d.centerName)
  const dateText = place ? fmt(w.placeDate, { place, d: pad(when.day), m: pad(when.month), y: when.year })
    : fmt(w.dateOnly, { d: pad(when.day), m: pad(when.month), y: when.year })
  return h('header', { class: 'heading' },
    h('div', null, h('div', { class: 'agency' }, d.centerName), h('div', { class: 'rule' }), h('div', { class: 'number' }, fmt(w.slipNumber, { code: d.code }))),
    h('div', null, h('div', { class: 'nation' }, w.nation), h('div', { class: 'motto' }, w.motto), h('div', { class: 'rule' }), h('div', { class: 'place' }, dateText.charAt(0).toUpperCase() + dateText.slice(1))))
}

function field(label: string, value: string): HTMLElement {
  return h('p', { class: 'field' }, h('span', null, `${label}:`), h('span', null, value))
}

function lookupRow(d: DossierView): HTMLElement {
  const w = t().dossier
  return h('div', { class: 'lookup-row' },
    markup('div', 'qr', qr),
    h('div', null,
      h('p', null, fmt(w.lookupLine, { lookup: '' }), h('b', { class: 'lookup-code' }, d.lookupCode)),
      h('p', null, fmt(w.qrHint, { url: `${new URL(publicBase(publicUrl)).host}/tra-cuu` }))))
}

function signs(left: [string, string] | null, right: [string, string], rightName: string | null = null): HTMLElement {
  const col = (s: [string, string] | null, name: string | null) => s
    ? h('div', null, h('div', { class: 'who' }, s[0]), h('div', { class: 'hint' }, s[1]), h('div', { class: 'name' }, name ?? ''))
    : h('div')
  return h('footer', { class: `signs${left ? '' : ' one'}` }, col(left, null), col(right, rightName))
}

function collectText(d: DossierView): string {
  const w = t().dossier
  return d.delivery === 'post' ? fmt(w.collectPost, { address: d.applicant.address }) : fmt(w.collectCenter, { center: d.centerName })
}

function receipt(d: DossierView, copy: string): HTMLElement {
  const w = t().dossier
  const docs = d.documents
  return h('article', { class: 'sheet doc receipt', 'data-copy': copy },
    h('div', { class: 'copy-label' }, copy),
    heading(d),
    h('h1', { class: 'doc-title' }, w.receiptTitle),
    h('p', { class: 'codes' }, fmt(w.codeLine, { code: '' }), h('b', { class: 'dossier-code' }, d.code)),
    h('p', null, fmt(w.receivedFrom, { center: d.centerName })),
    field(w.mrMrs, d.applicant.fullName),
    field(w.address, d.applicant.address),
    field(w.phone, formatPhone(d.applicant.phone)),
    d.applicant.idNumber ? field(w.idNumber.replace(/\s*\(.*\)$/, ''), d.applicant.idNumber) : null,
    field(w.request, procedureName(d)),
    d.procedure.nationalCode ? field(t().procImport.headers.nationalCode, d.procedure.nationalCode) : null,
    h('p', null, w.docsHeading),
    h('table', { class: 'docs-table' },
      h('thead', null, h('tr', null, h('th', null, w.docNo), h('th', null, w.docName), h('th', null, w.docReceived))),
      h('tbody', null, ...docs.map((doc, i) => h('tr', { class: doc.received ? '' : 'missing' },
        h('td', { class: 'n' }, String(i + 1)), h('td', null, doc.name), h('td', { class: 'ok' }, doc.received ? '✓' : '—'))))),
    h('p', null, fmt(w.setsLine, { n: pad(d.sets) })),
    h('p', null, fmt(w.daysLine, { days: daysText(d.procedure.processingDays) })),
    h('p', null, fmt(w.receivedLine, { time: d.receivedAt ? timeLong(d.receivedAt) : '…' })),
    h('p', { class: 'due-line' }, fmt(w.dueLine, { time: d.dueAt ? timeLong(d.dueAt) : '…' })),
    d.supplement?.completedAt ? h('p', { class: 'restarted' }, h('i', null, fmt(w.receiptRestartedLine, { time: timeLong(d.supplement.completedAt) }))) : null,
    d.extensions.length ? h('p', { class: 'extended' }, h('i', null, fmt(w.receiptExtendedLine, { due: timeLong(d.extensions[0]!.previousDueAt) }))) : null,
    h('p', null, fmt(w.collectLine, { where: collectText(d) })),
    feeLine(d),
    // issue 24 (Decree 13/2023): the consent to messages the clerk recorded, and how to withdraw it
    d.notifyConsent ? h('p', { class: 'notify-consent' }, fmt(w.receiptNotifyLine,
      { channel: t().notify.panel.channelNames[d.notifyConsent.channel], to: d.notifyConsent.to })) : null,
    lookupRow(d),
    h('p', null, h('i', null, w.bringSlip)),
    signs([w.signApplicant, w.signHint], [w.signReceiver, w.signHint], d.receivedByName))
}

/**
 * Issue 22: the fee (Decree 118 Art. 24) as the dossier recorded it: due (from the procedure when received),
 * and what was paid, how and the receipt's number, or "not collected". Nothing when nothing is due or paid.
 */
function feeLine(d: DossierView): HTMLElement | null {
  const w = t().dossier
  const due = d.fee.dueVnd ?? d.procedure.feeVnd
  if (!due && d.fee.paidVnd == null) return null
  const money = (v: number) => fmt(t().pages.feeAmount, { amount: v.toLocaleString('vi-VN') })
  const paid = d.fee.paidVnd != null && d.fee.method
    ? fmt(w.slipFeePaid, { paid: money(d.fee.paidVnd), method: w.feeMethods[d.fee.method].toLowerCase(),
      receipt: d.fee.receiptNumber ? fmt(w.slipFeeReceipt, { receipt: d.fee.receiptNumber }) : '' })
    : w.slipFeeUnpaid
  return h('p', { class: 'fee-line' }, `${fmt(w.slipFee, { due: due ? money(due) : t().pages.feeFree })}. ${paid}`)
}

/** Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: every item at once, what happens when it is complete, and when it lapses. */
function supplement(d: DossierView, copy: string): HTMLElement {
  const w = t().dossier
  const s = d.supplement!
  const lastDay = new Date(new Date(s.deadline).getTime() - 1).toISOString()
  return h('article', { class: 'sheet doc supplement', 'data-copy': copy },
    h('div', { class: 'copy-label' }, copy),
    heading(d),
    h('h1', { class: 'doc-title' }, w.supplementSlipTitle),
    h('p', { class: 'codes' }, fmt(w.codeLine, { code: '' }), h('b', { class: 'dossier-code' }, d.code)),
    h('p', null, fmt(w.supplementOf, { name: d.applicant.fullName })),
    field(w.request, procedureName(d)),
    d.receivedAt ? field(w.receivedAt, timeLong(d.receivedAt)) : null,
    h('p', null, fmt(w.supplementOnceLine, { center: d.centerName })),
    h('ol', { class: 'note-box items', id: 'supplement-items' }, ...s.items.map((x) => h('li', null, x))),
    h('p', { id: 'supplement-restart' }, fmt(w.supplementRestartLine, { days: daysText(d.procedure.processingDays) })),
    h('p', { id: 'supplement-deadline' }, fmt(w.supplementDeadlineLine, { date: dateWords(lastDay).replace(/^ngày /, '') })),
    s.completedAt && s.restartedDueAt
      ? h('p', { class: 'done', id: 'supplement-done' }, h('b', null, fmt(w.supplementDoneLine, { time: timeLong(s.completedAt), due: timeLong(s.restartedDueAt) })))
      : null,
    h('p', null, fmt(w.supplementContact, { center: d.centerName })),
    lookupRow(d),
    signs([w.signApplicant, w.signHint], [w.signGuide, w.signHint], s.requestedByName))
}

/** Phiếu từ chối tiếp nhận, giải quyết hồ sơ: the reasons as the clerk wrote them. */
function refusal(d: DossierView, copy: string): HTMLElement {
  const w = t().dossier
  const c = d.closing!
  return h('article', { class: 'sheet doc refusal', 'data-copy': copy },
    h('div', { class: 'copy-label' }, copy),
    heading(d),
    h('h1', { class: 'doc-title' }, w.refusalSlipTitle),
    h('p', { class: 'codes' }, fmt(w.apologyTo, { name: d.applicant.fullName })),
    h('p', null, fmt(w.refusalIntro, { center: d.centerName, name: d.applicant.fullName, procedure: procedureName(d), code: d.code })),
    h('p', null, fmt(w.refusalBecause, { center: d.centerName })),
    h('div', { class: 'note-box', id: 'refusal-reason' }, c.reason ?? ''),
    h('p', null, fmt(w.refusalEnd, { center: d.centerName })),
    lookupRow(d),
    signs([w.signApplicant, w.signHint], [w.signReceiver, w.signHint], c.staffName))
}

/** Thông báo dừng giải quyết hồ sơ (Art. 21): at the citizen's request, as of when. */
function stopNotice(d: DossierView, copy: string): HTMLElement {
  const w = t().dossier
  const c = d.closing!
  return h('article', { class: 'sheet doc stop', 'data-copy': copy },
    h('div', { class: 'copy-label' }, copy),
    heading(d),
    h('h1', { class: 'doc-title' }, w.stopSlipTitle),
    h('p', { class: 'codes' }, fmt(w.apologyTo, { name: d.applicant.fullName })),
    h('p', null, fmt(w.stopIntro, { date: d.receivedAt ? dateWords(d.receivedAt).replace(/^ngày /, '') : '…', center: d.centerName, name: d.applicant.fullName, procedure: procedureName(d), code: d.code })),
    h('p', { id: 'stop-request' }, fmt(w.stopRequestLine, { reason: c.reason ?? '', center: d.centerName, time: timeLong(c.at) })),
    h('p', null, w.stopPapersLine),
    lookupRow(d),
    signs([w.signApplicant, w.signHint], [w.signHead, w.signHeadHint]))
}

function apology(d: DossierView): HTMLElement {
  const w = t().dossier
  const ext = d.extensions[d.extensions.length - 1]!
  return h('article', { class: 'sheet doc apology' },
    heading(d),
    h('h1', { class: 'doc-title' }, w.apologyTitle),
    h('p', { class: 'codes' }, fmt(w.apologyTo, { name: d.applicant.fullName })),
    h('p', null, fmt(w.apologyReceived, { date: d.receivedAt ? dateWords(d.receivedAt) : '…', center: d.centerName, procedure: procedureName(d), code: d.code })),
    h('p', null, fmt(w.apologyDue, { due: timeLong(ext.previousDueAt) })),
    h('p', null, fmt(w.apologyLate, { center: d.centerName })),
    h('p', { id: 'apology-reason' }, fmt(w.apologyReason, { reason: ext.reason })),
    h('p', null, fmt(w.apologySorry, { center: d.centerName, due: timeLong(ext.newDueAt) })),
    h('p', null, w.apologyThanks),
    lookupRow(d),
    signs(null, [w.signHead, w.signHeadHint]))
}

function render(): void {
  toolbar()
  sheets.className = `sheets ${paper}`
  sheets.style.removeProperty('--scale')
  document.title = `${dossier ? dossier.code + ' · ' : ''}${kindName()} · ${t().pages.appName}`
  if (message || !dossier) {
    fill(sheets, h('p', { class: 'message', id: 'slip-message', role: message ? 'alert' : 'status' }, message ?? t().pages.loading))
    return
  }
  const d = dossier
  const w = t().dossier
  const none = (text: string) => fill(sheets, h('p', { class: 'message', id: 'slip-message', role: 'alert' }, text))
  if (kind === 'bo-sung' && !d.supplement) return none(w.slipNoSupplement)
  if (kind === 'xin-loi' && !d.extensions.length) return none(w.slipNotExtended)
  if (kind === 'tu-choi' && d.closing?.status !== 'rejected') return none(w.slipNotRefused)
  if (kind === 'dung' && d.closing?.status !== 'stopped') return none(w.slipNotStopped)
  // two copies of what the citizen signs for (one kept with the dossier, one the citizen's); one of the apology and the control slip
  const two = (make: (d: DossierView, copy: string) => HTMLElement) => fill(sheets, make(d, w.copy1), h('div', { class: 'cut', 'aria-hidden': 'true' }), make(d, w.copy2))
  if (kind === 'tiep-nhan') two(receipt)
  else if (kind === 'bo-sung') two(supplement)
  else if (kind === 'tu-choi') two(refusal)
  else if (kind === 'dung') two(stopNotice)
  else fill(sheets, kind === 'kiem-soat' ? control(d) : apology(d))
  fitToSheet()
}

/** The printable height of each paper at 96 dpi (A5 210 mm, A4 297 mm, less the @page margins), with 2 % to spare. */
const PRINTABLE: Record<Paper, number> = { a5: 718 * 0.98, a4: 990 * 0.98 }
/**
 * The steps, in order of preference: the type's scale (10 pt on A5 and 13 pt on A4 at 1; 7 pt and 9 pt at the least), and
 * whether the layout is compact (tighter lines, table cells and spacing, a smaller QR).
 */
const STEPS: [number, boolean][] = [[1, false], [0.94, false], [0.94, true], [0.88, true], [0.83, true], [0.78, true], [0.74, true], [0.7, true]]

/**
 * Each copy on one sheet: measured at the paper's width without its vertical padding, the type steps down until the
 * tallest copy fits the printable height (the signature block then stays on the sheet of the table).
 */
function fitToSheet(): void {
  const list = Array.from(sheets.querySelectorAll<HTMLElement>('.sheet'))
  if (!list.length) return
  sheets.classList.add('measure')
  for (const [scale, compact] of STEPS) {
    sheets.style.setProperty('--scale', String(scale))
    sheets.classList.toggle('compact', compact)
    sheets.dataset.scale = `${scale}${compact ? ' compact' : ''}`
    if (Math.max(...list.map((e) => e.scrollHeight)) <= PRINTABLE[paper]) break
  }
  sheets.classList.remove('measure')
}

/** "Phiếu kiểm soát quá trình giải quyết hồ sơ": every step with who, when, and whether it was on time. */
function judge(d: DossierView, e: DossierView['history'][number]): keyof ReturnType<typeof t>['dossier']['controlJudge'] {
  // the move into ready carries the outcome; later steps of a ready dossier (its electronic result downloaded) do not
  if (e.toStatus === 'ready' && e.fromStatus !== 'ready' && d.outcome) return d.outcome
  // judged: the clerk's moves while the time runs (not the receipt, the completion of a supplement, a check-in, a stop, the handover)
  const judged = e.type === 'supplement_requested' || e.type === 'extended' || e.type === 'refused' || (e.type === 'status' && e.fromStatus !== 'needs_supplement')
  if (!judged || !e.dueAt) return 'none'
  return Date.parse(e.at) <= Date.parse(e.dueAt) ? 'on_time' : 'late'
}

/** "09:00 23/11/2026": the control slip's table is narrow */
function timeShort(iso: string): string {
  const p = localParts(iso)
  return `${p.hour}:${p.minute} ${pad(p.day)}/${pad(p.month)}/${p.year}`
}

function control(d: DossierView): HTMLElement {
  const w = t().dossier
  const steps = w.controlSteps as Record<string, string>
  const stepName = (e: DossierView['history'][number]) => e.type === 'status' || !steps[e.type] ? fmt(w.controlSteps.status, { status: w.status[e.toStatus] }) : steps[e.type]!
  const note = (e: DossierView['history'][number]) => e.type === 'extended' ? fmt(w.lookupExtended, { from: e.dueAt ? timeShort(e.dueAt) : '…' }) + (e.note ? `: ${e.note}` : '') : e.note ?? ''
  return h('article', { class: 'sheet doc control' },
    heading(d),
    h('h1', { class: 'doc-title' }, w.controlTitle),
    h('p', { class: 'codes' }, fmt(w.codeLine, { code: '' }), h('b', { class: 'dossier-code' }, d.code)),
    h('p', null, fmt(w.controlOf, { name: d.applicant.fullName })),
    field(w.request, procedureName(d)),
    d.receivedAt ? field(w.receivedAt, timeLong(d.receivedAt)) : null,
    d.dueAt ? h('p', null, fmt(w.controlDue, { time: timeLong(d.dueAt) })) : null,
    h('table', { class: 'docs-table steps', id: 'control-steps' },
      h('thead', null, h('tr', null, ...[w.controlCols.no, w.controlCols.step, w.controlCols.who, w.controlCols.when, w.controlCols.onTime, w.controlCols.note].map((c) => h('th', null, c)))),
      h('tbody', null, ...d.history.map((e, i) => {
        const j = judge(d, e)
        return h('tr', { 'data-judge': j },
          h('td', { class: 'n' }, String(i + 1)), h('td', null, stepName(e)), h('td', null, e.staffName ?? (e.byCitizen ? t().auditLog.citizen : '—')), h('td', { class: 'when' }, timeShort(e.at)),
          h('td', { class: 'judge' }, w.controlJudge[j]), h('td', { class: 'note' }, note(e)))
      }))),
    h('p', { class: 'hint-line' }, h('i', null, w.controlHint)),
    lookupRow(d),
    signs(null, [w.signControl, w.signHint], d.receivedByName))
}

async function boot(): Promise<void> {
  setLang(getLang())
  byId('page-size').textContent = PAGE[paper]
  render()
  try {
    dossier = (await apiGet<{ dossier: DossierView }>(`/api/dossiers/${encodeURIComponent(id)}`)).dossier
    publicUrl = await centerPublicUrl(dossier.centerSlug)
    qr = await qrSvg(publicBase(publicUrl) + dossier.lookupPath, 2)
  } catch (e) {
    message = e instanceof ApiError && e.status === 401 ? t().dossier.slipLogin : errorText(e)
  }
  render()
  const printable = !!dossier && !document.querySelector('#slip-message')
  if (printable) { await document.fonts.ready; fitToSheet() }
  document.body.dataset.ready = printable ? 'yes' : 'no'
  if (printable && param('in') === '1') {
    // issue 22: the slip the console opened to print goes away once printed, so the console's tab (and its
    // keys) is in front again without a click; reprints: "In giấy tiếp nhận" in the console
    window.addEventListener('afterprint', () => window.close(), { once: true })
    requestAnimationFrame(() => setTimeout(() => window.print(), 50))
  }
}
void boot()
