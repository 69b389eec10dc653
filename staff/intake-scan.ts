import { CCCD_PREFIX, parseCccd, type CccdResult } from '../common/cccd.js'
import { h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { qrReader } from '../web/qr-camera.js'

// The chip ID card's QR read at the counter (docs/staff.md "The ID card's QR"): from a 2D scanner that types
// like a keyboard, told from a person by its speed and shape and taken out of whatever field has the focus;
// or from the webcam (the browser's BarcodeDetector, else jsQR loaded when the camera opens: web/qr-camera.ts).

export type ScanSource = 'card_scan' | 'camera'
export type ScanHandler = (result: CccdResult, source: ScanSource) => void

/**
 * Keystrokes closer than this make a run. A scanner types 1–10 ms apart; a person types 80–250 ms apart, and
 * even a fast typist's rolled keys come two or three at a time, never the 13 in a row a card begins with.
 * The slack over a scanner's speed is for a busy page (event times are the keyboard's, not the handler's).
 */
const RUN_MS = 50
/** once a run has a card's shape (12 digits and a separator), a longer pause still belongs to it */
const IN_SCAN_MS = 150
/**
 * a scanner set to send no suffix: the scan ends after this long without a key, by the page's clock. Longer
 * than IN_SCAN_MS (which is judged on the keys' own times): a busy page may handle queued keys late, and a
 * timer that fired between them would cut the scan in two (seen on a loaded CI machine)
 */
const SUFFIXLESS_END_MS = 600
const MAX_SCAN = 1000

type Editable = HTMLInputElement | HTMLTextAreaElement
const editable = (el: Element | null): Editable | null =>
  el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'file'].includes(el.type)) ? el : null

/**
 * Listens on the document, before any field or shortcut sees a key (capture phase). Keys typed less than
 * RUN_MS apart make a run. The first 12 digits of a run go where they were typed (no person is slowed down,
 * and digits are no console shortcut); when the 13th key of a run of 12 digits is not a digit, the run has a
 * card's shape: from there every key is held back from the page, until Enter or Tab (the scanner's suffix,
 * also held back) or SUFFIXLESS_END_MS without a key (a scanner set to send no suffix). Then the field the run began
 * in gets back its value from before the run, and the payload goes to `onScan`, parsed (a refusal included:
 * the page says why). Characters a scanner sends without a key (Unicode through the input method) arrive as
 * beforeinput and are handled alike.
 */
export function listenForScans(onScan: ScanHandler, doc: Document = document): () => void {
  let run = ''
  let last = -Infinity
  /** the field the run began in, and its value then */
  let origin: { el: Editable; value: string; start: number | null; end: number | null } | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  /** a keydown let through is followed by its own beforeinput, which must not count twice */
  let keyLetThrough = false

  const holding = () => run.length > 12 && CCCD_PREFIX.test(run)
  const reset = () => { run = ''; origin = null; clearTimeout(timer) }
  const finish = () => {
    const text = run
    const o = origin
    reset()
    // the digits that went in before the shape was known (fewer when the field's maxlength stopped them)
    if (o && o.el.value !== o.value) {
      o.el.value = o.value
      try { if (o.start !== null) o.el.setSelectionRange(o.start, o.end ?? o.start) } catch { /* no selection on this input type */ }
      o.el.dispatchEvent(new Event('input', { bubbles: true }))
    }
    onScan(parseCccd(text), 'card_scan')
  }

  /** true when the character is held back from the page */
  const char = (ch: string, at: number): boolean => {
    const gap = at - last
    last = at
    if (!(run && gap < (holding() ? IN_SCAN_MS : RUN_MS))) {
      if (holding()) finish()
      reset()
      const el = editable(doc.activeElement)
      origin = el ? { el, value: el.value, start: safe(() => el.selectionStart), end: safe(() => el.selectionEnd) } : null
    }
    run += ch
    if (run.length <= 12 && /^\d+$/.test(run)) return false
    if (!holding() || run.length > MAX_SCAN) { reset(); return false }
    clearTimeout(timer)
    timer = setTimeout(finish, SUFFIXLESS_END_MS)
    return true
  }

  const onKeydown = (ev: KeyboardEvent) => {
    keyLetThrough = false
    if (ev.ctrlKey || ev.altKey || ev.metaKey || ev.isComposing) return
    if (ev.key === 'Enter' || ev.key === 'Tab') {
      // a card's Enter must neither submit the form nor pick a procedure
      if (holding() && ev.timeStamp - last < IN_SCAN_MS) { ev.preventDefault(); ev.stopImmediatePropagation(); clearTimeout(timer); finish() }
      return
    }
    if (ev.key.length !== 1) return // Shift and the other modifiers, arrows, F-keys
    if (char(ev.key, ev.timeStamp)) { ev.preventDefault(); ev.stopImmediatePropagation() } else keyLetThrough = true
  }
  const onBeforeInput = (ev: InputEvent) => {
    if (keyLetThrough) { keyLetThrough = false; return }
    if (ev.inputType !== 'insertText' || !ev.data) return
    let held = false
    for (const ch of ev.data) held = char(ch, ev.timeStamp) || held
    if (held) { ev.preventDefault(); ev.stopImmediatePropagation() }
  }
  doc.addEventListener('keydown', onKeydown, true)
  doc.addEventListener('beforeinput', onBeforeInput as EventListener, true)
  return () => {
    doc.removeEventListener('keydown', onKeydown, true)
    doc.removeEventListener('beforeinput', onBeforeInput as EventListener, true)
    reset()
  }
}

function safe<T>(f: () => T): T | null {
  try { return f() } catch { return null }
}

// ---------- the webcam ----------

/**
 * The camera panel inside the intake dialog: the video, a status line, "Dừng quét". Reads frames until a QR
 * is found, then stops the camera and hands the payload over (parsed like a scanner's).
 */
export function cameraPanel(onScan: ScanHandler): { element: HTMLElement; start: () => Promise<void>; stop: () => void } {
  const w = t().cccd
  const video = h('video', { class: 'cam-video', muted: true, playsinline: true, autoplay: true })
  const status = h('p', { class: 'muted small cam-status', role: 'status' }, w.cameraHint)
  const canvas = h('canvas', { hidden: true })
  let stream: MediaStream | null = null
  let running = false
  const stop = () => {
    running = false
    stream?.getTracks().forEach((tr) => tr.stop())
    stream = null
    element.hidden = true
  }
  const element = h('div', { class: 'cam-panel', id: 'cam-panel', hidden: true }, video, canvas, status,
    h('button', { type: 'button', class: 'btn', id: 'cam-stop', onclick: stop }, w.cameraStop))
  const start = async () => {
    if (running) return
    element.hidden = false
    status.textContent = w.cameraHint
    try {
      const { read } = await qrReader()
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment', width: { ideal: 1280 } }, audio: false })
      video.srcObject = stream
      await video.play()
      running = true
      while (running) {
        const text = await read(video, canvas).catch(() => null)
        if (text && running) {
          stop()
          onScan(parseCccd(text), 'camera')
          return
        }
        await new Promise((r) => setTimeout(r, 150))
      }
    } catch (e) {
      stop()
      element.hidden = false
      status.textContent = fmt(w.cameraUnavailable, { reason: e instanceof Error ? e.message : String(e) })
    }
  }
  return { element, start, stop }
}
