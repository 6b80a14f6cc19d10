import { setTimeout as sleep } from 'node:timers/promises'
import { createLLMObs, type ExportedSpan, type LLMObs, type Span } from '@llmobs/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollectorProcess, type CollectorProcess } from '../helpers/collector-process.js'
import { ensureSdkBuilt, runFixture, spanNamed, waitForTrace } from './context-helpers.js'

// Issue 4, pattern 1 and 2: work that outlives the span that started it, verified at a real collector.
describe('background work that outlives its parent (real collector)', () => {
  let collector: CollectorProcess
  let llmobs: LLMObs
  const warnings: string[] = []

  beforeAll(async () => {
    collector = await startCollectorProcess()
    llmobs = createLLMObs({
      agentUrl: collector.url,
      mode: 'agent-proxy',
      mlApp: 'ctx-background',
      logger: {
        warn: (message: string) => warnings.push(message),
        error: (message: string) => warnings.push(message),
      },
    })
  })
  afterAll(async () => {
    await llmobs.shutdown()
    await collector.stop()
  })

  it('void judge(exported): the judge span is a child of the ended request span, the evaluation joins it', async () => {
    let judged!: Promise<void>
    let parentEndedFirst: boolean | undefined
    async function judge(target: ExportedSpan, parent: Span): Promise<void> {
      await sleep(50)
      parentEndedFirst = parent.ended
      const verdict = await llmobs.trace(
        { kind: 'llm', name: 'judge-llm', modelName: 'judge-4' },
        async () => {
          await sleep(5)
          return 'correct'
        },
      )
      llmobs.submitEvaluation(target, { label: 'correctness', metricType: 'categorical', value: verdict })
      llmobs.annotate({ outputData: 'too late' })
    }
    let request!: ExportedSpan
    await llmobs.trace({ kind: 'llm', name: 'answer', sessionId: 'session-1' }, async (span) => {
      request = llmobs.exportSpan(span)!
      judged = judge(request, span)
      return 'the answer'
    })
    await judged
    await llmobs.flush()
    const trace = await waitForTrace(collector, request.traceId, 2, (t) =>
      t.spans.some((s) => s.evaluations.length > 0),
    )
    const answer = spanNamed(trace, 'answer')
    const judgeSpan = spanNamed(trace, 'judge-llm')
    expect(parentEndedFirst).toBe(true)
    expect(answer.parentId).toBeNull()
    expect(judgeSpan.parentId).toBe(answer.spanId)
    expect(judgeSpan.traceId).toBe(answer.traceId)
    expect(judgeSpan.apmTraceId).toBe(answer.apmTraceId)
    expect(judgeSpan.sessionId).toBe('session-1')
    expect(answer.evaluations).toMatchObject([{ label: 'correctness', value: 'correct' }])
    expect(warnings.join('\n')).toContain(
      "annotate() with no span: the active span 'answer' has already ended (this code outlived it, e.g. a background task); pass the span explicitly: llmobs.annotate(span, { ... })",
    )
  })

  it('a task started after the request returned (timer) is a child of the request span', async () => {
    let followUp!: Promise<void>
    let started!: () => void
    const scheduled = new Promise<void>((resolve) => (started = resolve))
    const requestId = llmobs.trace({ kind: 'workflow', name: 'request' }, (span) => {
      setTimeout(() => {
        followUp = llmobs.trace({ kind: 'task', name: 'follow-up' }, async () => {
          await sleep(5)
          await llmobs.trace({ kind: 'tool', name: 'notify' }, () => sleep(5))
        })
        started()
      }, 30)
      return llmobs.exportSpan(span)!
    })
    await scheduled
    await followUp
    await llmobs.flush()
    const trace = await waitForTrace(collector, requestId.traceId, 3)
    const request = spanNamed(trace, 'request')
    const follow = spanNamed(trace, 'follow-up')
    expect(follow.parentId).toBe(request.spanId)
    expect(spanNamed(trace, 'notify').parentId).toBe(follow.spanId)
    expect(new Set(trace.spans.map((s) => s.traceId))).toEqual(new Set([request.traceId]))
  })

  it('llmobs.background({ name }) + flush({ waitForBackground }): a task span under the origin, nothing lost', async () => {
    let origin!: ExportedSpan
    await llmobs.trace({ kind: 'agent', name: 'support-agent' }, async (span) => {
      origin = llmobs.exportSpan(span)!
      void llmobs.background(
        async () => {
          await sleep(200)
          await llmobs.trace({ kind: 'llm', name: 'grader' }, () => sleep(5))
          llmobs.submitEvaluation(origin, { label: 'helpful', metricType: 'score', value: 0.8 })
          throw new Error('grader quota exceeded')
        },
        { name: 'evaluate' },
      )
    })
    const result = await llmobs.flush({ waitForBackground: true, timeoutMs: 15_000 })
    expect(result.background).toMatchObject({ running: 0 })
    expect(result.background?.failed).toBeGreaterThanOrEqual(1)
    const trace = await waitForTrace(collector, origin.traceId, 3, (t) =>
      t.spans.some((s) => s.evaluations.length > 0),
    )
    const agent = spanNamed(trace, 'support-agent')
    const evaluate = spanNamed(trace, 'evaluate')
    expect(evaluate.kind).toBe('task')
    expect(evaluate.parentId).toBe(agent.spanId)
    expect(evaluate.status).toBe('error')
    expect(spanNamed(trace, 'grader').parentId).toBe(evaluate.spanId)
    expect(agent.evaluations).toMatchObject([{ label: 'helpful', value: 0.8 }])
    expect(warnings.join('\n')).toMatch(/background task 'evaluate' failed; .*Error: grader quota exceeded/)
  })

  it('llmobs.background({ link: true }): a new trace whose root links back to the origin span', async () => {
    let origin!: ExportedSpan
    llmobs.trace({ kind: 'workflow', name: 'upload', sessionId: 'session-2' }, (span) => {
      origin = llmobs.exportSpan(span)!
      void llmobs.background(
        async () => {
          await sleep(20)
          llmobs.trace({ kind: 'embedding', name: 'embed' }, () => 1)
          return llmobs.exportSpan()!
        },
        { name: 'reindex', link: true },
      )
    })
    const result = await llmobs.flush({ waitForBackground: true, timeoutMs: 15_000 })
    expect(result.background?.running).toBe(0)
    const upload = await waitForTrace(collector, origin.traceId, 1)
    expect(upload.spans.map((s) => s.name)).toEqual(['upload'])
    const traces = await collector.waitFor<{
      traces: Array<{ traceId: string; rootName?: string; name?: string }>
    }>('/api/traces?mlApp=ctx-background&limit=100', (t) => t.traces.length > 0)
    let linked: ReturnType<typeof spanNamed> | undefined
    let linkedTrace: Awaited<ReturnType<typeof waitForTrace>> | undefined
    for (const summary of traces.traces) {
      if (summary.traceId === origin.traceId) continue
      const trace = await waitForTrace(collector, summary.traceId, 1)
      if (trace.spans.some((s) => s.name === 'reindex')) {
        linkedTrace = trace
        linked = spanNamed(trace, 'reindex')
      }
    }
    expect(linked).toBeDefined()
    expect(linked?.parentId).toBeNull()
    expect(linked?.traceId).not.toBe(origin.traceId)
    expect(linked?.sessionId).toBe('session-2')
    expect(linked?.links).toEqual([
      expect.objectContaining({
        traceId: origin.traceId,
        spanId: origin.spanId,
        from: 'output',
        to: 'input',
      }),
    ])
    expect(spanNamed(linkedTrace!, 'embed').parentId).toBe(linked?.spanId)
  })

  it('a short-lived process loses nothing: flush({ waitForBackground }) then exit', async () => {
    await ensureSdkBuilt()
    const { result } = await runFixture('short-lived.mjs', [collector.url, 'ctx-short-lived'])
    expect(result.result.background).toEqual({ running: 0, failed: 0, untracked: 0 })
    const trace = await waitForTrace(collector, result.ids.handler.traceId, 3, (t) =>
      t.spans.some((s) => s.evaluations.length > 0),
    )
    const handler = spanNamed(trace, 'handler')
    const evaluate = spanNamed(trace, 'evaluate')
    expect(evaluate.parentId).toBe(handler.spanId)
    expect(spanNamed(trace, 'judge').parentId).toBe(evaluate.spanId)
    expect(handler.evaluations).toMatchObject([{ label: 'verdict', value: 'pass' }])
  })
})
