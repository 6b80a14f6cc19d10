import { describe, expect, it } from 'vitest'
import { deferredValueIO } from '../annotation/deferred-value.js'
import { resolveConfig } from '../config.js'
import type { SpanRecord } from '../span/span-record.js'
import { fitRecordSized } from './fit-record.js'
import { LARGE_VALUE_CHARS, LargeSpanEncoding } from './large-values.js'
import { makeRecord } from './span-fixtures.test-helper.js'
import { spanEventJson } from './span-event-json.js'

const { config } = resolveConfig({ mlApp: 'large' }, {})
const encode = (record: SpanRecord): string => spanEventJson(record, config)

function stepped(
  record: SpanRecord,
  budget = 64 * 1024 * 1024,
): { text: string; steps: number; pieces: string[] } {
  const fitted = fitRecordSized(record, budget)
  const job = LargeSpanEncoding.of(record, fitted.record, fitted.cap, encode)
  if (job === undefined) throw new Error('expected a stepwise encoding')
  let steps = 1
  while (!job.step()) steps++
  const pieces = job.pieces()
  return { text: pieces.join(''), steps, pieces }
}

describe('LargeSpanEncoding', () => {
  it('is not used for a span without long strings', () => {
    const record = makeRecord({ input: { value: 'short' } })
    expect(LargeSpanEncoding.of(record, record, Number.POSITIVE_INFINITY, encode)).toBeUndefined()
  })

  it('writes exactly the text the whole-span writer writes, in steps of 64 K characters', () => {
    // Escapes, control characters, non-ASCII and a surrogate pair astride a piece boundary.
    const tricky = `${'a'.repeat(64 * 1024 - 1)}😀"quoted"\\ \n\u0001 é ${'z'.repeat(200_000)}`
    const record = makeRecord({
      kind: 'llm',
      input: { messages: [{ role: 'user', content: tricky }] },
      output: { messages: [{ role: 'assistant', content: 'b'.repeat(LARGE_VALUE_CHARS) }] },
      metadata: { notes: tricky, small: 1 },
      tags: { team: 'ai' },
    })
    const { text, steps, pieces } = stepped(record)
    expect(text).toBe(encode(record))
    expect(JSON.parse(text)).toEqual(JSON.parse(encode(record)))
    expect(steps).toBeGreaterThanOrEqual(Math.ceil((2 * tricky.length + LARGE_VALUE_CHARS) / (64 * 1024)))
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(2 * 64 * 1024)
  })

  it('handles an object value (deferred) holding long strings', () => {
    const record = makeRecord({
      kind: 'tool',
      input: deferredValueIO({ document: 'd'.repeat(100_000), k: 5, list: ['x'.repeat(40_000), 'y'] }),
      output: { value: 'plain output' },
    })
    expect(stepped(record).text).toBe(encode(record))
  })

  it('writes what fitRecord cut exactly as the cut record would be written, marker included', () => {
    const huge = `${'h'.repeat(3 * 1024 * 1024)}"é😀\n${'t'.repeat(1024 * 1024)}`
    const record = makeRecord({
      kind: 'llm',
      input: { messages: [{ role: 'user', content: huge }] },
      output: { messages: [{ role: 'assistant', content: 'short answer' }] },
      metadata: { blob: huge, note: 'n'.repeat(40_000) },
      tags: { big: huge.slice(0, 300_000) },
    })
    const fitted = fitRecordSized(record, 1024 * 1024)
    expect(fitted.cap).toBeLessThan(huge.length)
    const { text } = stepped(record, 1024 * 1024)
    expect(text).toBe(encode(fitted.record))
    expect(text).toContain('...[llmobs: trimmed ')
  })

  it('keeps a user string that looks like a placeholder as it is', () => {
    const lookalike = '\u0001llmobs-000000000000:0\u0001'
    const record = makeRecord({
      kind: 'task',
      input: { value: `${lookalike}${'q'.repeat(LARGE_VALUE_CHARS)}` },
      output: { value: lookalike },
    })
    expect(stepped(record).text).toBe(encode(record))
  })
})
