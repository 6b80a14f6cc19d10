import { describe, expect, it } from 'vitest'
import { EVALUATIONS_FORMAT } from '../request-format.js'
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
})
