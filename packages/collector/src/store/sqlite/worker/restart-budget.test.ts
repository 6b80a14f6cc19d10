import { describe, expect, it } from 'vitest'
import { RestartBudget } from './restart-budget.js'

describe('RestartBudget', () => {
  it('allows `max` restarts within any window, and more once old ones leave it', () => {
    const budget = new RestartBudget(2, 60_000)
    expect(budget.take(0)).toBe(true)
    expect(budget.take(10_000)).toBe(true)
    expect(budget.take(59_999)).toBe(false)
    expect(budget.used(59_999)).toBe(2)
    // The first restart leaves the window at 60 s.
    expect(budget.take(60_000)).toBe(true)
    expect(budget.used(60_000)).toBe(2)
    expect(budget.take(60_001)).toBe(false)
    expect(budget.used(200_000)).toBe(0)
  })
})
