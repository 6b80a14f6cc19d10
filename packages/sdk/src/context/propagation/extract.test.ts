import { describe, expect, it } from 'vitest'
import { extractHeaders, extractPropagation } from './extract.js'

const TRACE = '6b03fc19000000007953b531107242bf'
const LOW = '8742530523990213311' // TRACE's low half
const PARENT = '774591771944634912' // 0abfe71cd4b34a20
const LLMOBS_TRACE = '6b03fc1900000000a1b2c3d4e5f60718'
const LLMOBS_TRACE_DECIMAL = BigInt('0x' + LLMOBS_TRACE).toString(10)

const datadog = {
  'x-datadog-trace-id': LOW,
  'x-datadog-parent-id': PARENT,
  'x-datadog-sampling-priority': '2',
  'x-datadog-origin': 'synthetics',
  'x-datadog-tags':
    `_dd.p.tid=6b03fc1900000000,_dd.p.dm=-4,_dd.p.usr.id=dXNlcg==,_dd.p.llmobs_parent_id=155780522099886039,` +
    `_dd.p.llmobs_ml_app=app,_dd.p.llmobs_sid=s=1,_dd.p.llmobs_sr=0.25,_dd.p.llmobs_sd=0,` +
    `_dd.p.llmobs_trace_id=${LLMOBS_TRACE_DECIMAL},_dd.p.llmobs_pagent_span_id=42,_dd.p.llmobs_pagent_name=planner`,
}

describe('extractHeaders: Datadog', () => {
  it('reads every field, the LLMObs entries and the pass-through tags', () => {
    expect(extractPropagation(datadog)).toEqual({
      problems: [],
      context: {
        apmTraceId: TRACE,
        parentSpanId: PARENT,
        samplingPriority: 2,
        origin: 'synthetics',
        decisionMaker: '-4',
        llmobs: {
          traceId: LLMOBS_TRACE,
          parentId: '155780522099886039',
          mlApp: 'app',
          sessionId: 's=1',
          sampleRate: 0.25,
          samplingDecision: 0,
          agentSpanId: '42',
          agentName: 'planner',
        },
        propagationTags: { '_dd.p.usr.id': 'dXNlcg==' },
      },
    })
  })

  it('accepts the LLMObs trace id in hex, and "undefined" as no parent', () => {
    const context = extractHeaders({
      ...datadog,
      'x-datadog-tags': `_dd.p.llmobs_trace_id=${LLMOBS_TRACE},_dd.p.llmobs_parent_id=undefined`,
    })
    expect(context?.llmobs).toEqual({ traceId: LLMOBS_TRACE, parentId: undefined })
    expect(context?.apmTraceId).toBe('0000000000000000' + TRACE.slice(16))
    expect(context?.problems).toBeUndefined()
  })

  it('continues under the APM trace id when an older tracer sent a parent but no LLMObs trace id', () => {
    const context = extractHeaders({
      ...datadog,
      'x-datadog-tags': '_dd.p.tid=6b03fc1900000000,_dd.p.llmobs_parent_id=7',
    })
    expect(context?.llmobs).toEqual({ traceId: TRACE, parentId: '7' })
    expect(context?.problems).toHaveLength(1)
  })

  it('keeps LLMObs entries that cannot continue a trace (ml_app alone) as pass-through tags', () => {
    const context = extractHeaders({
      ...datadog,
      'x-datadog-tags': '_dd.p.llmobs_ml_app=peer,_dd.p.llmobs_parent_id=undefined',
    })
    expect(context?.llmobs).toBeUndefined()
    expect(context?.propagationTags).toEqual({
      '_dd.p.llmobs_ml_app': 'peer',
      '_dd.p.llmobs_parent_id': 'undefined',
    })
  })

  it('accepts synthetics parent 0 and needs both ids', () => {
    expect(extractHeaders({ 'x-datadog-trace-id': '5', 'x-datadog-parent-id': '0' })?.parentSpanId).toBe('0')
    const { context, problems } = extractPropagation({ 'x-datadog-trace-id': '5' })
    expect(context).toBeUndefined()
    expect(problems).toHaveLength(1)
  })

  it('reads any header case, arrays and a fetch Headers', () => {
    const mixed = extractHeaders({
      'X-DATADOG-TRACE-ID': ['1', LOW],
      'X-Datadog-Parent-Id': PARENT,
      'x-datadog-TAGS': ['_dd.p.tid=6b03fc1900000000', '_dd.p.dm=-0'],
    })
    expect(mixed).toMatchObject({ apmTraceId: TRACE, parentSpanId: PARENT, decisionMaker: '-0' })
    const fetchHeaders = new Headers(datadog)
    fetchHeaders.append('x-datadog-tags', '_dd.p.extra=1')
    expect(extractHeaders(fetchHeaders)?.propagationTags).toEqual({
      '_dd.p.usr.id': 'dXNlcg==',
      '_dd.p.extra': '1',
    })
  })
})

