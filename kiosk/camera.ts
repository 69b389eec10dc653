import './camera.css'
import { h } from '../web/dom.js'
import { t } from '../web/i18n.js'
import { hasCamera, qrReader, type QrRead } from '../web/qr-camera.js'

// The kiosk's camera as a QR reader (issue 24): "Quét mã bằng camera" opens a full-screen view of the camera
// with a frame guide; a QR shown to it is read a few times a second (BarcodeDetector, else jsQR fetched now:
// web/qr-camera.ts) and its text goes where the 2D scanner's typed payload goes (KioskCheckin.scanned).

/** a frame is read this long after the last read ended: ≤ 4 reads a second, whatever the camera's frame rate */
const READ_EVERY_MS = 250
/** the view closes by itself after this long without a code (the citizen walked away) */
export const CAMERA_OPEN_MS = 60_000

/** Calls `changed` with whether the device has a camera now, and again when a camera is plugged in or out. */
export function watchCamera(changed: (has: boolean) => void): void {
  const check = () => void hasCamera().then(changed)
  check()
  navigator.mediaDevices?.addEventListener?.('devicechange', check)
}

interface Deps {
  /** a QR was read (the view has closed and the camera stopped) */
  onCode(text: string): void
  /** the camera could not be opened: refused, missing, busy (the view has closed) */
  onFailed(): void
}

/** The camera view: one at a time; every way it closes stops the camera's tracks. */
export class KioskCamera {
  /** the open view (a fresh object each time: a late answer from an earlier one is ignored) */
  private session: { el: HTMLElement; stream: MediaStream | null; timer: ReturnType<typeof setTimeout> } | null = null

  constructor(private deps: Deps) {}

  get isOpen(): boolean { return this.session !== null }

  async open(): Promise<void> {
    if (this.session) return
    const a = t().appointments
    const video = h('video', { class: 'camera-video', id: 'camera-video', muted: true, playsinline: true, autoplay: true })
    const canvas = h('canvas', { hidden: true })
    const prompt = h('p', { class: 'camera-prompt', id: 'camera-prompt' }, a.cameraStarting)
    const el = h('div', { class: 'camera', id: 'camera', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'camera-prompt', 'data-state': 'starting' },
      h('div', { class: 'camera-stage' }, video, h('div', { class: 'camera-frame', 'aria-hidden': 'true' }, h('span', { class: 'camera-corners' }))),
      prompt,
      h('p', { class: 'camera-sub' }, a.cameraPromptSub),
      h('button', { type: 'button', class: 'btn camera-cancel', id: 'camera-cancel', onclick: () => this.close() }, a.cameraCancel),
      canvas)
    const s = { el, stream: null as MediaStream | null, timer: setTimeout(() => this.close(), CAMERA_OPEN_MS) }
    this.session = s
    document.body.append(el)
    const live = () => this.session === s
    try {
      // jsQR's chunk loads while the camera starts (and is not fetched where BarcodeDetector reads QR codes)
      const reader = qrReader()
      reader.catch(() => undefined)
      // a kiosk's camera usually faces the citizen ('user'); a USB webcam says neither and is taken as it is
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'user' }, width: { ideal: 1280 } }, audio: false })
      if (!live()) { stopTracks(stream); return }
      s.stream = stream
      video.srcObject = stream
      await video.play()
      const { read, decoder } = await reader
      if (!live()) return
      // a camera facing the citizen is shown as a mirror (the phone moves the way the hand does); frames are read unmirrored
      const facing = stream.getVideoTracks()[0]?.getSettings().facingMode
      el.classList.toggle('mirrored', facing !== 'environment')
      el.dataset.state = 'reading'
      el.dataset.decoder = decoder
      prompt.textContent = a.cameraPrompt
      await this.readUntilFound(s, read, video, canvas)
    } catch {
      if (!live()) return
      this.close()
      this.deps.onFailed()
    }
  }

  /** Closes the view (cancel, 60 s without a code, a code read, a scan by the scanner): the camera stops. */
  close(): void {
    const s = this.session
    if (!s) return
    this.session = null
    clearTimeout(s.timer)
    if (s.stream) stopTracks(s.stream)
    const video = s.el.querySelector('video')
    if (video) video.srcObject = null
    s.el.remove()
  }

  private async readUntilFound(s: NonNullable<KioskCamera['session']>, read: QrRead, video: HTMLVideoElement, canvas: HTMLCanvasElement): Promise<void> {
    while (this.session === s) {
      const text = await read(video, canvas).catch(() => null)
      if (this.session !== s) return
      if (text) {
        this.close()
        this.deps.onCode(text)
        return
      }
      await new Promise((r) => setTimeout(r, READ_EVERY_MS))
    }
  }
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop()
}
