import type { IncomingHttpHeaders } from 'node:http'
import { describe, expect, it } from 'vitest'
import { lastValue, listValue, readPropagationHeaders, uniqueValue } from './header-reader.js'

describe('readPropagationHeaders', () => {
  it('reads any key case and keeps values seen under several spellings', () => {
    const raw = readPropagationHeaders({
      'X-Datadog-Trace-Id': '1',
      'x-datadog-trace-id': '2',
      TraceParent: 'tp',
      'content-type': 'text/plain',
    })
    expect(raw['x-datadog-trace-id']).toEqual(['1', '2'])
    expect(raw.traceparent).toEqual(['tp'])
    expect(Object.keys(raw).sort()).toEqual(['traceparent', 'x-datadog-trace-id'])
  })

  it('flattens array values (IncomingHttpHeaders) and ignores non-strings', () => {
    const headers: IncomingHttpHeaders = { tracestate: ['a=1', 'b=2'], 'x-datadog-tags': undefined }
    const raw = readPropagationHeaders({ ...headers, 'x-datadog-origin': 42 as unknown as string })
    expect(listValue(raw.tracestate)).toBe('a=1,b=2')
    expect(raw['x-datadog-tags']).toEqual([])
    expect(listValue(raw['x-datadog-tags'])).toBeUndefined()
    expect(raw['x-datadog-origin']).toEqual([])
  })

  it('reads a fetch Headers, splitting a repeated single-valued header back into its values', () => {
    const headers = new Headers()
    headers.append('X-Datadog-Parent-Id', '1')
    headers.append('x-datadog-parent-id', '2')
    headers.append('Traceparent', 'a')
    headers.append('traceparent', 'b')
    headers.append('tracestate', 'x=1')
    headers.append('tracestate', 'y=2')
    const raw = readPropagationHeaders(headers)
    expect(lastValue(raw['x-datadog-parent-id'])).toBe('2')
    expect(uniqueValue(raw.traceparent)).toBeUndefined()
    expect(listValue(raw.tracestate)).toBe('x=1, y=2')
  })

  it('takes the last of repeated single-valued headers, as dd-trace does', () => {
    expect(lastValue([' 1 ', ' 2 '])).toBe('2')
    expect(lastValue([])).toBeUndefined()
    expect(uniqueValue(['a'])).toBe('a')
    expect(uniqueValue(['a', 'a'])).toBeUndefined()
  })
})
