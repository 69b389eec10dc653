// The kiosk's 2D scanner (issue 24): it types a QR's payload like a keyboard, much faster than a person,
// and ends with Enter. What it read is either a booking's link (/dat-lich/<id>) or a dossier slip's
// lookup link (/tra-cuu?code=…&lookupCode=…); both check the citizen in with one scan.

/** keys closer than this start a run; a scanner types 1–10 ms apart, a person 80–250 ms */
const RUN_MS = 50
/** once a run is long enough to be a scan, a longer gap still belongs to it (a busy page handles queued keys late) */
const IN_SCAN_MS = 150
/** a scanner sending no suffix: the scan ends after this long without a key, by the page's clock */
const SUFFIXLESS_END_MS = 600
/** no payload the kiosk reads is shorter (a six-digit code is typed on screen, not scanned) */
const MIN_SCAN = 8
const MAX_SCAN = 500

export { parseScan, type ScanPayload } from '../common/appointment-qr.js'

/**
 * Listens on the window before the page's own key handlers (capture phase) while `listening()`. The first
 * key of a run goes through (a person typing is never slowed down); the next keys closer than RUN_MS are
 * held back. Enter or Tab after a run of MIN_SCAN or more (or SUFFIXLESS_END_MS without a key) ends a
 * scan: `onScan` gets the payload (the page takes back the first key, noted at `onRunStart`). A shorter run was a person:
 * its held keys are handed to `replay`.
 */
export function listenForKioskScans(opts: {
  listening: () => boolean
  /** a run begins (its first key then goes to the page): the page notes what a scan would take back */
  onRunStart: () => void
  onScan: (text: string) => void
  replay: (keys: string) => void
}): () => void {
  let run = ''
  let last = -Infinity
  let timer: ReturnType<typeof setTimeout> | undefined
  const reset = () => { run = ''; clearTimeout(timer) }
  const end = () => {
    const text = run
    reset()
    if (text.length >= MIN_SCAN) opts.onScan(text)
    else if (text.length > 1) opts.replay(text.slice(1))
  }
  const onKey = (ev: KeyboardEvent) => {
    if (!opts.listening() || ev.ctrlKey || ev.altKey || ev.metaKey || ev.isComposing) return
    const gap = ev.timeStamp - last
    const inRun = run !== '' && gap < (run.length >= MIN_SCAN ? IN_SCAN_MS : RUN_MS)
    if (ev.key === 'Enter' || ev.key === 'Tab') {
      if (inRun && run.length >= MIN_SCAN) { ev.preventDefault(); ev.stopImmediatePropagation(); end() }
      else if (run) end()
      return
    }
    if (ev.key.length !== 1) return
    last = ev.timeStamp
    if (!inRun) {
      if (run) end()
      opts.onRunStart()
      run = ev.key
    } else {
      ev.preventDefault()
      ev.stopImmediatePropagation()
      run += ev.key
      if (run.length > MAX_SCAN) { reset(); return }
    }
    clearTimeout(timer)
    timer = setTimeout(end, SUFFIXLESS_END_MS)
  }
  window.addEventListener('keydown', onKey, true)
  return () => { window.removeEventListener('keydown', onKey, true); reset() }
}
