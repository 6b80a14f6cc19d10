import { SPAN_KINDS } from '@llmobs/protocol'
import { describe, expect, it } from 'vitest'
import { resolveConfig, type LLMObsOptions, type ResolvedConfig } from '../config.js'
import type { SpanRecord } from '../span/span-record.js'
import { encodeSpanEvent } from './span-event-encoder.js'
import { makeRecord } from './span-fixtures.test-helper.js'
import { spanEventJson } from './span-event-json.js'

/** Seeded PRNG (mulberry32): every run checks the same records, and a failure names its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const STRINGS = [
  '',
  'chat',
  'plain words',
  'say "hi"',
  'back\\slash',
  'line\nbreak\ttab\r',
  '\u0000\u001f control',
  'héllo wörld',
  '漢字とかな',
  'emoji 😀 pair',
  'lone \ud800 high',
  'lone \udc00 low',
  '\u2028\u2029 separators',
  '</script>',
  'x'.repeat(300),
]

const CONFIGS: ResolvedConfig[] = [
  { mlApp: 'demo' },
  { mlApp: 'demo', service: 'svc', env: 'dev', version: '1.0.0' },
  { mlApp: 'app "quoted"', service: 'sv\nc' },
  { mlApp: 'demo', tags: { owner: 'me', env: 'override' } },
].map((options: LLMObsOptions) => resolveConfig(options, {}).config)

/** Random records of every kind and shape a span (or a processor) can produce. */
function randomRecord(random: () => number): SpanRecord {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const maybe = <T>(value: () => T, p = 0.5): T | undefined => (random() < p ? value() : undefined)
  const text = (): string => pick(STRINGS)
  const decimalId = (): string => String(1 + Math.floor(random() * 1e15)) + String(Math.floor(random() * 1e4))
  const hexId = (): string => pick(['6b03fc19000000007953b531107242bf', '6b03fc19000000000abfe71cd4b34a20'])
  const json = (depth: number): unknown => {
    const r = random()
    if (depth > 2 || r < 0.3)
      return pick([text(), random() * 1e6, Math.floor(random() * 100), true, null, -0])
    if (r < 0.6) return Array.from({ length: Math.floor(random() * 3) }, () => json(depth + 1))
    const out: Record<string, unknown> = {}
    for (let i = Math.floor(random() * 4); i > 0; i--) out[text()] = json(depth + 1)
    if (random() < 0.1) out.skipped = undefined
    return out
  }
  const message = () => ({
    role: pick(['system', 'user', 'assistant', text()]),
    content: text(),
    ...(random() < 0.2
      ? { tool_calls: [{ name: text(), arguments: json(1) as Record<string, unknown>, tool_id: text() }] }
      : {}),
    ...(random() < 0.1
      ? { tool_results: [{ result: text(), tool_id: text(), name: '', type: 'function' }] }
      : {}),
  })
  const io = (): SpanRecord['input'] => {
    const r = random()
    if (r < 0.2) return {}
    if (r < 0.5) return { messages: Array.from({ length: 1 + Math.floor(random() * 3) }, message) }
    if (r < 0.65) return { documents: [{ text: text(), name: text(), id: 'd1', score: random() }] }
    if (r < 0.75) {
      return {
        value: text(),
        prompt: {
          id: text(),
          variables: { q: text() },
          template: text(),
          _dd_context_variable_keys: ['context'],
        },
      }
    }
    return { value: text() }
  }
  const traceId = random() < 0.05 ? text() : hexId()
  return makeRecord({
    kind: random() < 0.03 ? ('bogus' as never) : pick(SPAN_KINDS),
    name: random() < 0.7 ? pick(['chat', 'retrieve', 'plan']) : text(),
    spanId: random() < 0.05 ? text() : decimalId(),
    parentId: random() < 0.3 ? undefined : random() < 0.05 ? text() : decimalId(),
    traceId,
    apmTraceId: random() < 0.5 ? traceId : hexId(),
    startNs: random() < 0.03 ? Number.NaN : 1.7954e18 + Math.floor(random() * 1e15),
    durationNs: random() < 0.1 ? random() * 1e3 : Math.floor(random() * 1e10),
    mlApp: random() < 0.8 ? 'demo' : text(),
    sessionId: maybe(text, 0.3),
    modelName: maybe(() => pick(['gpt-4o', 'Claude', text()])),
    modelProvider: maybe(() => pick(['openai', 'OpenAI', text()])),
    input: io(),
    output: io(),
    metadata: random() < 0.6 ? {} : (json(0) as Record<string, unknown>),
    metrics: random() < 0.4 ? {} : { input_tokens: Math.floor(random() * 100), cost: random(), [text()]: 1 },
    tags: random() < 0.7 ? {} : { team: text(), regions: [text(), text()], empty: [] },
    toolDefinitions: maybe(() => [{ name: text(), description: text(), schema: { type: 'object' } }], 0.2),
    error: maybe(() => ({ message: text(), type: pick(['TypeError', text()]), stack: maybe(text) }), 0.2),
    links:
      random() < 0.8
        ? []
        : [{ trace_id: hexId(), span_id: decimalId(), attributes: { from: 'output', to: 'input' } }],
    sampling: pick([
      { rate: 1, decision: 1 },
      { rate: 0.25, decision: 0 },
      { rate: 0.25, decision: 1 },
    ]),
    collectionErrors: pick([undefined, [], ['dropped_io'], ['trimmed_io', 'trimmed_metadata']]),
    agentAttribution: maybe(() => ({ name: maybe(text, 0.8), spanId: decimalId() }), 0.3),
  })
}

