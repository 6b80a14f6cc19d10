import { SPAN_KINDS, type SpanKind } from '@llmobs/sdk'
import { describe, expect, it } from 'vitest'
import { setup, tick } from './support.js'

describe('wrap()', () => {
  it('records arguments (keyed by parameter name) and result, like the wrapped-fn capture', () => {
    const { llmobs, exporter } = setup()
    const add = llmobs.wrap({ kind: 'task', name: 'wrapped-fn' }, (a: number, b: number) => a + b)
    expect(add(1, 2)).toBe(3)
    const event = exporter.findSpan('wrapped-fn')!
    expect(event.meta.input).toEqual({ value: '{"a":1,"b":2}' })
    expect(event.meta.output).toEqual({ value: '3' })
  })

  it('follows dd-trace: input for all kinds but llm/embedding, output for all but llm/retrieval', () => {
    const { llmobs, exporter } = setup()
    for (const kind of SPAN_KINDS) {
      llmobs.wrap({ kind, name: `k-${kind}` }, (text: string) => `${text}!`)('in')
    }
    const capture = (kind: SpanKind) => {
      const meta = exporter.findSpan(`k-${kind}`)!.meta
      return [Object.keys(meta.input).length > 0, Object.keys(meta.output).length > 0]
    }
    expect(capture('llm')).toEqual([false, false])
    expect(capture('embedding')).toEqual([false, true])
    expect(capture('retrieval')).toEqual([true, false])
    for (const kind of ['tool', 'task', 'agent', 'workflow'] as const)
      expect(capture(kind)).toEqual([true, true])
    expect(exporter.findSpan('k-embedding')?.meta.output).toEqual({ value: 'in!' })
    expect(exporter.findSpan('k-retrieval')?.meta.input).toEqual({ value: 'in' })
  })

  it('keeps what the user annotated instead of the automatic capture', () => {
    const { llmobs, exporter } = setup()
    const fn = llmobs.wrap({ kind: 'tool', name: 'annotated' }, (city: string) => {
      llmobs.annotate({ inputData: `city=${city}` })
      return { tempC: 21 }
    })
    fn('Paris')
    expect(exporter.findSpan('annotated')?.meta).toMatchObject({
      input: { value: 'city=Paris' },
      output: { value: '{"tempC":21}' },
    })
  })

  it('captures the resolved value of async functions, and input on failure', async () => {
    const { llmobs, exporter } = setup()
    // (A function name equal to the variable's would be renamed by the test transpiler.)
    const lookup = llmobs.wrap({ kind: 'tool' }, async function findRecord(id: string) {
      await tick()
      return { id, ok: true }
    })
    await lookup('x1')
    expect(exporter.findSpan('findRecord')?.meta).toMatchObject({
      input: { value: 'x1' },
      output: { value: '{"id":"x1","ok":true}' },
    })
    const error = new Error('nope')
    const failing = llmobs.wrap({ kind: 'task', name: 'fails' }, async (_id: string) => {
      throw error
    })
    await expect(failing('y')).rejects.toBe(error)
    expect(exporter.findSpan('fails')?.meta).toMatchObject({
      input: { value: 'y' },
      output: {},
      'error.message': 'nope',
    })
  })

  it('keeps this, name and length, and works with new', () => {
    const { llmobs, exporter } = setup()
    const counter = {
      base: 10,
      add: llmobs.wrap({ kind: 'task' }, function addTo(this: { base: number }, n: number, _unused?: number) {
        return this.base + n
      }),
    }
    expect(counter.add(5)).toBe(15)
    expect(counter.add.name).toBe('addTo')
    expect(counter.add.length).toBe(2)
    expect(exporter.findSpan('addTo')?.meta.output).toEqual({ value: '15' })
    function Point(this: { x: number }, x: number) {
      this.x = x
    }
    const Wrapped = llmobs.wrap({ kind: 'task' }, Point) as unknown as new (x: number) => { x: number }
    const point = new Wrapped(3)
    expect(point.x).toBe(3)
    expect(point).toBeInstanceOf(Wrapped)
  })

  it('rethrows the same error from sync functions', () => {
    const { llmobs, exporter } = setup()
    const error = new SyntaxError('bad')
    const parse = llmobs.wrap({ kind: 'task', name: 'parse' }, (_text: string): unknown => {
      throw error
    })
    expect(() => parse('{')).toThrow(error)
    expect(exporter.findSpan('parse')?.meta['error.type']).toBe('SyntaxError')
  })

  it('keeps stream results: no output captured, span ends with the iteration', async () => {
    const { llmobs, exporter } = setup()
    const stream = llmobs.wrap({ kind: 'workflow', name: 'gen' }, async function* (n: number) {
      for (let i = 0; i < n; i++) yield i
    })
    const seen: number[] = []
    for await (const value of stream(2)) seen.push(value)
    expect(seen).toEqual([0, 1])
    expect(exporter.findSpan('gen')?.meta).toMatchObject({ input: { value: '2' }, output: {} })
  })

  it('each call is its own span with its own tags copy', () => {
    const { llmobs, exporter } = setup()
    const step = llmobs.wrap({ kind: 'task', name: 'tagged', tags: { base: '1' } }, (n: number) => {
      llmobs.annotate({ tags: { call: String(n) } })
      return n
    })
    step(1)
    step(2)
    const tags = exporter
      .findSpans('tagged')
      .map((e) => e.tags.filter((t) => t.startsWith('call:') || t.startsWith('base:')))
    expect(tags).toEqual([
      ['base:1', 'call:1'],
      ['base:1', 'call:2'],
    ])
  })

  it('reports an invalid kind once, at wrap time, and records task spans', () => {
    const { llmobs, exporter, warnings } = setup()
    const fn = llmobs.wrap({ kind: 'chain' as SpanKind, name: 'bad-kind' }, () => 1)
    fn()
    fn()
    expect(warnings().filter((m) => m.includes('invalid_span_kind'))).toHaveLength(1)
    expect(exporter.findSpans('bad-kind').map((e) => e.meta['span.kind'])).toEqual(['task', 'task'])
  })
})
