import { decodeV04Traces } from '@llmobs/protocol'
import { encode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import { v04BodiesWithMetaStruct } from '../../../test/fixtures/captures.js'
import type { ApmTracesBatch } from '../apm-traces-batch.js'
import { apmTracesBatch } from '../apm-traces-batch.js'
import { MpFloat, MpInt, MpMap, encodeTest } from './msgpack-test-encoder.test-helper.js'
import { RandomMsgpack } from './random-msgpack.test-helper.js'
import { randomV04Body } from './random-v04-body.test-helper.js'
import { v04FastBatch } from './v04-fast-batch.js'

/** The reference path: decode into objects, then rebuild every row (what the route ran before). */
function reference(body: Uint8Array): ApmTracesBatch | undefined {
  const traces = decodeV04Traces(body)
  if (!traces.ok) return undefined
  const batch = apmTracesBatch(traces.value)
  return batch.ok ? batch.value : undefined
}

function fast(body: Uint8Array): ApmTracesBatch | undefined {
  return v04FastBatch(Buffer.from(body.buffer, body.byteOffset, body.byteLength))
}

/** A chat span's struct, as protocol §4 shows it. */
function struct(): Record<string, unknown> {
  return {
    name: 'chat',
    trace_id: '6b03fc19000000007953b531107242bf',
    parent_id: '774591771944634912',
    ml_app: 'demo',
    session_id: 'sess-1',
    tags: { ml_app: 'demo', service: 'demo-svc', env: 'dev', version: '1.0.0', source: 'integration' },
    meta: {
      span: { kind: 'llm' },
      model_name: 'gpt-4o',
      model_provider: 'openai',
      input: { messages: [{ role: 'user', content: 'hi "there"\n' }] },
      output: { messages: [{ role: 'assistant', content: '21°C 😀' }] },
      metadata: { temperature: 0.2, max_tokens: 256 },
    },
    metrics: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
    _dd: { sample_rate: '1', sampling_decision: '1' },
  }
}

function hostSpan(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    trace_id: 774591771944634912n,
    span_id: 155780522099886039n,
    parent_id: 774591771944634912n,
    name: 'chat',
    resource: 'chat',
    service: 'demo-svc',
    type: 'llm',
    error: 0,
    start: 1795423257103140864n,
    duration: 1110596,
    meta: { '_dd.p.tid': '6b03fc1900000000', env: 'dev' },
    metrics: { _sampling_priority_v1: 1, '_dd.measured': 1 },
    meta_struct: { _llmobs: encode(struct()) },
    ...extra,
  }
}

