import { describe, expect, it } from 'vitest'
import { parseDecimalId, parseId, toDecimal, toHex32, traceIdHex32ToDecimal, traceIdToHex32 } from './ids.js'

describe('ids', () => {
  it('formats a 128-bit trace id from its halves as 32 lowercase hex', () => {
    expect(toHex32(0x6b03fc1900000000n, 0x0abfe71cd4b34a20n)).toBe('6b03fc19000000000abfe71cd4b34a20')
  })

  it('round-trips LLMObs trace ids between decimal (propagation) and hex (events)', () => {
    const hex = '6b03fc19000000007953b531107242bf'
    const decimal = traceIdHex32ToDecimal(hex)
    expect(traceIdToHex32(decimal)).toBe(hex)
    expect(traceIdToHex32(hex.toUpperCase())).toBe(hex)
    expect(traceIdToHex32('not-an-id')).toBeUndefined()
  })

  it('parses decimal and hex span ids and rejects out-of-range values', () => {
    expect(parseId('774591771944634912')).toBe(774591771944634912n)
    expect(parseId('0x10')).toBe(16n)
    expect(parseDecimalId('18446744073709551616')).toBeUndefined()
    expect(toDecimal(-1n)).toBe('18446744073709551615')
  })
})
