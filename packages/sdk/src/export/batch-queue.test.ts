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
      expect(queue.push(text)).not.toBe('full')
    }
    queue.seal()
    const seen: string[] = []
    let batches = 0
    for (let batch = queue.take(); batch !== undefined; batch = queue.take()) {
      batches++
      const body = queue.body(batch)
      expect(body.length).toBe(batch.bodyBytes)
      expect(batch.bodyBytes).toBeLessThanOrEqual(LIMITS.requestBytes)
      const envelopes = JSON.parse(body.toString('utf8')) as Array<{ spans: Array<{ span_id: string }> }>
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
    expect(queue.push(a)).toBe('queued')
    expect(queue.push('b'.repeat(9))).toBe('queued') // separator (1) + 9 = exactly 100
    expect(queue.push('c')).toBe('sealed')
    expect(queue.sealedCount).toBe(1)
    expect(queue.take()?.bodyBytes).toBe(100)
  })

  it('refuses items past maxItems or maxBytes, counting only what is not taken', () => {
    const queue = new BatchQueue(EVALUATIONS_FORMAT, { maxItems: 3, maxBytes: 25, requestBytes: 1000 })
    expect(queue.push('x'.repeat(10))).toBe('queued')
    expect(queue.push('x'.repeat(10))).toBe('queued')
    expect(queue.push('x'.repeat(10))).toBe('full') // 30 bytes > 25
    expect(queue.push('x'.repeat(5))).toBe('queued')
    expect(queue.push('x')).toBe('full') // 3 items
    expect([queue.items, queue.bytes]).toEqual([3, 25])
    queue.seal()
    queue.take()
    expect([queue.items, queue.bytes]).toEqual([0, 0])
    expect(queue.push('y')).toBe('queued')
  })

  it('numbers items without gaps and reports the oldest still queued', () => {
    const queue = new BatchQueue(EVALUATIONS_FORMAT, { maxItems: 10, maxBytes: 1000, requestBytes: 1000 })
    expect(queue.oldestSeq).toBe(0)
    queue.push('a')
    queue.push('b')
    queue.seal()
    queue.push('c')
    expect([queue.oldestSeq, queue.nextSeq]).toEqual([0, 3])
    queue.take()
    expect(queue.oldestSeq).toBe(2)
    expect(queue.clear()).toBe(1)
    expect(queue.oldestSeq).toBe(3)
  })

  it('measures multi-byte items exactly and undoes a write that breaks the byte bound', () => {
    const queue = new BatchQueue(EVALUATIONS_FORMAT, { maxItems: 100, maxBytes: 40, requestBytes: 10_000 })
    expect(queue.push('"héllo ✓ 😀"')).toBe('queued') // 11 UTF-16 units, 17 bytes
    expect(queue.bytes).toBe(17)
    expect(queue.push('"' + 'é'.repeat(20) + '"')).toBe('full') // 42 bytes: written, then undone
    expect(queue.push('"ok"')).toBe('queued')
    queue.seal()
    const batch = queue.take()!
    expect(JSON.parse(queue.body(batch).toString('utf8'))).toEqual({
      data: { type: 'evaluation_metric', attributes: { metrics: ['héllo ✓ 😀', 'ok'] } },
    })
    expect(batch.bodyBytes).toBe(EVALUATIONS_FORMAT.openBytes + 17 + 1 + 4 + EVALUATIONS_FORMAT.closeBytes)
  })

  it('never sends an empty batch when the first item of a new batch is refused', () => {
    const queue = new BatchQueue(EVALUATIONS_FORMAT, { maxItems: 100, maxBytes: 10, requestBytes: 10_000 })
    expect(queue.push('"' + 'x'.repeat(20) + '"')).toBe('full')
    queue.seal()
    expect(queue.sealedCount).toBe(0)
  })

  it('fills request-sized buffers with items of every size without losing bytes', () => {
    const queue = new BatchQueue(EVALUATIONS_FORMAT, {
      maxItems: 100_000,
      maxBytes: 1 << 30,
      requestBytes: 1 << 20,
    })
    const items = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ i, text: 'ü'.repeat(i % 300) }))
    for (const item of items) queue.push(item)
    queue.seal()
    const parsed: unknown[] = []
    for (let batch = queue.take(); batch !== undefined; batch = queue.take()) {
      expect(batch.bodyBytes).toBeLessThanOrEqual(1 << 20)
      const body = JSON.parse(queue.body(batch).toString('utf8')) as {
        data: { attributes: { metrics: unknown[] } }
      }
      parsed.push(...body.data.attributes.metrics)
    }
    expect(parsed).toEqual(items.map((item) => JSON.parse(item) as unknown))
  })

  it('reuses the buffer of a delivered request, and never the buffer of one still in use', () => {
    const queue = new BatchQueue(EVALUATIONS_FORMAT, {
      maxItems: 1000,
      maxBytes: 1 << 20,
      requestBytes: 1000,
    })
    const fill = (tag: string): void => {
      for (let i = 0; i < 9; i++) queue.push(`"${tag}${'x'.repeat(97)}"`) // ~9 fill one request
    }
    fill('a')
    fill('b') // seals the first batch
    const first = queue.take()!
    queue.recycle(first)
    queue.seal()
    const second = queue.take()!
    expect(second.buffer).not.toBe(first.buffer) // was already open when `first` came back
    fill('c')
    queue.seal()
    const third = queue.take()!
    expect(third.buffer).toBe(first.buffer) // reused: no new allocation, no page faults
    expect(queue.body(third).toString('utf8')).toContain('"cx')
    expect(queue.body(second).toString('utf8')).not.toContain('"cx') // a batch not recycled is untouched
  })

  it('moves a batch sealed less than half full into a buffer of its own size', () => {
    const queue = new BatchQueue(EVALUATIONS_FORMAT, {
      maxItems: 1000,
      maxBytes: 1 << 20,
      requestBytes: 10_000,
    })
    queue.push('"small"')
    queue.seal()
    const batch = queue.take()!
    expect(batch.buffer.length).toBe(batch.bodyBytes)
    expect(JSON.parse(queue.body(batch).toString('utf8'))).toEqual({
      data: { type: 'evaluation_metric', attributes: { metrics: ['small'] } },
    })
    queue.push('"next"')
    queue.seal()
    expect(queue.take()!.buffer.length).toBe(
      '{"data":{"type":"evaluation_metric","attributes":{"metrics":["next"]}}}'.length,
    )
  })

  it('accepts exactly what fits, in order, whether items are staged or written one by one', () => {
    let seed = 7
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed / 2 ** 31
    }
    const pieces = ['a', 'é', '😀', '漢', 'x'.repeat(40)]
    for (let round = 0; round < 40; round++) {
      const limits = {
        maxItems: 5 + Math.floor(random() * 200),
        maxBytes: 50 + Math.floor(random() * 5000),
        requestBytes: 200 + Math.floor(random() * 3000),
      }
      const queue = new BatchQueue(EVALUATIONS_FORMAT, limits)
      const accepted: string[] = []
      let bytes = 0
      for (let i = 0; i < 300; i++) {
        let text = ''
        for (let n = Math.floor(random() * 8); n > 0; n--)
          text += pieces[Math.floor(random() * pieces.length)]
        const item = JSON.stringify(`${i}:${text}`)
        const size = Buffer.byteLength(item)
        const fits = accepted.length < limits.maxItems && bytes + size <= limits.maxBytes
        expect(queue.push(item) !== 'full').toBe(fits)
        if (fits) {
          accepted.push(item)
          bytes += size
        }
        expect(queue.items).toBe(accepted.length)
        // Reading `bytes` writes what is staged: only now and then, so that staging piles up.
        if (i % 50 === 49) expect(queue.bytes).toBe(bytes)
      }
      queue.seal()
      const seen: unknown[] = []
      for (let batch = queue.take(); batch !== undefined; batch = queue.take()) {
        expect(batch.bodyBytes).toBeLessThanOrEqual(limits.requestBytes)
        const body = JSON.parse(queue.body(batch).toString('utf8')) as {
          data: { attributes: { metrics: unknown[] } }
        }
        expect(body.data.attributes.metrics).toHaveLength(batch.count)
        seen.push(...body.data.attributes.metrics)
      }
      expect(seen).toEqual(accepted.map((item) => JSON.parse(item) as unknown))
    }
  })

  it('writes an item in parts: it counts only once ended, and its batch is not sealed meanwhile', () => {
    const queue = new BatchQueue(format, { maxItems: 100, maxBytes: 1024 * 1024, requestBytes: 64 * 1024 })
    const texts = [item(0, 10), item(1, 5000), item(2, 10)]
    expect(queue.push(texts[0]!)).toBe('queued')
    const parts = [texts[1]!.slice(0, 1000), texts[1]!.slice(1000, 3000), texts[1]!.slice(3000)]
    expect(queue.beginItem(Buffer.byteLength(texts[1]!))).toBe('queued')
    queue.writePart(parts[0]!)
    queue.seal() // a drain while the item is half written leaves the batch open
    expect(queue.take()).toBeUndefined()
    expect(queue.items).toBe(1)
    for (const part of parts.slice(1)) queue.writePart(part)
    queue.endItem()
    expect(queue.push(texts[2]!)).toBe('queued')
    queue.seal()
    const batch = queue.take()!
    const envelopes = JSON.parse(queue.body(batch).toString('utf8')) as Array<{
      spans: Array<{ span_id: string }>
    }>
    expect(envelopes.map((e) => e.spans[0]!.span_id)).toEqual(['0', '1', '2'])
    expect(batch.count).toBe(3)
  })

  it('forgets an item abandoned half written, and refuses one past the byte bound', () => {
    const queue = new BatchQueue(format, { maxItems: 100, maxBytes: 20_000, requestBytes: 64 * 1024 })
    queue.push(item(0, 10))
    expect(queue.beginItem(5000)).toBe('queued')
    queue.writePart('{"span_id":"half')
    queue.abandonItem()
    queue.seal()
    const batch = queue.take()!
    expect(JSON.parse(queue.body(batch).toString('utf8'))).toHaveLength(1)
    expect(queue.beginItem(50_000)).toBe('full')
  })
})
