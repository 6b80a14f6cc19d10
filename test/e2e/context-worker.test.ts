import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { createLLMObs, type ExportedSpan, type LLMObs, type PlainContext } from '@llmobs/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollectorProcess, type CollectorProcess } from '../helpers/collector-process.js'
import { ensureSdkBuilt, FIXTURES, spanNamed, waitForTrace } from './context-helpers.js'

/**
 * The worker's first message and its exit, both listened to from the start: on Node 24 'exit' can be
 * emitted before a message posted just before it is delivered. Fails (instead of hanging) when the
 * worker errors, or exits without answering.
 */
function watch<T>(worker: Worker): { message: Promise<T>; exit: Promise<number> } {
  const exit = new Promise<number>((resolve) => worker.once('exit', resolve))
  const message = new Promise<T>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
    void exit.then((code) =>
      setTimeout(() => reject(new Error(`worker exited (${code}) without answering`)), 1000).unref(),
    )
  })
  return { message, exit }
}

// Issue 4, pattern 5: worker threads, each with its own SDK instance (the built SDK).
describe('worker threads continue the main thread trace (real collector)', () => {
  let collector: CollectorProcess
  let llmobs: LLMObs

  beforeAll(async () => {
    await ensureSdkBuilt()
    collector = await startCollectorProcess()
    llmobs = createLLMObs({ agentUrl: collector.url, mode: 'agent-proxy', mlApp: 'ctx-worker' })
  }, 240_000)
  afterAll(async () => {
    await llmobs.shutdown()
    await collector.stop()
  })

  it('workerData: llmobs.workerData(...) + llmobs.runInWorker: children of the main span, flushed before exit', async () => {
    let request!: ExportedSpan
    const { worker, answer } = await llmobs.trace(
      { kind: 'workflow', name: 'request', sessionId: 'w-session' },
      async (span) => {
        request = llmobs.exportSpan(span)!
        const worker = new Worker(join(FIXTURES, 'worker-judge.mjs'), {
          workerData: llmobs.workerData({ answer: 'forty-two', target: request }),
        })
        const watched = watch<{ verdict: string; span: ExportedSpan; context: PlainContext }>(worker)
        return { worker: watched, answer: await watched.message }
      },
    )
    const exitCode = await worker.exit
    expect(exitCode).toBe(0)
    expect(answer.verdict).toBe('pass')
    // A manual span in the main thread whose parent is a span of the (exited) worker.
    llmobs.startSpan({ kind: 'task', name: 'after-worker', parent: answer.context }).end()
    await llmobs.flush()
    // Everything the worker sent was flushed before it exited: no waiting beyond the collector's commit.
    const trace = await waitForTrace(
      collector,
      request.traceId,
      4,
      (t) => t.spans.some((s) => s.evaluations.length > 0),
      5_000,
    )
    const root = spanNamed(trace, 'request')
    const judge = spanNamed(trace, 'worker-judge')
    expect(judge.spanId).toBe(answer.span.spanId)
    expect(judge.parentId).toBe(root.spanId)
    expect(judge.traceId).toBe(root.traceId)
    expect(judge.apmTraceId).toBe(root.apmTraceId)
    expect(judge.sessionId).toBe('w-session')
    expect(judge.mlApp).toBe('ctx-worker')
    expect(spanNamed(trace, 'worker-background').parentId).toBe(root.spanId)
    expect(spanNamed(trace, 'after-worker').parentId).toBe(judge.spanId)
    expect(root.evaluations).toMatchObject([{ label: 'worker-verdict', value: 'pass' }])
  })

  it('postMessage: a pool worker handles each job under the context captured with it', async () => {
    const worker = new Worker(join(FIXTURES, 'worker-pool.mjs'), { workerData: llmobs.workerData() })
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve))
    const replies = new Map<number, ExportedSpan>()
    worker.on('message', (reply: { id: number; span: ExportedSpan }) => replies.set(reply.id, reply.span))
    const requests: ExportedSpan[] = []
    for (const id of [1, 2]) {
      await llmobs.trace({ kind: 'agent', name: `pool-request-${id}` }, async (span) => {
        requests.push(llmobs.exportSpan(span)!)
        worker.postMessage({ id, ctx: llmobs.captureContext() })
        while (!replies.has(id)) await new Promise((resolve) => setTimeout(resolve, 5))
      })
    }
    worker.postMessage({ type: 'close' })
    const exitCode = await exited
    expect(exitCode).toBe(0)
    await llmobs.flush()
    for (const [index, request] of requests.entries()) {
      const id = index + 1
      const trace = await waitForTrace(collector, request.traceId, 2, () => true, 5_000)
      const job = spanNamed(trace, `pool-job-${id}`)
      expect(job.spanId).toBe(replies.get(id)?.spanId)
      expect(job.parentId).toBe(spanNamed(trace, `pool-request-${id}`).spanId)
      expect(job.meta.agent_attribution).toEqual({
        pagent_name: `pool-request-${id}`,
        pagent_span_id: request.spanId,
      })
    }
  })
})
