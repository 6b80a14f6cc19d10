import { describe, expect, it } from 'vitest'
import { setup, tick } from './support.js'

describe('trace(): results and errors', () => {
  it('returns the function result unchanged (same object) and ends the span', () => {
    const { llmobs, exporter } = setup()
    const result = { big: 'object' }
    const returned = llmobs.trace({ kind: 'task', name: 'sync' }, () => result)
    expect(returned).toBe(result)
    expect(exporter.findSpan('sync')?.status).toBe('ok')
    expect(llmobs.trace({ kind: 'task' }, () => 7)).toBe(7)
    expect(llmobs.trace({ kind: 'task' }, () => undefined)).toBeUndefined()
  })

  it('names the span after the option, then the function, then the kind', () => {
    const { llmobs, exporter } = setup()
    llmobs.trace({ kind: 'tool', name: 'explicit' }, () => 1)
    llmobs.trace({ kind: 'tool' }, function namedFn() {
      return 1
    })
    llmobs.trace({ kind: 'tool' }, () => 1)
    expect(exporter.events.map((e) => e.name)).toEqual(['explicit', 'namedFn', 'tool'])
  })

  it('rethrows the same error object with its stack, and marks the span', () => {
    const { llmobs, exporter } = setup()
    const error = new TypeError('boom')
    const stack = error.stack
    let caught: unknown
    try {
      llmobs.trace({ kind: 'task', name: 'failing' }, () => {
        throw error
      })
    } catch (e) {
      caught = e
    }
    expect(caught).toBe(error)
    expect((caught as Error).stack).toBe(stack)
    const event = exporter.findSpan('failing')
    expect(event?.status).toBe('error')
    expect(event?.meta['error.message']).toBe('boom')
    expect(event?.meta['error.type']).toBe('TypeError')
    expect(event?.meta['error.stack']).toBe(stack)
    expect(event?.tags).toContain('error:1')
    expect(event?.tags).toContain('error_type:TypeError')
  })

  it('handles non-Error throws', () => {
    const { llmobs, exporter } = setup()
    expect(() =>
      llmobs.trace({ kind: 'task', name: 'str' }, () => {
        throw 'plain string'
      }),
    ).toThrow('plain string')
    const event = exporter.findSpan('str')
    expect(event?.meta['error.message']).toBe('plain string')
    expect(event?.meta['error.type']).toBe('string')
  })

  it('returns the same promise, ends the span when it resolves', async () => {
    const { llmobs, exporter } = setup()
    let resolve!: (value: string) => void
    const promise = new Promise<string>((r) => (resolve = r))
    const returned = llmobs.trace({ kind: 'task', name: 'async' }, () => promise)
    expect(returned).toBe(promise)
    await tick()
    expect(exporter.findSpan('async')).toBeUndefined()
    resolve('done')
    expect(await returned).toBe('done')
    await tick()
    expect(exporter.findSpan('async')?.status).toBe('ok')
  })

  it('marks a rejection and lets the same error reach the caller', async () => {
    const { llmobs, exporter } = setup()
    const error = new RangeError('late')
    const returned = llmobs.trace({ kind: 'task', name: 'rejecting' }, async () => {
      await tick()
      throw error
    })
    await expect(returned).rejects.toBe(error)
    await tick()
    expect(exporter.findSpan('rejecting')?.meta['error.type']).toBe('RangeError')
  })

  it('does not run a lazy thenable itself: it ends when the caller awaits it', async () => {
    const { llmobs, exporter } = setup()
    let executions = 0
    const query = {
      then(onFulfilled: (rows: string[]) => unknown, onRejected?: (e: unknown) => unknown) {
        executions++
        return Promise.resolve(['row']).then(onFulfilled, onRejected)
      },
    }
    const returned = llmobs.trace({ kind: 'retrieval', name: 'lazy' }, () => query)
    expect(returned).toBe(query)
    await tick()
    expect(executions).toBe(0)
    expect(exporter.findSpan('lazy')).toBeUndefined()
    expect(await returned).toEqual(['row'])
    expect(executions).toBe(1)
    expect(exporter.findSpan('lazy')?.status).toBe('ok')
  })

  it('ends the span at once for frozen thenables and iterables it cannot follow', async () => {
    const { llmobs, exporter, errors } = setup()
    const thenable = Object.freeze({ then: (resolve: (v: number) => void) => resolve(5) })
    expect(llmobs.trace({ kind: 'task', name: 'frozen-thenable' }, () => thenable)).toBe(thenable)
    const iterable = Object.freeze({ [Symbol.asyncIterator]: async function* () {} })
    expect(llmobs.trace({ kind: 'task', name: 'frozen-iterable' }, () => iterable)).toBe(iterable)
    expect(exporter.events.map((e) => e.name)).toEqual(['frozen-thenable', 'frozen-iterable'])
    expect(await thenable).toBe(5)
    expect(errors()).toEqual([])
  })

  it('a span ended by the user inside the callback is exported once', async () => {
    const { llmobs, exporter, debugs } = setup()
    await llmobs.trace({ kind: 'task', name: 'manual' }, async (span) => {
      span.end()
      await tick()
    })
    expect(exporter.findSpans('manual')).toHaveLength(1)
    expect(debugs().some((m) => m.includes("span 'manual' ended twice"))).toBe(false)
  })

  it('records start and duration as integer epoch nanoseconds', async () => {
    const { llmobs, exporter } = setup()
    const before = Date.now()
    await llmobs.trace(
      { kind: 'task', name: 'timed' },
      () => new Promise((resolve) => setTimeout(resolve, 20)),
    )
    const event = exporter.findSpan('timed')!
    expect(Number.isInteger(event.start_ns)).toBe(true)
    expect(Number.isInteger(event.duration)).toBe(true)
    expect(event.start_ns / 1e6).toBeGreaterThanOrEqual(before - 50)
    expect(event.duration).toBeGreaterThanOrEqual(15_000_000)
  })
})
