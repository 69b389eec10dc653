import { describe, expect, it } from '@jest/globals'
import { generatePassword, passwordProblem, assertPasswordAllowed, PASSWORD_MIN_LENGTH } from '../server/auth/password-policy.js'
import { AppError } from '../server/errors.js'

describe('password rules', () => {
  it('refuses fewer than 12 characters, counting characters, not bytes', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(12)
    expect(passwordProblem('k7mq-d3xa-p')).toBe('PASSWORD_TOO_SHORT')
    expect(passwordProblem('motcua-demo')).toBe('PASSWORD_TOO_SHORT')
    expect(passwordProblem('Tôi ở Na Sàn')).toBeNull() // 12 characters, more UTF-8 bytes
    expect(passwordProblem('Tôi ở Na Sà')).toBe('PASSWORD_TOO_SHORT')
  })

  it('refuses one of the 10,000 most common passwords whatever its case, and one with digits and signs around it', () => {
    for (const p of ['qwerty123456', '1qaz2wsx3edc', 'QazWsxEdcRfv', 'Password2026!', 'iloveyou1234', '!!sunshine!!', 'Mật-khẩu 2026!!', 'motcua-demo-2026'])
      expect([p, passwordProblem(p)]).toEqual([p, 'PASSWORD_TOO_COMMON'])
  })

  it('refuses few different characters and runs', () => {
    for (const p of ['abababababab', '111111111111', '123456789012', 'abcdefghijkl', '987654321098'])
      expect([p, passwordProblem(p)]).toEqual([p, 'PASSWORD_TOO_COMMON'])
  })

  it('refuses the username, or a password holding it', () => {
    expect(passwordProblem('nguyen.van.an', { username: 'nguyen.van.an' })).toBe('PASSWORD_HAS_USERNAME')
    expect(passwordProblem('Nguyen.Van.An!2026', { username: 'nguyen.van.an' })).toBe('PASSWORD_HAS_USERNAME')
    expect(passwordProblem('nguyen.van.an', { username: 'tran.thi.binh' })).toBeNull()
  })

  it('accepts a sentence and a random password', () => {
    expect(passwordProblem('mùa lúa chín ở Na Sang')).toBeNull()
    expect(passwordProblem('x9!k2@m4#p7$')).toBeNull()
  })

  it('throws the rule as an AppError naming the field and the length', () => {
    const err = (() => { try { assertPasswordAllowed('ngắn', { field: 'newPassword' }) } catch (e) { return e } })() as AppError
    expect(err).toBeInstanceOf(AppError)
    expect([err.code, err.status, err.params]).toEqual(['PASSWORD_TOO_SHORT', 400, { min: 12, field: 'newPassword' }])
  })

  it('generates readable random passwords that keep the rules', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++) {
      const p = generatePassword()
      expect(p).toMatch(/^[abcdeghkmnpqrstuvxy2-9]{4}(-[abcdeghkmnpqrstuvxy2-9]{4}){3}$/)
      expect(passwordProblem(p)).toBeNull()
      seen.add(p)
    }
    expect(seen.size).toBe(200)
  })
})