describe('extractHeaders: W3C', () => {
  const w3c = {
    traceparent: `00-${TRACE}-00000000000000ff-01`,
    tracestate:
      `rojo=00f067aa0ba902b7,dd=s:2;o:rum;p:0abfe71cd4b34a20;t.dm:-4;t.tid:6b03fc1900000000;t.llmobs_parent_id:9;` +
      `t.llmobs_trace_id:${LLMOBS_TRACE_DECIMAL};t.llmobs_sid:a~b,congo=t61rcWkgMzE`,
  }

  it('reads traceparent and the dd member alone', () => {
    expect(extractPropagation(w3c)).toEqual({
      problems: [],
      context: {
        apmTraceId: TRACE,
        parentSpanId: '255',
        samplingPriority: 2,
        origin: 'rum',
        decisionMaker: '-4',
        lastDatadogParentId: '0abfe71cd4b34a20',
        llmobs: { traceId: LLMOBS_TRACE, parentId: '9', sessionId: 'a=b' },
        foreignTracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
      },
    })
  })

  it('takes s: only when it agrees with the sampled flag (dd-trace rule)', () => {
    const priority = (flags: string, s: string): number | undefined =>
      extractHeaders({ traceparent: `00-${TRACE}-00000000000000ff-${flags}`, tracestate: `dd=s:${s}` })
        ?.samplingPriority
    expect(priority('01', '2')).toBe(2)
    expect(priority('01', '-1')).toBe(1)
    expect(priority('00', '-1')).toBe(-1)
    expect(priority('00', '2')).toBe(0)
  })

  it('ignores tracestate without a valid traceparent, and a repeated traceparent', () => {
    expect(extractHeaders({ tracestate: 'dd=s:1' })).toBeUndefined()
    const { context, problems } = extractPropagation({ traceparent: [w3c.traceparent, w3c.traceparent] })
    expect(context).toBeUndefined()
    expect(problems).toEqual(['traceparent ignored: sent more than once'])
  })
})

