import { describe, expect, it } from 'vitest'
import type { SpanView, TraceDetail } from '../store/views.js'
import { formatDuration, renderTraceTree } from './render-trace-tree.js'

function span(spanId: string, parentId: string | null, overrides: Partial<SpanView> = {}): SpanView {
  return {
    spanId,
    parentId,
    traceId: 't',
    name: `s${spanId}`,
    kind: 'task',
    startNs: 1_795_423_257_000_000_000,
    durationNs: 1_500_000,
    status: 'ok',
    mlApp: 'demo',
    sessionId: 'sess',
    service: null,
    env: null,
    apmTraceId: null,
    apmSampled: null,
    modelName: null,
    modelProvider: null,
    meta: {},
    metrics: {},
    tags: [],
    links: [],
    evaluations: [],
    ...overrides,
  }
}

describe('renderTraceTree', () => {
  it('draws spans under their parents with kind, model, time, tokens, errors and evaluations', () => {
    const trace: TraceDetail = {
      traceId: 't',
      evaluations: [],
      spans: [
        span('1', null, { name: 'wf', kind: 'workflow', durationNs: 12_345_678 }),
        span('2', '1', {
          name: 'chat',
          kind: 'llm',
          modelName: 'gpt-4o',
          metrics: { input_tokens: 3, output_tokens: 2 },
        }),
        span('3', '2', {
          name: 'tool',
          status: 'error',
          meta: { 'error.type': 'TypeError', 'error.message': 'boom' },
          evaluations: [
            {
              id: 1,
              kind: 'evaluation',
              label: 'acc',
              metricType: 'score',
              value: 0.9,
              mlApp: null,
              timestampMs: 0,
              tags: [],
              reasoning: null,
              assessment: 'pass',
              metadata: null,
              submitter: null,
              joinOn: { spanId: '3', traceId: 't', tag: null, sessionId: null, feedbackJoinKey: null },
            },
          ],
        }),
        span('4', '1', { name: 'last', durationNs: 2_000_000_000 }),
        span('5', '99', { name: 'orphan' }),
      ],
    }
    expect(renderTraceTree(trace)).toEqual([
      'trace t  ·  demo  ·  session sess  ·  2026-11-23T08:40:57.000Z',
      '├─ wf  workflow  12.3 ms',
      '│  ├─ chat  llm gpt-4o  1.50 ms  tokens 3→2',
      '│  │  └─ tool  task  1.50 ms  ✗ TypeError: boom  ★ acc=0.9 (pass)',
      '│  └─ last  task  2.00 s',
      '└─ orphan  task  1.50 ms',
    ])
  })

  it('formats durations', () => {
    expect(formatDuration(420_000)).toBe('0.42 ms')
    expect(formatDuration(1_520_000_000)).toBe('1.52 s')
  })
})
