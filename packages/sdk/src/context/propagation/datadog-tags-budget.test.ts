import { describe, expect, it } from 'vitest'
import { fitBudget, joinedLength, type BudgetEntry } from './datadog-tags-budget.js'

const entry = (key: string, length: number, trim: BudgetEntry['trim']): BudgetEntry => ({
  key,
  value: 'v'.repeat(length),
  trim,
})

describe('fitBudget', () => {
  it('measures k=v joined by one separator', () => {
    expect(joinedLength([])).toBe(0)
    expect(joinedLength([entry('a', 1, 'required')])).toBe(3)
    expect(joinedLength([entry('a', 1, 'required'), entry('bb', 0, 'optional')])).toBe(7)
  })

  it('returns the same entries when they fit', () => {
    const entries = [entry('a', 10, 'required'), entry('b', 10, 'optional')]
    const result = fitBudget(entries, 100)
    expect(result.kept).toBe(entries)
    expect(result.trimmed).toEqual([])
  })

  it('cuts the agent name, then the agent span id, then the longest optional, and puts back what fits again', () => {
    const entries = [
      entry('req', 10, 'required'),
      entry('small', 3, 'optional'),
      entry('big', 60, 'optional'),
      entry('mid', 20, 'optional'),
      entry('agent_id', 5, 'agent-span-id'),
      entry('agent_name', 5, 'agent-name'),
      entry('origin', 5, 'last-resort'),
    ]
    // Everything: 14+9+64+24+14+16+12 + 6 separators = 159. Budget 100: agent name (16+1) and
    // agent id (14+1) go, then big (64+1) brings it to 62; the two agent entries then fit again.
    const result = fitBudget(entries, 100)
    expect(result.trimmed).toEqual(['big'])
    expect(result.kept.map((e) => e.key)).toEqual(['req', 'small', 'mid', 'agent_id', 'agent_name', 'origin'])
    expect(joinedLength(result.kept)).toBeLessThanOrEqual(100)
    expect(result.overBudget).toBe(false)
  })

  it('goes to last-resort entries only after every optional one, and never cuts required ones', () => {
    const entries = [
      entry('req', 40, 'required'),
      entry('opt', 10, 'optional'),
      entry('o', 30, 'last-resort'),
    ]
    // req (44) + opt (14) + o (32) + 2 separators = 92: opt goes, then o; opt then fits again (59).
    const fitted = fitBudget(entries, 60)
    expect(fitted.trimmed).toEqual(['o'])
    expect(fitted.kept.map((e) => e.key)).toEqual(['req', 'opt'])
    expect(fitBudget(entries, 50).trimmed).toEqual(['opt', 'o'])
    const over = fitBudget(entries, 20)
    expect(over.kept.map((e) => e.key)).toEqual(['req'])
    expect(over.overBudget).toBe(true)
  })

  it('keeps the fitted length within budget for any mix (exhaustive small cases)', () => {
    const classes: BudgetEntry['trim'][] = [
      'agent-name',
      'agent-span-id',
      'optional',
      'last-resort',
      'required',
    ]
    for (let seed = 0; seed < 500; seed++) {
      const entries = Array.from({ length: 1 + (seed % 7) }, (_, i) =>
        entry(`k${i}`, (seed * 7 + i * 13) % 50, classes[(seed + i) % classes.length] as BudgetEntry['trim']),
      )
      const max = 20 + (seed % 150)
      const result = fitBudget(entries, max)
      const required = entries.filter((e) => e.trim === 'required')
      expect(result.kept).toEqual(expect.arrayContaining(required))
      if (!result.overBudget) expect(joinedLength(result.kept)).toBeLessThanOrEqual(max)
      else expect(joinedLength(required)).toBeGreaterThan(max)
      expect(result.kept.length + result.trimmed.length).toBe(entries.length)
    }
  })
})
