import { describe, expect, it } from 'vitest'
import { resolveConfig, type LLMObsOptions } from '../config.js'
import { SDK_VERSION } from '../internal/version.js'
import type { SpanRecord } from '../span/span-record.js'
import { encodeSpanEvent } from './span-event-encoder.js'

function record(overrides: Partial<SpanRecord> = {}): SpanRecord {
  return {
    kind: 'task',
    name: 'step',
    spanId: '155780522099886039',
    parentId: '774591771944634912',
    traceId: '6b03fc19000000007953b531107242bf',
    apmTraceId: '6b03fc19000000000abfe71cd4b34a20',
    startNs: 1795423257103140900,
    durationNs: 1110596,
    mlApp: 'demo',
    sessionId: undefined,
    modelName: undefined,
    modelProvider: undefined,
    input: {},
    output: {},
    metadata: {},
    metrics: {},
    tags: {},
    toolDefinitions: undefined,
    error: undefined,
    links: [],
    sampling: { rate: 1, decision: 1 },
    collectionErrors: undefined,
    ...overrides,
  }
}

const config = (options: LLMObsOptions = {}) => resolveConfig({ mlApp: 'demo', ...options }, {}).config
const full = config({ service: 'demo-svc', env: 'dev', version: '1.0.0' })

describe('encodeSpanEvent', () => {
  it('encodes the wire event with ids, timing, status and _dd block', () => {
    const event = encodeSpanEvent(record({ sessionId: 'sess-1' }), full)
    expect(event).toEqual({
      trace_id: '6b03fc19000000007953b531107242bf',
      span_id: '155780522099886039',
      parent_id: '774591771944634912',
      name: 'step',
      tags: [
        'version:1.0.0',
        'env:dev',
        'service:demo-svc',
        'source:integration',
        'ml_app:demo',
        `ddtrace.version:${SDK_VERSION}`,
        'error:0',
        'language:javascript',
        'session_id:sess-1',
      ],
      start_ns: 1795423257103140900,
      duration: 1110596,
      status: 'ok',
      meta: { 'span.kind': 'task', input: {}, output: {} },
      metrics: {},
      _dd: {
        span_id: '155780522099886039',
        trace_id: '6b03fc19000000000abfe71cd4b34a20',
        sample_rate: '1',
        sampling_decision: '1',
        apm_trace_id: '6b03fc19000000000abfe71cd4b34a20',
      },
      session_id: 'sess-1',
    })
    expect(encodeSpanEvent(record({ parentId: undefined }), full).parent_id).toBe('undefined')
  })

  it('leaves out version/env/service tags that are not configured', () => {
    expect(encodeSpanEvent(record(), config()).tags).toEqual([
      'source:integration',
      'ml_app:demo',
      `ddtrace.version:${SDK_VERSION}`,
      'error:0',
      'language:javascript',
    ])
  })

  it('adds config tags then span tags; a base key is overridden in place; arrays fan out', () => {
    const event = encodeSpanEvent(
      record({ tags: { team: 'x', env: 'staging', regions: ['eu', 'us'], empty: [] }, sessionId: 's' }),
      config({ env: 'dev', tags: { owner: 'me', team: 'config-team' } }),
    )
    expect(event.tags).toEqual([
      'env:staging',
      'source:integration',
      'ml_app:demo',
      `ddtrace.version:${SDK_VERSION}`,
      'error:0',
      'language:javascript',
      'session_id:s',
      'owner:me',
      'team:x',
      'regions:eu',
      'regions:us',
      'empty:',
    ])
  })

  it('marks errors in status, meta and tags', () => {
    const event = encodeSpanEvent(
      record({
        error: { message: 'boom', type: 'TypeError', stack: 'TypeError: boom\n    at x' },
        sessionId: 's',
      }),
      full,
    )
    expect(event.status).toBe('error')
    expect(event.tags.slice(6)).toEqual([
      'error:1',
      'language:javascript',
      'error_type:TypeError',
      'session_id:s',
    ])
    expect(event.meta['error.message']).toBe('boom')
    expect(event.meta['error.type']).toBe('TypeError')
    expect(event.meta['error.stack']).toBe('TypeError: boom\n    at x')
    const noStack = encodeSpanEvent(
      record({ error: { message: 'x', type: 'string', stack: undefined } }),
      full,
    )
    expect('error.stack' in noStack.meta).toBe(false)
  })

  it('puts model fields on llm and embedding spans only, with defaults', () => {
    const llm = encodeSpanEvent(record({ kind: 'llm', modelName: 'gpt-4o', modelProvider: 'OpenAI' }), full)
    expect([llm.meta.model_name, llm.meta.model_provider]).toEqual(['gpt-4o', 'openai'])
    const embedding = encodeSpanEvent(record({ kind: 'embedding' }), full)
    expect([embedding.meta.model_name, embedding.meta.model_provider]).toEqual(['custom', 'custom'])
    const task = encodeSpanEvent(record({ modelName: 'ignored' }), full)
    expect('model_name' in task.meta).toBe(false)
  })

  it('adds metadata, tool definitions, agent attribution, links and collection errors only when present', () => {
    const bare = encodeSpanEvent(record(), full)
    for (const key of ['metadata', 'tool_definitions', 'agent_attribution'])
      expect(key in bare.meta).toBe(false)
    expect('span_links' in bare).toBe(false)
    expect('collection_errors' in bare).toBe(false)
    expect('session_id' in bare).toBe(false)
    const rich = encodeSpanEvent(
      record({
        metadata: { temperature: 0 },
        toolDefinitions: [{ name: 'get_weather' }],
        agentAttribution: { name: 'my-agent', spanId: '1852624582868922767' },
        links: [{ trace_id: 't', span_id: '1', attributes: { from: 'output', to: 'input' } }],
        collectionErrors: ['dropped_io'],
        metrics: { input_tokens: 3 },
        sampling: { rate: 0.5, decision: 0 },
      }),
      full,
    )
    expect(rich.meta.metadata).toEqual({ temperature: 0 })
    expect(rich.meta.tool_definitions).toEqual([{ name: 'get_weather' }])
    expect(rich.meta.agent_attribution).toEqual({
      pagent_name: 'my-agent',
      pagent_span_id: '1852624582868922767',
    })
    expect(rich.span_links).toEqual([
      { trace_id: 't', span_id: '1', attributes: { from: 'output', to: 'input' } },
    ])
    expect(rich.collection_errors).toEqual(['dropped_io'])
    expect(rich.metrics).toEqual({ input_tokens: 3 })
    expect([rich._dd.sample_rate, rich._dd.sampling_decision]).toEqual(['0.5', '0'])
  })

  it('is pure: the same input gives the same output, and the record is untouched', () => {
    const frozen = Object.freeze(record({ tags: Object.freeze({ a: 'b' }) }))
    expect(encodeSpanEvent(frozen, full)).toEqual(encodeSpanEvent(frozen, full))
  })
})
