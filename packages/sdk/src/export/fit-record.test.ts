import { describe, expect, it } from 'vitest'
import { deferredData, deferredValueIO } from '../annotation/deferred-value.js'
import { fitRecord } from './fit-record.js'
import { makeRecord } from './span-fixtures.test-helper.js'

const MiB = 1024 * 1024

describe('fitRecord', () => {
  it('returns the same record when it fits', () => {
    const record = makeRecord({ input: { value: 'small' } })
    expect(fitRecord(record, MiB)).toBe(record)
  })

  it('sizes and cuts an object value by its data, without building its JSON text', () => {
    const huge = 'a'.repeat(10 * MiB)
    let serialised = 0
    const data = { doc: huge, k: 5 }
    // Counts every time the data is turned into text (JSON.stringify calls toJSON).
    const counted = Object.defineProperty({ ...data }, 'toJSON', {
      value(this: typeof data) {
        serialised++
        return { doc: this.doc, k: this.k }
      },
    })
    const input = deferredValueIO(counted)
    const record = makeRecord({ kind: 'tool', input })
    const fitted = fitRecord(record, MiB)
    expect(serialised).toBe(0)
    const cut = deferredData(fitted.input) as { doc: string; k: number }
    expect(cut.k).toBe(5)
    expect(cut.doc.length).toBeLessThanOrEqual(MiB)
    expect(cut.doc).toMatch(/^a+\.\.\.\[llmobs: trimmed \d+ of 10485760 characters/)
    expect(JSON.parse(fitted.input.value!)).toEqual(cut)
    expect(fitted.collectionErrors).toEqual(['trimmed_io'])
    expect(data.doc).toBe(huge) // the user's object is never changed
  })

  it('cuts the longest values first, metadata and tags included, and keeps the span itself', () => {
    const huge = 'a'.repeat(10 * MiB)
    const medium = 'b'.repeat(100 * 1024)
    const record = makeRecord({
      kind: 'llm',
      input: { messages: [{ role: 'user', content: huge }] },
      output: { value: medium },
      metadata: { notes: huge, small: 'kept' },
      tags: { big: huge, team: 'ai' },
      metrics: { input_tokens: 5 },
      error: { message: 'boom', type: 'Error', stack: 'at x' },
    })
    const fitted = fitRecord(record, MiB)
    const sizes = [
      fitted.input.messages?.[0]?.content.length ?? 0,
      fitted.output.value?.length ?? 0,
      String(fitted.metadata.notes).length,
      String(fitted.tags.big).length,
    ]
    expect(sizes.reduce((a, b) => a + b)).toBeLessThanOrEqual(MiB)
    // Water filling: the three huge values are cut to one common length; the medium one, shorter
    // than that, is untouched.
    expect(new Set(sizes.filter((s) => s !== medium.length)).size).toBe(1)
    expect(fitted.output.value).toBe(medium)
    expect(fitted.input.messages?.[0]?.content).toMatch(
      /^a+\.\.\.\[llmobs: trimmed \d+ of 10485760 characters to fit the span size limit\]\.\.\.a+$/,
    )
    expect(fitted.metadata.small).toBe('kept')
    expect(fitted.tags.team).toBe('ai')
    expect(fitted.collectionErrors).toEqual(['trimmed_io', 'trimmed_metadata', 'trimmed_tags'])
    for (const key of [
      'spanId',
      'traceId',
      'parentId',
      'kind',
      'name',
      'startNs',
      'durationNs',
      'metrics',
      'error',
    ] as const) {
      expect(fitted[key]).toEqual(record[key])
    }
    // The user's objects are never changed.
    expect(record.input.messages?.[0]?.content).toBe(huge)
    expect(Object.isFrozen(fitted)).toBe(true)
  })

  it('never splits a surrogate pair', () => {
    const emoji = '😀'.repeat(400 * 1024)
    const fitted = fitRecord(makeRecord({ input: { value: emoji } }), 64 * 1024)
    expect((fitted.input.value as unknown as { isWellFormed(): boolean }).isWellFormed()).toBe(true)
  })
})
