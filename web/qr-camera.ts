// Reading a QR code from a camera's frames, for the pages that offer it (the counter's ID card reader,
// staff/intake-scan.ts; the kiosk's check-in, kiosk/camera.ts): the browser's BarcodeDetector where it has one
// that reads QR codes (Chromium on macOS, ChromeOS and Android), else jsQR on the frame's pixels (Chromium on
// Linux and Windows). jsQR (~46 KB gzipped) is a chunk of its own, fetched by `import()` only when a camera is
// opened: a page's first load never carries it (tests/e2e/page-weight.test.ts).

interface Detector { detect(src: CanvasImageSource): Promise<{ rawValue: string }[]> }
declare global { interface Window { BarcodeDetector?: new (o: { formats: string[] }) => Detector } }

/** One frame of the video read: the QR's text, or null when the frame shows none. */
export type QrRead = (video: HTMLVideoElement, canvas: HTMLCanvasElement) => Promise<string | null>

/** BarcodeDetector where the browser has it with QR support; else jsQR on the frame's pixels (loaded now). */
export async function qrReader(): Promise<{ read: QrRead; decoder: 'BarcodeDetector' | 'jsQR' }> {
  const BD = window.BarcodeDetector
  const formats = BD ? await (BD as unknown as { getSupportedFormats?: () => Promise<string[]> }).getSupportedFormats?.().catch(() => []) : []
  if (BD && formats?.includes('qr_code')) {
    const det = new BD({ formats: ['qr_code'] })
    return { decoder: 'BarcodeDetector', read: async (video) => (await det.detect(video))[0]?.rawValue ?? null }
  }
  const { default: jsQR } = await import('jsqr')
  return {
    decoder: 'jsQR',
    read: async (video, canvas) => {
      const w = video.videoWidth
      const hgt = video.videoHeight
      if (!w || !hgt) return null
      canvas.width = w
      canvas.height = hgt
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!
      ctx.drawImage(video, 0, 0, w, hgt)
      return jsQR(ctx.getImageData(0, 0, w, hgt).data, w, hgt, { inversionAttempts: 'dontInvert' })?.data ?? null
    },
  }
}

/** The device has a camera the page could ask for (no permission needed to know that; false where the page may not use one: plain http). */
export async function hasCamera(): Promise<boolean> {
  const md = navigator.mediaDevices
  if (!md?.enumerateDevices || !md.getUserMedia) return false
  try {
    return (await md.enumerateDevices()).some((d) => d.kind === 'videoinput')
  } catch {
    return false
  }
}