describe('extractHeaders: both families (datadog,tracecontext, as dd-trace by default)', () => {
  const traceparent = (parentHex: string, trace = TRACE, flags = '01'): string =>
    `00-${trace}-${parentHex}-${flags}`

  it('same trace and parent: Datadog fields, foreign members kept, no last Datadog parent', () => {
    const context = extractHeaders({
      ...datadog,
      traceparent: traceparent('0abfe71cd4b34a20'),
      tracestate: 'dd=s:2,a=1',
    })
    expect(context).toMatchObject({ parentSpanId: PARENT, samplingPriority: 2, foreignTracestate: 'a=1' })
    expect(context?.lastDatadogParentId).toBeUndefined()
  })

  it('W3C names a nearer parent: it wins, and the last Datadog span comes from p: or the Datadog parent', () => {
    const withP = extractHeaders({
      ...datadog,
      traceparent: traceparent('00000000000000ff'),
      tracestate: 'dd=p:0000000000000abc',
    })
    expect(withP).toMatchObject({ parentSpanId: '255', lastDatadogParentId: '0000000000000abc' })
    const withoutP = extractHeaders({ ...datadog, traceparent: traceparent('00000000000000ff') })
    expect(withoutP).toMatchObject({ parentSpanId: '255', lastDatadogParentId: '0abfe71cd4b34a20' })
    // LLMObs ids are not APM ids: they are untouched by the reconciliation.
    expect(withP?.llmobs?.parentId).toBe('155780522099886039')
  })

  it('another trace in traceparent: Datadog wins and the foreign members are not adopted', () => {
    const other = 'aaaaaaaaaaaaaaaa' + 'bbbbbbbbbbbbbbbb'
    const { context, problems } = extractPropagation({
      ...datadog,
      traceparent: traceparent('00000000000000ff', other),
      tracestate: 'a=1',
    })
    expect(context).toMatchObject({ apmTraceId: TRACE, parentSpanId: PARENT })
    expect(context?.foreignTracestate).toBeUndefined()
    expect(problems).toHaveLength(1)
  })

  it('same low half but another high half: Datadog wins', () => {
    const other = 'aaaaaaaaaaaaaaaa' + TRACE.slice(16)
    const context = extractHeaders({ ...datadog, traceparent: traceparent('00000000000000ff', other) })
    expect(context).toMatchObject({ apmTraceId: TRACE, parentSpanId: PARENT })
    expect(context?.problems).toEqual([
      'traceparent and _dd.p.tid disagree on the trace id: the Datadog headers win',
    ])
  })

  it('x-datadog-tags lost (dd-trace drops it over 512 bytes): trace id high half and tags come back from W3C', () => {
    const { 'x-datadog-tags': _dropped, ...rest } = datadog
    const context = extractHeaders({
      ...rest,
      traceparent: traceparent('0abfe71cd4b34a20'),
      tracestate: `dd=s:2;t.dm:-4;t.llmobs_parent_id:9;t.llmobs_trace_id:${LLMOBS_TRACE}`,
    })
    expect(context).toMatchObject({
      apmTraceId: TRACE,
      decisionMaker: '-4',
      llmobs: { traceId: LLMOBS_TRACE, parentId: '9' },
    })
  })

  it('x-datadog-tags and the priority both lost: the dd member supplies tags, priority and decision maker', () => {
    const context = extractHeaders({
      'x-datadog-trace-id': LOW,
      'x-datadog-parent-id': PARENT,
      traceparent: traceparent('0abfe71cd4b34a20'),
      tracestate: `dd=s:2;t.dm:-4;t.llmobs_parent_id:9;t.llmobs_trace_id:${LLMOBS_TRACE}`,
    })
    expect(context).toMatchObject({
      apmTraceId: TRACE,
      samplingPriority: 2,
      decisionMaker: '-4',
      llmobs: { traceId: LLMOBS_TRACE, parentId: '9' },
    })
  })

  it('Datadog without a priority takes the W3C one and its decision maker', () => {
    const { 'x-datadog-sampling-priority': _p, ...rest } = datadog
    const context = extractHeaders({
      ...rest,
      'x-datadog-tags': '_dd.p.tid=6b03fc1900000000',
      traceparent: traceparent('0abfe71cd4b34a20', TRACE, '00'),
      tracestate: 'dd=s:-1;t.dm:-3',
    })
    expect(context).toMatchObject({ samplingPriority: -1, decisionMaker: '-3' })
  })

  it('malformed Datadog headers fall back to W3C, with the reasons', () => {
    const { context, problems } = extractPropagation({
      'x-datadog-trace-id': 'abc',
      'x-datadog-parent-id': PARENT,
      traceparent: traceparent('00000000000000ff'),
    })
    expect(context).toMatchObject({ apmTraceId: TRACE, parentSpanId: '255', samplingPriority: 1 })
    expect(problems).toHaveLength(1)
  })
})

describe('extractHeaders never throws', () => {
  it('on non-objects, empty input and hostile carriers', () => {
    expect(extractHeaders(undefined)).toBeUndefined()
    expect(extractHeaders(null)).toBeUndefined()
    expect(extractHeaders('x-datadog-trace-id: 1' as never)).toBeUndefined()
    expect(extractHeaders({})).toBeUndefined()
    const throwing = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('boom')
        },
      },
    )
    expect(extractPropagation(throwing)).toEqual({
      context: undefined,
      problems: ['headers could not be read: boom'],
    })
    const getter = Object.defineProperty({}, 'traceparent', {
      enumerable: true,
      get: () => {
        throw new Error('getter')
      },
    })
    expect(extractPropagation(getter).problems).toEqual(['headers could not be read: getter'])
  })
})