describe('v04FastBatch', () => {
  it('builds the same rows as the reference path for the dd-trace captures and the benchmark payload', async () => {
    // @ts-expect-error the benchmark harness is plain JavaScript
    const { v04Bodies } = (await import('../../../../../bench/collector-harness.mjs')) as {
      v04Bodies: (total: number, batch: number, salt: number) => Uint8Array[]
    }
    const bodies = [
      ...v04BodiesWithMetaStruct({ submitted: false }),
      ...v04BodiesWithMetaStruct({ submitted: true }),
      ...v04Bodies(300, 100, 4),
    ]
    for (const body of bodies) {
      const rows = fast(body)
      expect(rows).toBeDefined()
      expect(rows).toStrictEqual(reference(body))
    }
  })

  it('takes the host error, links, sampling and odd ids as the reference path does', () => {
    const variants: Array<Record<string, unknown>> = [
      hostSpan({
        error: 1,
        meta: { env: 'dev', 'error.type': 'TypeError', 'error.message': 'boom', 'error.stack': 'at x' },
      }),
      hostSpan({ error: true, meta: { 'error.type': 'E' }, trace_id: 7, span_id: new MpInt(-1n, 'i64') }),
      hostSpan({
        parent_id: null,
        start: new MpFloat(1.5e9, 64),
        duration: new MpInt(10n, 'u32'),
        type: null,
      }),
      hostSpan({
        service: null,
        name: null,
        resource: null,
        metrics: { big: 2n ** 60n, f: new MpFloat(NaN, 64) },
      }),
      hostSpan({
        meta_struct: {
          _llmobs: encode({
            ...struct(),
            meta: { 'span.kind': 'tool', input: null, span: { kind: 'x', other: 1 } },
            parent_id: '0007',
            span_links: [
              {
                trace_id: '6b03fc19000000007953b531107242bf',
                span_id: '12',
                attributes: { from: 'output', to: 'input' },
              },
            ],
          }),
          other: encode({ anything: [1, 2, { a: null }] }),
        },
      }),
      hostSpan({ meta_struct: { _llmobs: encode({ ...struct(), _dd: { sampling_decision: 0 } }) } }),
      hostSpan({ meta_struct: { _llmobs: struct() } }), // a plain map instead of bytes
      hostSpan({
        meta_struct: {
          _llmobs: encode({
            ...struct(),
            name: 5,
            tags: { n: 1, list: [1, 2], obj: { a: 1 }, nil: null },
            ml_app: 'x',
          }),
        },
      }),
    ]
    for (const span of variants) {
      const body = encodeTest([[hostSpan({ span_id: 1n, meta_struct: null }), span]])
      const rows = fast(body)
      expect(
        rows,
        JSON.stringify(span, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
      ).toBeDefined()
      expect(rows).toStrictEqual(reference(body))
    }
  })

  it('leaves to the reference path what it does not handle, and never accepts what it refuses', () => {
    const refused: Array<Record<string, unknown>> = [
      hostSpan({ span_id: 'x' }),
      hostSpan({ meta: { a: [1] } }),
      hostSpan({ meta_struct: { _llmobs: Uint8Array.from([0xc1]) } }),
      hostSpan({ meta_struct: { _llmobs: encode({ ...struct(), trace_id: 5 }) } }),
      hostSpan({
        meta_struct: {
          _llmobs: encode({ ...struct(), meta: { input: 'not a map', span: { kind: 'llm' } } }),
        },
      }),
      hostSpan({ meta_struct: { _llmobs: encode({ ...struct(), metrics: { t: 'x' } }) } }),
    ]
    for (const span of refused) {
      const body = encodeTest([[span]])
      expect(reference(body)).toBeUndefined()
      expect(fast(body)).toBeUndefined()
    }
    // Valid, but left to the reference path: duplicate keys, a scalar meta value, host span links.
    const leftOver = [
      encodeTest([[new MpMap([...Object.entries(hostSpan()), ['name', 'again']])]]),
      encodeTest([[hostSpan({ meta: { n: 5 } })]]),
      encodeTest([[hostSpan({ span_links: [{ trace_id: 1, span_id: 2 }] })]]),
    ]
    for (const body of leftOver) {
      expect(reference(body)).toBeDefined()
      expect(fast(body)).toBeUndefined()
    }
  })

  // LLMOBS_FUZZ_SEED replays one seed.
  const seeds =
    process.env.LLMOBS_FUZZ_SEED === undefined ? [11, 12, 13] : [Number(process.env.LLMOBS_FUZZ_SEED)]
  it.each(seeds)(
    'matches the reference path on 2,000 random bodies (seed %i), or leaves them to it',
    (seed) => {
      const random = new RandomMsgpack(seed, 0.006)
      let matched = 0
      let refusedByBoth = 0
      for (let i = 0; i < 2000; i++) {
        const body = randomV04Body(random)
        const expected = reference(body)
        const rows = fast(body)
        if (rows === undefined) {
          if (expected === undefined) refusedByBoth++
          continue
        }
        matched++
        expect(rows).toStrictEqual(expected)
      }
      // Worth something only if both outcomes are common.
      expect(matched).toBeGreaterThan(1000)
      expect(refusedByBoth).toBeGreaterThan(200)
    },
  )
})
