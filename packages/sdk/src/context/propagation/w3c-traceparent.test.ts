import { describe, expect, it } from 'vitest'
import { formatTraceparent, parseTraceparent } from './w3c-traceparent.js'

const TRACE = '6b03fc19000000007953b531107242bf'
const SPAN = '0abfe71cd4b34a20'

describe('traceparent', () => {
  it('formats version 00 with the sampled flag', () => {
    expect(formatTraceparent(TRACE, SPAN, true)).toBe(`00-${TRACE}-${SPAN}-01`)
    expect(formatTraceparent(TRACE, SPAN, false)).toBe(`00-${TRACE}-${SPAN}-00`)
  })

  it('parses, lowercasing and reading only the sampled bit of the flags', () => {
    const problems: string[] = []
    expect(parseTraceparent(` 00-${TRACE.toUpperCase()}-${SPAN}-03 `, problems)).toEqual({
      traceId: TRACE,
      parentId: SPAN,
      sampled: true,
    })
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-02`, problems)?.sampled).toBe(false)
    expect(problems).toEqual([])
  })

  it('accepts a future version with extra fields, refuses ff and a tail on 00', () => {
    const problems: string[] = []
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-whatever`, problems)?.traceId).toBe(TRACE)
    expect(parseTraceparent(`ff-${TRACE}-${SPAN}-01`, problems)).toBeUndefined()
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01-x`, problems)).toBeUndefined()
    expect(problems).toHaveLength(2)
  })

  it('refuses zero ids and malformed text, with a reason each', () => {
    const bad = [
      `00-${'0'.repeat(32)}-${SPAN}-01`,
      `00-${TRACE}-${'0'.repeat(16)}-01`,
      `00-${TRACE.slice(1)}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}-1`,
      `00_${TRACE}_${SPAN}_01`,
      `00-${TRACE}-${SPAN}-01,00-${TRACE}-${SPAN}-01`,
      '',
      'x'.repeat(10_000),
    ]
    for (const text of bad) {
      const problems: string[] = []
      expect(parseTraceparent(text, problems), text.slice(0, 60)).toBeUndefined()
      expect(problems).toHaveLength(1)
    }
  })
})
