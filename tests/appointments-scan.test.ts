import { describe, expect, it } from '@jest/globals'
import { parseScan } from '../common/appointment-qr.js'
import { lookupPath } from '../common/dossier-types.js'
import { appointmentOwnPath, appointmentQrPath } from '../common/appointment-types.js'

// What the kiosk's scanner read (issue 24): the QR payloads the pages draw, read back as check-ins.
const ID = '0b5c7a52-3f0e-4a8e-9d4c-2c1f7d0e9a11'

describe('the kiosk reads a scanned QR', () => {
  it('takes a booking\'s QR, on any host, with or without its own link\'s secret', () => {
    for (const text of [`https://motcua.nasang.gov.vn${appointmentQrPath(ID)}`, `http://192.168.1.20:3000${appointmentOwnPath(ID, 'abc_DEF-123')}`,
      `http://127.0.0.1:3000/dat-lich/${ID.toUpperCase()}?center=na-sang#k=x`, ` ${appointmentQrPath(ID)}/ `]) {
      expect(parseScan(text)).toEqual({ kind: 'appointment', id: ID })
    }
  })

  it('takes a dossier slip\'s lookup link with both codes, upper-cased', () => {
    expect(parseScan(`http://192.168.1.20:3000${lookupPath('na-sang', 'NS-261123-0007', 'AB3K')}`))
      .toEqual({ kind: 'dossier', code: 'NS-261123-0007', lookupCode: 'AB3K' })
    expect(parseScan('https://x.vn/tra-cuu?code=000.00.19.h09-261123-0001&lookupCode=ab3k'))
      .toEqual({ kind: 'dossier', code: '000.00.19.H09-261123-0001', lookupCode: 'AB3K' })
  })

  it('refuses anything else: a procedure\'s QR, a ticket\'s, a lookup without its code, a malformed id, text', () => {
    for (const text of ['https://x.vn/tra-cuu?center=na-sang&thu-tuc=khai-sinh', `https://x.vn/t/${ID}#k=abc`, 'https://x.vn/tra-cuu?code=NS-261123-0007',
      'https://x.vn/dat-lich/123', 'https://x.vn/dat-lich', 'xin chào', '', 'https://example.org/not-ours']) {
      expect(parseScan(text)).toEqual({ kind: 'unknown' })
    }
  })
})
