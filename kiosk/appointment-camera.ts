import { qrReader } from '../staff/intake-scan.js'
import { h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'

// The kiosk's camera as a QR reader (issue 24), for a kiosk without a 2D scanner: a booking's QR or a
// dossier slip's QR held up to it checks the citizen in, as a scan does. The frames are read by the same
// reader as the counter's ID-card camera (staff/intake-scan.ts: BarcodeDetector, else jsQR).

/** The video, a status line and "Dừng quét"; `onText` gets the first QR read (the camera then stops). */
export function kioskCamera(onText: (text: string) => void): { element: HTMLElement; start: () => Promise<void>; stop: () => void; running: () => boolean } {
  const video = h('video', { class: 'kcam-video', muted: true, playsinline: true, autoplay: true })
  const status = h('p', { class: 'hint kcam-status', role: 'status' })
  const canvas = h('canvas', { hidden: true })
  let stream: MediaStream | null = null
  let running = false
  const stop = () => {
    running = false
    stream?.getTracks().forEach((tr) => tr.stop())
    stream = null
    element.hidden = true
  }
  const element = h('div', { class: 'kcam-panel', id: 'kcam-panel', hidden: true }, video, canvas, status,
    h('button', { type: 'button', class: 'btn btn-back', id: 'kcam-stop', onclick: stop }, t().cccd.cameraStop))
  const start = async () => {
    if (running) return
    element.hidden = false
    status.textContent = t().appointments.cameraHint
    try {
      const read = await qrReader()
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 } }, audio: false })
      video.srcObject = stream
      await video.play()
      running = true
      while (running) {
        // the kiosk left the check-in screen (home, idle): the camera goes off
        if (!element.isConnected) { stop(); return }
        const text = await read(video, canvas).catch(() => null)
        if (text && running) {
          stop()
          onText(text)
          return
        }
        await new Promise((r) => setTimeout(r, 150))
      }
    } catch (e) {
      stop()
      element.hidden = false
      status.textContent = fmt(t().cccd.cameraUnavailable, { reason: e instanceof Error ? e.message : String(e) })
    }
  }
  return { element, start, stop, running: () => running }
}
