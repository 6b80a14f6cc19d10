import { chunkTraceIdHigh, decodeV04Traces, spanEventFromApmSpan } from '@llmobs/protocol'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../config.js'
import { encodeSpanEvent } from '../export/span-event-encoder.js'
import { makeRecord } from '../export/span-fixtures.test-helper.js'
import { newLocalTrace } from '../span/local-trace.js'
import type { SpanRecord } from '../span/span-record.js'
import type { ChunkSampling } from './apm-span.js'
import { V04_FORMAT } from './trace-format.js'

const { config } = resolveConfig({ service: 'svc', env: 'dev', version: '1.2.3', mlApp: 'demo' })
const PROCESS = { runtimeId: 'rt-1', pid: 4242 }
const KEEP: ChunkSampling = { priority: 1, decisionMaker: '-1', metrics: { '_dd.agent_psr': 0.5 } }

/** A chunk as the APM writer sends it, decoded by the collector's decoder. */
function roundTrip(records: SpanRecord[], sampling: ChunkSampling, submitted: boolean) {
  const chunk = V04_FORMAT.startChunk(records.length, config, PROCESS)
  records.forEach((record, i) => chunk.span(record, { first: i === 0, sampling, submitted }))
  const parts = [chunk.finish()]
  const decoded = decodeV04Traces(V04_FORMAT.writeBody(parts, new Uint8Array(V04_FORMAT.bodySize(parts))))
  if (!decoded.ok) throw new Error(decoded.error)
  return decoded.value[0] ?? []
}

describe('apmSpanOf + llmobsStruct', () => {
  const trace = newLocalTrace('1001', 'agent', undefined)
  const root = makeRecord({
    spanId: '1001',
    name: 'agent',
    kind: 'agent',
    apmParentId: undefined,
    localTrace: trace,
    tags: { tier: 'gold', team: 'core' },
    sessionId: 's1',
    collectionErrors: ['dropped_io'],
  })
  const child = makeRecord({
    spanId: '1002',
    parentId: '1001',
    apmParentId: '1001',
    localTrace: trace,
    error: { message: 'rate limited', type: 'RateLimitError', stack: 'RateLimitError: rate limited\n  at x' },
    links: [
      {
        span_id: '77',
        trace_id: '6b03fc19000000007953b531107242bf',
        attributes: { from: 'output', to: 'input' },
      },
    ],
  })

  it('gives the intake the same LLMObs event as the EVP channel, tags aside (a dict comes back sorted)', () => {
    const chunk = roundTrip([root, child], KEEP, false)
    const high = chunkTraceIdHigh(chunk)
    for (const [i, record] of [root, child].entries()) {
      const rebuilt = spanEventFromApmSpan(chunk[i]!, high, `chunk[${i}]`)
      expect(rebuilt.ok).toBe(true)
      if (!rebuilt.ok) return
      const direct = encodeSpanEvent(record, config)
      const { tags: rebuiltTags, ...rebuiltRest } = rebuilt.value!
      const { tags: directTags, ...directRest } = direct
      expect(rebuiltRest).toEqual({ ...directRest, meta: { ...directRest.meta } })
      expect([...rebuiltTags].sort()).toEqual([...directTags].sort())
    }
  })

  it('a key tagged several times arrives as one `key:a,b` tag (intakes read one value per key)', () => {
    const multi = makeRecord({ spanId: '1003', localTrace: trace, tags: { team: ['a', 'b'] } })
    const chunk = roundTrip([multi], KEEP, false)
    const rebuilt = spanEventFromApmSpan(chunk[0]!, chunkTraceIdHigh(chunk), 'x')
    expect(rebuilt.ok && rebuilt.value?.tags).toContain('team:a,b')
  })

  it('writes the APM fields: ids, parent, type llm, trace tags on the first span only, error meta', () => {
    const [first, second] = roundTrip([root, child], KEEP, false)
    expect(first).toMatchObject({
      trace_id: BigInt('0x0abfe71cd4b34a20'),
      span_id: 1001n,
      parent_id: 0n,
      name: 'agent',
      resource: 'agent',
      service: 'svc',
      type: 'llm',
      error: 0,
    })
    expect(first!.meta).toMatchObject({
      '_dd.p.tid': '6b03fc1900000000',
      '_dd.p.dm': '-1',
      env: 'dev',
      version: '1.2.3',
    })
    expect(first!.metrics).toMatchObject({
      '_dd.top_level': 1,
      _sampling_priority_v1: 1,
      '_dd.agent_psr': 0.5,
      process_id: 4242,
    })
    expect(second!.parent_id).toBe(1001n)
    expect(second!.meta['_dd.p.tid']).toBeUndefined()
    expect(second!.metrics['_dd.top_level']).toBeUndefined()
    expect(second!.metrics._sampling_priority_v1).toBe(1)
    expect(second!.error).toBe(1)
    expect(second!.meta).toMatchObject({ 'error.type': 'RateLimitError', 'error.message': 'rate limited' })
    expect(second!.meta_struct?._llmobs).toBeDefined()
  })

  it('marks rescued spans submitted, without _llmobs, so an intake never extracts them', () => {
    const chunk = roundTrip([root, child], { priority: 0, decisionMaker: '-1', metrics: undefined }, true)
    for (const span of chunk) {
      expect(span.meta['_dd.llmobs.submitted']).toBe('1')
      expect(span.meta_struct).toBeUndefined()
      expect(span.metrics._sampling_priority_v1).toBe(0)
      const rebuilt = spanEventFromApmSpan(span, chunkTraceIdHigh(chunk), 'x')
      expect(rebuilt).toEqual({ ok: true, value: undefined })
    }
  })

  it('a span under a remote APM parent names it as parent and is top level', () => {
    const remote = makeRecord({
      spanId: '2001',
      parentId: undefined,
      apmParentId: '555',
      localTrace: newLocalTrace('2001', 'x', undefined),
    })
    const [span] = roundTrip([remote], KEEP, false)
    expect(span!.parent_id).toBe(555n)
    expect(span!.metrics['_dd.top_level']).toBe(1)
  })
})
