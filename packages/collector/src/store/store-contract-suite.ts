import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Store } from './store.js'
import { T0, TICK, apmSpan, batch, evaluation, llmSpan } from './store-test-data.js'

const TRACE = '6b03fc19000000007953b531107242bf'
const APM_TRACE = '6b03fc19000000000abfe71cd4b34a20'
const OTHER = '6b03fc1900000000aaaaaaaaaaaaaaaa'

/**
 * The behaviour every {@link Store} must have, as one suite: the SQLite store runs it, and so must
 * any future store (PostgreSQL). `open` returns a fresh, empty store for each test.
 *
 * @example
 * describeStoreContract('SqliteStore', () => openSqliteStore(':memory:'))
 */
export function describeStoreContract(name: string, open: () => Store | Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store
    beforeEach(async () => {
      store = await open()
    })
    afterEach(async () => {
      await store.close()
    })

    it('stores a trace and returns it as a flat list with parents, meta, links and kinds', async () => {
      const summary = await store.write(
        batch({
          llmSpans: [
            llmSpan({ spanId: '2', parentId: '1', kind: 'llm', startNs: T0 + TICK, modelName: 'gpt-4o' }),
            llmSpan({
              spanId: '1',
              name: 'wf',
              durationNs: 5000,
              links: [{ traceId: OTHER, spanId: '9', from: 'output', to: 'input' }],
            }),
          ],
        }),
      )
      expect(summary.llmSpans).toEqual({ inserted: 2, duplicates: 0 })
      const trace = await store.getTrace(TRACE)
      expect(trace?.spans.map((s) => [s.spanId, s.parentId, s.kind])).toEqual([
        ['1', null, 'workflow'],
        ['2', '1', 'llm'],
      ])
      const root = trace?.spans[0]
      expect(root?.meta).toEqual({ 'span.kind': 'workflow', input: { value: 'q' }, output: { value: 'a' } })
      expect(root?.tags).toEqual(['ml_app:demo', 'env:dev'])
      expect(root?.links).toEqual([{ traceId: OTHER, spanId: '9', from: 'output', to: 'input' }])
      expect(trace?.spans[1]?.modelName).toBe('gpt-4o')
      expect(await store.getTrace(OTHER)).toBeUndefined()
      expect((await store.getSpan('2'))?.parentId).toBe('1')
      expect(await store.getSpan('404')).toBeUndefined()
    })

    it('de-duplicates span events on (trace_id, span_id): a second copy changes nothing', async () => {
      const spans = [llmSpan({ spanId: '1' }), llmSpan({ spanId: '2', parentId: '1', name: 'child' })]
      await store.write(batch({ llmSpans: spans, apmSpans: [apmSpan({ spanId: '1' })] }))
      const before = await store.counts()
      const again = await store.write(
        batch({
          llmSpans: [...spans, llmSpan({ spanId: '1', name: 'changed' })],
          apmSpans: [apmSpan({ spanId: '1' })],
        }),
      )
      expect(again.llmSpans).toEqual({ inserted: 0, duplicates: 3 })
      expect(again.apmSpans).toEqual({ inserted: 0, duplicates: 1 })
      expect(await store.counts()).toEqual(before)
      const list = await store.listTraces({ limit: 10 })
      expect(list.traces[0]).toMatchObject({ spanCount: 2, name: 'span-1' })
      // The same span id in another trace is another span.
      expect(
        (await store.write(batch({ llmSpans: [llmSpan({ spanId: '1', traceId: OTHER })] }))).llmSpans
          .inserted,
      ).toBe(1)
    })

    it('summarises a trace whose spans arrive over several writes, children first', async () => {
      await store.write(
        batch({
          llmSpans: [
            llmSpan({
              spanId: '2',
              parentId: '1',
              name: 'chat',
              kind: 'llm',
              startNs: T0 + TICK,
              durationNs: TICK,
            }),
          ],
        }),
      )
      expect((await store.listTraces({ limit: 5 })).traces[0]).toMatchObject({
        name: 'chat',
        kind: 'llm',
        spanCount: 1,
      })
      await store.write(
        batch({
          llmSpans: [
            llmSpan({ spanId: '1', name: 'wf', durationNs: 10 * TICK, sessionId: 's1' }),
            llmSpan({
              spanId: '3',
              parentId: '1',
              status: 'error',
              startNs: T0 + 20 * TICK,
              durationNs: 5 * TICK,
            }),
          ],
        }),
      )
      expect((await store.listTraces({ limit: 5 })).traces).toEqual([
        {
          traceId: TRACE,
          name: 'wf',
          kind: 'workflow',
          mlApp: 'demo',
          sessionId: 's1',
          startNs: T0,
          durationNs: 25 * TICK,
          spanCount: 3,
          error: true,
        },
      ])
    })

    it('lists traces newest first with filters and a cursor', async () => {
      const spans = Array.from({ length: 25 }, (_, i) =>
        llmSpan({
          spanId: String(i + 1),
          traceId: (i + 1).toString(16).padStart(32, '0'),
          startNs: T0 + i * TICK,
          mlApp: i % 2 === 0 ? 'even' : 'odd',
          sessionId: i < 5 ? 'early' : null,
          kind: i === 7 ? 'agent' : 'workflow',
          status: i === 3 ? 'error' : 'ok',
          name: i === 11 ? 'find-me-please' : `t${i}`,
        }),
      )
      await store.write(batch({ llmSpans: spans }))
      const seen: string[] = []
      let cursor: string | undefined
      for (let page = 0; page < 10; page++) {
        const result = await store.listTraces({ limit: 10, ...(cursor === undefined ? {} : { cursor }) })
        seen.push(...result.traces.map((t) => t.name))
        if (result.nextCursor === null) break
        cursor = result.nextCursor
      }
      expect(seen).toEqual(spans.map((s) => s.name).reverse())
      const names = async (query: Partial<Parameters<Store['listTraces']>[0]>) =>
        (await store.listTraces({ limit: 100, ...query })).traces.map((t) => t.name)
      expect(await names({ mlApp: 'odd' })).toHaveLength(12)
      expect(await names({ sessionId: 'early' })).toEqual(['t4', 't3', 't2', 't1', 't0'])
      expect(await names({ kind: 'agent' })).toEqual(['t7'])
      expect(await names({ error: true })).toEqual(['t3'])
      expect(await names({ error: false })).toHaveLength(24)
      expect(await names({ q: 'FIND-me' })).toEqual(['find-me-please'])
      expect(await names({ q: '%' })).toEqual([])
      expect(await names({ sinceNs: T0 + 20 * TICK, untilNs: T0 + 21 * TICK })).toEqual(['t21', 't20'])
      expect(await store.listTraces({ limit: 5, cursor: 'not a cursor' })).toEqual({
        traces: [],
        nextCursor: null,
      })
    })

    it('joins evaluations and feedback by span, span id, tag, trace and session', async () => {
      await store.write(
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
      const join = {
        spanId: null,
        traceId: null,
        tagKey: null,
        tagValue: null,
        sessionId: null,
        feedbackJoinKey: null,
      }
      await store.write(
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
      const trace = await store.getTrace(TRACE)
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
        (await store.listEvaluations({ limit: 100, ...query })).map((e) => e.label).sort()
      expect(await list({ traceId: TRACE })).toEqual(['by-span', 'by-tag', 'fb-span', 'fb-trace'])
      expect(await list({ spanId: '2' })).toEqual(['by-span', 'elsewhere'])
      expect(await list({ traceId: TRACE, spanId: '2' })).toEqual(['by-span'])
      expect(await list({ label: 'by-tag' })).toEqual(['by-tag'])
      expect(await list({})).toHaveLength(6)
      expect((await store.getSession('s1'))?.evaluations.map((e) => e.label)).toEqual(['fb-session'])
    })

    it('stores an evaluation sent twice once', async () => {
      const once = evaluation({ dedupeKey: 'same' })
      expect((await store.write(batch({ evaluations: [once] }))).evaluations.inserted).toBe(1)
      expect((await store.write(batch({ evaluations: [once] }))).evaluations).toEqual({
        inserted: 0,
        duplicates: 1,
      })
      expect((await store.counts()).evaluations).toBe(1)
    })

    it('maintains sessions: first and last seen, trace and span counts', async () => {
      await store.write(batch({ llmSpans: [llmSpan({ spanId: '1', sessionId: 's1', durationNs: TICK })] }))
      await store.write(
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
      const list = await store.listSessions({ limit: 10 })
      expect(list.sessions.map((s) => s.sessionId)).toEqual(['s2', 's1'])
      const detail = await store.getSession('s1')
      expect(detail?.session).toEqual({
        sessionId: 's1',
        mlApp: 'demo',
        firstSeenNs: T0,
        lastSeenNs: T0 + 6 * TICK,
        traceCount: 2,
        spanCount: 3,
      })
      expect(detail?.traces.map((t) => t.traceId)).toEqual([OTHER, TRACE])
      const page = await store.listSessions({ limit: 1 })
      expect(page.nextCursor).not.toBeNull()
      const next = await store.listSessions({ limit: 1, cursor: page.nextCursor ?? '' })
      expect(next.sessions.map((s) => s.sessionId)).toEqual(['s1'])
      expect(await store.getSession('nope')).toBeUndefined()
    })

    it('computes stats: spans by kind, tokens and latency percentiles by model, evaluations by label', async () => {
      const durations = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
      await store.write(
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
      await store.write(batch({ llmSpans: [llmSpan({ spanId: '99', kind: 'tool', startNs: T0 - TICK })] }))
      await store.write(
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
      const stats = await store.stats({})
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
      expect((await store.stats({ sinceNs: T0 })).spans.byKind).toEqual({ llm: 10 })
    })

    it('returns an APM trace with the LLM spans recorded inside it', async () => {
      await store.write(
        batch({
          apmSpans: [
            apmSpan({ spanId: '1', name: 'web' }),
            apmSpan({ spanId: '2', parentId: '1', llmobs: true, startNs: T0 + TICK }),
          ],
          llmSpans: [llmSpan({ spanId: '2' })],
        }),
      )
      const trace = await store.getApmTrace(APM_TRACE)
      expect(trace?.spans.map((s) => [s.spanId, s.parentId, s.llmobs])).toEqual([
        ['1', null, false],
        ['2', '1', true],
      ])
      expect(trace?.spans[0]?.meta).toEqual({ env: 'dev' })
      expect(trace?.llmSpans.map((s) => s.spanId)).toEqual(['2'])
      expect(await store.getApmTrace(OTHER)).toBeUndefined()
    })

    it('writes a batch all or nothing', async () => {
      const bad = llmSpan({ spanId: '2', name: null as unknown as string })
      await expect(store.write(batch({ llmSpans: [llmSpan({ spanId: '1' }), bad] }))).rejects.toThrow()
      expect(await store.counts()).toEqual({
        traces: 0,
        llmSpans: 0,
        apmSpans: 0,
        evaluations: 0,
        spanLinks: 0,
        sessions: 0,
      })
    })

    it('prunes whole traces, oldest first, by span count and by age', async () => {
      const trace = (i: number) => (i + 1).toString(16).padStart(32, '0')
      const spans = Array.from({ length: 10 }, (_, i) => [
        llmSpan({ spanId: `${i}1`, traceId: trace(i), startNs: T0 + i * 1e9, sessionId: 's' }),
        llmSpan({ spanId: `${i}2`, traceId: trace(i), parentId: `${i}1`, startNs: T0 + i * 1e9 + TICK }),
      ]).flat()
      await store.write(
        batch({ llmSpans: spans, apmSpans: [apmSpan({ spanId: '1' }), apmSpan({ spanId: '2' })] }),
      )
      const removed = await store.prune({ maxSpans: 7 }, Date.now())
      expect(removed).toMatchObject({ traces: 7, llmSpans: 14, apmSpans: 0 })
      const left = (await store.listTraces({ limit: 100 })).traces.map((t) => t.traceId)
      expect(left).toEqual([trace(9), trace(8), trace(7)])
      expect(await store.getTrace(trace(0))).toBeUndefined()
      expect((await store.getSession('s'))?.session.traceCount).toBe(3)

      const nowMs = Math.floor(T0 / 1e6) + 8500
      const aged = await store.prune({ maxAgeMs: 1000 }, nowMs)
      // Only trace 7 ended before now - 1 s.
      expect(aged.traces).toBe(1)
      expect((await store.listTraces({ limit: 100 })).traces.map((t) => t.traceId)).toEqual([
        trace(9),
        trace(8),
      ])
      expect((await store.counts()).apmSpans).toBe(0)
    })
  })
}
