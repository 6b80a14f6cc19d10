import { describe, expect, it } from 'vitest'
import { createSnapshot } from './context-snapshot.js'
import { fromPropagationContext, toPropagationContext } from './header-context.js'
import { fromPlainContext } from './plain-context.js'
import { extractHeaders, injectHeaders, type HeaderRecord } from './propagation/index.js'

const TRACE = '6b03fc1900000000a1b2c3d4e5f60718'
const APM = '6b03fc19000000007953b531107242bf'
const SPAN = '774591771944634912'

describe('header contexts', () => {
  it('a local context: our span is the APM parent, auto keep, and every LLMObs entry', () => {
    const snapshot = createSnapshot(
      undefined,
      SPAN,
      TRACE,
      APM,
      'app',
      'sess',
      { rate: 0.5, decision: 1 },
      { name: 'planner', spanId: '155780522099886039' },
    )
    expect(toPropagationContext(snapshot)).toEqual({
      apmTraceId: APM,
      parentSpanId: SPAN,
      samplingPriority: 1,
      decisionMaker: '-0',
      llmobs: {
        traceId: TRACE,
        parentId: SPAN,
        mlApp: 'app',
        sessionId: 'sess',
        sampleRate: 0.5,
        samplingDecision: 1,
        agentSpanId: '155780522099886039',
        agentName: 'planner',
      },
    })
  })

  it('an extracted APM-only context forwards the remote parent and what upstream decided', () => {
    const plain = fromPropagationContext({
      apmTraceId: APM,
      parentSpanId: '42',
      samplingPriority: -1,
      origin: 'synthetics',
      decisionMaker: '-3',
      propagationTags: { '_dd.p.usr.id': 'x' },
    })
    expect(plain).toEqual({
      apmTraceId: APM,
      apmParentId: '42',
      upstream: {
        samplingPriority: -1,
        origin: 'synthetics',
        decisionMaker: '-3',
        tags: { '_dd.p.usr.id': 'x' },
      },
    })
    const { snapshot, problems } = fromPlainContext(plain)
    expect(problems).toEqual([])
    expect(toPropagationContext(snapshot)).toEqual({
      apmTraceId: APM,
      parentSpanId: '42',
      samplingPriority: -1,
      decisionMaker: '-3',
      origin: 'synthetics',
      propagationTags: { '_dd.p.usr.id': 'x' },
    })
  })

  it('an upstream LLMObs root (parent "undefined") is a trace without a parent span', () => {
    const headers: HeaderRecord = {}
    injectHeaders(headers, {
      apmTraceId: APM,
      parentSpanId: SPAN,
      llmobs: { traceId: TRACE, parentId: undefined },
    })
    const plain = fromPropagationContext(extractHeaders(headers)!)
    expect(plain.traceId).toBe(TRACE)
    expect(plain.spanId).toBeUndefined()
    expect(plain.apmParentId).toBe(SPAN)
  })

  it('names no trace: nothing to inject', () => {
    expect(
      toPropagationContext(
        createSnapshot(undefined, undefined, undefined, undefined, 'a', undefined, undefined, undefined),
      ),
    ).toBeUndefined()
  })
})
