import { describe, expect, it } from 'vitest'
import { RateLimiter } from './rate-limiter.js'

/** A clock the test moves by hand. */
function manualClock(start = 10_000): {
  now: () => number
  advance: (ms: number) => void
  set: (ms: number) => void
} {
  let t = start
  return {
    now: () => t,
    advance: (ms) => {
      t += ms
    },
    set: (ms) => {
      t = ms
    },
  }
}

function countAllowed(limiter: RateLimiter, requests: number): number {
  let allowed = 0
  for (let i = 0; i < requests; i++) if (limiter.isAllowed()) allowed++
  return allowed
}

describe('RateLimiter', () => {
  it('lets a burst of `perSecond` through at once, then refuses', () => {
    const clock = manualClock()
    const limiter = new RateLimiter(100, clock.now)
    expect(countAllowed(limiter, 100)).toBe(100)
    expect(limiter.isAllowed()).toBe(false)
  })

  it('refills continuously: 100 ms at 100/s buys 10 tokens', () => {
    const clock = manualClock()
    const limiter = new RateLimiter(100, clock.now)
    expect(countAllowed(limiter, 50)).toBe(50)
    clock.advance(500) // 50 tokens left, +50 capped at 100
    countAllowed(limiter, 50) // the window has allowed 100: its cap
    clock.advance(600) // a new window, and the bucket back at 100 after 600 ms
    expect(countAllowed(limiter, 95)).toBe(95)
    clock.advance(100) // 5 left + 10 dripped in; the window allows 5 more
    expect(countAllowed(limiter, 50)).toBe(5)
  })

  it('keeps a burst at a window boundary from doubling the rate: the bucket holds it back', () => {
    const clock = manualClock()
    const limiter = new RateLimiter(100, clock.now)
    expect(limiter.isAllowed()).toBe(true) // the window opens at t0
    clock.advance(990)
    expect(countAllowed(limiter, 99)).toBe(99) // the bucket refilled to 100; 1 is left; cap reached
    clock.advance(20) // a new window, but the bucket holds 1 + 2 dripped in
    expect(countAllowed(limiter, 100)).toBe(3)
    clock.advance(100)
    expect(countAllowed(limiter, 100)).toBe(10)
  })

  it('allows at most `perSecond` per one-second window even with tokens left in the bucket', () => {
    const clock = manualClock()
    const limiter = new RateLimiter(10, clock.now)
    expect(countAllowed(limiter, 10)).toBe(10)
    clock.advance(900) // 9 tokens dripped in, but the window already allowed 10
    expect(countAllowed(limiter, 5)).toBe(0)
    clock.advance(100) // new window
    expect(countAllowed(limiter, 20)).toBe(10)
  })

  it('sustains the configured rate over a long run of steady requests', () => {
    const clock = manualClock()
    const limiter = new RateLimiter(50, clock.now)
    let allowed = 0
    // 500 requests a second for 20 seconds, one every 2 ms.
    for (let i = 0; i < 10_000; i++) {
      if (limiter.isAllowed()) allowed++
      clock.advance(2)
    }
    expect(allowed).toBeGreaterThanOrEqual(20 * 50)
    expect(allowed).toBeLessThanOrEqual(21 * 50)
  })

  it('reports the effective rate over this window and the previous one', () => {
    const clock = manualClock()
    const limiter = new RateLimiter(10, clock.now)
    expect(limiter.effectiveRate()).toBe(1)
    countAllowed(limiter, 20)
    expect(limiter.effectiveRate()).toBe(0.5)
    clock.advance(1000)
    countAllowed(limiter, 10) // all 10 allowed: (10 + 10) / (20 + 10)
    expect(limiter.effectiveRate()).toBeCloseTo(20 / 30, 12)
    clock.advance(1000)
    countAllowed(limiter, 10) // the first window is forgotten: (10 + 10) / (10 + 10)
    expect(limiter.effectiveRate()).toBe(1)
  })

  it('forgets the previous window after a quiet gap', () => {
    const clock = manualClock()
    const limiter = new RateLimiter(10, clock.now)
    countAllowed(limiter, 40)
    expect(limiter.effectiveRate()).toBe(0.25)
    clock.advance(5000)
    expect(limiter.isAllowed()).toBe(true)
    expect(limiter.effectiveRate()).toBe(1)
  })

  it('lets everything through with a negative limit, nothing with 0', () => {
    const clock = manualClock()
    const unlimited = new RateLimiter(-1, clock.now)
    expect(countAllowed(unlimited, 10_000)).toBe(10_000)
    expect(unlimited.effectiveRate()).toBe(1)
    const closed = new RateLimiter(0, clock.now)
    expect(countAllowed(closed, 100)).toBe(0)
    expect(closed.effectiveRate()).toBe(0)
  })

  it('handles a fractional limit: 0.5/s lets one trace through every two seconds', () => {
    const clock = manualClock()
    const limiter = new RateLimiter(0.5, clock.now)
    expect(countAllowed(limiter, 5)).toBe(1)
    clock.advance(1000)
    expect(countAllowed(limiter, 5)).toBe(0)
    clock.advance(1000)
    expect(countAllowed(limiter, 5)).toBe(1)
  })

  it('survives a clock that goes backwards without throwing or minting tokens', () => {
    const clock = manualClock(50_000)
    const limiter = new RateLimiter(10, clock.now)
    countAllowed(limiter, 10)
    clock.set(1_000)
    expect(countAllowed(limiter, 10)).toBe(0) // the bucket is still empty
    clock.advance(500)
    expect(countAllowed(limiter, 10)).toBe(5)
  })
})
