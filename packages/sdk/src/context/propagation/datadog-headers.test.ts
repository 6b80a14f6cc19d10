import { describe, expect, it } from 'vitest'
import { readDatadogHeaders, writeDatadogHeaders } from './datadog-headers.js'
import { readPropagationHeaders } from './header-reader.js'
import type { HeaderRecord } from './propagation-context.js'

const read = (headers: HeaderRecord, problems: string[] = []): ReturnType<typeof readDatadogHeaders> =>
  readDatadogHeaders(readPropagationHeaders(headers), problems)

describe('Datadog headers', () => {
  it('reads canonical decimals, trimming whitespace and leading zeros', () => {
    expect(
      read({
        'x-datadog-trace-id': ' 0042 ',
        'x-datadog-parent-id': '7',
        'x-datadog-sampling-priority': '-1',
      }),
    ).toEqual({
      traceIdLow: '42',
      parentId: '7',
      samplingPriority: -1,
      tags: new Map(),
    })
  })

  it('refuses ids out of the 64-bit range, zero trace ids and non-integer priorities', () => {
    const problems: string[] = []
    expect(
      read({ 'x-datadog-trace-id': '18446744073709551616', 'x-datadog-parent-id': '1' }, problems),
    ).toBeUndefined()
    expect(read({ 'x-datadog-trace-id': '0', 'x-datadog-parent-id': '1' }, problems)).toBeUndefined()
    expect(read({ 'x-datadog-trace-id': '1', 'x-datadog-parent-id': '0x1' }, problems)).toBeUndefined()
    const context = read(
      { 'x-datadog-trace-id': '1', 'x-datadog-parent-id': '1', 'x-datadog-sampling-priority': '1abc' },
      problems,
    )
    expect(context?.samplingPriority).toBeUndefined()
    expect(problems).toHaveLength(4)
  })

  it('writes all five headers, the tags fitted to 512 bytes', () => {
    const carrier: HeaderRecord = {}
    const problems: string[] = []
    const trimmed = writeDatadogHeaders(
      carrier,
      { traceId: '6b03fc19000000007953b531107242bf', parentId: '5', samplingPriority: 2, origin: 'rum' },
      [
        { key: '_dd.p.tid', value: '6b03fc1900000000', trim: 'required' },
        { key: '_dd.p.big', value: 'x'.repeat(600), trim: 'optional' },
      ],
      problems,
    )
    expect(trimmed).toEqual(['_dd.p.big'])
    expect(carrier).toEqual({
      'x-datadog-trace-id': '8742530523990213311',
      'x-datadog-parent-id': '5',
      'x-datadog-sampling-priority': '2',
      'x-datadog-origin': 'rum',
      'x-datadog-tags': '_dd.p.tid=6b03fc1900000000',
    })
    expect(problems).toEqual([])
  })

  it('sends required entries over budget rather than dropping the header, and says so', () => {
    const carrier: HeaderRecord = {}
    const problems: string[] = []
    writeDatadogHeaders(
      carrier,
      {
        traceId: '6b03fc19000000007953b531107242bf',
        parentId: '5',
        samplingPriority: undefined,
        origin: undefined,
      },
      [{ key: '_dd.p.huge', value: 'x'.repeat(600), trim: 'required' }],
      problems,
    )
    expect(carrier['x-datadog-tags']).toHaveLength(611)
    expect(problems).toHaveLength(1)
  })
})
