import { expect, it } from 'vitest'
import type { Store } from '../store.js'
import { NO_JOIN } from '../store.js'
import { T0, TICK, batch, evaluation, llmSpan } from '../store-test-data.js'
import { OTHER, TRACE } from './ids.js'

/** Evaluations and feedback joins, sessions, stats. `store` returns the fresh store of the running test. */
export function joinAndStatsContract(store: () => Store): void {
  it('joins evaluations and feedback by span, span id, tag, trace and session', async () => {
    await store().write(
      batch({
        llmSpans: [
          llmSpan({
            spanId: '1',
            sessionId: 's1',
            tagsJson: JSON.stringify(['ml_app:demo', 'request_id:r-1']),
          }),
          llmSpan({ spanId: '2', parentId: '1' }),
        ],
      }),
    )
    const join = NO_JOIN
    await store().write(
      batch({
        evaluations: [
          evaluation({ label: 'by-span', join: { ...join, spanId: '2', traceId: TRACE }, timestampMs: 1 }),
          evaluation({
            label: 'by-tag',
            join: { ...join, tagKey: 'request_id', tagValue: 'r-1' },
            timestampMs: 2,
          }),
          evaluation({
            label: 'fb-span',
            kind: 'feedback',
            join: { ...join, spanId: '1' },
            timestampMs: 3,
            submitterJson: '{"id":"u"}',
          }),
          evaluation({
            label: 'fb-trace',
            kind: 'feedback',
            join: { ...join, traceId: TRACE },
            timestampMs: 4,
          }),
          evaluation({
            label: 'fb-session',
            kind: 'feedback',
            join: { ...join, sessionId: 's1' },
            timestampMs: 5,
          }),
          evaluation({
            label: 'elsewhere',
            join: { ...join, spanId: '2', traceId: OTHER },
            timestampMs: 6,
          }),
        ],
      }),
    )
    const trace = await store().getTrace(TRACE)
    const labels = (spanId: string) =>
      trace?.spans.find((s) => s.spanId === spanId)?.evaluations.map((e) => e.label)
    expect(labels('1')).toEqual(['by-tag', 'fb-span'])
    expect(labels('2')).toEqual(['by-span'])
    expect(trace?.evaluations.map((e) => e.label)).toEqual(['fb-trace'])
    expect(trace?.spans[0]?.evaluations[1]).toMatchObject({
      kind: 'feedback',
      submitter: { id: 'u' },
      value: 0.5,
    })

    const list = async (query: Partial<Parameters<Store['listEvaluations']>[0]>) =>
      (await store().listEvaluations({ limit: 100, ...query })).map((e) => e.label).sort()
    expect(await list({ traceId: TRACE })).toEqual(['by-span', 'by-tag', 'fb-span', 'fb-trace'])
    expect(await list({ spanId: '2' })).toEqual(['by-span', 'elsewhere'])
    expect(await list({ traceId: TRACE, spanId: '2' })).toEqual(['by-span'])
    expect(await list({ label: 'by-tag' })).toEqual(['by-tag'])
    expect(await list({})).toHaveLength(6)
    expect((await store().getSession('s1'))?.evaluations.map((e) => e.label)).toEqual(['fb-session'])
  })
  it('joins feedback by feedback join key, whichever of span and feedback arrives first', async () => {
    const join = { ...NO_JOIN, feedbackJoinKey: 'conv-7' }
    const feedback = (label: string, timestampMs: number) =>
      evaluation({ label, kind: 'feedback', join, timestampMs, submitterJson: '{"id":"u"}' })
    await store().write(batch({ evaluations: [feedback('before-span', 1)] }))
    await store().write(
      batch({
        llmSpans: [
          llmSpan({ spanId: '1' }),
          llmSpan({ spanId: '2', parentId: '1', tagsJson: JSON.stringify(['feedback_join_key:conv-7']) }),
          llmSpan({ spanId: '3', parentId: '1', tagsJson: JSON.stringify(['feedback_join_key:other']) }),
        ],
      }),
    )
    await store().write(batch({ evaluations: [feedback('after-span', 2)] }))
    const trace = await store().getTrace(TRACE)
    const labels = (spanId: string) =>
      trace?.spans.find((s) => s.spanId === spanId)?.evaluations.map((e) => e.label)
    expect(labels('2')).toEqual(['before-span', 'after-span'])
    expect(labels('1')).toEqual([])
    expect(labels('3')).toEqual([])
    expect(trace?.spans.find((s) => s.spanId === '2')?.evaluations[0]).toMatchObject({
      kind: 'feedback',
      joinOn: { feedbackJoinKey: 'conv-7' },
      submitter: { id: 'u' },
    })
    const listed = await store().listEvaluations({ limit: 10, traceId: TRACE })
    expect(listed.map((e) => e.label)).toEqual(['after-span', 'before-span'])
    expect((await store().listEvaluations({ limit: 10, spanId: '3' })).map((e) => e.label)).toEqual([])
  })
  it('stores an evaluation sent twice once', async () => {
    const once = evaluation({ dedupeKey: 'same' })
    expect((await store().write(batch({ evaluations: [once] }))).evaluations.inserted).toBe(1)
    expect((await store().write(batch({ evaluations: [once] }))).evaluations).toEqual({
      inserted: 0,
      duplicates: 1,
    })
    expect((await store().counts()).evaluations).toBe(1)
  })
  it('maintains sessions: first and last seen, trace and span counts', async () => {
    await store().write(batch({ llmSpans: [llmSpan({ spanId: '1', sessionId: 's1', durationNs: TICK })] }))
    await store().write(
      batch({
        llmSpans: [
          llmSpan({ spanId: '2', parentId: '1', sessionId: 's1', startNs: T0 + TICK, durationNs: TICK }),
          llmSpan({
            spanId: '3',
            traceId: OTHER,
            sessionId: 's1',
            startNs: T0 + 5 * TICK,
            durationNs: TICK,
          }),
          llmSpan({ spanId: '4', traceId: '0'.repeat(31) + '1', sessionId: 's2', startNs: T0 - TICK }),
        ],
      }),
    )
    const list = await store().listSessions({ limit: 10 })
    expect(list.sessions.map((s) => s.sessionId)).toEqual(['s2', 's1'])
    const detail = await store().getSession('s1')
    expect(detail?.session).toEqual({
      sessionId: 's1',
      mlApp: 'demo',
      firstSeenNs: T0,
      lastSeenNs: T0 + 6 * TICK,
      traceCount: 2,
      spanCount: 3,
    })
    expect(detail?.traces.map((t) => t.traceId)).toEqual([OTHER, TRACE])
    const page = await store().listSessions({ limit: 1 })
    expect(page.nextCursor).not.toBeNull()
    const next = await store().listSessions({ limit: 1, cursor: page.nextCursor ?? '' })
    expect(next.sessions.map((s) => s.sessionId)).toEqual(['s1'])
    expect(await store().getSession('nope')).toBeUndefined()
  })
  it('totals the tokens of spans that give only input and output tokens', async () => {
    await store().write(
      batch({
        llmSpans: [
          llmSpan({
            spanId: '1',
            kind: 'llm',
            modelName: 'm',
            modelProvider: 'p',
            inputTokens: 7,
            outputTokens: 4,
          }),
          llmSpan({
            spanId: '2',
            kind: 'llm',
            modelName: 'm',
            modelProvider: 'p',
            inputTokens: 1,
            totalTokens: 10,
          }),
          llmSpan({ spanId: '3', kind: 'llm', modelName: 'm', modelProvider: 'p', outputTokens: 2 }),
        ],
      }),
    )
    const stats = await store().stats({})
    expect(stats.models[0]).toMatchObject({ inputTokens: 8, outputTokens: 6, totalTokens: 23 })
  })

  it('computes stats: spans by kind, tokens and latency percentiles by model, evaluations by label', async () => {
    const durations = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    await store().write(
      batch({
        llmSpans: durations.map((d, i) =>
          llmSpan({
            spanId: String(i + 1),
            kind: 'llm',
            modelName: 'gpt-4o',
            modelProvider: 'openai',
            durationNs: d,
            inputTokens: 3,
            outputTokens: 2,
            totalTokens: 5,
            status: i === 0 ? 'error' : 'ok',
          }),
        ),
      }),
    )
    await store().write(batch({ llmSpans: [llmSpan({ spanId: '99', kind: 'tool', startNs: T0 - TICK })] }))
    await store().write(
      batch({
        evaluations: [
          evaluation({ label: 'acc', valueJson: '0.5', numericValue: 0.5, assessment: 'pass' }),
          evaluation({ label: 'acc', valueJson: '1', numericValue: 1, assessment: 'fail' }),
          evaluation({ label: 'mood', metricType: 'categorical', valueJson: '"good"', numericValue: null }),
          evaluation({ label: 'mood', metricType: 'categorical', valueJson: '"good"', numericValue: null }),
          evaluation({ label: 'ok', metricType: 'boolean', valueJson: 'true', numericValue: 1 }),
        ],
      }),
    )
    const stats = await store().stats({})
    expect(stats.spans).toEqual({ total: 11, errors: 1, byKind: { llm: 10, tool: 1 } })
    expect(stats.models).toEqual([
      {
        model: 'gpt-4o',
        provider: 'openai',
        spans: 10,
        inputTokens: 30,
        outputTokens: 20,
        totalTokens: 50,
        latencyP50Ns: 50,
        latencyP95Ns: 100,
      },
    ])
    expect(stats.evaluations).toEqual([
      {
        label: 'acc',
        metricType: 'score',
        count: 2,
        pass: 1,
        fail: 1,
        averageScore: 0.75,
        trueCount: 0,
        falseCount: 0,
        categories: {},
      },
      {
        label: 'mood',
        metricType: 'categorical',
        count: 2,
        pass: 0,
        fail: 0,
        averageScore: null,
        trueCount: 0,
        falseCount: 0,
        categories: { good: 2 },
      },
      {
        label: 'ok',
        metricType: 'boolean',
        count: 1,
        pass: 0,
        fail: 0,
        averageScore: null,
        trueCount: 1,
        falseCount: 0,
        categories: {},
      },
    ])
    expect(stats.counts).toMatchObject({ llmSpans: 11, traces: 1, evaluations: 5 })
    expect((await store().stats({ sinceNs: T0 })).spans.byKind).toEqual({ llm: 10 })
  })
}
