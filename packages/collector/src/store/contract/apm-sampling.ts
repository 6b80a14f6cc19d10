import { expect, it } from 'vitest'
import type { Store } from '../store.js'
import { T0, TICK, apmSpan, batch, llmSpan } from '../store-test-data.js'
import { APM_TRACE, OTHER, TRACE } from './ids.js'

/**
 * APM sampling as LLM spans see it (`apmSampled`), and the join of an LLM span to its APM trace when
 * the same span comes through both channels. `store` returns the fresh store of the running test.
 */
export function apmSamplingContract(store: () => Store): void {
  const sampledBySpan = async (): Promise<Record<string, boolean | null>> => {
    const trace = await store().getTrace(TRACE)
    return Object.fromEntries((trace?.spans ?? []).map((s) => [s.spanId, s.apmSampled]))
  }

  it("says whether each LLM span's APM trace was kept, from its host APM span's chunk priority", async () => {
    await store().write(
      batch({
        apmSpans: [
          apmSpan({ spanId: '1', samplingPriority: 1, llmobs: true }),
          apmSpan({ spanId: '2', samplingPriority: 2, llmobs: true }),
          apmSpan({ spanId: '3', traceId: OTHER, samplingPriority: 0, llmobs: true }),
          apmSpan({ spanId: '4', traceId: OTHER, samplingPriority: -1, llmobs: true }),
          apmSpan({ spanId: '5', samplingPriority: null, llmobs: true }),
        ],
        llmSpans: [
          llmSpan({ spanId: '1' }),
          llmSpan({ spanId: '2', parentId: '1', startNs: T0 + TICK }),
          llmSpan({ spanId: '3', apmTraceId: OTHER }),
          llmSpan({ spanId: '4', apmTraceId: OTHER }),
          llmSpan({ spanId: '5' }),
          // No APM span for it: an agent-proxy or agentless span.
          llmSpan({ spanId: '6' }),
          llmSpan({ spanId: '7', apmTraceId: null }),
          // An APM span of that id exists, but in another APM trace: not its host.
          llmSpan({ spanId: '3', traceId: OTHER, apmTraceId: APM_TRACE }),
        ],
      }),
    )
    expect(await sampledBySpan()).toEqual({
      '1': true,
      '2': true,
      '3': false,
      '4': false,
      '5': null,
      '6': null,
      '7': null,
    })
    expect((await store().getTrace(OTHER))?.spans[0]?.apmSampled).toBeNull()
    expect((await store().getSpan('4'))?.apmSampled).toBe(false)
    const apm = await store().getApmTrace(OTHER)
    expect(apm?.llmSpans.map((s) => [s.spanId, s.apmSampled])).toEqual([
      ['3', false],
      ['4', false],
    ])
    expect(apm?.spans.map((s) => [s.spanId, s.samplingPriority])).toEqual([
      ['3', 0],
      ['4', -1],
    ])
  })

  it('resolves apmSampled whichever of the LLM span and its APM span was written first', async () => {
    await store().write(batch({ llmSpans: [llmSpan({ spanId: '1' })] }))
    expect(await sampledBySpan()).toEqual({ '1': null })
    await store().write(batch({ apmSpans: [apmSpan({ spanId: '1', samplingPriority: -1, llmobs: true })] }))
    expect(await sampledBySpan()).toEqual({ '1': false })

    await store().write(batch({ apmSpans: [apmSpan({ spanId: '2', samplingPriority: 1, llmobs: true })] }))
    await store().write(batch({ llmSpans: [llmSpan({ spanId: '2', parentId: '1' })] }))
    expect(await sampledBySpan()).toEqual({ '1': false, '2': true })
  })

  it('joins a span stored without an APM trace id to the one a later copy names, and changes nothing else', async () => {
    await store().write(
      batch({
        llmSpans: [llmSpan({ spanId: '1', apmTraceId: null }), llmSpan({ spanId: '2', name: 'first' })],
        apmSpans: [
          apmSpan({ spanId: '1', samplingPriority: 1 }),
          apmSpan({ spanId: '2', traceId: OTHER, samplingPriority: -1 }),
        ],
      }),
    )
    const summary = await store().write(
      batch({
        llmSpans: [
          llmSpan({ spanId: '1', name: 'second' }),
          llmSpan({ spanId: '2', name: 'second', apmTraceId: OTHER }),
        ],
      }),
    )
    expect(summary.llmSpans).toEqual({ inserted: 0, duplicates: 2 })
    const spans = (await store().getTrace(TRACE))?.spans ?? []
    expect(spans.map((s) => [s.spanId, s.name, s.apmTraceId, s.apmSampled])).toEqual([
      ['1', 'span-1', APM_TRACE, true],
      ['2', 'first', APM_TRACE, null],
    ])
    expect((await store().getApmTrace(APM_TRACE))?.llmSpans.map((s) => s.spanId)).toEqual(['1', '2'])
    expect((await store().counts()).llmSpans).toBe(2)
  })
}
