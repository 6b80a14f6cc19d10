import { LLMObsError, type PlainContext } from '@llmobs/sdk'
import { traceIdHex32ToDecimal } from '@llmobs/protocol'
import { describe, expect, it } from 'vitest'
import { setup, tick } from '../support.js'

describe('captureContext / withContext', () => {
  it('captures plain JSON data, undefined outside any span', () => {
    const { llmobs } = setup({ sampleRate: 1 })
    expect(llmobs.captureContext()).toBeUndefined()
    llmobs.trace({ kind: 'agent', name: 'planner', sessionId: 's-1', mlApp: 'app' }, (span) => {
      const ctx = llmobs.captureContext()!
      expect(JSON.parse(JSON.stringify(ctx))).toEqual(ctx)
      expect(ctx).toEqual({
        spanId: span.spanId,
        traceId: span.traceId,
        apmTraceId: expect.stringMatching(/^[0-9a-f]{32}$/),
        mlApp: 'app',
        sessionId: 's-1',
        sampling: { rate: 1, decision: 1 },
        agent: { name: 'planner', spanId: span.spanId },
      })
    })
  })

  it('restores a captured context in an unrelated async scope, after the span ended', async () => {
    const { llmobs, exporter } = setup()
    let captured: PlainContext | undefined
    await llmobs.trace({ kind: 'workflow', name: 'origin', sessionId: 's' }, async () => {
      await tick()
      captured = JSON.parse(JSON.stringify(llmobs.captureContext())) as PlainContext
    })
    await llmobs.trace({ kind: 'workflow', name: 'unrelated' }, async () => {
      const value = await llmobs.withContext(captured, async () => {
        await tick()
        return llmobs.trace({ kind: 'task', name: 'restored' }, () => 7)
      })
      expect(value).toBe(7)
    })
    const origin = exporter.findSpan('origin')!
    const restored = exporter.findSpan('restored')!
    expect(restored.parent_id).toBe(origin.span_id)
    expect(restored.trace_id).toBe(origin.trace_id)
    expect(restored._dd.apm_trace_id).toBe(origin._dd.apm_trace_id)
    expect(restored.session_id).toBe('s')
  })

  it('accepts a span handle (ended too), an exported span and decimal trace ids', () => {
    const { llmobs, exporter } = setup()
    const parent = llmobs.startSpan({ kind: 'workflow', name: 'p' })
    parent.end()
    llmobs.withContext(parent, () => llmobs.trace({ kind: 'task', name: 'via-span' }, () => 1))
    llmobs.withContext(llmobs.exportSpan(parent), () =>
      llmobs.trace({ kind: 'task', name: 'via-export' }, () => 1),
    )
    const decimal = { spanId: parent.spanId, traceId: traceIdHex32ToDecimal(parent.traceId) }
    llmobs.withContext(decimal, () => llmobs.trace({ kind: 'task', name: 'via-decimal' }, () => 1))
    for (const name of ['via-span', 'via-export', 'via-decimal']) {
      expect(exporter.findSpan(name)).toMatchObject({ parent_id: parent.spanId, trace_id: parent.traceId })
    }
  })

  it('undefined runs fn outside any span, even inside one', () => {
    const { llmobs, exporter, warnings } = setup()
    llmobs.trace({ kind: 'workflow', name: 'outer' }, () => {
      llmobs.withContext(undefined, () => {
        expect(llmobs.activeSpan()).toBeUndefined()
        llmobs.trace({ kind: 'task', name: 'detached' }, () => 1)
      })
    })
    expect(exporter.findSpan('detached')?.parent_id).toBe('undefined')
    expect(warnings()).toEqual([])
  })

  it('reports a bad context and still runs fn where it was called; strict throws', () => {
    const { llmobs, exporter, warnings } = setup()
    const results = llmobs.trace({ kind: 'workflow', name: 'outer' }, () => [
      llmobs.withContext('nope' as never, () => llmobs.trace({ kind: 'task', name: 'a' }, () => 1)),
      llmobs.withContext({ spanId: '12' } as never, () => llmobs.trace({ kind: 'task', name: 'b' }, () => 2)),
      llmobs.withContext({} as never, () => 3),
    ])
    expect(results).toEqual([1, 2, 3])
    const outer = exporter.findSpan('outer')!
    expect(exporter.findSpan('a')?.parent_id).toBe(outer.span_id)
    expect(exporter.findSpan('b')?.parent_id).toBe(outer.span_id)
    expect(warnings()).toEqual([
      'withContext(context, fn): context must be a span, llmobs.exportSpan(span), llmobs.captureContext() or llmobs.extract(headers), got string; fn ran without it. [invalid_context]',
      'withContext(context, fn): context has a spanId but no valid traceId: a parent without its trace cannot be continued; fn ran without it. [invalid_context]',
      'withContext(context, fn): context is not a usable context (it names no span and no trace); pass a span, llmobs.exportSpan(span) or llmobs.captureContext(). Fn ran without it. [invalid_context]',
    ])
    const strict = setup({ strict: true })
    let ran = false
    expect(() => strict.llmobs.withContext(42 as never, () => (ran = true))).toThrow(LLMObsError)
    expect(ran).toBe(false)
  })

  it('keeps the usable part of a context with a malformed field, and says which', () => {
    const { llmobs, exporter, warnings } = setup()
    const parent = llmobs.startSpan({ kind: 'workflow', name: 'p' })
    parent.end()
    llmobs.withContext({ ...llmobs.exportSpan(parent)!, sessionId: 42 } as never, () =>
      llmobs.trace({ kind: 'task', name: 'c' }, () => 1),
    )
    expect(exporter.findSpan('c')?.parent_id).toBe(parent.spanId)
    expect(warnings()).toEqual([
      'withContext(context, fn): context: sessionId must be a non-empty string; those fields were ignored, the rest of the context was used. [invalid_context]',
    ])
  })
})

