import { describe, expect, it } from 'vitest'
import { redact } from './redact.js'

describe('redact', () => {
  it('removes every occurrence of each secret', () => {
    expect(redact('key=abcd1234 again abcd1234', ['abcd1234'])).toBe('key=[redacted] again [redacted]')
  })

  it('removes URL userinfo', () => {
    expect(redact('cannot reach https://user:pw@intake.example.com/x', [])).toBe(
      'cannot reach https://[redacted]@intake.example.com/x',
    )
  })

  it('leaves text alone when there is no secret', () => {
    expect(redact('plain', [undefined, 'ab'])).toBe('plain')
  })
})
