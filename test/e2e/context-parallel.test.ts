import { AsyncResource } from 'node:async_hooks'
import { EventEmitter, once } from 'node:events'
import { Readable, Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { createLLMObs, type ExportedSpan, type LLMObs } from '@llmobs/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollectorProcess, type CollectorProcess } from '../helpers/collector-process.js'
import { spanNamed, waitForTrace, type TraceView } from './context-helpers.js'

type Job = () => Promise<unknown>

/** A naive concurrency limiter: queued jobs start from the continuation of whichever job finished. */
function naivePool(limit: number): (job: Job) => Promise<unknown> {
  let running = 0
  const queue: Array<() => void> = []
  const next = (): void => {
    if (running >= limit) return
    const start = queue.shift()
    if (start === undefined) return
    running++
    start()
  }
  return (job) =>
    new Promise((resolve, reject) => {
      queue.push(() => {
        job()
          .then(resolve, reject)
          .finally(() => {
            running--
            next()
          })
      })
      next()
    })
}

/** A limiter that binds each job to its submitter's async context, as p-limit does. */
function resourcePool(limit: number): (job: Job) => Promise<unknown> {
  const naive = naivePool(limit)
  return (job) => naive(AsyncResource.bind(job))
}

// Issue 4, pattern 4: parallel work. Every child must have the right parent, at a real collector.
describe('parallel work keeps its parents (real collector)', () => {
  let collector: CollectorProcess
  let llmobs: LLMObs

  beforeAll(async () => {
    collector = await startCollectorProcess()
    llmobs = createLLMObs({ agentUrl: collector.url, mode: 'agent-proxy', mlApp: 'ctx-parallel' })
  })
  afterAll(async () => {
    await llmobs.shutdown()
    await collector.stop()
  })

  async function collect(traceId: string, count: number): Promise<TraceView> {
    await llmobs.flush()
    const trace = await waitForTrace(collector, traceId, count)
    expect(trace.spans).toHaveLength(count)
    expect(new Set(trace.spans.map((s) => s.traceId)).size).toBe(1)
    return trace
  }

  const leaf = (name: string, ms = 5): Promise<void> =>
    llmobs.trace({ kind: 'tool', name }, async () => {
      await sleep(ms)
    })

  it('Promise.all / allSettled / race fan-out', async () => {
    const root = await llmobs.trace({ kind: 'workflow', name: 'fan-out' }, async (span) => {
      await Promise.all(
        ['all-a', 'all-b', 'all-c'].map((name) =>
          llmobs.trace({ kind: 'task', name }, async () => {
            await sleep(3)
            await leaf(`${name}-leaf`)
          }),
        ),
      )
      await Promise.allSettled([
        leaf('settled-ok'),
        llmobs.trace({ kind: 'task', name: 'settled-fail' }, async () => {
          await sleep(2)
          throw new Error('no')
        }),
      ])
      const slow = leaf('race-loser', 60)
      await Promise.race([leaf('race-winner', 1), slow])
      await slow
      return llmobs.exportSpan(span)!
    })
    const trace = await collect(root.traceId, 11)
    const parent = spanNamed(trace, 'fan-out')
    for (const name of [
      'all-a',
      'all-b',
      'all-c',
      'settled-ok',
      'settled-fail',
      'race-winner',
      'race-loser',
    ]) {
      expect(spanNamed(trace, name).parentId, name).toBe(parent.spanId)
    }
    for (const name of ['all-a', 'all-b', 'all-c']) {
      expect(spanNamed(trace, `${name}-leaf`).parentId).toBe(spanNamed(trace, name).spanId)
    }
    expect(spanNamed(trace, 'settled-fail').status).toBe('error')
  })

  it('concurrency-limited pools: a context-binding pool, and a naive pool with llmobs.bind', async () => {
    const bound = resourcePool(1)
    const naive = naivePool(1)
    const ids: Record<string, ExportedSpan> = {}
    const work: Array<Promise<unknown>> = []
    for (const request of ['req-a', 'req-b', 'req-c']) {
      llmobs.trace({ kind: 'workflow', name: request }, (span) => {
        ids[request] = llmobs.exportSpan(span)!
        work.push(bound(() => leaf(`${request}-pooled`)))
        work.push(naive(llmobs.bind(() => leaf(`${request}-bound`))))
      })
    }
    await Promise.all(work)
    await llmobs.flush()
    for (const request of ['req-a', 'req-b', 'req-c']) {
      const trace = await waitForTrace(collector, ids[request]!.traceId, 3)
      const parent = spanNamed(trace, request)
      expect(spanNamed(trace, `${request}-pooled`).parentId).toBe(parent.spanId)
      expect(spanNamed(trace, `${request}-bound`).parentId).toBe(parent.spanId)
    }
  })

  it('setTimeout, setImmediate, queueMicrotask, process.nextTick, setInterval, thenables', async () => {
    // Callbacks queued here are run by a timer started outside any span.
    const loop: Array<() => void> = []
    const drain = setInterval(() => loop.splice(0).forEach((callback) => callback()), 2)
    const scheduled: Array<Promise<unknown>> = []
    const defer = (schedule: (run: () => void) => void, name: string): void => {
      scheduled.push(new Promise<void>((resolve) => schedule(() => void leaf(name).then(resolve))))
    }
    const root = llmobs.trace({ kind: 'workflow', name: 'schedulers' }, (span) => {
      defer((run) => setTimeout(run, 10), 'timeout')
      defer((run) => setImmediate(run), 'immediate')
      // A thenable (not a promise) settled from a timer of its own: awaiting it resumes in the span.
      scheduled.push(
        (async () => {
          await { then: (resolve: () => void) => void loop.push(resolve) }
          await leaf('after-thenable')
        })(),
      )
      defer((run) => queueMicrotask(run), 'microtask')
      defer((run) => process.nextTick(run), 'next-tick')
      defer(
        (run) =>
          setInterval(function tick(this: NodeJS.Timeout) {
            clearInterval(this)
            run()
          }, 5),
        'interval',
      )
      return llmobs.exportSpan(span)!
    })
    await Promise.all(scheduled)
    clearInterval(drain)
    const trace = await collect(root.traceId, 7)
    const parent = spanNamed(trace, 'schedulers')
    for (const name of ['timeout', 'immediate', 'microtask', 'next-tick', 'interval', 'after-thenable']) {
      expect(spanNamed(trace, name).parentId, name).toBe(parent.spanId)
    }
  })

  it('EventEmitter callbacks: emitted in the span, and emitted from elsewhere with bindEmitter', async () => {
    const shared = new EventEmitter() // e.g. a pooled connection, created outside any span
    const local = new EventEmitter()
    const done: Array<Promise<unknown>> = []
    const root = llmobs.trace({ kind: 'workflow', name: 'events' }, (span) => {
      llmobs.bindEmitter(shared)
      shared.on('row', (n: number) => done.push(leaf(`row-${n}`)))
      local.on('ready', () => done.push(leaf('local-ready')))
      local.emit('ready')
      return llmobs.exportSpan(span)!
    })
    // Another request's code emits on the shared emitter.
    await llmobs.trace({ kind: 'workflow', name: 'other-request' }, async () => {
      await sleep(1)
      shared.emit('row', 1)
      shared.emit('row', 2)
    })
    await Promise.all(done)
    const trace = await collect(root.traceId, 4)
    const parent = spanNamed(trace, 'events')
    for (const name of ['row-1', 'row-2', 'local-ready'])
      expect(spanNamed(trace, name).parentId).toBe(parent.spanId)
  })

  it('Node streams and pipeline, and a stream that outlives its caller', async () => {
    const root = await llmobs.trace({ kind: 'workflow', name: 'streams' }, async (span) => {
      await pipeline(
        Readable.from(['a', 'b']),
        new Transform({
          objectMode: true,
          transform(chunk: string, _encoding, callback) {
            leaf(`transform-${chunk}`).then(() => callback(null, chunk.toUpperCase()), callback)
          },
        }),
        new Writable({
          objectMode: true,
          write(chunk: string, _encoding, callback) {
            leaf(`write-${chunk}`).then(() => callback(), callback)
          },
        }),
      )
      return llmobs.exportSpan(span)!
    })
    const trace = await collect(root.traceId, 5)
    const parent = spanNamed(trace, 'streams')
    for (const name of ['transform-a', 'transform-b', 'write-A', 'write-B']) {
      expect(spanNamed(trace, name).parentId, name).toBe(parent.spanId)
    }

    // The stream's span stays open until it is consumed, later, from another request's span.
    let producer!: ExportedSpan
    const stream = llmobs.trace({ kind: 'llm', name: 'stream-producer' }, (span) => {
      producer = llmobs.exportSpan(span)!
      let n = 0
      return new Readable({
        objectMode: true,
        read() {
          n++
          if (n > 2) {
            this.push(null)
            return
          }
          void leaf(`chunk-${n}`, 1).then(() => this.push(`chunk-${n}`))
        },
      })
    })
    await sleep(20)
    let consumer!: ExportedSpan
    await llmobs.trace({ kind: 'workflow', name: 'stream-consumer' }, async (span) => {
      consumer = llmobs.exportSpan(span)!
      // 'data' is emitted from the producer's side: bound, the handler runs in the consumer's span.
      llmobs.bindEmitter(stream)
      stream.on('data', (chunk: string) => void llmobs.trace({ kind: 'task', name: `on-${chunk}` }, () => 1))
      await once(stream, 'end')
    })
    const streamed = await collect(producer.traceId, 3)
    const producerSpan = spanNamed(streamed, 'stream-producer')
    expect(spanNamed(streamed, 'chunk-1').parentId).toBe(producerSpan.spanId)
    expect(spanNamed(streamed, 'chunk-2').parentId).toBe(producerSpan.spanId)
    const consumed = await collect(consumer.traceId, 3)
    expect(spanNamed(consumed, 'on-chunk-1').parentId).toBe(consumer.spanId)
    expect(spanNamed(consumed, 'on-chunk-2').parentId).toBe(consumer.spanId)
  })

  it('an async generator consumed elsewhere, after its caller returned', async () => {
    async function* produce(): AsyncGenerator<string> {
      for (const item of ['x', 'y']) {
        await leaf(`produce-${item}`, 1)
        yield item
      }
    }
    let producer!: ExportedSpan
    const generator = llmobs.trace({ kind: 'workflow', name: 'generator' }, (span) => {
      producer = llmobs.exportSpan(span)!
      return produce()
    })
    await sleep(5)
    let consumer!: ExportedSpan
    await llmobs.trace({ kind: 'workflow', name: 'consumer' }, async (span) => {
      consumer = llmobs.exportSpan(span)!
      for await (const item of generator) await leaf(`consume-${item}`, 1)
    })
    const produced = await collect(producer.traceId, 3)
    const generatorSpan = spanNamed(produced, 'generator')
    expect(spanNamed(produced, 'produce-x').parentId).toBe(generatorSpan.spanId)
    expect(spanNamed(produced, 'produce-y').parentId).toBe(generatorSpan.spanId)
    const consumed = await collect(consumer.traceId, 3)
    expect(spanNamed(consumed, 'consume-x').parentId).toBe(consumer.spanId)

    // Untraced: a generator created in a span and bound there keeps producing under that span.
    let creator!: ExportedSpan
    const bound = llmobs.trace({ kind: 'agent', name: 'creator' }, (span) => {
      creator = llmobs.exportSpan(span)!
      return llmobs.bind(produce())
    })
    await llmobs.trace({ kind: 'workflow', name: 'other-consumer' }, async () => {
      for await (const item of bound) await leaf(`used-${item}`, 1)
    })
    const created = await collect(creator.traceId, 3)
    expect(spanNamed(created, 'produce-x').parentId).toBe(creator.spanId)
    expect(spanNamed(created, 'produce-y').parentId).toBe(creator.spanId)
  })
})
