import { expect, it } from 'vitest'
import type { Store } from '../store.js'
import { T0, TICK, apmSpan, batch, llmSpan } from '../store-test-data.js'
import { OTHER, TRACE } from './ids.js'

/** Writing spans, de-duplication, trace summaries and listing. `store` returns the fresh store of the running test. */
export function traceContract(store: () => Store): void {
  it('stores a trace and returns it as a flat list with parents, meta, links and kinds', async () => {
    const summary = await store().write(
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
    const trace = await store().getTrace(TRACE)
    expect(trace?.spans.map((s) => [s.spanId, s.parentId, s.kind])).toEqual([
      ['1', null, 'workflow'],
      ['2', '1', 'llm'],
    ])
    const root = trace?.spans[0]
    expect(root?.meta).toEqual({ 'span.kind': 'workflow', input: { value: 'q' }, output: { value: 'a' } })
    expect(root?.tags).toEqual(['ml_app:demo', 'env:dev'])
    expect(root?.links).toEqual([{ traceId: OTHER, spanId: '9', from: 'output', to: 'input' }])
    expect(trace?.spans[1]?.modelName).toBe('gpt-4o')
    expect(await store().getTrace(OTHER)).toBeUndefined()
    expect((await store().getSpan('2'))?.parentId).toBe('1')
    expect(await store().getSpan('404')).toBeUndefined()
  })
  it('de-duplicates span events on (trace_id, span_id): a second copy changes nothing', async () => {
    const spans = [llmSpan({ spanId: '1' }), llmSpan({ spanId: '2', parentId: '1', name: 'child' })]
    await store().write(batch({ llmSpans: spans, apmSpans: [apmSpan({ spanId: '1' })] }))
    const before = await store().counts()
    const again = await store().write(
      batch({
        llmSpans: [...spans, llmSpan({ spanId: '1', name: 'changed' })],
        apmSpans: [apmSpan({ spanId: '1' })],
      }),
    )
    expect(again.llmSpans).toEqual({ inserted: 0, duplicates: 3 })
    expect(again.apmSpans).toEqual({ inserted: 0, duplicates: 1 })
    expect(await store().counts()).toEqual(before)
    const list = await store().listTraces({ limit: 10 })
    expect(list.traces[0]).toMatchObject({ spanCount: 2, name: 'span-1' })
    // The same span id in another trace is another span.
    expect(
      (await store().write(batch({ llmSpans: [llmSpan({ spanId: '1', traceId: OTHER })] }))).llmSpans
        .inserted,
    ).toBe(1)
  })
  it('summarises a trace whose spans arrive over several writes, children first', async () => {
    await store().write(
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
    expect((await store().listTraces({ limit: 5 })).traces[0]).toMatchObject({
      name: 'chat',
      kind: 'llm',
      spanCount: 1,
    })
    await store().write(
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
    expect((await store().listTraces({ limit: 5 })).traces).toEqual([
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
    await store().write(batch({ llmSpans: spans }))
    const seen: string[] = []
    let cursor: string | undefined
    for (let page = 0; page < 10; page++) {
      const result = await store().listTraces({ limit: 10, ...(cursor === undefined ? {} : { cursor }) })
      seen.push(...result.traces.map((t) => t.name))
      if (result.nextCursor === null) break
      cursor = result.nextCursor
    }
    expect(seen).toEqual(spans.map((s) => s.name).reverse())
    const names = async (query: Partial<Parameters<Store['listTraces']>[0]>) =>
      (await store().listTraces({ limit: 100, ...query })).traces.map((t) => t.name)
    expect(await names({ mlApp: 'odd' })).toHaveLength(12)
    expect(await names({ sessionId: 'early' })).toEqual(['t4', 't3', 't2', 't1', 't0'])
    expect(await names({ kind: 'agent' })).toEqual(['t7'])
    expect(await names({ error: true })).toEqual(['t3'])
    expect(await names({ error: false })).toHaveLength(24)
    expect(await names({ q: 'FIND-me' })).toEqual(['find-me-please'])
    expect(await names({ q: '%' })).toEqual([])
    expect(await names({ sinceNs: T0 + 20 * TICK, untilNs: T0 + 21 * TICK })).toEqual(['t21', 't20'])
    expect(await store().listTraces({ limit: 5, cursor: 'not a cursor' })).toEqual({
      traces: [],
      nextCursor: null,
    })
  })
}
