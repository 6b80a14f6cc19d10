import { validateHeaderName, validateHeaderValue } from 'node:http'
import { describe, expect, it } from 'vitest'
import { injectHeaders } from './inject.js'
import type { HeaderRecord, PropagationContext } from './propagation-context.js'

const TRACE = '6b03fc19000000007953b531107242bf'
const LLMOBS_TRACE = '6b03fc1900000000a1b2c3d4e5f60718'
const LLMOBS_TRACE_DECIMAL = BigInt('0x' + LLMOBS_TRACE).toString(10)

const base: PropagationContext = {
  apmTraceId: TRACE,
  parentSpanId: '774591771944634912',
  samplingPriority: 1,
  decisionMaker: '-0',
  llmobs: {
    traceId: LLMOBS_TRACE,
    parentId: '155780522099886039',
    mlApp: 'demo',
    sessionId: 's1',
    sampleRate: 1,
    samplingDecision: 1,
    agentSpanId: '1162658443587032122',
    agentName: 'planner',
  },
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

/** Node's own checks: a header it would refuse to send throws here. The codecs write strings only. */
function assertSendable(headers: HeaderRecord): void {
  for (const [name, value] of Object.entries(headers)) {
    expect(typeof value).toBe('string')
    validateHeaderName(name)
    validateHeaderValue(name, value as string)
  }
}

describe('injectHeaders', () => {
  it('writes both families the way dd-trace does', () => {
    const headers: HeaderRecord = {}
    const result = injectHeaders(
      headers,
      deepFreeze({ ...base, origin: 'rum', foreignTracestate: 'congo=t61rcWkgMzE' }),
    )
    // The 256-character dd member cannot hold it all (dd-trace trims there too): t.tid goes first,
    // traceparent carries it; then the agent name.
    expect(result).toEqual({ problems: [], trimmed: ['t.tid', 't.llmobs_pagent_name'] })
    const llmobsTags =
      `_dd.p.llmobs_parent_id=155780522099886039,_dd.p.llmobs_ml_app=demo,_dd.p.llmobs_sid=s1,_dd.p.llmobs_sr=1,` +
      `_dd.p.llmobs_sd=1,_dd.p.llmobs_trace_id=${LLMOBS_TRACE_DECIMAL},` +
      `_dd.p.llmobs_pagent_span_id=1162658443587032122,_dd.p.llmobs_pagent_name=planner`
    expect(headers).toEqual({
      'x-datadog-trace-id': '8742530523990213311',
      'x-datadog-parent-id': '774591771944634912',
      'x-datadog-sampling-priority': '1',
      'x-datadog-origin': 'rum',
      'x-datadog-tags': `_dd.p.tid=6b03fc1900000000,_dd.p.dm=-0,${llmobsTags}`,
      traceparent: `00-${TRACE}-0abfe71cd4b34a20-01`,
      tracestate:
        `dd=s:1;o:rum;p:0abfe71cd4b34a20;t.dm:-0;t.llmobs_parent_id:155780522099886039;` +
        `t.llmobs_ml_app:demo;t.llmobs_sid:s1;t.llmobs_sr:1;t.llmobs_sd:1;t.llmobs_trace_id:${LLMOBS_TRACE_DECIMAL};` +
        `t.llmobs_pagent_span_id:1162658443587032122,congo=t61rcWkgMzE`,
    })
    expect(BigInt('8742530523990213311').toString(16)).toBe(TRACE.slice(16))
  })

  it('keeps the ids that matter with a 420-character ml_app (protocol §5 measured case), in both families', () => {
    const headers: HeaderRecord = {}
    const ctx = deepFreeze({ ...base, llmobs: { ...base.llmobs!, mlApp: 'm'.repeat(420) } })
    const result = injectHeaders(headers, ctx)
    const tags = String(headers['x-datadog-tags'])
    expect(tags.length).toBeLessThanOrEqual(512)
    expect(tags).toContain('_dd.p.tid=6b03fc1900000000')
    expect(tags).toContain('_dd.p.dm=-0')
    expect(tags).toContain('_dd.p.llmobs_parent_id=155780522099886039')
    expect(tags).toContain(`_dd.p.llmobs_trace_id=${LLMOBS_TRACE_DECIMAL}`)
    expect(tags).not.toContain('llmobs_ml_app')
    // Once the ml_app is out there is room again for the small entries cut before it.
    expect(tags).toContain('_dd.p.llmobs_pagent_name=planner')
    expect(tags).toContain('_dd.p.llmobs_sd=1')
    const dd = String(headers.tracestate).slice(3)
    expect(dd.length).toBeLessThanOrEqual(256)
    expect(dd).toContain('t.llmobs_parent_id:155780522099886039')
    expect(dd).toContain(`t.llmobs_trace_id:${LLMOBS_TRACE_DECIMAL}`)
    expect(result.trimmed).toContain('_dd.p.llmobs_ml_app')
    expect(result.trimmed).toContain('t.llmobs_ml_app')
    // Trimming is for the wire only: the context still holds every value.
    expect(ctx.llmobs?.mlApp).toHaveLength(420)
  })

  it('writes the literal "undefined" for an LLMObs root and the trace id in decimal even when given decimal', () => {
    const headers: HeaderRecord = {}
    injectHeaders(headers, { ...base, llmobs: { traceId: LLMOBS_TRACE_DECIMAL, parentId: undefined } })
    expect(headers['x-datadog-tags']).toBe(
      `_dd.p.tid=6b03fc1900000000,_dd.p.dm=-0,_dd.p.llmobs_parent_id=undefined,_dd.p.llmobs_trace_id=${LLMOBS_TRACE_DECIMAL}`,
    )
  })

  it('leaves out invalid LLMObs values with a reason instead of altering them', () => {
    const headers: HeaderRecord = {}
    const result = injectHeaders(headers, {
      ...base,
      llmobs: {
        traceId: 'nope',
        parentId: '-1',
        mlApp: 'a,b',
        sessionId: 'naïve',
        sampleRate: 2,
        samplingDecision: 3 as 0,
        agentSpanId: '1',
        agentName: 'x'.repeat(300),
      },
    })
    expect(headers['x-datadog-tags']).toBe(
      '_dd.p.tid=6b03fc1900000000,_dd.p.dm=-0,_dd.p.llmobs_pagent_span_id=1',
    )
    // The bad parent id is not even looked at: without its trace a parent would mislead downstream.
    expect(result.problems).toHaveLength(6)
    expect(result.problems[0]).toMatch(/_dd\.p\.llmobs_trace_id and _dd\.p\.llmobs_parent_id not propagated/)
    assertSendable(headers)
  })

  it('writes only the chosen families', () => {
    const dd: HeaderRecord = {}
    injectHeaders(dd, base, { styles: ['datadog'] })
    expect(Object.keys(dd).every((k) => k.startsWith('x-datadog-'))).toBe(true)
    const w3c: HeaderRecord = {}
    injectHeaders(w3c, base, { styles: ['tracecontext'] })
    expect(Object.keys(w3c).sort()).toEqual(['traceparent', 'tracestate'])
  })

  it('writes nothing for invalid ids, and only Datadog headers for parent 0 (W3C forbids it)', () => {
    for (const bad of [
      { apmTraceId: 'xyz' },
      { apmTraceId: '0'.repeat(32) },
      { parentSpanId: 'abc' },
      { parentSpanId: '' },
    ]) {
      const headers: HeaderRecord = {}
      const result = injectHeaders(headers, { ...base, ...bad })
      expect(headers).toEqual({})
      expect(result.problems).toHaveLength(1)
    }
    const headers: HeaderRecord = { traceparent: 'stale', tracestate: 'stale' }
    injectHeaders(headers, { ...base, parentSpanId: '0', origin: 'synthetics' })
    expect(headers['x-datadog-parent-id']).toBe('0')
    expect(headers.traceparent).toBeUndefined()
    expect(headers.tracestate).toBeUndefined()
  })

  it('says "not sampled" in W3C when no priority was decided, and reports it', () => {
    const headers: HeaderRecord = {}
    const result = injectHeaders(headers, { apmTraceId: TRACE, parentSpanId: '1', samplingPriority: 1.5 })
    expect(headers.traceparent).toMatch(/-00$/)
    expect(headers['x-datadog-sampling-priority']).toBeUndefined()
    expect(headers.tracestate).toBe('dd=p:0000000000000001;t.tid:6b03fc1900000000')
    expect(result.problems).toHaveLength(2)
  })

  it('flags 00 for reject priorities and 01 for keep ones', () => {
    for (const [priority, flags] of [
      [-1, '00'],
      [0, '00'],
      [1, '01'],
      [2, '01'],
    ] as const) {
      const headers: HeaderRecord = {}
      injectHeaders(headers, { apmTraceId: TRACE, parentSpanId: '1', samplingPriority: priority })
      expect(headers.traceparent).toMatch(new RegExp(`-${flags}$`))
      expect(headers.tracestate).toContain(`s:${priority}`)
    }
  })

  it('replaces stale headers of an earlier injection into the same carrier', () => {
    const headers: HeaderRecord = {
      'x-datadog-origin': 'old',
      'x-datadog-tags': '_dd.p.old=1',
      'x-other': 'kept',
    }
    injectHeaders(headers, {
      apmTraceId: '0'.repeat(16) + TRACE.slice(16),
      parentSpanId: '1',
      samplingPriority: 1,
    })
    expect(headers['x-datadog-origin']).toBeUndefined()
    expect(headers['x-datadog-tags']).toBeUndefined()
    expect(headers['x-other']).toBe('kept')
  })

  it('removes our headers spelled in another case, so none travels twice', () => {
    const headers: HeaderRecord = { Traceparent: 'stale', 'X-Datadog-Trace-Id': '1', Accept: 'text/plain' }
    injectHeaders(headers, base)
    expect(headers.Traceparent).toBeUndefined()
    expect(headers['X-Datadog-Trace-Id']).toBeUndefined()
    expect(headers.Accept).toBe('text/plain')
    expect(headers.traceparent).toMatch(/^00-/)
  })

  it('refuses an origin Node could not send and a malformed foreign tracestate', () => {
    const headers: HeaderRecord = {}
    const result = injectHeaders(headers, {
      ...base,
      origin: 'a\r\nx-injected: 1',
      foreignTracestate: 'ok=1,\u0000=2',
    })
    expect(headers['x-datadog-origin']).toBeUndefined()
    expect(headers.tracestate).not.toContain('ok=1')
    expect(result.problems).toHaveLength(2)
    assertSendable(headers)
  })

  it('returns one shared empty result when there is nothing to report (no allocation per request)', () => {
    const plain = { ...base, llmobs: { traceId: LLMOBS_TRACE, parentId: '1', mlApp: 'demo' } }
    expect(injectHeaders({}, plain)).toBe(injectHeaders({}, plain))
  })
})