describe('inside a restored context', () => {
  it('exportSpan() names the restored span (evaluations can join it); annotate() says there is no local span', () => {
    const { llmobs, exporter, warnings } = setup()
    const parent = llmobs.startSpan({ kind: 'workflow', name: 'remote' })
    const captured = JSON.parse(
      JSON.stringify(llmobs.withContext(parent, () => llmobs.captureContext())),
    ) as PlainContext
    parent.end()
    llmobs.withContext(captured, () => {
      expect(llmobs.exportSpan()).toEqual({ spanId: parent.spanId, traceId: parent.traceId })
      llmobs.submitEvaluation(llmobs.exportSpan()!, { label: 'ok', metricType: 'boolean', value: true })
      llmobs.annotate({ outputData: 'x' })
    })
    expect(exporter.evaluations[0]?.join_on).toEqual({
      span: { span_id: parent.spanId, trace_id: parent.traceId },
    })
    expect(warnings()).toEqual([
      expect.stringMatching(
        /^annotate\(\) found no local span: the active context was restored from another thread, process or captured context.*\[no_active_span\]$/,
      ),
    ])
  })
})

describe('bind', () => {
  it('runs a callback in the context it was bound in, whoever calls it', async () => {
    const { llmobs, exporter } = setup()
    const queue: Array<() => void> = []
    llmobs.trace({ kind: 'workflow', name: 'producer' }, () => {
      queue.push(llmobs.bind(() => llmobs.trace({ kind: 'task', name: 'bound' }, () => 1)))
      queue.push(() => llmobs.trace({ kind: 'task', name: 'unbound' }, () => 1))
    })
    await llmobs.trace({ kind: 'workflow', name: 'consumer' }, async () => {
      await tick()
      for (const job of queue) job()
    })
    expect(exporter.findSpan('bound')?.parent_id).toBe(exporter.findSpan('producer')?.span_id)
    expect(exporter.findSpan('unbound')?.parent_id).toBe(exporter.findSpan('consumer')?.span_id)
  })

  it('bound outside any span runs outside any span; keeps this and arguments', () => {
    const { llmobs, exporter } = setup()
    const target = {
      factor: 3,
      times(this: { factor: number }, a: number, b: number) {
        llmobs.trace({ kind: 'task', name: 'inside' }, () => 1)
        return this.factor * a * b
      },
    }
    target.times = llmobs.bind(target.times)
    llmobs.trace({ kind: 'workflow', name: 'caller' }, () => {
      expect(target.times(2, 5)).toBe(30)
    })
    expect(exporter.findSpan('inside')?.parent_id).toBe('undefined')
  })

  it('binds a generator: its body runs in the context it was bound in, whoever iterates', async () => {
    const { llmobs, exporter } = setup()
    async function* produce(): AsyncGenerator<number> {
      for (const n of [1, 2]) {
        await tick()
        llmobs.trace({ kind: 'task', name: `item-${n}` }, () => n)
        yield n
      }
    }
    function* syncProduce(): Generator<number> {
      llmobs.trace({ kind: 'task', name: 'sync-item' }, () => 1)
      yield 1
    }
    const [generator, syncGenerator] = llmobs.trace({ kind: 'workflow', name: 'creator' }, () => {
      const created = produce()
      expect(llmobs.bind(created)).toBe(created)
      return [created, llmobs.bind(syncProduce())] as const
    })
    await llmobs.trace({ kind: 'workflow', name: 'consumer' }, async () => {
      const seen: number[] = []
      for await (const n of generator) seen.push(n)
      for (const n of syncGenerator) seen.push(n)
      expect(seen).toEqual([1, 2, 1])
    })
    const creator = exporter.findSpan('creator')!
    for (const name of ['item-1', 'item-2', 'sync-item'])
      expect(exporter.findSpan(name)?.parent_id).toBe(creator.span_id)
  })

  it('reports what it cannot bind', () => {
    const { llmobs, warnings } = setup()
    expect(llmobs.bind(5 as never)).toBe(5)
    const frozen = Object.freeze({ next: () => ({ done: true, value: undefined }) })
    expect(llmobs.bind(frozen)).toBe(frozen)
    expect(warnings()).toEqual([
      'bind() needs a function or an iterator (e.g. a generator): llmobs.bind(callback). [invalid_callback]',
      'bind() cannot patch a frozen iterator; it was returned unchanged. [invalid_callback]',
    ])
  })
})

describe('startSpan({ parent }) from another async context', () => {
  it('takes a span, an exported span or a captured context from elsewhere', async () => {
    const { llmobs, exporter } = setup()
    const refs: Record<string, unknown> = {}
    await llmobs.trace({ kind: 'workflow', name: 'origin' }, async (span) => {
      await tick()
      refs.span = span
      refs.exported = llmobs.exportSpan(span)
      refs.captured = llmobs.captureContext()
    })
    await llmobs.trace({ kind: 'workflow', name: 'elsewhere' }, async () => {
      await tick()
      for (const key of ['span', 'exported', 'captured']) {
        llmobs.startSpan({ kind: 'task', name: `from-${key}`, parent: refs[key] as never }).end()
      }
    })
    const origin = exporter.findSpan('origin')!
    for (const key of ['span', 'exported', 'captured']) {
      expect(exporter.findSpan(`from-${key}`)).toMatchObject({
        parent_id: origin.span_id,
        trace_id: origin.trace_id,
      })
    }
    expect(exporter.findSpan('from-captured')?._dd.apm_trace_id).toBe(origin._dd.apm_trace_id)
  })
})
