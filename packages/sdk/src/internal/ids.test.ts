import { describe, expect, it } from 'vitest'
import { isDecimalSpanId, isHex32TraceId, newSpanId, newTraceId } from './ids.js'

const U64_MAX = (1n << 64n) - 1n
const I63_MAX = (1n << 63n) - 1n

describe('newSpanId', () => {
  it('is a non-zero decimal 64-bit integer, and ids differ', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 5000; i++) {
      const id = newSpanId()
      expect(id).toMatch(/^[1-9][0-9]{0,19}$/)
      expect(BigInt(id) <= U64_MAX).toBe(true)
      seen.add(id)
    }
    expect(seen.size).toBe(5000)
  })

  it('stays in [1, 2^63) across many pool refills, as dd-trace keeps its ids', () => {
    for (let i = 0; i < 50_000; i++) {
      const id = BigInt(newSpanId())
      expect(id >= 1n && id < 1n << 63n).toBe(true)
    }
  })

  it('uses all 63 low bits: every bit is seen set and seen clear, bit 62 about half the time', () => {
    let seenSet = 0n
    let seenClear = 0n
    let high = 0
    for (let i = 0; i < 4000; i++) {
      const id = BigInt(newSpanId())
      seenSet |= id
      seenClear |= ~id & I63_MAX
      if (id >= 1n << 62n) high++
    }
    expect(seenSet).toBe(I63_MAX)
    expect(seenClear).toBe(I63_MAX)
    expect(high).toBeGreaterThan(1600)
    expect(high).toBeLessThan(2400)
  })

  it('never repeats across pool refills', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 10_000; i++) seen.add(newSpanId())
    expect(seen.size).toBe(10_000)
  })
})

describe('newTraceId', () => {
  it('puts the epoch second in the high 32 bits, zeros next, 64 random bits last', () => {
    const now = Date.UTC(2026, 10, 24, 5, 25, 0)
    const id = newTraceId(now)
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    expect(parseInt(id.slice(0, 8), 16)).toBe(Math.floor(now / 1000))
    expect(id.slice(8, 16)).toBe('00000000')
    expect(id.slice(16)).not.toBe('0000000000000000')
    expect(newTraceId(now)).not.toBe(id)
    expect(newTraceId(now + 1000).slice(0, 8)).toBe((Math.floor(now / 1000) + 1).toString(16))
  })

  it('keeps the random low 64 bits in [1, 2^63) over many ids', () => {
    const now = Date.UTC(2026, 0, 1)
    let seenSet = 0n
    for (let i = 0; i < 20_000; i++) {
      const low = BigInt('0x' + newTraceId(now).slice(16))
      expect(low >= 1n && low < 1n << 63n).toBe(true)
      seenSet |= low
    }
    expect(seenSet).toBe(I63_MAX)
  })
})

describe('id checks', () => {
  it('accept wire forms and reject others', () => {
    expect(isDecimalSpanId('155780522099886039')).toBe(true)
    expect(isDecimalSpanId('18446744073709551615')).toBe(true)
    expect(isDecimalSpanId('18446744073709551616')).toBe(false)
    expect(isDecimalSpanId('0')).toBe(false)
    expect(isDecimalSpanId('12a')).toBe(false)
    expect(isDecimalSpanId(12)).toBe(false)
    expect(isHex32TraceId('6b03fc19000000007953b531107242bf')).toBe(true)
    expect(isHex32TraceId('6B03FC19000000007953B531107242BF')).toBe(false)
    expect(isHex32TraceId('6b03fc19')).toBe(false)
  })
})
