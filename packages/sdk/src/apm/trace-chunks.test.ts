import { describe, expect, it } from 'vitest'
import { makeRecord } from '../export/span-fixtures.test-helper.js'
import { newLocalTrace, type LocalTrace } from '../span/local-trace.js'
import { TraceChunks, type TraceChunk } from './trace-chunks.js'

function collector() {
  const chunks: TraceChunk[] = []
  return {
    chunks,
    emit: (chunk: TraceChunk) => chunks.push(chunk),
    ids: () => chunks.map((c) => c.records.map((r) => r.spanId)),
  }
}

function span(trace: LocalTrace, spanId: string) {
  return makeRecord({ spanId, localTrace: trace })
}

describe('TraceChunks', () => {
  it('holds a trace until its local root ends, then sends it as one chunk', () => {
    const out = collector()
    const chunks = new TraceChunks({ partialFlushSpans: 100, maxHeldSpans: 1000 })
    const trace = newLocalTrace('1', 'root', undefined)
    chunks.add(span(trace, '2'), out.emit)
    chunks.add(span(trace, '3'), out.emit)
    expect(out.chunks).toHaveLength(0)
    expect(chunks.held).toBe(2)
    chunks.add(span(trace, '1'), out.emit)
    expect(out.ids()).toEqual([['2', '3', '1']])
    expect(chunks.held).toBe(0)
  })

  it('sends a span that ends after its root (background work) as a chunk of its own', () => {
    const out = collector()
    const chunks = new TraceChunks({ partialFlushSpans: 100, maxHeldSpans: 1000 })
    const trace = newLocalTrace('1', 'root', undefined)
    chunks.add(span(trace, '1'), out.emit)
    chunks.add(span(trace, '9'), out.emit)
    expect(out.ids()).toEqual([['1'], ['9']])
  })

  it('keeps traces apart, and flushes a long one partially every partialFlushSpans', () => {
    const out = collector()
    const chunks = new TraceChunks({ partialFlushSpans: 3, maxHeldSpans: 1000 })
    const a = newLocalTrace('a0', 'a', undefined)
    const b = newLocalTrace('b0', 'b', undefined)
    for (let i = 1; i <= 7; i++) chunks.add(span(a, `a${i}`), out.emit)
    chunks.add(span(b, 'b1'), out.emit)
    expect(out.ids()).toEqual([
      ['a1', 'a2', 'a3'],
      ['a4', 'a5', 'a6'],
    ])
    chunks.add(span(a, 'a0'), out.emit)
    chunks.add(span(b, 'b0'), out.emit)
    expect(out.ids().slice(2)).toEqual([
      ['a7', 'a0'],
      ['b1', 'b0'],
    ])
  })

  it('never holds more than maxHeldSpans: the oldest open trace goes first', () => {
    const out = collector()
    const chunks = new TraceChunks({ partialFlushSpans: 100, maxHeldSpans: 3 })
    const a = newLocalTrace('a0', 'a', undefined)
    const b = newLocalTrace('b0', 'b', undefined)
    chunks.add(span(a, 'a1'), out.emit)
    chunks.add(span(a, 'a2'), out.emit)
    chunks.add(span(b, 'b1'), out.emit)
    chunks.add(span(b, 'b2'), out.emit)
    expect(out.ids()).toEqual([['a1', 'a2']])
    expect(chunks.held).toBe(2)
  })

  it('takeAll sends every open chunk as it stands, and a record without a local trace goes alone', () => {
    const out = collector()
    const chunks = new TraceChunks({ partialFlushSpans: 100, maxHeldSpans: 1000 })
    chunks.add(span(newLocalTrace('x0', 'x', undefined), 'x1'), out.emit)
    chunks.add(makeRecord({ spanId: 'loose' }), out.emit)
    chunks.takeAll(out.emit)
    expect(out.ids()).toEqual([['loose'], ['x1']])
    expect(chunks.held).toBe(0)
  })
})
