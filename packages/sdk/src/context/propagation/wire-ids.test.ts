import { describe, expect, it } from 'vitest'
import {
  decimalToHex16,
  hex16ToDecimal,
  llmobsTraceIdFromWire,
  llmobsTraceIdToWire,
  lowHalfDecimal,
  normalizeDecimalId,
  normalizeTraceId,
} from './wire-ids.js'

describe('wire ids', () => {
  it('LLMObs trace ids go out decimal and come back hex (the capture: 6b03fc19… ↔ 39 digits)', () => {
    const hex = '6b03fc19000000007953b531107242bf'
    const wire = llmobsTraceIdToWire(hex)
    expect(wire).toBe(BigInt('0x' + hex).toString(10))
    expect(wire).toHaveLength(39)
    expect(llmobsTraceIdFromWire(wire as string)).toBe(hex)
    expect(llmobsTraceIdFromWire(hex)).toBe(hex)
    expect(llmobsTraceIdFromWire(hex.toUpperCase())).toBe(hex)
  })

  it('reads 32 all-digit characters as decimal unless they start with 0, as dd-trace does', () => {
    const decimal = '12345678901234567890123456789012'
    expect(llmobsTraceIdFromWire(decimal)).toBe(BigInt(decimal).toString(16).padStart(32, '0'))
    const hexDigitsOnly = '01234567890123456789012345678901'
    expect(llmobsTraceIdFromWire(hexDigitsOnly)).toBe(hexDigitsOnly)
  })

  it('reads a 64-bit decimal LLMObs trace id (older tracers) into zero-padded hex and writes it back unchanged', () => {
    const hex = llmobsTraceIdFromWire('774591771944634912')
    expect(hex).toBe('0000000000000000' + 774591771944634912n.toString(16).padStart(16, '0'))
    expect(llmobsTraceIdToWire(hex as string)).toBe('774591771944634912')
  })

  it('refuses zero, overflow and garbage', () => {
    for (const bad of [
      '0',
      '0'.repeat(32),
      (1n << 128n).toString(10),
      '',
      'abc',
      '12a',
      '-1',
      '1e9',
      '0x12',
    ]) {
      expect(llmobsTraceIdFromWire(bad), bad).toBeUndefined()
    }
    expect(llmobsTraceIdToWire('0'.repeat(32))).toBeUndefined()
    expect(llmobsTraceIdToWire('123')).toBeUndefined()
  })

  it('normalizes APM ids and converts halves', () => {
    expect(normalizeTraceId('6B03FC19000000007953B531107242BF')).toBe('6b03fc19000000007953b531107242bf')
    expect(normalizeTraceId('0'.repeat(32))).toBeUndefined()
    expect(normalizeTraceId('6b03fc19')).toBeUndefined()
    expect(normalizeDecimalId('007')).toBe('7')
    expect(normalizeDecimalId('18446744073709551615')).toBe('18446744073709551615')
    expect(normalizeDecimalId('18446744073709551616')).toBeUndefined()
    expect(normalizeDecimalId(' 7')).toBeUndefined()
    expect(lowHalfDecimal('6b03fc1900000000' + '0abfe71cd4b34a20')).toBe('774591771944634912')
    expect(decimalToHex16('774591771944634912')).toBe('0abfe71cd4b34a20')
    expect(hex16ToDecimal('0abfe71cd4b34a20')).toBe('774591771944634912')
  })
})
