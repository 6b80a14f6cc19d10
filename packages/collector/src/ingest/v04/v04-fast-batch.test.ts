import { decodeV04Traces } from '@llmobs/protocol'
import { encode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import { v04BodiesWithMetaStruct } from '../../../test/fixtures/captures.js'
import type { ApmTracesBatch } from '../apm-traces-batch.js'
import { apmTracesBatch } from '../apm-traces-batch.js'
import { MpFloat, MpInt, MpMap, MpRaw, MpStr, encodeTest } from './msgpack-test-encoder.test-helper.js'
import { RandomMsgpack } from './random-msgpack.test-helper.js'
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
        const body = randomBody(random)
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

/** A v0.4 body of random chunks whose spans vary every field §4 reads, now and then wrongly. */
function randomBody(random: RandomMsgpack): Uint8Array {
  const chunks = Array.from({ length: 1 + random.int(2) }, () =>
    Array.from({ length: 1 + random.int(2) }, () => randomHostSpan(random)),
  )
  return encodeTest(chunks)
}

/** One of `valid`, or (rarely) one of `invalid`: values the reference refuses or the fast path leaves. */
function choose(random: RandomMsgpack, valid: readonly unknown[], invalid: readonly unknown[] = []): unknown {
  return invalid.length > 0 && random.chance(0.006) ? random.pick(invalid) : random.pick(valid)
}

function id(random: RandomMsgpack): unknown {
  return choose(
    random,
    [
      BigInt.asUintN(64, BigInt(random.int(2 ** 30)) * 2n ** 34n + 12345n),
      new MpInt(BigInt(random.int(100)), 'fix'),
      new MpInt(BigInt(random.int(60000)), 'u16'),
      new MpInt(-BigInt(random.int(1000) + 1), 'i64'),
      new MpInt(BigInt(random.int(100)), 'i32'),
    ],
    ['1', null, new MpFloat(3, 64)],
  )
}

function randomHostSpan(random: RandomMsgpack): unknown {
  const meta: Array<[unknown, unknown]> = [['env', random.pick(['dev', 'prod', ''])]]
  if (random.chance(0.5))
    meta.push(['_dd.p.tid', random.pick(['6b03fc1900000000', 'ABC', 'zz', '12345678901234567'])])
  if (random.chance(0.2)) meta.push(['_dd.llmobs.submitted', random.pick(['1', '0'])])
  if (random.chance(0.3)) meta.push(['error.type', random.text()], ['error.message', random.text()])
  if (random.chance(0.1)) meta.push(['error.stack', 'at x\n  at y'])
  if (random.rare()) meta.push(['n', 5])
  if (random.rare()) meta.push(['env', 'again'])
  if (random.chance(0.5)) meta.push([random.key(), random.string()])
  const entries: Array<[unknown, unknown]> = [
    ['trace_id', id(random)],
    ['span_id', id(random)],
    ['name', random.pick(['chat', 'wf', random.text()])],
    [
      'start',
      choose(
        random,
        [1795423257103140864n, new MpInt(5n, 'u8'), new MpFloat(1.5e18, 64)],
        [new MpInt(-3n, 'i8')],
      ),
    ],
    ['duration', choose(random, [1110596, new MpFloat(10.9, 32), 0], [new MpFloat(-1, 64)])],
    ['meta', new MpMap(meta)],
  ]
  if (random.chance(0.8)) entries.push(['parent_id', random.chance(0.3) ? 0 : id(random)])
  if (random.chance(0.8)) entries.push(['service', choose(random, ['svc', 'other', null], [5])])
  if (random.chance(0.5)) entries.push(['resource', random.text()])
  if (random.chance(0.5)) entries.push(['type', random.pick(['llm', 'web', null])])
  if (random.chance(0.6))
    entries.push(['error', choose(random, [0, 1, true, false, null, new MpInt(2n, 'i64')], ['x'])])
  if (random.chance(0.7))
    entries.push([
      'metrics',
      { m: random.number(), '_dd.top_level': 1, ...(random.chance(0.01) ? { s: 'x' } : {}) },
    ])
  if (random.chance(0.75)) entries.push(['meta_struct', randomMetaStruct(random)])
  if (random.rare()) entries.push(['span_links', []])
  if (random.rare()) entries.push(['unknown', random.value(2)])
  return new MpMap(random.chance(0.5) ? entries : entries.reverse())
}

function randomMetaStruct(random: RandomMsgpack): unknown {
  if (random.rare()) return random.pick([null, 'x', []])
  const entries: Array<[unknown, unknown]> = []
  const struct = encodeTest(randomStruct(random))
  entries.push([
    '_llmobs',
    random.rare() ? new MpStr(struct) : random.chance(0.1) ? new MpRaw(struct) : struct,
  ])
  if (random.chance(0.2)) entries.push(['appsec', encode({ a: [1, 2] })])
  if (random.rare()) entries.push(['broken', Uint8Array.from([0x92, 0x01])])
  return new MpMap(entries)
}

function randomStruct(random: RandomMsgpack): unknown {
  const meta: Array<[unknown, unknown]> = []
  const kindStyle = random.int(40)
  if (kindStyle < 14) meta.push(['span', { kind: random.pick(['llm', 'workflow', 'tool', 'é']) }])
  else if (kindStyle < 16) meta.push(['span.kind', choose(random, ['llm', 'task'], ['', 'x'.repeat(65), 3])])
  else if (kindStyle < 18) meta.push(['span', { kind: 'llm', extra: random.value(1) }])
  else if (kindStyle < 20) meta.push(['span.kind', 'task'], ['span', random.pick([{ kind: 'x' }, 'x'])])
  else if (kindStyle < 39) meta.push(['span', { kind: 'workflow' }])
  if (random.chance(0.8))
    meta.push(['input', choose(random, [null, random.map(3), random.map(2)], ['text', [1]])])
  if (random.chance(0.8)) meta.push(['output', choose(random, [null, random.map(3)], [5])])
  if (random.chance(0.5)) meta.push(['model_name', random.chance(0.9) ? 'gpt-4o' : 5])
  if (random.chance(0.5)) meta.push(['model_provider', 'openai'])
  if (random.chance(0.4)) meta.push(['metadata', random.map(4)])
  if (random.chance(0.1)) meta.push(['error.type', random.pick(['E', null])])
  if (random.chance(0.3)) meta.push([random.key(), random.value(3)])
  shuffle(random, meta)
  const fields: Array<[unknown, unknown]> = [
    ['trace_id', choose(random, ['6b03fc19000000007953b531107242bf', '12345', 'ABCDEF'], ['xyz', 5])],
    ['meta', random.rare() ? 'x' : new MpMap(meta)],
  ]
  if (random.chance(0.9)) fields.push(['name', random.pick(['chat', random.text(), 5, null])])
  if (random.chance(0.9))
    fields.push([
      'parent_id',
      choose(random, ['undefined', '774591771944634912', '0', '', '00', 42, null], ['x', -1]),
    ])
  if (random.chance(0.7)) fields.push(['ml_app', random.pick(['demo', 7])])
  if (random.chance(0.5)) fields.push(['session_id', choose(random, ['s1', '', null], [3])])
  if (random.chance(0.8))
    fields.push([
      'tags',
      random.chance(0.9) ? { ml_app: 'demo', env: random.text(), [random.text()]: random.value(1) } : ['a'],
    ])
  if (random.chance(0.8))
    fields.push([
      'metrics',
      choose(
        random,
        [{ input_tokens: random.pick([3, 0.5, 1e21]), total_tokens: 5 }, {}],
        ['x', { t: 'x' }, { n: random.number() }],
      ),
    ])
  if (random.chance(0.7))
    fields.push([
      '_dd',
      random.chance(0.9) ? { sampling_decision: random.pick(['1', '1', '0', 0, 1, null]) } : [1],
    ])
  if (random.chance(0.2))
    fields.push([
      'span_links',
      choose(
        random,
        [
          [
            {
              trace_id: '6b03fc19000000007953b531107242bf',
              span_id: random.pick(['5', 6]),
              attributes: { from: 'input', to: 'output' },
            },
          ],
        ],
        [
          {},
          [{ trace_id: 9, span_id: '5', attributes: {} }],
          [{ trace_id: 'ab', span_id: '-1', attributes: { from: 'a', to: 1 } }],
        ],
      ),
    ])
  if (random.chance(0.1)) fields.push(['extra', random.value(2)])
  shuffle(random, fields)
  return new MpMap(fields)
}

function shuffle(random: RandomMsgpack, items: unknown[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1)
    ;[items[i], items[j]] = [items[j], items[i]]
  }
}
