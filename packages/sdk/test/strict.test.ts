import { LLMObsError, type SpanKind } from '@llmobs/sdk'
import { describe, expect, it } from 'vitest'
import { setup, tick } from './support.js'

describe('strict mode', () => {
  it('throws LLMObsError for an invalid kind before running the function', () => {
    const { llmobs, exporter } = setup({ strict: true })
    let ran = false
    let caught: unknown
    try {
      llmobs.trace({ kind: 'chain' as SpanKind }, () => {
        ran = true
      })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(LLMObsError)
    expect((caught as LLMObsError).code).toBe('invalid_span_kind')
    expect((caught as LLMObsError).message).toContain(
      'kind must be one of llm, embedding, retrieval, tool, task, agent, workflow',
    )
    expect(ran).toBe(false)
    expect(exporter.events).toEqual([])
    expect(() => llmobs.wrap({ kind: 'nope' as SpanKind }, () => 1)).toThrow(LLMObsError)
  })

  it('without strict, an invalid kind is one diagnostic and the span is kept as task', () => {
    const { llmobs, exporter, warnings } = setup()
    expect(llmobs.trace({ kind: 'chain' as SpanKind, name: 'kept' }, () => 'ran')).toBe('ran')
    expect(exporter.findSpan('kept')?.meta['span.kind']).toBe('task')
    expect(warnings()).toHaveLength(1)
    expect(warnings()[0]).toMatch(
      /^kind must be one of .*got "chain"; pass e\.g\. \{ kind: 'task' \}.*\[invalid_span_kind\]$/,
    )
  })

  it('throws from public calls: annotate misuse, bad annotation parts, invalid evaluations', () => {
    const { llmobs } = setup({ strict: true })
    expect(() => llmobs.annotate({ inputData: 'x' })).toThrow(/no active span/)
    llmobs.trace({ kind: 'task' }, (span) => {
      expect(() => span.annotate({ metrics: { inputTokens: NaN } })).toThrow(LLMObsError)
      expect(() =>
        llmobs.submitEvaluation(span, { label: 'a.b', metricType: 'score', value: 'x' as unknown as number }),
      ).toThrow(/label "a.b" must not contain "."; .* value must be a finite number/)
    })
  })

  it('never throws from internals that run after the call returned', async () => {
    const { llmobs, exporter } = setup({ strict: true })
    // wrap's automatic capture runs when the promise settles; a cyclic value must not throw there.
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const fn = llmobs.wrap({ kind: 'task', name: 'late' }, async () => {
      await tick()
      return cyclic
    })
    await expect(fn()).resolves.toBe(cyclic)
    await tick()
    expect(exporter.findSpan('late')?.meta.output).toEqual({ value: '{"self":"[Circular]"}' })
  })
})
