// README, "Large values never block": span.end() serialises only small spans (a few µs); larger ones
// are encoded a couple of milliseconds' worth at a time on later turns of the event loop.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config.js'
import { EventExporter } from '../../src/export/event-exporter.js'
import { spanEventJson } from '../../src/export/span-event-json.js'
import { createLLMObs } from '../../src/index.js'
import { Diagnostics } from '../../src/internal/diagnostics.js'
import type { SpanRecord } from '../../src/span/span-record.js'
import {
  type RecordingServer,
  startRecordingServer,
} from '../../src/transport/recording-server.test-helper.js'

let agent: RecordingServer
beforeEach(async () => {
  agent = await startRecordingServer()
})
afterEach(async () => {
  await agent.close()
})

describe('span.end() serialises only small spans', () => {
  it('encodes finished spans on later turns, a couple of milliseconds at a time, and delivers them all', async () => {
    const { config } = resolveConfig({ mlApp: 'deferred', agentUrl: agent.url, mode: 'agent-proxy' })
    // Counts turns of the event loop (setImmediate runs once per turn).
    let turn = 0
    let ticking = true
    const tick = (): void => {
      turn++
      if (ticking) setImmediate(tick)
    }
    setImmediate(tick)
    const encodedOnTurn: number[] = []
    const slowJson = (record: SpanRecord): string => {
      encodedOnTurn.push(turn)
      const until = performance.now() + 1 // a span that takes 1 ms to serialise
      while (performance.now() < until);
      return spanEventJson(record, config)
    }
    const exporter = new EventExporter({ config, diagnostics: new Diagnostics(), spanJson: slowJson })
    const llmobs = createLLMObs({ mlApp: 'deferred', exporter })

    const spans = 30
    const startTurn = turn
    // 100 values of 1,000 characters: over the 64 K characters span.end() encodes at once.
    const large = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'.repeat(1000)]))
    for (let i = 0; i < spans; i++)
      llmobs.trace({ kind: 'task', name: `t${i}` }, (span) => span.annotate({ metadata: large }))
    // All 30 spans ended on this turn, and none was serialised on it.
    expect(encodedOnTurn).toEqual([])
    expect(turn).toBe(startTurn)

    expect((await llmobs.flush()).spans).toEqual({ sent: spans, failed: 0, dropped: 0 })
    ticking = false
    expect(encodedOnTurn).toHaveLength(spans)
    expect(Math.min(...encodedOnTurn)).toBeGreaterThan(startTurn)
    // At 1 ms a span and a 2 ms slice, no turn encodes more than 3, so the app got many turns between.
    const perTurn = new Map<number, number>()
    for (const t of encodedOnTurn) perTurn.set(t, (perTurn.get(t) ?? 0) + 1)
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(3)
    expect(perTurn.size).toBeGreaterThanOrEqual(10)
    const posted = agent.received.filter((r) => r.method === 'POST')
    expect(posted.flatMap((r) => JSON.parse(r.body) as unknown[])).toHaveLength(spans)
    await llmobs.shutdown()
  })

  it('encodes a small span in span.end() itself, before anything waits', async () => {
    const { config } = resolveConfig({ mlApp: 'deferred', agentUrl: agent.url, mode: 'agent-proxy' })
    let encoded = 0
    const countingJson = (record: SpanRecord): string => {
      encoded++
      return spanEventJson(record, config)
    }
    const exporter = new EventExporter({ config, diagnostics: new Diagnostics(), spanJson: countingJson })
    const llmobs = createLLMObs({ mlApp: 'deferred', exporter })
    llmobs.trace({ kind: 'task', name: 'small' }, (span) =>
      span.annotate({ inputData: 'q', outputData: 'a' }),
    )
    expect(encoded).toBe(1)
    expect((await llmobs.flush()).spans).toEqual({ sent: 1, failed: 0, dropped: 0 })
    await llmobs.shutdown()
  })
})
