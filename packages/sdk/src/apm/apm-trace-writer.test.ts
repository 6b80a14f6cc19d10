import { afterEach, describe, expect, it } from 'vitest'
import { makeRecord } from '../export/span-fixtures.test-helper.js'
import { ApmTraceWriter, type ApmTraceWriterOptions, type ChunkItem } from './apm-trace-writer.js'

const writers: ApmTraceWriter[] = []
afterEach(() => writers.splice(0).forEach((w) => w.close()))

function chunk(bytes: number, llmobs = 1): ChunkItem {
  return {
    bytes: new Uint8Array(bytes),
    spanCount: 1,
    llmobs: Array.from({ length: llmobs }, () => makeRecord()),
  }
}

function writer(overrides: Partial<ApmTraceWriterOptions> = {}) {
  const requests: ChunkItem[][] = []
  const lost: Array<[number, string]> = []
  const w = new ApmTraceWriter({
    maxQueueSpans: 100,
    maxQueueBytes: 10_000,
    requestBytes: 1_000,
    flushIntervalMs: 60_000,
    concurrency: 2,
    deliver: async (chunks) => {
      requests.push([...chunks])
      return true
    },
    lost: (chunks, why) => lost.push([chunks.length, why]),
    ...overrides,
  })
  writers.push(w)
  return { w, requests, lost }
}

describe('ApmTraceWriter', () => {
  it('batches queued chunks into requests of at most requestBytes, oldest first', async () => {
    const { w, requests } = writer()
    for (let i = 0; i < 5; i++) w.enqueue(chunk(400))
    await w.flush()
    expect(requests.map((r) => r.length)).toEqual([2, 2, 1])
    expect(w.counts.chunks).toEqual({ sent: 5, failed: 0, dropped: 0 })
    expect(w.busy).toBe(false)
  })

  it('sends a chunk larger than a request alone', async () => {
    const { w, requests } = writer()
    w.enqueue(chunk(5_000))
    await w.flush()
    expect(requests.map((r) => r.length)).toEqual([1])
  })

  it('hands a failed request to lost (for the rescue) and counts it failed', async () => {
    const { w, lost } = writer({ deliver: async () => false })
    w.enqueue(chunk(10, 3))
    await w.flush()
    expect(lost).toEqual([[1, 'failed']])
    expect(w.counts.chunks.failed).toBe(1)
  })

  it('refuses a chunk when the queue is full, handing it to lost', () => {
    const { w, lost } = writer({ maxQueueSpans: 2 })
    expect(w.enqueue(chunk(10))).toBe(true)
    expect(w.enqueue(chunk(10))).toBe(true)
    expect(w.enqueue(chunk(10))).toBe(false)
    expect(lost).toEqual([[1, 'queueFull']])
    expect(w.counts.chunks.dropped).toBe(1)
  })

  it('keeps at most `concurrency` requests in flight, and flush waits for all of them', async () => {
    let inFlight = 0
    let peak = 0
    const { w } = writer({
      requestBytes: 10,
      deliver: async () => {
        peak = Math.max(peak, ++inFlight)
        await new Promise((resolve) => setTimeout(resolve, 5))
        inFlight--
        return true
      },
    })
    for (let i = 0; i < 6; i++) w.enqueue(chunk(10))
    await w.flush()
    expect(peak).toBe(2)
    expect(w.counts.chunks.sent).toBe(6)
    expect(w.pendingLlmobs).toBe(0)
  })

  it('close hands what is still queued to lost', () => {
    const { w, lost } = writer({ concurrency: 0 })
    w.enqueue(chunk(10))
    w.enqueue(chunk(10))
    w.close()
    expect(lost).toEqual([[2, 'closed']])
    expect(w.enqueue(chunk(10))).toBe(false)
  })
})
