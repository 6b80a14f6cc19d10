// Exporters never starve each other (apm-agent mode, real collector process): the APM trace stream
// and the LLM Observability (EVP) streams have their own bounded queues, sockets and requests in
// flight, so a burst of large payloads on one never makes the other discard anything.
//
// Why this needs a test: dd-trace 5.132 has one request budget for the whole process. Its
// exporters/common/request.js counts the bytes of every request in flight in one module-level
// `activeBufferSize` against `maxActiveBufferSize = 64 MiB`, shared by the trace exporter, the LLMObs
// span and evaluation writers and telemetry; a request that would go over it is discarded ("Maximum
// active request buffer size reached: payload is discarded."), not queued. So sixteen 4 MB LLMObs
// payloads in flight make the APM payloads sent meanwhile be lost, and the reverse. Each burst below
// is larger than that budget (20 payloads of ~4 MB, ~80 MB).
import { createLLMObs } from '@llmobs/sdk'
import type { LLMObs, LLMObsStatus } from '@llmobs/sdk'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'

const MiB = 1024 * 1024
/** Characters of a large input: just under `maxSpanSize` raised to 4 MiB, so it is sent whole. */
const BIG_INPUT_CHARS = 4 * MiB - 64 * 1024
const BIG_TRACES = 20
/** Small traces sent beside each large one. */
const SMALL_PER_BIG = 15
const NO_DROPS = { queueFull: 0, oversize: 0, unencodable: 0, afterShutdown: 0 }
const NO_RESCUE = { sampledOut: 0, payloadFailed: 0, queueFull: 0, closed: 0 }

interface Stats {
  counts: { llmSpans: number; apmSpans: number; evaluations: number }
}

let collector: CollectorProcess
const instances: LLMObs[] = []
beforeAll(async () => {
  collector = await startCollectorProcess()
})
afterEach(async () => {
  await Promise.all(instances.splice(0).map((i) => i.shutdown({ timeoutMs: 5_000 })))
})
afterAll(async () => {
  await collector.stop()
})

function start(): LLMObs {
  const llmobs = createLLMObs({
    mlApp: 'no-starvation',
    service: 'svc',
    env: 'e2e',
    agentUrl: collector.url,
    mode: 'apm-agent',
    maxSpanSize: 4 * MiB,
    logLevel: 'warn',
  })
  instances.push(llmobs)
  return llmobs
}

/** A distinct large text (each event its own content, so nothing can be shared or de-duplicated). */
function bigInput(seed: string): string {
  const head = `${seed}:`
  return head + 'x'.repeat(BIG_INPUT_CHARS - head.length)
}

/**
 * A workflow with an llm child, kept or dropped by hand (dropTrace: the agent would discard it, so
 * its events are rescued through EVP). Returns the llm span's ids.
 */
function traceOne(llmobs: LLMObs, keep: boolean, input: string): { traceId: string; spanId: string } {
  let ids = { traceId: '', spanId: '' }
  llmobs.trace({ kind: 'workflow', name: keep ? 'kept' : 'dropped' }, (root) => {
    if (keep) root.keepTrace()
    else root.dropTrace()
    llmobs.trace({ kind: 'llm', name: 'chat', modelName: 'gpt-4o', modelProvider: 'openai' }, (llm) => {
      llm.annotate({ inputData: input, outputData: 'ok' })
      ids = { traceId: llm.traceId, spanId: llm.spanId }
    })
  })
  return ids
}

/**
 * Flushes, watching status() every 10 ms: when the stream carrying the small traffic had sent all of
 * it (`smallDone`), whether the stream carrying the burst was still busy. Without separate queues and
 * requests in flight the small traffic would wait behind the burst and both would finish together.
 */
async function flushWatching(
  llmobs: LLMObs,
  smallDone: (status: LLMObsStatus) => boolean,
  bigDone: (status: LLMObsStatus) => boolean,
): Promise<{ result: Awaited<ReturnType<LLMObs['flush']>>; burstBusyWhenSmallDone: boolean | undefined }> {
  let burstBusyWhenSmallDone: boolean | undefined
  const watch = setInterval(() => {
    const status = llmobs.status()
    if (burstBusyWhenSmallDone === undefined && smallDone(status)) burstBusyWhenSmallDone = !bigDone(status)
  }, 10)
  try {
    return { result: await llmobs.flush({ timeoutMs: 25_000 }), burstBusyWhenSmallDone }
  } finally {
    clearInterval(watch)
  }
}

async function countsWhen(expected: Stats['counts']): Promise<Stats['counts']> {
  const { counts } = await collector.waitFor<Stats>(
    '/api/stats',
    (s) =>
      s.counts.llmSpans >= expected.llmSpans &&
      s.counts.apmSpans >= expected.apmSpans &&
      s.counts.evaluations >= expected.evaluations,
    20_000,
  )
  return counts
}

async function expectWholeInput(ids: { spanId: string }, seed: string): Promise<void> {
  const span = await collector.query<{ meta: { input?: { messages?: Array<{ content: string }> } } }>(
    `/api/spans/${ids.spanId}`,
  )
  const content = span.meta.input?.messages?.[0]?.content ?? ''
  expect(content.length).toBe(BIG_INPUT_CHARS)
  expect(content.startsWith(`${seed}:`)).toBe(true)
}