function expectSameText(record: SpanRecord, config: ResolvedConfig): void {
  let expected: string | undefined
  let threw = false
  try {
    expected = JSON.stringify(encodeSpanEvent(record, config))
  } catch {
    threw = true
  }
  if (threw) expect(() => spanEventJson(record, config)).toThrow()
  else expect(spanEventJson(record, config)).toBe(expected)
}

describe('spanEventJson', () => {
  it('writes exactly the text of JSON.stringify(encodeSpanEvent(...)) for 20,000 random records', () => {
    const random = prng(20_261_124)
    for (let i = 0; i < 20_000; i++) {
      const record = randomRecord(random)
      const config = CONFIGS[Math.floor(random() * CONFIGS.length)]!
      expectSameText(record, config)
    }
  })

  it('matches it for the benchmark-like record, with and without session, error and config fields', () => {
    const base = makeRecord()
    for (const config of CONFIGS) {
      expectSameText(base, config)
      expectSameText({ ...base, sessionId: 'sess-1' }, config)
      expectSameText(
        { ...base, error: { message: 'boom', type: 'Error', stack: 'Error: boom\n  at x' } },
        config,
      )
      expectSameText({ ...base, kind: 'workflow', input: { value: 'q' }, output: { value: 'a' } }, config)
    }
  })

  it('matches it for values a processor may put in a record', () => {
    const config = CONFIGS[1]!
    const base = makeRecord()
    class Secret {
      toJSON(key: string): string {
        return `[redacted ${key}]`
      }
    }
    const odd: Array<Partial<Record<keyof SpanRecord, unknown>>> = [
      { input: new Secret() },
      { output: { value: new Date(0) } },
      { input: undefined },
      { metadata: { at: new Date(0), secret: new Secret(), fn: () => 1, sym: Symbol('s') } },
      { metrics: Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 }) },
      { metrics: { toJSON: () => 'metrics' } },
      { spanId: 42 },
      { parentId: null },
      { name: 'a "quoted" name' },
      { sessionId: null },
      { modelName: 7, kind: 'llm' },
      { modelProvider: 'MiXeD', kind: 'embedding' },
      { startNs: Number.POSITIVE_INFINITY },
      { durationNs: '12' },
      { sampling: { rate: '1', decision: 1 } },
      { agentAttribution: { name: null, spanId: '1' } },
      { agentAttribution: { name: 3, spanId: '1' } },
      { error: { message: 1, type: 'E', stack: undefined } },
      { error: { message: 'm', type: undefined, stack: undefined } },
      { toolDefinitions: [] },
      { links: [{ toJSON: () => 'link' }] },
      { collectionErrors: [] },
      { traceId: '' },
      { modelName: '', modelProvider: '', kind: 'llm' },
    ]
    for (const change of odd) expectSameText({ ...base, ...change } as SpanRecord, config)
  })

  it('throws where JSON.stringify throws, so the exporter drops the span and says why', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const config = CONFIGS[0]!
    expect(() => spanEventJson(makeRecord({ metadata: cyclic }), config)).toThrow(TypeError)
    expect(() => spanEventJson(makeRecord({ metadata: { n: 1n } as never }), config)).toThrow(TypeError)
    const throwing = {
      get value(): string {
        throw new Error('getter')
      },
    }
    expect(() => spanEventJson(makeRecord({ input: throwing }), config)).toThrow('getter')
  })
})
