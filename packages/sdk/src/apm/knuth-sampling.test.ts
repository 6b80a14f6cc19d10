import { describe, expect, it } from 'vitest'
import { formatKnuthRate, isKeptByKnuth, knuthThreshold } from './knuth-sampling.js'

const TWO_64 = 1n << 64n

/** The reference formula written out with plain BigInt arithmetic, independent of the module. */
function referenceKept(id: bigint, rate: number): boolean {
  return (id * 1111111111111111111n) % TWO_64 <= BigInt(Math.floor(rate * 2 ** 64))
}

/** A small deterministic generator (xorshift64*) so the test ids are many, varied and repeatable. */
function* ids(count: number): Generator<bigint> {
  let x = 0x9e3779b97f4a7c15n
  for (let i = 0; i < count; i++) {
    x ^= x >> 12n
    x ^= BigInt.asUintN(64, x << 25n)
    x ^= x >> 27n
    yield BigInt.asUintN(63, x * 2685821657736338717n) || 1n
  }
}

describe('knuthThreshold', () => {
  it('is floor(rate * 2^64), clamped to [0, 2^64]', () => {
    expect(knuthThreshold(0)).toBe(0n)
    expect(knuthThreshold(0.5)).toBe(1n << 63n)
    expect(knuthThreshold(0.25)).toBe(1n << 62n)
    expect(knuthThreshold(1)).toBe(TWO_64)
    expect(knuthThreshold(7)).toBe(TWO_64)
    expect(knuthThreshold(-1)).toBe(0n)
    expect(knuthThreshold(Number.NaN)).toBe(0n)
  })
})

describe('isKeptByKnuth', () => {
  it('agrees with the reference formula for many ids and rates', () => {
    for (const rate of [0.001, 0.1, 0.37, 0.5, 0.9, 0.999]) {
      const threshold = knuthThreshold(rate)
      for (const id of ids(500)) expect(isKeptByKnuth(id, threshold)).toBe(referenceKept(id, rate))
    }
  })

  it('keeps about `rate` of random ids', () => {
    const threshold = knuthThreshold(0.3)
    let kept = 0
    for (const id of ids(20_000)) if (isKeptByKnuth(id, threshold)) kept++
    expect(kept / 20_000).toBeGreaterThan(0.28)
    expect(kept / 20_000).toBeLessThan(0.32)
  })

  it('is monotonic in the rate: an id kept at a rate is kept at every higher rate', () => {
    for (const id of ids(300)) {
      let keptBefore = false
      for (const rate of [0.1, 0.2, 0.4, 0.6, 0.8, 0.95]) {
        const kept = isKeptByKnuth(id, knuthThreshold(rate))
        if (keptBefore) expect(kept).toBe(true)
        keptBefore = kept
      }
    }
  })

  it('matches values worked out by hand', () => {
    // 1 * factor = 1111111111111111111 ≈ 0.0602 * 2^64: kept at 0.1, dropped at 0.05.
    expect(isKeptByKnuth(1n, knuthThreshold(0.1))).toBe(true)
    expect(isKeptByKnuth(1n, knuthThreshold(0.05))).toBe(false)
    // Only the low 64 bits of the product count: 2^64 + 1 hashes like 1.
    expect(isKeptByKnuth(TWO_64 + 1n, knuthThreshold(0.1))).toBe(true)
    expect(isKeptByKnuth(TWO_64 + 1n, knuthThreshold(0.05))).toBe(false)
    // 0 hashes to 0, which every threshold keeps.
    expect(isKeptByKnuth(0n, knuthThreshold(0))).toBe(true)
  })
})

describe('formatKnuthRate', () => {
  it('writes at most 6 decimals without trailing zeros', () => {
    expect(formatKnuthRate(1)).toBe('1')
    expect(formatKnuthRate(0)).toBe('0')
    expect(formatKnuthRate(0.5)).toBe('0.5')
    expect(formatKnuthRate(0.1)).toBe('0.1')
    expect(formatKnuthRate(1 / 3)).toBe('0.333333')
    expect(formatKnuthRate(0.1234567)).toBe('0.123457')
    expect(formatKnuthRate(0.0000001)).toBe('0')
    expect(formatKnuthRate(0.000001)).toBe('0.000001')
  })
})
