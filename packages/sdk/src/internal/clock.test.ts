import { describe, expect, it } from 'vitest'
import { durationNs, epochMsAt, epochNsAt, monotonicMs } from './clock.js'

describe('clock', () => {
  it('gives epoch nanoseconds close to the wall clock, as integers', () => {
    const reading = monotonicMs()
    const ns = epochNsAt(reading)
    expect(Number.isInteger(ns)).toBe(true)
    // Anchored once: within a few seconds of Date.now() unless the wall clock jumped meanwhile.
    expect(Math.abs(ns / 1e6 - Date.now())).toBeLessThan(5000)
    expect(Math.abs(epochMsAt(reading) - ns / 1e6)).toBeLessThan(1)
  })

  it('measures integer, non-negative durations', async () => {
    const start = monotonicMs()
    await new Promise((resolve) => setTimeout(resolve, 5))
    const duration = durationNs(start, monotonicMs())
    expect(Number.isInteger(duration)).toBe(true)
    expect(duration).toBeGreaterThanOrEqual(4_000_000)
    expect(durationNs(10, 5)).toBe(0)
  })
})
