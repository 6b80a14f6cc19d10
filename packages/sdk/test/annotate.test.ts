import { describe, expect, it } from 'vitest'
import { setup } from './support.js'

describe('annotate()', () => {
  it('annotates the active span, or the span given first', () => {
    const { llmobs, exporter } = setup()
    llmobs.trace({ kind: 'workflow', name: 'outer' }, (outer) => {
      llmobs.trace({ kind: 'task', name: 'inner' }, () => {
        llmobs.annotate({ inputData: 'to inner' })
        llmobs.annotate(outer, { outputData: 'to outer' })
      })
    })
    expect(exporter.findSpan('inner')?.meta.input).toEqual({ value: 'to inner' })
    expect(exporter.findSpan('outer')?.meta.output).toEqual({ value: 'to outer' })
  })

  it('merges tags, metadata and metrics (later wins); replaces input and output', () => {
    const { llmobs, exporter } = setup()
    llmobs.trace({ kind: 'llm', name: 'merged', tags: { stage: 'start', keep: 'yes' } }, (span) => {
      span.annotate({
        inputData: 'first',
        metadata: { a: 1, b: 1 },
        metrics: { inputTokens: 1 },
        tags: { stage: 'mid' },
      })
      span.annotate({
        inputData: 'second',
        metadata: { b: 2 },
        metrics: { outputTokens: 2 },
        tags: { stage: 'end' },
      })
    })
    const event = exporter.findSpan('merged')!
    expect(event.meta.input).toEqual({ messages: [{ role: '', content: 'second' }] })
    expect(event.meta.metadata).toEqual({ a: 1, b: 2 })
    expect(event.metrics).toEqual({ input_tokens: 1, output_tokens: 2 })
    expect(event.tags.slice(-2)).toEqual(['stage:end', 'keep:yes'])
  })

  it('records prompt and tool definitions on llm spans, with the prompt tracking tag', () => {
    const { llmobs, exporter } = setup({ mlApp: 'demo' })
    llmobs.trace({ kind: 'llm', name: 'prompted' }, (span) => {
      span.annotate({
        inputData: [{ role: 'user', content: 'Hi Bob' }],
        prompt: { id: 'p1', template: 'Hi {{name}}', variables: { name: 'Bob' } },
        toolDefinitions: [{ name: 'get_weather', description: 'Weather by city' }],
        tags: { ctx: 'yes' },
      })
    })
    const event = exporter.findSpan('prompted')!
    expect(event.meta.input.prompt).toMatchObject({
      id: 'p1',
      template: 'Hi {{name}}',
      variables: { name: 'Bob' },
    })
    expect(event.meta.tool_definitions).toEqual([{ name: 'get_weather', description: 'Weather by city' }])
    expect(event.tags.slice(-2)).toEqual(['ctx:yes', 'prompt_tracking_instrumentation_method:annotated'])
  })

  it('drops a prompt on other kinds with a diagnostic', () => {
    const { llmobs, exporter, warnings } = setup()
    llmobs.trace({ kind: 'task', name: 'not-llm' }, (span) => span.annotate({ prompt: { template: 'x' } }))
    expect(exporter.findSpan('not-llm')?.meta.input).toEqual({})
    expect(warnings().some((m) => m.includes("span 'not-llm' is a task span"))).toBe(true)
  })

  it('keeps the rest of an annotation when a part is invalid', () => {
    const { llmobs, exporter, warnings } = setup()
    llmobs.trace({ kind: 'llm', name: 'partial' }, (span) => {
      span.annotate({
        inputData: [
          { role: 'user', content: 'ok' },
          { role: 'user', content: 42 as unknown as string },
        ],
        metrics: { inputTokens: 'many' as unknown as number, outputTokens: 3 },
        metadata: { fine: true },
      })
    })
    const event = exporter.findSpan('partial')!
    expect(event.meta.input).toEqual({ messages: [{ role: 'user', content: 'ok' }] })
    expect(event.metrics).toEqual({ output_tokens: 3 })
    expect(event.meta.metadata).toEqual({ fine: true })
    expect(warnings()).toEqual([
      'inputData[1].content must be a string, got number; join text parts into one string. The message was dropped. [invalid_io_messages]',
      'metrics.inputTokens must be a finite number, got string; the metric was dropped. [invalid_metrics]',
    ])
  })

  it('explains what to do without an active span, or on an ended span', () => {
    const { llmobs, exporter, warnings } = setup()
    llmobs.annotate({ inputData: 'lost' })
    const span = llmobs.startSpan({ kind: 'task', name: 'done' })
    span.end()
    span.annotate({ outputData: 'late' })
    llmobs.annotate(span, { outputData: 'late too' })
    span.setError(new Error('late error'))
    expect(warnings()).toEqual([
      'annotate() found no active span; pass the span explicitly: llmobs.annotate(span, { ... }). The annotation was dropped. [no_active_span]',
      // The same problem again within a minute is counted, not printed (see diagnostics.test.ts).
      "span 'done' already ended; annotate before end(). The annotation was dropped. [annotate_ended_span]",
      "span 'done' already ended; call setError() before end(). The error was not recorded. [set_error_ended_span]",
    ])
    expect(exporter.findSpan('done')?.meta.output).toEqual({})
  })

  it('reports a second end() at debug level only', () => {
    const { llmobs, exporter, debugs, warnings } = setup()
    const span = llmobs.startSpan({ kind: 'task', name: 'twice' })
    span.end()
    span.end()
    expect(exporter.findSpans('twice')).toHaveLength(1)
    expect(debugs()).toContain("span 'twice' ended twice; the second end() was ignored.")
    expect(warnings()).toEqual([])
  })

  it('copies annotated values: later changes to the user objects do not leak into the span', () => {
    const { llmobs, exporter } = setup()
    const metadata = { nested: { v: 1 } }
    const span = llmobs.startSpan({ kind: 'task', name: 'copied' })
    span.annotate({ metadata, inputData: metadata })
    metadata.nested.v = 2
    span.end()
    expect(exporter.findSpan('copied')?.meta).toMatchObject({
      metadata: { nested: { v: 1 } },
      input: { value: '{"nested":{"v":1}}' },
    })
  })

  it('records setError on a manual span', () => {
    const { llmobs, exporter } = setup()
    const span = llmobs.startSpan({ kind: 'tool', name: 'manual-error' })
    span.setError(new TypeError('bad input'))
    span.end()
    expect(exporter.findSpan('manual-error')).toMatchObject({
      status: 'error',
      meta: { 'error.type': 'TypeError' },
    })
  })

  it('puts model fields on llm/embedding spans only, lowercasing the provider', () => {
    const { llmobs, exporter } = setup()
    llmobs.trace({ kind: 'llm', name: 'm1', modelName: 'claude-x', modelProvider: 'Anthropic' }, () => 1)
    llmobs.trace({ kind: 'embedding', name: 'm2' }, () => 1)
    llmobs.trace({ kind: 'tool', name: 'm3', modelName: 'ignored' }, () => 1)
    expect(exporter.findSpan('m1')?.meta).toMatchObject({
      model_name: 'claude-x',
      model_provider: 'anthropic',
    })
    expect(exporter.findSpan('m2')?.meta).toMatchObject({ model_name: 'custom', model_provider: 'custom' })
    expect(exporter.findSpan('m3')?.meta.model_name).toBeUndefined()
  })
})

describe('exportSpan()', () => {
  it('returns the decimal span id and the 32-hex LLMObs trace id', () => {
    const { llmobs, exporter } = setup()
    let exported
    llmobs.trace({ kind: 'task', name: 'exp' }, (span) => {
      exported = llmobs.exportSpan()
      expect(llmobs.exportSpan(span)).toEqual(exported)
    })
    const event = exporter.findSpan('exp')!
    expect(exported).toEqual({ spanId: event.span_id, traceId: event.trace_id })
  })

  it('explains what to do without a span', () => {
    const { llmobs, warnings } = setup()
    expect(llmobs.exportSpan()).toBeUndefined()
    expect(warnings()[0]).toContain('pass the span explicitly: llmobs.exportSpan(span)')
  })
})
