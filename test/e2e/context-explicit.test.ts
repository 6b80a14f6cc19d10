import { setTimeout as sleep } from 'node:timers/promises'
import { createLLMObs, type ExportedSpan, type LLMObs, type PlainContext, type Span } from '@llmobs/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollectorProcess, type CollectorProcess } from '../helpers/collector-process.js'
import { spanNamed, waitForTrace } from './context-helpers.js'

/** A callback-style client that runs callbacks from its own I/O loop (started outside any span). */
class LegacyClient {
  readonly #pending: Array<() => void> = []
  readonly #loop = setInterval(() => this.#pending.splice(0).forEach((callback) => callback()), 5)

  query(sql: string, callback: (error: Error | null, rows: string[]) => void): void {
    this.#pending.push(() => callback(null, [sql]))
  }

  close(): void {
    clearInterval(this.#loop)
  }
}

// Issue 4, patterns 3 and 6: explicit capture and restore, bound callbacks, explicit parents.
describe('explicit context capture, restore and parents (real collector)', () => {
  let collector: CollectorProcess
  let llmobs: LLMObs
  let client: LegacyClient

  beforeAll(async () => {
    collector = await startCollectorProcess()
    llmobs = createLLMObs({ agentUrl: collector.url, mode: 'agent-proxy', mlApp: 'ctx-explicit' })
    client = new LegacyClient()
  })
  afterAll(async () => {
    client.close()
    await llmobs.shutdown()
    await collector.stop()
  })

  it('captureContext() through a JSON queue message, restored by a consumer in another request', async () => {
    const queue: string[] = []
    const producer = await llmobs.trace(
      { kind: 'agent', name: 'producer', sessionId: 'queue-session' },
      async (span) => {
        await sleep(1)
        queue.push(
          JSON.stringify({ job: 'summarise', ctx: llmobs.captureContext(), target: llmobs.exportSpan(span) }),
        )
        return llmobs.exportSpan(span)!
      },
    )
    // The consumer runs later, under its own span, and handles the message in the producer's context.
    await llmobs.trace({ kind: 'workflow', name: 'consumer-loop' }, async () => {
      await sleep(10)
      const message = JSON.parse(queue.shift()!) as { job: string; ctx: PlainContext; target: ExportedSpan }
      await llmobs.withContext(message.ctx, () =>
        llmobs.trace({ kind: 'task', name: message.job }, async () => {
          await llmobs.trace({ kind: 'llm', name: 'summarise-llm' }, () => sleep(2))
          llmobs.submitEvaluation(message.target, { label: 'queued', metricType: 'boolean', value: true })
        }),
      )
    })
    await llmobs.flush()
    const trace = await waitForTrace(collector, producer.traceId, 3, (t) =>
      t.spans.some((s) => s.evaluations.length > 0),
    )
    const root = spanNamed(trace, 'producer')
    const job = spanNamed(trace, 'summarise')
    expect(job.parentId).toBe(root.spanId)
    expect(job.sessionId).toBe('queue-session')
    expect(job.apmTraceId).toBe(root.apmTraceId)
    expect(job.meta.agent_attribution).toEqual({ pagent_name: 'producer', pagent_span_id: root.spanId })
    expect(spanNamed(trace, 'summarise-llm').parentId).toBe(job.spanId)
    expect(root.evaluations).toMatchObject([{ label: 'queued', value: true }])
    expect(trace.spans.some((s) => s.name === 'consumer-loop')).toBe(false)
  })

  it('llmobs.bind(callback) for a callback API whose callbacks run from its own loop', async () => {
    const results: Array<Promise<unknown>> = []
    const ids: Record<string, ExportedSpan> = {}
    await Promise.all(
      ['req-1', 'req-2'].map((name) =>
        llmobs.trace({ kind: 'workflow', name }, (span) => {
          ids[name] = llmobs.exportSpan(span)!
          return new Promise<void>((resolve) => {
            client.query(
              `select ${name}`,
              llmobs.bind((_error: Error | null, rows: string[]) => {
                results.push(llmobs.trace({ kind: 'task', name: `${name}-rows` }, () => sleep(1)))
                llmobs.annotate({ outputData: rows })
                resolve()
              }),
            )
          })
        }),
      ),
    )
    await Promise.all(results)
    await llmobs.flush()
    for (const name of ['req-1', 'req-2']) {
      const trace = await waitForTrace(collector, ids[name]!.traceId, 2)
      expect(spanNamed(trace, `${name}-rows`).parentId).toBe(spanNamed(trace, name).spanId)
      expect(spanNamed(trace, name).meta.output).toEqual({ value: JSON.stringify([`select ${name}`]) })
    }
  })

  it('startSpan({ parent }) with a span, an exported span or a captured context from another async context', async () => {
    const refs: { span?: Span; exported?: ExportedSpan; captured?: PlainContext } = {}
    await llmobs.trace({ kind: 'workflow', name: 'origin' }, async (span) => {
      await sleep(1)
      refs.span = span
      refs.exported = llmobs.exportSpan(span)!
      refs.captured = JSON.parse(JSON.stringify(llmobs.captureContext())) as PlainContext
    })
    await llmobs.trace({ kind: 'workflow', name: 'unrelated' }, async () => {
      await sleep(5)
      for (const [key, parent] of Object.entries(refs)) {
        const manual = llmobs.startSpan({ kind: 'tool', name: `manual-${key}`, parent })
        await llmobs.trace({ kind: 'task', name: `under-manual-${key}`, parent: manual }, () => sleep(1))
        manual.end()
      }
    })
    await llmobs.flush()
    const trace = await waitForTrace(collector, refs.exported!.traceId, 7)
    const origin = spanNamed(trace, 'origin')
    for (const key of ['span', 'exported', 'captured']) {
      const manual = spanNamed(trace, `manual-${key}`)
      expect(manual.parentId, key).toBe(origin.spanId)
      expect(spanNamed(trace, `under-manual-${key}`).parentId).toBe(manual.spanId)
    }
  })
})
