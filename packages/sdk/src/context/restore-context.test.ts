import { traceIdHex32ToDecimal } from '@llmobs/protocol'
import { describe, expect, it } from 'vitest'
import type { Report } from '../internal/report.js'
import { restoreContext } from './restore-context.js'

const TARGET = { what: 'ctx', outcome: 'it was ignored', code: 'invalid_thing' }
const TRACE = '6b03fc1900000000a1b2c3d4e5f60718'

function collect(): { report: Report; reports: string[] } {
  const reports: string[] = []
  return { report: (code, message) => void reports.push(`${code}: ${message}`), reports }
}

describe('restoreContext', () => {
  it('takes decimal or hex trace ids; an exported span gets its LLMObs trace id as APM trace id', () => {
    const { report, reports } = collect()
    const snapshot = restoreContext({ spanId: '12', traceId: traceIdHex32ToDecimal(TRACE) }, report, TARGET)
    expect(snapshot).toMatchObject({ spanId: '12', traceId: TRACE, apmTraceId: TRACE, span: undefined })
    expect(Object.isFrozen(snapshot)).toBe(true)
    expect(reports).toEqual([])
  })

  it('an APM-only context stays without an LLMObs trace', () => {
    const { report } = collect()
    expect(restoreContext({ apmTraceId: TRACE, apmParentId: '9' }, report, TARGET)).toMatchObject({
      spanId: undefined,
      traceId: undefined,
      apmTraceId: TRACE,
      apmParentId: '9',
    })
  })

  it('refuses a span id without its trace, and a context naming nothing, with the given code', () => {
    const { report, reports } = collect()
    expect(restoreContext({ spanId: '12', traceId: 'nope' }, report, TARGET)).toBeUndefined()
    expect(restoreContext({ mlApp: 'x' }, report, TARGET)).toBeUndefined()
    expect(restoreContext(7, report, TARGET)).toBeUndefined()
    expect(reports.map((r) => r.split(':')[0])).toEqual(['invalid_thing', 'invalid_thing', 'invalid_thing'])
    expect(reports[0]).toContain('traceId must be a trace id of 32 lowercase hex characters')
  })
})
