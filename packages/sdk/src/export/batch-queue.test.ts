import { LIMITS } from '@llmobs/protocol'
import { describe, expect, it } from 'vitest'
import { BatchQueue } from './batch-queue.js'
import { EVALUATIONS_FORMAT, spanEventsFormat } from './request-format.js'

const format = spanEventsFormat('0.1.0')
const item = (n: number, size: number): string => `{"span_id":"${n}","pad":"${'x'.repeat(size)}"}`

describe('BatchQueue', () => {
  it('cuts batches so no request body passes 5 MiB, and each body is the exact size announced', () => {
    const queue = new BatchQueue(format, {
      maxItems: 100_000,
      maxBytes: 64 * 1024 * 1024,
      requestBytes: LIMITS.requestBytes,
    })
    const items: string[] = []
    for (let i = 0; i < 12_000; i++) {
      const text = item(i, 1000 + (i % 7) * 50)
      items.push(text)
      expect(queue.push(text, Buffer.byteLength(text))).not.toBe('full')
    }
    queue.seal()
    const seen: string[] = []
    let batches = 0
    for (let batch = queue.take(); batch !== undefined; batch = queue.take()) {
      batches++
      const body = queue.body(batch)
      expect(Buffer.byteLength(body)).toBe(batch.bodyBytes)
      expect(batch.bodyBytes).toBeLessThanOrEqual(LIMITS.requestBytes)
      const envelopes = JSON.parse(body) as Array<{ spans: Array<{ span_id: string }> }>
      for (const e of envelopes) seen.push(e.spans[0]!.span_id)
    }
    expect(batches).toBe(3)
    expect(seen).toEqual(items.map((_, i) => String(i)))
    expect(queue.items).toBe(0)
    expect(queue.bytes).toBe(0)
  })

  it('seals the open batch exactly when the next item would not fit', () => {
    const queue = new BatchQueue(EVALUATIONS_FORMAT, { maxItems: 10, maxBytes: 10_000, requestBytes: 100 })
    const overhead = EVALUATIONS_FORMAT.openBytes + EVALUATIONS_FORMAT.closeBytes
    const a = 'a'.repeat(100 - overhead - 10)
    expect(queue.push(a, a.length)).toBe('queued')
    expect(queue.push('b'.repeat(9), 9)).toBe('queued') // separator (1) + 9 = exactly 100
    expect(queue.push('c', 1)).toBe('sealed')
    expect(queue.sealedCount).toBe(1)
    expect(queue.take()?.bodyBytes).toBe(100)
  })

  it('refuses items past maxItems or maxBytes, counting only what is not taken', () => {
    const queue = new BatchQueue(EVALUATIONS_FORMAT, { maxItems: 3, maxBytes: 25, requestBytes: 1000 })
    expect(queue.push('x'.repeat(10), 10)).toBe('queued')
    expect(queue.push('x'.repeat(10), 10)).toBe('queued')
    expect(queue.push('x'.repeat(10), 10)).toBe('full') // 30 bytes > 25
    expect(queue.push('x'.repeat(5), 5)).toBe('queued')
    expect(queue.push('x', 0)).toBe('full') // 3 items
    expect([queue.items, queue.bytes]).toEqual([3, 25])
    queue.seal()
    queue.take()
    expect([queue.items, queue.bytes]).toEqual([0, 0])
    expect(queue.push('y', 1)).toBe('queued')
  })

  it('numbers items without gaps and reports the oldest still queued', () => {
    const queue = new BatchQueue(EVALUATIONS_FORMAT, { maxItems: 10, maxBytes: 1000, requestBytes: 1000 })
    expect(queue.oldestSeq).toBe(0)
    queue.push('a', 1)
    queue.push('b', 1)
    queue.seal()
    queue.push('c', 1)
    expect([queue.oldestSeq, queue.nextSeq]).toEqual([0, 3])
    queue.take()
    expect(queue.oldestSeq).toBe(2)
    expect(queue.clear()).toBe(1)
    expect(queue.oldestSeq).toBe(3)
  })
})
