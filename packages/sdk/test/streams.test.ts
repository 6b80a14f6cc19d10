import { PassThrough, Readable, Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { setup, tick, waitFor } from './support.js'

describe('trace(): async iterables, generators and streams', () => {
  it('keeps an async generator object and ends the span when iteration finishes', async () => {
    const { llmobs, exporter } = setup()
    async function* tokens() {
      yield 'a'
      await tick()
      yield 'b'
    }
    const generator = tokens()
    const returned = llmobs.trace({ kind: 'llm', name: 'stream' }, () => generator)
    expect(returned).toBe(generator)
    await tick()
    expect(exporter.findSpan('stream')).toBeUndefined()
    const seen: string[] = []
    for await (const token of returned) seen.push(token)
    expect(seen).toEqual(['a', 'b'])
    expect(exporter.findSpan('stream')?.status).toBe('ok')
  })

  it('ends the span when the consumer breaks out (abandoned), and runs the generator cleanup', async () => {
    const { llmobs, exporter } = setup()
    let cleanedUp = false
    const generator = llmobs.trace({ kind: 'workflow', name: 'abandoned' }, async function* () {
      try {
        yield 1
        yield 2
      } finally {
        cleanedUp = true
      }
    })
    for await (const value of generator) {
      expect(value).toBe(1)
      break
    }
    expect(cleanedUp).toBe(true)
    expect(exporter.findSpan('abandoned')?.status).toBe('ok')
  })

  it('marks the span when iteration fails, and the consumer sees the same error', async () => {
    const { llmobs, exporter } = setup()
    const error = new Error('stream broke')
    const generator = llmobs.trace({ kind: 'llm', name: 'broken' }, async function* () {
      yield 1
      throw error
    })
    const consume = async () => {
      for await (const _ of generator) {
        // drain
      }
    }
    await expect(consume()).rejects.toBe(error)
    expect(exporter.findSpan('broken')?.meta['error.message']).toBe('stream broke')
  })

  it('runs the generator body in the span context: spans created inside are its children', async () => {
    const { llmobs, exporter } = setup()
    const generator = llmobs.trace({ kind: 'agent', name: 'gen-parent' }, async function* () {
      await tick()
      yield await llmobs.trace({ kind: 'tool', name: 'inside' }, async () => 'x')
    })
    // Iterated from outside any span.
    for await (const _ of generator) {
      // drain
    }
    const parent = exporter.findSpan('gen-parent')!
    expect(exporter.findSpan('inside')?.parent_id).toBe(parent.span_id)
  })

  it('follows custom async iterables whose iterator is a separate object', async () => {
    const { llmobs, exporter } = setup()
    const iterable = {
      [Symbol.asyncIterator]() {
        let i = 0
        return {
          next: async () => (i < 2 ? { done: false, value: i++ } : { done: true, value: undefined }),
        }
      },
    }
    const returned = llmobs.trace({ kind: 'task', name: 'custom-iterable' }, () => iterable)
    expect(returned).toBe(iterable)
    const values: number[] = []
    for await (const value of returned) values.push(value as number)
    expect(values).toEqual([0, 1])
    expect(exporter.findSpan('custom-iterable')).toBeDefined()
  })

  it('follows a promise that resolves to a stream (await client.create({ stream: true }))', async () => {
    const { llmobs, exporter } = setup()
    async function* chunks() {
      yield 'x'
    }
    const stream = await llmobs.trace({ kind: 'llm', name: 'awaited-stream' }, async () => chunks())
    await tick()
    expect(exporter.findSpan('awaited-stream')).toBeUndefined()
    for await (const _ of stream) {
      // drain
    }
    expect(exporter.findSpan('awaited-stream')).toBeDefined()
  })

  it('follows sync generators', () => {
    const { llmobs, exporter } = setup()
    const generator = llmobs.trace({ kind: 'task', name: 'sync-gen' }, function* () {
      yield 1
      yield 2
    })
    expect(exporter.findSpan('sync-gen')).toBeUndefined()
    expect([...generator]).toEqual([1, 2])
    expect(exporter.findSpan('sync-gen')).toBeDefined()
  })

  it('keeps a Node Readable and ends the span on end', async () => {
    const { llmobs, exporter } = setup()
    const readable = Readable.from(['a', 'b'])
    const returned = llmobs.trace({ kind: 'retrieval', name: 'readable' }, () => readable)
    expect(returned).toBe(readable)
    const chunks: string[] = []
    for await (const chunk of returned) chunks.push(chunk as string)
    expect(chunks).toEqual(['a', 'b'])
    await waitFor(() => exporter.findSpan('readable') !== undefined)
    expect(exporter.findSpan('readable')?.status).toBe('ok')
  })

  it('marks a stream error without swallowing it: listeners still get the same error', async () => {
    const { llmobs, exporter } = setup()
    const stream = new PassThrough()
    llmobs.trace({ kind: 'task', name: 'erroring' }, () => stream)
    const error = new Error('socket hang up')
    const received = new Promise((resolve) => stream.on('error', resolve))
    stream.destroy(error)
    expect(await received).toBe(error)
    await waitFor(() => exporter.findSpan('erroring') !== undefined)
    expect(exporter.findSpan('erroring')?.meta['error.message']).toBe('socket hang up')
  })

  it('does not handle stream errors for the user: without a listener, emit("error") still throws', () => {
    const { llmobs, exporter } = setup()
    const stream = new PassThrough()
    llmobs.trace({ kind: 'task', name: 'unhandled' }, () => stream)
    const error = new Error('nobody listens')
    expect(() => stream.emit('error', error)).toThrow(error)
    expect(exporter.findSpan('unhandled')?.meta['error.message']).toBe('nobody listens')
  })

  it('ends the span without error when a stream is destroyed before its end', async () => {
    const { llmobs, exporter } = setup()
    const stream = new PassThrough()
    llmobs.trace({ kind: 'task', name: 'destroyed' }, () => stream)
    stream.destroy()
    await waitFor(() => exporter.findSpan('destroyed') !== undefined)
    expect(exporter.findSpan('destroyed')?.status).toBe('ok')
  })

  it('ends on finish for writables, and at once for a stream that already ended', async () => {
    const { llmobs, exporter } = setup()
    const sink = new Writable({ write: (_chunk, _enc, cb) => cb() })
    llmobs.trace({ kind: 'task', name: 'writable' }, () => sink)
    sink.end('last')
    await waitFor(() => exporter.findSpan('writable') !== undefined)
    const done = new PassThrough()
    done.destroy()
    llmobs.trace({ kind: 'task', name: 'already-done' }, () => done)
    expect(exporter.findSpan('already-done')).toBeDefined()
  })
})
