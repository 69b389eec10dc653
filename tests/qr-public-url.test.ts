import { describe, expect, it } from '@jest/globals'
import { isLoopbackHost, publicBase, qrPointsHere } from '../common/public-url.js'
import { loadConfig } from '../server/config.js'

/**
 * Issue 24, "The ticket's QR uses PUBLIC_URL": the address every QR of the pages carries (web/qr.ts
 * passes its page's origin and host to common/public-url.ts), and how PUBLIC_URL reaches the pages
 * (config → the board's publicUrl: tests/estimate-breaks.test.ts; drawn and read back in Chromium:
 * tests/e2e/breaks-public-url.test.ts).
 */
describe('the QR codes’ address', () => {
  it('is PUBLIC_URL when the install sets it, wherever the page was opened, and then nothing is said', () => {
    expect(publicBase('https://motcua.nasang.example', 'http://localhost:3000')).toBe('https://motcua.nasang.example')
    expect(publicBase('https://motcua.nasang.example/', 'http://127.0.0.1:3000')).toBe('https://motcua.nasang.example')
    expect(qrPointsHere('https://motcua.nasang.example', 'localhost')).toBe(false)
  })

  it('without PUBLIC_URL is the page’s own address; the page says so only when that is this machine', () => {
    expect(publicBase(null, 'http://192.168.1.10:3000')).toBe('http://192.168.1.10:3000')
    expect(qrPointsHere(null, '192.168.1.10')).toBe(false)
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:3000', 'http://kiosk.localhost']) {
      expect(publicBase(undefined, origin)).toBe(origin)
      expect(qrPointsHere(undefined, new URL(origin).hostname)).toBe(true)
    }
  })

  it('knows which hosts are this machine', () => {
    expect(['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '[::1]', '::1', 'a.localhost'].map(isLoopbackHost)).toEqual(Array(7).fill(true))
    expect(['192.168.1.10', 'motcua.example', '10.0.0.1', 'localhost.example', '128.0.0.1'].map(isLoopbackHost)).toEqual(Array(5).fill(false))
  })
})

describe('PUBLIC_URL in the config', () => {
  it('tells whether it was set: only then is it the pages’ QR address', () => {
    expect(loadConfig({ PORT: '3000' })).toMatchObject({ publicUrl: 'http://localhost:3000', publicUrlSet: false })
    expect(loadConfig({ PUBLIC_URL: 'https://motcua.nasang.example/' })).toMatchObject({ publicUrl: 'https://motcua.nasang.example', publicUrlSet: true })
  })
})
