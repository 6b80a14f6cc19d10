import { describe, expect, it } from 'vitest'
import { decodeSpoolFile, encodeSpoolFile, type SpoolFrame } from './spool-file.js'

const frames: SpoolFrame[] = [
  { stream: 'spans', count: 2, body: Buffer.from('[{"spans":[1]},{"spans":[2]}]') },
  // A body with newlines and multi-byte text: the length prefix, not a delimiter, finds its end.
  { stream: 'evaluations', count: 1, body: Buffer.from('{"data":\n"é ✓"}') },
]

describe('spool file', () => {
  it('reads back exactly the bodies written, byte for byte', () => {
    const decoded = decodeSpoolFile(encodeSpoolFile(frames))
    expect(decoded.ok).toBe(true)
    if (!decoded.ok) return
    expect(decoded.frames.map((f) => [f.stream, f.count, f.body.toString()])).toEqual(
      frames.map((f) => [f.stream, f.count, f.body.toString()]),
    )
  })

  it('gives a reason, never a throw, for what it did not write', () => {
    const bytes = encodeSpoolFile(frames)
    expect(decodeSpoolFile(Buffer.from('not a spool file'))).toMatchObject({ ok: false })
    expect(decodeSpoolFile(bytes.subarray(0, bytes.length - 3))).toEqual({
      ok: false,
      reason: 'frame 2 is cut short',
    })
    const badHeader = Buffer.from(bytes.toString().replace('"stream":"spans"', '"stream":"other"'))
    expect(decodeSpoolFile(badHeader)).toEqual({ ok: false, reason: 'frame 1 has an invalid header' })
    expect(decodeSpoolFile(encodeSpoolFile([]))).toEqual({ ok: true, frames: [] })
  })
})
