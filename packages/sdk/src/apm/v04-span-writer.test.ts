import { decode } from '@msgpack/msgpack'
import { MsgpackWriter } from '@llmobs/protocol'
import { describe, expect, it } from 'vitest'
import { resolveConfig, type LLMObsOptions } from '../config.js'
import { encodeSpanEvent } from '../export/span-event-encoder.js'
import { makeRecord } from '../export/span-fixtures.test-helper.js'
import { newLocalTrace } from '../span/local-trace.js'
import type { SpanRecord } from '../span/span-record.js'
import { apmSpanOf, type ApmSpanPlacement } from './apm-span.js'
import { llmobsStruct } from './llmobs-struct.js'
import { writeV04Span } from './trace-format.js'
import { writeV04LlmobsSpan } from './v04-span-writer.js'

const PROCESS = { runtimeId: 'rt-7', pid: 99 }

/** What the fast path writes, and what the object path writes for the same span, both decoded. */
function fastFits(record: SpanRecord, placement: ApmSpanPlacement, options: LLMObsOptions = {}): boolean {
  const { config } = resolveConfig({ mlApp: 'demo', ...options })
  const w = new MsgpackWriter()
  const fits = writeV04LlmobsSpan(w, record, config, PROCESS, placement)
  if (!fits) expect(w.length).toBe(0)
  return fits
}

function both(record: SpanRecord, placement: ApmSpanPlacement, options: LLMObsOptions = {}) {
  const { config } = resolveConfig({ mlApp: 'demo', ...options })
  const fast = new MsgpackWriter()
  const fits = writeV04LlmobsSpan(fast, record, config, PROCESS, placement)
  const slow = new MsgpackWriter()
  const struct = placement.submitted ? undefined : llmobsStruct(encodeSpanEvent(record, config))
  writeV04Span(slow, apmSpanOf(record, config, PROCESS, placement), struct)
  const read = (w: MsgpackWriter) => {
    const span = decode(w.bytes(), { useBigInt64: true }) as Record<string, any>
    const bytes = span.meta_struct?._llmobs
    if (bytes !== undefined) span.meta_struct._llmobs = decode(bytes)
    return span
  }
  return { fits, fast: fits ? read(fast) : undefined, slow: read(slow) }
}

/** A seeded sequence of records covering every optional part of a span. */
function* records(count: number): Generator<[SpanRecord, ApmSpanPlacement, LLMObsOptions]> {
  let seed = 7
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T
  const kinds = ['llm', 'embedding', 'retrieval', 'tool', 'task', 'agent', 'workflow'] as const
  for (let i = 0; i < count; i++) {
    const trace = newLocalTrace('5000', 'root', undefined)
    const record = makeRecord({
      kind: pick(kinds),
      name: pick(['chat', 'lookup é', 'x'.repeat(40), '😀 step']),
      spanId: pick(['5000', String(6000 + i), '9223372036854775807']),
      parentId: pick([undefined, '5000']),
      apmParentId: pick([undefined, '5000', '123']),
      localTrace: trace,
      sessionId: pick([undefined, 'sess-1']),
      metadata: pick([{}, { temperature: 0.2, nested: { a: [1, 'b', null, true] } }]),
      metrics: pick([{}, { input_tokens: 3, output_tokens: 2, cost: 0.125 }]),
      toolDefinitions: pick([
        undefined,
        [],
        [{ name: 'add', description: 'adds', schema: { type: 'object' } }],
      ]),
      agentAttribution: pick([
        undefined,
        { name: 'planner', spanId: '42' },
        { name: undefined, spanId: '43' },
      ]),
      error: pick([
        undefined,
        { message: 'boom', type: 'TypeError', stack: 'TypeError: boom\n  at x' },
        { message: 'm', type: 'E', stack: undefined },
      ]),
      links: pick([
        [],
        [
          {
            span_id: '9',
            trace_id: '6b03fc19000000007953b531107242bf',
            attributes: { from: 'output', to: 'input' },
          },
        ],
      ]),
      collectionErrors: pick([undefined, [], ['dropped_io']]),
      sampling: pick([
        { rate: 1, decision: 1 },
        { rate: 0.5, decision: 0 },
      ]),
      modelName: pick([undefined, 'gpt-4o']),
      modelProvider: pick([undefined, 'OpenAI']),
    })
    const placement: ApmSpanPlacement = {
      first: next() < 0.5,
      submitted: next() < 0.3,
      sampling: pick([
        { priority: 1, decisionMaker: '-0', metrics: { '_dd.agent_psr': 1 } },
        {
          priority: 2,
          decisionMaker: '-3',
          metrics: { '_dd.rule_psr': 0.5, '_dd.limit_psr': 1 },
          meta: { '_dd.p.ksr': '0.5' },
        },
        { priority: 0, decisionMaker: '-1', metrics: undefined },
        { priority: -1, decisionMaker: undefined, metrics: undefined },
      ]),
    }
    const options = pick<LLMObsOptions>([
      {},
      { service: 'svc', env: 'dev', version: '1.0.0' },
      { env: 'prod' },
    ])
    yield [record, placement, options]
  }
}

describe('writeV04LlmobsSpan', () => {
  it('writes exactly the map the object path writes, on 2,000 varied spans', () => {
    let fitted = 0
    for (const [record, placement, options] of records(2000)) {
      const { fits, fast, slow } = both(record, placement, options)
      expect(fits).toBe(true)
      expect(fast).toEqual(slow)
      fitted++
    }
    expect(fitted).toBe(2000)
  })

  it('leaves spans with tags of their own or of the config, or fields of the wrong type, to the object path', () => {
    const placement: ApmSpanPlacement = {
      first: true,
      submitted: false,
      sampling: { priority: 1, decisionMaker: '-0', metrics: undefined },
    }
    const tagged = both(makeRecord({ tags: { team: 'a' } }), placement)
    expect(tagged.fits).toBe(false)
    expect(tagged.slow.meta_struct._llmobs.tags.team).toBe('a')
    expect(both(makeRecord(), placement, { tags: { team: 'a' } }).fits).toBe(false)
    expect(fastFits(makeRecord({ spanId: 'not-an-id' }), placement)).toBe(false)
    expect(fastFits(makeRecord({ startNs: Number.NaN }), placement)).toBe(false)
    expect(fastFits(makeRecord({ error: { message: 1 } as never }), placement)).toBe(false)
  })
})