describe('exporters never starve each other (apm-agent, real collector)', () => {
  it('4 MB LLMObs events of dropped traces (EVP) beside many small kept traces (APM): all arrive', async () => {
    const before = (await collector.query<Stats>('/api/stats')).counts
    const llmobs = start()
    const big: Array<{ traceId: string; spanId: string }> = []
    for (let i = 0; i < BIG_TRACES; i++) {
      big.push(traceOne(llmobs, false, bigInput(`evp-${i}`)))
      for (let j = 0; j < SMALL_PER_BIG; j++) traceOne(llmobs, true, `small ${i}.${j}`)
    }
    const small = BIG_TRACES * SMALL_PER_BIG
    const spans = 2 * (BIG_TRACES + small)

    // Every trace is one chunk: the small kept ones and the big dropped ones (whose APM spans go too,
    // tagged _dd.llmobs.submitted, without their events).
    const { result, burstBusyWhenSmallDone } = await flushWatching(
      llmobs,
      (s) => s.apm?.traces.chunks.sent === BIG_TRACES + small,
      (s) => s.spans.sent === spans,
    )
    expect(burstBusyWhenSmallDone).toBe(true)
    expect(result.spans).toEqual({ sent: spans, failed: 0, dropped: 0 })
    const status = llmobs.status()
    expect(status.spans).toMatchObject({ sent: spans, failed: 0, dropped: 0, queued: 0, trimmed: 0 })
    expect(status.spans.droppedBy).toEqual(NO_DROPS)
    expect(status.apm?.traces.chunks).toEqual({ sent: BIG_TRACES + small, failed: 0, dropped: 0 })
    expect(status.apm?.traces.spans).toEqual({ sent: spans, failed: 0, dropped: 0 })
    // Only the dropped traces' events went through EVP, and only because they were sampled out.
    expect(status.apm?.rescued).toEqual({ ...NO_RESCUE, sampledOut: 2 * BIG_TRACES })

    const counts = await countsWhen({
      llmSpans: before.llmSpans + spans,
      apmSpans: before.apmSpans + spans,
      evaluations: before.evaluations,
    })
    expect(counts.llmSpans - before.llmSpans).toBe(spans)
    expect(counts.apmSpans - before.apmSpans).toBe(spans)
    await expectWholeInput(big[0]!, 'evp-0')
    await expectWholeInput(big[BIG_TRACES - 1]!, `evp-${BIG_TRACES - 1}`)
  }, 30_000)

  it('4 MB kept traces (APM payloads) beside many small dropped traces and evaluations (EVP): all arrive', async () => {
    const before = (await collector.query<Stats>('/api/stats')).counts
    const llmobs = start()
    const big: Array<{ traceId: string; spanId: string }> = []
    for (let i = 0; i < BIG_TRACES; i++) {
      big.push(traceOne(llmobs, true, bigInput(`apm-${i}`)))
      for (let j = 0; j < SMALL_PER_BIG; j++) {
        const llm = traceOne(llmobs, false, `small ${i}.${j}`)
        llmobs.submitEvaluation(llm, { label: 'quality', metricType: 'score', value: j })
      }
    }
    const small = BIG_TRACES * SMALL_PER_BIG
    const spans = 2 * (BIG_TRACES + small)

    // The EVP side is done once every evaluation and (at least) the small traces' events are sent.
    const { result, burstBusyWhenSmallDone } = await flushWatching(
      llmobs,
      (s) => s.evaluations.sent === small && s.spans.sent >= 2 * small,
      (s) => s.apm?.traces.chunks.sent === BIG_TRACES + small,
    )
    expect(burstBusyWhenSmallDone).toBe(true)
    expect(result.spans).toEqual({ sent: spans, failed: 0, dropped: 0 })
    expect(result.evaluations).toEqual({ sent: small, failed: 0, dropped: 0 })
    const status = llmobs.status()
    expect(status.spans).toMatchObject({ sent: spans, failed: 0, dropped: 0, queued: 0, trimmed: 0 })
    expect(status.spans.droppedBy).toEqual(NO_DROPS)
    expect(status.evaluations).toMatchObject({ sent: small, failed: 0, dropped: 0, queued: 0 })
    expect(status.evaluations.droppedBy).toEqual(NO_DROPS)
    expect(status.apm?.traces.chunks).toEqual({ sent: BIG_TRACES + small, failed: 0, dropped: 0 })
    expect(status.apm?.rescued).toEqual({ ...NO_RESCUE, sampledOut: 2 * small })

    const counts = await countsWhen({
      llmSpans: before.llmSpans + spans,
      apmSpans: before.apmSpans + spans,
      evaluations: before.evaluations + small,
    })
    expect(counts.llmSpans - before.llmSpans).toBe(spans)
    expect(counts.apmSpans - before.apmSpans).toBe(spans)
    expect(counts.evaluations - before.evaluations).toBe(small)
    await expectWholeInput(big[0]!, 'apm-0')
    await expectWholeInput(big[BIG_TRACES - 1]!, `apm-${BIG_TRACES - 1}`)
  }, 30_000)
})
