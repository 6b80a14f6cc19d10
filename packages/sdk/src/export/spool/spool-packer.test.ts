import { describe, expect, it } from 'vitest'
import { EVALUATIONS_FORMAT, spanEventsFormat } from '../request-format.js'
import { decodeSpoolFile, encodeSpoolFile } from './spool-file.js'
import { SpoolPacker } from './spool-packer.js'

describe('SpoolPacker', () => {
  it('keeps as many loose items as fit the budget, in bodies of at most one request', () => {
    const packer = new SpoolPacker(2_000)
    const items = packer.items('evaluations', EVALUATIONS_FORMAT, 600)
    const item = `"${'x'.repeat(98)}"` // 100 bytes
    let kept = 0
    for (let i = 0; i < 30; i++) if (items.add(item)) kept++
    items.end()
    expect(kept).toBeGreaterThan(10)
    expect(packer.spooled.evaluations).toBe(kept)
    expect(packer.lost.evaluations).toBe(30 - kept)
    const file = encodeSpoolFile(packer.frames)
    expect(file.length).toBeLessThanOrEqual(2_000)
    for (const frame of packer.frames) {
      expect(frame.body.length).toBeLessThanOrEqual(600)
      expect(JSON.parse(frame.body.toString()).data.attributes.metrics).toHaveLength(frame.count)
    }
    expect(decodeSpoolFile(file).ok).toBe(true)
  })

  it('keeps a built body whole or counts all of its items as lost', () => {
    const packer = new SpoolPacker(1_000)
    packer.addBody('spans', Buffer.alloc(2_000, 32), 40)
    packer.addBody('spans', Buffer.alloc(100, 32), 3)
    expect(packer.spooled).toEqual({ spans: 3, evaluations: 0 })
    expect(packer.lost).toEqual({ spans: 40, evaluations: 0 })
  })

  it('takes apart a span body too large to keep whole, and keeps as many of its spans as fit', () => {
    const format = spanEventsFormat('1.0.0')
    const spans = Array.from({ length: 20 }, (_, i) => `{"span_id":"${i}","pad":"${'p'.repeat(200)}"}`)
    const body = Buffer.from(format.open + spans.join(format.separator) + format.close)
    const packer = new SpoolPacker(2_500)
    expect(packer.addBody('spans', body, 20, { format, requestBytes: 5 * 1024 * 1024 })).toBe(false)
    expect(packer.spooled.spans).toBeGreaterThan(0)
    expect(packer.spooled.spans + packer.lost.spans).toBe(20)
    const kept = packer.frames.flatMap(
      (frame) => JSON.parse(frame.body.toString()) as Array<{ spans: Array<{ span_id: string }> }>,
    )
    expect(kept.map((e) => e.spans[0]!.span_id)).toEqual(
      spans.slice(0, packer.spooled.spans).map((_, i) => String(i)),
    )
    expect(encodeSpoolFile(packer.frames).length).toBeLessThanOrEqual(2_500)
  })
})
