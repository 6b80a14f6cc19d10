import { LLMObsError, createLLMObs } from '@llmobs/sdk'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BackgroundTasks } from '../../src/background/background-tasks.js'
import { setup, tick, waitFor } from '../support.js'

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason)
}
beforeEach(() => {
  unhandled.length = 0
  process.on('unhandledRejection', onUnhandled)
})
afterEach(() => {
  process.off('unhandledRejection', onUnhandled)
})

describe('llmobs.background()', () => {
  it('runs after the caller returned, in its context: spans are children of the ended origin', async () => {
    const { llmobs, exporter } = setup()
    const order: string[] = []
    let task!: Promise<unknown>
    llmobs.trace({ kind: 'workflow', name: 'request', sessionId: 's-1' }, () => {
      task = llmobs.background(() => {
        order.push('background')
        return llmobs.trace({ kind: 'llm', name: 'judge' }, () => 'yes')
      })
      order.push('caller')
    })
    expect(order).toEqual(['caller'])
    expect(exporter.findSpan('request')).toBeDefined()
    expect(await task).toEqual({ status: 'fulfilled', value: 'yes' })
    const request = exporter.findSpan('request')!
    const judge = exporter.findSpan('judge')!
    expect(judge.parent_id).toBe(request.span_id)
    expect(judge.trace_id).toBe(request.trace_id)
    expect(judge._dd.apm_trace_id).toBe(request._dd.apm_trace_id)
    expect(judge.session_id).toBe('s-1')
    // No wrapping span without a name.
    expect(exporter.events).toHaveLength(2)
  })

  it('with a name, wraps the work in a task span under the origin', async () => {
    const { llmobs, exporter } = setup()
    let task!: Promise<unknown>
    llmobs.trace({ kind: 'agent', name: 'origin' }, () => {
      task = llmobs.background(() => llmobs.trace({ kind: 'tool', name: 'inner' }, () => 1), {
        name: 'judge',
      })
    })
    await task
    const origin = exporter.findSpan('origin')!
    const wrapper = exporter.findSpan('judge')!
    expect(wrapper.meta['span.kind']).toBe('task')
    expect(wrapper.parent_id).toBe(origin.span_id)
    expect(exporter.findSpan('inner')?.parent_id).toBe(wrapper.span_id)
    expect(wrapper.meta.agent_attribution).toEqual({ pagent_name: 'origin', pagent_span_id: origin.span_id })
  })

  it('with link: true, starts a new trace whose root links back to the origin span', async () => {
    const { llmobs, exporter } = setup()
    let task!: Promise<unknown>
    llmobs.trace({ kind: 'workflow', name: 'request', mlApp: 'app-x', sessionId: 's-9' }, () => {
      task = llmobs.background(
        async function reindex() {
          await tick()
          llmobs.trace({ kind: 'task', name: 'step' }, () => 1)
        },
        { link: true },
      )
    })
    await task
    const request = exporter.findSpan('request')!
    const root = exporter.findSpan('reindex')!
    expect(root.parent_id).toBe('undefined')
    expect(root.trace_id).not.toBe(request.trace_id)
    expect(root._dd.apm_trace_id).not.toBe(request._dd.apm_trace_id)
    expect(root.span_links).toEqual([
      { trace_id: request.trace_id, span_id: request.span_id, attributes: { from: 'output', to: 'input' } },
    ])
    expect(root.session_id).toBe('s-9')
    expect(root.tags).toContain('ml_app:app-x')
    const step = exporter.findSpan('step')!
    expect(step.parent_id).toBe(root.span_id)
    expect(step.trace_id).toBe(root.trace_id)
  })

  it('catches a rejection or throw, reports it, marks the span, and never raises unhandledRejection', async () => {
    const { llmobs, exporter, errors } = setup()
    let rejected!: Promise<unknown>
    let thrown!: Promise<unknown>
    llmobs.trace({ kind: 'workflow', name: 'origin' }, () => {
      rejected = llmobs.background(
        async () => {
          await tick()
          throw new RangeError('judge failed')
        },
        { name: 'judge' },
      )
      thrown = llmobs.background(function syncFailure() {
        throw new TypeError('sync')
      })
    })
    const outcome = (await rejected) as { status: string; reason: Error }
    expect(outcome.status).toBe('rejected')
    expect(outcome.reason).toBeInstanceOf(RangeError)
    expect(((await thrown) as { reason: Error }).reason.message).toBe('sync')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(unhandled).toEqual([])
    const judge = exporter.findSpan('judge')!
    expect(judge.status).toBe('error')
    expect(judge.meta['error.type']).toBe('RangeError')
    expect(errors().sort()).toEqual([
      expect.stringMatching(/^background task 'judge' failed; .*: RangeError: judge failed$/),
      expect.stringMatching(/^background task 'syncFailure' failed; .*: TypeError: sync$/),
    ])
  })

  it('flush({ waitForBackground }) waits for running tasks and those they start, then flushes', async () => {
    const { llmobs, exporter } = setup()
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    llmobs.trace({ kind: 'workflow', name: 'handler' }, () => {
      void llmobs.background(async () => {
        await gate
        void llmobs.background(async () => {
          await tick()
          llmobs.trace({ kind: 'task', name: 'nested' }, () => 1)
        })
        llmobs.trace({ kind: 'llm', name: 'slow' }, () => 1)
      })
    })
    const flushing = llmobs.flush({ waitForBackground: true, timeoutMs: 10_000 })
    await tick()
    expect(exporter.findSpan('slow')).toBeUndefined()
    release()
    const result = await flushing
    expect(result.background).toEqual({ running: 0, failed: 0, untracked: 0 })
    expect(exporter.findSpan('slow')?.parent_id).toBe(exporter.findSpan('handler')?.span_id)
    expect(exporter.findSpan('nested')?.parent_id).toBe(exporter.findSpan('handler')?.span_id)
  })

  it('gives up waiting after timeoutMs and says how many tasks are still running', async () => {
    const { llmobs, warnings } = setup()
    void llmobs.background(() => new Promise(() => undefined))
    const started = Date.now()
    const result = await llmobs.flush({ waitForBackground: true, timeoutMs: 50 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(45)
    expect(result.background?.running).toBe(1)
    expect(warnings().join('\n')).toMatch(/gave up after 50 ms with 1 background task\(s\) still running/)
    // A plain flush does not wait and reports nothing about background work.
    expect((await llmobs.flush()).background).toBeUndefined()
  })

  it('shutdown({ waitForBackground }) waits too, then stops the instance', async () => {
    const { llmobs, exporter } = setup()
    llmobs.trace({ kind: 'workflow', name: 'last-request' }, () => {
      void llmobs.background(async () => {
        await new Promise((resolve) => setTimeout(resolve, 30))
        llmobs.trace({ kind: 'task', name: 'late-work' }, () => 1)
      })
    })
    const result = await llmobs.shutdown({ waitForBackground: true, timeoutMs: 10_000 })
    expect(result.background).toEqual({ running: 0, failed: 0, untracked: 0 })
    expect(result.spans.sent).toBe(2)
    expect(exporter.findSpan('late-work')?.parent_id).toBe(exporter.findSpan('last-request')?.span_id)
    expect(llmobs.enabled).toBe(false)
  })

  it('annotate() without a span, after the origin ended, says to pass the span explicitly', async () => {
    const { llmobs, exporter, warnings } = setup()
    let task!: Promise<unknown>
    llmobs.trace({ kind: 'workflow', name: 'request' }, () => {
      task = llmobs.background(() => llmobs.annotate({ outputData: 'late' }))
    })
    await task
    expect(warnings()).toEqual([
      "annotate() with no span: the active span 'request' has already ended (this code outlived it, e.g. a background task); pass the span explicitly: llmobs.annotate(span, { ... }), with a span that is still open. The annotation was dropped. [annotate_ended_span]",
    ])
    expect(exporter.findSpan('request')?.meta.output).toEqual({})
  })

  it('outside any span, the work has no parent; uninitialised, it still runs', async () => {
    const { llmobs, exporter } = setup()
    await llmobs.background(() => llmobs.trace({ kind: 'task', name: 'alone' }, () => 1))
    expect(exporter.findSpan('alone')?.parent_id).toBe('undefined')
    const off = createLLMObs({ mlApp: 'x', exporter: exporter })
    await off.shutdown()
    expect(await off.background(() => 42)).toEqual({ status: 'fulfilled', value: 42 })
  })

  it('reports misuse; strict throws in the caller', async () => {
    const { llmobs, warnings } = setup()
    const outcome = await llmobs.background('nope' as never)
    expect(outcome.status).toBe('rejected')
    await llmobs.background(() => 1, { name: 3 as never, link: 'yes' as never, kind: 'bogus' as never })
    expect(warnings().map((w) => /\[(\w+)\]$/.exec(w)?.[1])).toEqual([
      'invalid_callback',
      'invalid_background_options',
      'invalid_background_options',
      'invalid_background_options',
    ])
    const strict = setup({ strict: true })
    expect(() => strict.llmobs.background(null as never)).toThrow(LLMObsError)
  })
})

describe('BackgroundTasks', () => {
  it('tracks at most maxTracked running tasks and counts the rest', async () => {
    const tasks = new BackgroundTasks(2)
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    expect(tasks.track(gate)).toBe(true)
    expect(tasks.track(gate.then(() => 1))).toBe(true)
    expect(tasks.track(gate.then(() => 2))).toBe(false)
    expect(tasks.counts()).toEqual({ running: 2, failed: 0, untracked: 1 })
    release()
    await waitFor(() => tasks.size === 0)
    expect(tasks.track(Promise.resolve())).toBe(true)
    expect(await tasks.settle(1000)).toEqual({ running: 0, failed: 0, untracked: 1 })
  })
})
