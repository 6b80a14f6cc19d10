import type { SpanRecord } from '@llmobs/sdk'
import { describe, expect, it } from 'vitest'
import { PROCESSOR_FAILED_MARKER } from '../src/runtime.js'
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

  it('fails closed when it throws or returns junk: nothing raw is sent, the span itself survives', () => {
    const { llmobs, exporter, warnings } = setup({
      processor: (record) => {
        if (record.name === 'throws') throw new Error('processor bug')
        if (record.name === 'junk') return 'not a record' as unknown as SpanRecord
        return undefined
      },
    })
    const result = llmobs.trace({ kind: 'task', name: 'throws' }, (span) => {
      span.annotate({
        inputData: 'SSN 123-45-6789',
        outputData: 'SSN 123-45-6789',
        metadata: { ssn: '123-45-6789' },
      })
      span.annotate({ metrics: { inputTokens: 3 } })
      return 'result'
    })
    expect(result).toBe('result')
    llmobs.trace({ kind: 'task', name: 'junk' }, (span) => span.annotate({ outputData: 'SSN 123-45-6789' }))
    llmobs.trace({ kind: 'task', name: 'undefined-keeps' }, (span) => span.annotate({ outputData: 'kept' }))
    expect(exporter.events.map((e) => e.name)).toEqual(['throws', 'junk', 'undefined-keeps'])
    expect(JSON.stringify(exporter.events.slice(0, 2))).not.toContain('123-45-6789')
    const failed = exporter.findSpan('throws')!
    expect(failed.meta.input).toEqual({ value: PROCESSOR_FAILED_MARKER })
    expect(failed.meta.output).toEqual({ value: PROCESSOR_FAILED_MARKER })
    expect(failed.metrics).toEqual({ input_tokens: 3 })
    expect(failed.collection_errors).toContain('processor_failed')
    expect(exporter.findSpan('undefined-keeps')!.meta.output).toEqual({ value: 'kept' })
    expect(warnings()[0]).toContain("the span processor threw on span 'throws' (Error: processor bug)")
    expect(warnings()[1]).toContain("returned neither a span record nor null for span 'junk'")
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
