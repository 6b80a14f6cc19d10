import { describe, expect, it } from 'vitest'
import type { JsonValue } from '../internal/safe-json.js'
import { mergeMetadata } from './normalize-metadata.js'
import { mergeMetrics } from './normalize-metrics.js'
import { mergeTags, type SpanTags } from './normalize-tags.js'
import { normalizeToolDefinitions } from './normalize-tool-definitions.js'
import { recordingReport } from './test-report.test-helper.js'

describe('mergeMetrics', () => {
  it('maps camelCase names to wire names and passes other keys through', () => {
    const report = recordingReport()
    const into: Record<string, number> = {}
    mergeMetrics(
      into,
      {
        inputTokens: 10,
        outputTokens: 4,
        totalTokens: 14,
        cacheReadTokens: 2,
        cacheWriteTokens: 1,
        reasoningOutputTokens: 3,
        latency_ms: 5.5,
      },
      report,
    )
    expect(into).toEqual({
      input_tokens: 10,
      output_tokens: 4,
      total_tokens: 14,
      cache_read_input_tokens: 2,
      cache_write_input_tokens: 1,
      reasoning_output_tokens: 3,
      latency_ms: 5.5,
    })
    expect(report.calls).toEqual([])
  })

  it('drops non-numeric and non-finite values with a diagnostic each, keeps the rest', () => {
    const report = recordingReport()
    const into: Record<string, number> = { input_tokens: 1 }
    mergeMetrics(
      into,
      { inputTokens: '12', outputTokens: NaN, totalTokens: Infinity, cost: 0.25, toString: 3 },
      report,
    )
    expect(into).toEqual({ input_tokens: 1, cost: 0.25, toString: 3 })
    expect(report.calls.map((c) => c.message)).toEqual([
      'metrics.inputTokens must be a finite number, got string; the metric was dropped.',
      'metrics.outputTokens must be a finite number, got NaN; the metric was dropped.',
      'metrics.totalTokens must be a finite number, got Infinity; the metric was dropped.',
    ])
    mergeMetrics(into, 5, report)
    expect(report.calls.at(-1)?.code).toBe('invalid_metrics')
  })
})

describe('mergeTags', () => {
  it('keeps strings, stringifies numbers and booleans, keeps arrays for fan-out; later wins', () => {
    const report = recordingReport()
    const into: SpanTags = { a: 'old' }
    mergeTags(into, { a: 'new', n: 3, b: true, list: ['x', 1, false] }, 'tags', report)
    expect(into).toEqual({ a: 'new', n: '3', b: 'true', list: ['x', '1', 'false'] })
    expect(report.calls).toEqual([])
  })

  it('drops bad values and empty keys with a diagnostic', () => {
    const report = recordingReport()
    const into: SpanTags = {}
    mergeTags(into, { obj: { x: 1 }, '': 'empty', list: ['ok', { no: 1 }] }, 'tags', report)
    expect(into).toEqual({ list: ['ok'] })
    expect(report.calls.map((c) => c.message.split(' ')[0])).toEqual(['tags.obj', 'tags', 'tags.list'])
  })
})

describe('mergeMetadata', () => {
  it('merges shallowly, copying values into JSON-safe data', () => {
    const report = recordingReport()
    const into: Record<string, JsonValue> = { keep: 1, replace: { deep: 1 } }
    const source = { replace: { other: 2 }, big: 5n, skip: undefined }
    mergeMetadata(into, source, report)
    source.replace.other = 99
    expect(into).toEqual({ keep: 1, replace: { other: 2 }, big: '5' })
    mergeMetadata(into, ['not', 'an', 'object'], report)
    expect(report.calls.map((c) => c.code)).toEqual(['invalid_metadata'])
  })
})

describe('normalizeToolDefinitions', () => {
  it('keeps valid definitions and drops bad ones or fields', () => {
    const report = recordingReport()
    const out = normalizeToolDefinitions(
      [
        { name: 'get_weather', description: 'Weather', schema: { type: 'object' }, version: '1' },
        { description: 'no name' },
        { name: 'x', description: 3, schema: 'nope' },
      ],
      report,
    )
    expect(out).toEqual([
      { name: 'get_weather', description: 'Weather', schema: { type: 'object' }, version: '1' },
      { name: 'x' },
    ])
    expect(report.calls.map((c) => c.message.split(' ')[0])).toEqual([
      'toolDefinitions[1]',
      'toolDefinitions[2].description',
      'toolDefinitions[2].schema',
    ])
    expect(normalizeToolDefinitions({ name: 'x' }, report)).toBeUndefined()
  })
})
