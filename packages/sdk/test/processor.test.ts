import type { SpanRecord } from '@llmobs/sdk'
import { describe, expect, it } from 'vitest'
import { setup } from './support.js'

describe('processor', () => {
  it('can redact: its returned record is what gets exported', () => {
    const { llmobs, exporter } = setup({
      processor: (record) =>
        record.name === 'secret'
          ? { ...record, input: { value: '[redacted]' }, tags: { ...record.tags, redacted: 'true' } }
          : record,
    })
    llmobs.trace({ kind: 'task', name: 'secret' }, (span) => span.annotate({ inputData: 'password=hunter2' }))
    const event = exporter.findSpan('secret')!
    expect(event.meta.input).toEqual({ value: '[redacted]' })
    expect(event.tags).toContain('redacted:true')
  })

  it('drops a span when it returns null', () => {
    const { llmobs, exporter } = setup({ processor: (record) => (record.name === 'noise' ? null : record) })
    llmobs.trace({ kind: 'task', name: 'noise' }, () => 1)
    llmobs.trace({ kind: 'task', name: 'signal' }, () => 1)
    expect(exporter.events.map((e) => e.name)).toEqual(['signal'])
  })

  it('keeps the original record when it throws or returns junk, with a diagnostic', () => {
    const { llmobs, exporter, errors, warnings } = setup({
      processor: (record) => {
        if (record.name === 'throws') throw new Error('processor bug')
        if (record.name === 'junk') return 'not a record' as unknown as SpanRecord
        return undefined
      },
    })
    expect(llmobs.trace({ kind: 'task', name: 'throws' }, () => 'result')).toBe('result')
    llmobs.trace({ kind: 'task', name: 'junk' }, () => 1)
    llmobs.trace({ kind: 'task', name: 'undefined-keeps' }, () => 1)
    expect(exporter.events.map((e) => e.name)).toEqual(['throws', 'junk', 'undefined-keeps'])
    expect(errors()[0]).toContain(
      "the span processor threw on span 'throws'; the span was exported unchanged: Error: processor bug",
    )
    expect(warnings()[0]).toContain("returned neither a span record nor null for span 'junk'")
  })

  it('sees a frozen record', () => {
    let seen: SpanRecord | undefined
    const { llmobs } = setup({
      processor: (record) => {
        seen = record
        return record
      },
    })
    llmobs.trace({ kind: 'task' }, () => 1)
    expect(Object.isFrozen(seen)).toBe(true)
  })
})
