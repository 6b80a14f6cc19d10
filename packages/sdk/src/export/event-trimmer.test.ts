import { DROPPED_VALUE_MARKER, type SpanEvent } from '@llmobs/protocol'
import { describe, expect, it } from 'vitest'
import { fitSpanEvent } from './event-trimmer.js'
import { fixtureEncode, makeRecord } from './span-fixtures.test-helper.js'

const MiB = 1024 * 1024
const LIMIT = 5 * MiB
const MARKER = /\[llmobs: trimmed [\d.]+ (MB|kB|B) to fit the 5 MiB event limit\]$/

function fit(event: SpanEvent, limit = LIMIT) {
  const json = JSON.stringify(event)
  const fitted = fitSpanEvent(json, Buffer.byteLength(json), limit)
  return { fitted, event: fitted === undefined ? undefined : (JSON.parse(fitted.json) as SpanEvent) }
}

describe('fitSpanEvent', () => {
  it('returns an event under the limit untouched', () => {
    const json = JSON.stringify(fixtureEncode(makeRecord()))
    expect(fitSpanEvent(json, Buffer.byteLength(json), LIMIT)).toEqual({
      json,
      bytes: Buffer.byteLength(json),
      added: [],
    })
  })

  it('cuts the largest field first, keeps its beginning, marks the cut, records trimmed_io', () => {
    const big = 'a'.repeat(6 * MiB)
    const small = 'keep me '.repeat(100)
    const source = fixtureEncode(
      makeRecord({
        kind: 'workflow',
        input: { value: big },
        output: { value: small },
        metadata: { note: 'm'.repeat(1000) },
      }),
    )
    const { fitted, event } = fit(source)
    expect(fitted!.bytes).toBeLessThanOrEqual(LIMIT)
    expect(fitted!.bytes).toBeGreaterThan(LIMIT - 4096) // keeps nearly everything that fits
    expect(fitted!.added).toEqual(['trimmed_io'])
    expect(event!.collection_errors).toEqual(['trimmed_io'])
    expect(event!.meta.input.value).toMatch(/^a+\[llmobs: trimmed 1\.\d MB to fit the 5 MiB event limit\]$/)
    expect(event!.meta.output.value).toBe(small)
    expect(event!.meta.metadata).toEqual({ note: 'm'.repeat(1000) })
    // The source object (shared with the span record) is never changed.
    expect(source.meta.input.value).toBe(big)
  })

  it('cuts several large strings to one common size (message contents, document texts, metadata)', () => {
    const source = fixtureEncode(
      makeRecord({
        input: {
          messages: [
            { role: 'user', content: 'u'.repeat(3 * MiB) },
            { role: 'user', content: 'short' },
          ],
        },
        output: { messages: [{ role: 'assistant', content: 'o'.repeat(2 * MiB) }] },
        metadata: { context: 'c'.repeat(2 * MiB), n: 1 },
      }),
    )
    const { fitted, event } = fit(source)
    expect(fitted!.bytes).toBeLessThanOrEqual(LIMIT)
    expect(fitted!.added).toEqual(['trimmed_io', 'trimmed_metadata'])
    const input = event!.meta.input.messages!
    const output = event!.meta.output.messages!
    const context = (event!.meta.metadata as { context: string }).context
    for (const text of [input[0]!.content, output[0]!.content, context]) expect(text).toMatch(MARKER)
    expect(input[1]!.content).toBe('short')
    // Water filling: the three cut strings end up about the same size.
    const sizes = [input[0]!.content.length, output[0]!.content.length, context.length]
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThan(200)
  })

  it('only cuts the largest when that alone is enough', () => {
    const source = fixtureEncode(
      makeRecord({
        kind: 'retrieval',
        input: { value: 'q'.repeat(2 * MiB) },
        output: { documents: [{ text: 'd'.repeat(4 * MiB), name: 'doc' }] },
      }),
    )
    const { event } = fit(source)
    expect(event!.meta.input.value).toBe('q'.repeat(2 * MiB))
    expect(event!.meta.output.documents![0]!.text).toMatch(MARKER)
    expect(event!.meta.output.documents![0]!.name).toBe('doc')
  })

  it('handles multi-byte text and escapes without breaking characters', () => {
    const source = fixtureEncode(
      makeRecord({ kind: 'task', input: { value: '😀"\n'.repeat(1_500_000) }, output: {} }),
    )
    const { fitted, event } = fit(source)
    expect(fitted!.bytes).toBeLessThanOrEqual(LIMIT)
    expect(Buffer.byteLength(fitted!.json)).toBe(fitted!.bytes)
    expect(event!.meta.input.value).toMatch(/^(😀"\n)+[^]*\[llmobs: trimmed/)
    expect(fitted!.json).not.toMatch(/\\ud83d(?!\\ude00)/i) // no lone surrogate escapes
  })

  it('falls back to dropping input and output when the bulk is not in long strings', () => {
    const many = Array.from({ length: 120_000 }, (_, i) => ({ role: 'user', content: `message number ${i}` }))
    const source = fixtureEncode(makeRecord({ input: { messages: many }, output: { messages: many } }))
    const { fitted, event } = fit(source)
    expect(fitted!.added).toEqual(['dropped_io'])
    expect(event!.meta.input).toEqual({ value: DROPPED_VALUE_MARKER })
    expect(event!.meta.output).toEqual({ value: DROPPED_VALUE_MARKER })
    expect(event!.collection_errors).toEqual(['dropped_io'])
    expect(event!.meta.metadata).toEqual({ temperature: 0.1 })
  })

  it('after dropping input and output, still trims large metadata', () => {
    // 120,000 short messages cannot shrink by cutting strings, so the fallback runs, and then the
    // metadata's long string is trimmed too.
    const many = Array.from({ length: 120_000 }, (_, i) => ({ role: 'user', content: `message ${i}` }))
    const source = fixtureEncode(
      makeRecord({ input: { messages: many }, output: {}, metadata: { blob: 'b'.repeat(3 * MiB) } }),
    )
    const { fitted, event } = fit(source, 2 * MiB)
    expect(fitted!.added).toEqual(['dropped_io', 'trimmed_metadata'])
    expect(fitted!.bytes).toBeLessThanOrEqual(2 * MiB)
    expect((event!.meta.metadata as { blob: string }).blob).toMatch(MARKER)
  })

  it('gives up (undefined) when nothing it may cut brings the event under the limit', () => {
    const many = Array.from({ length: 300_000 }, (_, i) => `m${i}`)
    const source = fixtureEncode(makeRecord({ metadata: { many } }))
    expect(fit(source, 1 * MiB).fitted).toBeUndefined()
  })

  it('keeps existing collection_errors', () => {
    const source = {
      ...fixtureEncode(makeRecord({ kind: 'task', input: { value: 'x'.repeat(6 * MiB) }, output: {} })),
      collection_errors: ['earlier'],
    }
    expect(fit(source).event!.collection_errors).toEqual(['earlier', 'trimmed_io'])
  })
})
