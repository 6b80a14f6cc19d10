import { expect, it } from 'vitest'
import type { Store } from '../store.js'
import { T0, TICK, apmSpan, batch, llmSpan } from '../store-test-data.js'
import { APM_TRACE, OTHER } from './ids.js'

/** APM traces, atomic writes, retention. `store` returns the fresh store of the running test. */
export function apmAndRetentionContract(store: () => Store): void {
  it('returns an APM trace with the LLM spans recorded inside it', async () => {
    await store().write(
      batch({
        apmSpans: [
          apmSpan({ spanId: '1', name: 'web' }),
          apmSpan({ spanId: '2', parentId: '1', llmobs: true, startNs: T0 + TICK }),
        ],
        llmSpans: [llmSpan({ spanId: '2' })],
      }),
    )
    const trace = await store().getApmTrace(APM_TRACE)
    expect(trace?.spans.map((s) => [s.spanId, s.parentId, s.llmobs])).toEqual([
      ['1', null, false],
      ['2', '1', true],
    ])
    expect(trace?.spans[0]?.meta).toEqual({ env: 'dev' })
    expect(trace?.llmSpans.map((s) => s.spanId)).toEqual(['2'])
    expect(await store().getApmTrace(OTHER)).toBeUndefined()
  })
  it('writes a batch all or nothing', async () => {
    const bad = llmSpan({ spanId: '2', name: null as unknown as string })
    await expect(store().write(batch({ llmSpans: [llmSpan({ spanId: '1' }), bad] }))).rejects.toThrow()
    expect(await store().counts()).toEqual({
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
    await store().write(
      batch({ llmSpans: spans, apmSpans: [apmSpan({ spanId: '1' }), apmSpan({ spanId: '2' })] }),
    )
    const removed = await store().prune({ maxSpans: 7 }, Date.now())
    expect(removed).toMatchObject({ traces: 7, llmSpans: 14, apmSpans: 0 })
    const left = (await store().listTraces({ limit: 100 })).traces.map((t) => t.traceId)
    expect(left).toEqual([trace(9), trace(8), trace(7)])
    expect(await store().getTrace(trace(0))).toBeUndefined()
    expect((await store().getSession('s'))?.session.traceCount).toBe(3)

    const nowMs = Math.floor(T0 / 1e6) + 8500
    const aged = await store().prune({ maxAgeMs: 1000 }, nowMs)
    // Only trace 7 ended before now - 1 s.
    expect(aged.traces).toBe(1)
    expect((await store().listTraces({ limit: 100 })).traces.map((t) => t.traceId)).toEqual([
      trace(9),
      trace(8),
    ])
    expect((await store().counts()).apmSpans).toBe(0)
  })
}
