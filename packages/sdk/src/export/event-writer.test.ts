import { describe, expect, it } from 'vitest'
import { EventWriter, type EventWriterOptions } from './event-writer.js'
import { EVALUATIONS_FORMAT } from './request-format.js'

interface Call {
  body: string
  count: number
  resolve: (ok: boolean) => void
}

/** A writer whose deliveries the test settles by hand, to see exactly what is in flight. */
function writer(overrides: Partial<EventWriterOptions> = {}) {
  const calls: Call[] = []
  let overflows = 0
  const w = new EventWriter({
    format: EVALUATIONS_FORMAT,
    maxQueueItems: 1000,
    maxQueueBytes: 1_000_000,
    requestBytes: 1000,
    flushIntervalMs: 60_000,
    concurrency: 2,
    deliver: (body, count) =>
      new Promise<boolean>((resolve) => calls.push({ body: body.toString('utf8'), count, resolve })),
    onOverflow: () => overflows++,
    ...overrides,
  })
  return { w, calls, overflows: () => overflows }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('EventWriter', () => {
  it('sends a full request as soon as one is queued, without waiting for the timer', async () => {
    const { w, calls } = writer()
    for (let i = 0; i < 20; i++) w.enqueue(`"${'x'.repeat(98)}"`) // ~9 fit one 1,000-byte request
    expect(calls).toHaveLength(0) // nothing happens inside the caller's synchronous code
    await tick()
    expect(calls).toHaveLength(2) // two full batches, bounded by concurrency 2
    expect(calls.map((c) => c.count)).toEqual([9, 9])
    w.close()
  })

  it('bounds requests in flight and settles every item exactly once', async () => {
    const { w, calls } = writer({ concurrency: 1 })
    for (let i = 0; i < 25; i++) w.enqueue(`"${'x'.repeat(98)}"`)
    const flushed = w.flush()
    expect(calls).toHaveLength(1)
    calls[0]!.resolve(true)
    await tick()
    expect(calls).toHaveLength(2)
    calls[1]!.resolve(false)
    await tick()
    expect(calls).toHaveLength(3)
    calls[2]!.resolve(true)
    await flushed
    expect(w.counts).toEqual({ sent: 9 + 7, failed: 9, dropped: 0 })
  })

  it('flush resolves only when what was queued before it is settled', async () => {
    const { w, calls } = writer()
    w.enqueue('1')
    let done = false
    const flushed = w.flush().then(() => (done = true))
    w.enqueue('2') // queued after the flush call: not waited for
    await tick()
    expect(done).toBe(false)
    calls[0]!.resolve(true)
    await flushed
    expect(w.counts.sent).toBe(1)
    expect(w.busy).toBe(true)
  })

  it('flush with a timeout gives up waiting', async () => {
    const { w } = writer()
    w.enqueue('1')
    const started = Date.now()
    await w.flush(50)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(w.counts).toEqual({ sent: 0, failed: 0, dropped: 0 })
  })

  it('drops past maxQueueItems and maxQueueBytes, reports each overflow, counts it', () => {
    const byItems = writer({ maxQueueItems: 3 })
    for (let i = 0; i < 5; i++) byItems.w.enqueue('1')
    expect(byItems.w.counts.dropped).toBe(2)
    expect(byItems.overflows()).toBe(2)
    const byBytes = writer({ maxQueueBytes: 250 })
    for (let i = 0; i < 5; i++) byBytes.w.enqueue(`"${'x'.repeat(98)}"`)
    expect(byBytes.w.counts.dropped).toBe(3)
  })

  it('sends on the timer', async () => {
    const { w, calls } = writer({ flushIntervalMs: 20 })
    w.enqueue('1')
    const deadline = Date.now() + 5000
    while (calls.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    expect(calls).toHaveLength(1)
    expect(calls[0]!.body).toBe('{"data":{"type":"evaluation_metric","attributes":{"metrics":[1]}}}')
    w.close()
  })

  it('close counts what is still queued as failed and refuses more', async () => {
    const { w, calls } = writer({ concurrency: 1 })
    for (let i = 0; i < 12; i++) w.enqueue(`"${'x'.repeat(98)}"`)
    void w.flush()
    w.close()
    expect(w.counts.failed).toBe(3)
    w.enqueue('late')
    expect(w.counts.dropped).toBe(1)
    calls[0]!.resolve(true)
    await w.flush()
    expect(w.counts).toEqual({ sent: 9, failed: 3, dropped: 1 })
  })

  it('counts a delivery that throws or rejects as failed', async () => {
    const thrower = writer({
      deliver: () => {
        throw new Error('boom')
      },
    })
    thrower.w.enqueue('1')
    await thrower.w.flush()
    expect(thrower.w.counts.failed).toBe(1)
    const rejecter = writer({ deliver: () => Promise.reject(new Error('boom')) })
    rejecter.w.enqueue('1')
    await rejecter.w.flush()
    expect(rejecter.w.counts.failed).toBe(1)
  })
})
