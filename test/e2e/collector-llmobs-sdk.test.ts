import { createLLMObs } from '@llmobs/sdk'
import type { ExportMode, LLMObs, LLMObsOptions } from '@llmobs/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'

interface SpanView {
  spanId: string
  parentId: string | null
  traceId: string
  name: string
  kind: string
  status: string
  mlApp: string | null
  sessionId: string | null
  modelName: string | null
  modelProvider: string | null
  meta: Record<string, any>
  metrics: Record<string, number>
  tags: string[]
  links: Array<{ traceId: string; spanId: string; from: string; to: string }>
  evaluations: Array<{ label: string; kind: string; value: unknown; joinOn: { tag: unknown } }>
}

/**
 * The app every mode runs: a workflow with an LLM call, a wrapped tool, a retrieval, a failing task,
 * a follow-up trace linked to the first, and evaluations by span and by tag.
 */
async function tracedApp(llmobs: LLMObs, tag: string): Promise<{ traceId: string; linkedTraceId: string }> {
  let root: { traceId: string; spanId: string } | undefined
  await llmobs.trace({ kind: 'workflow', name: 'answer', sessionId: `session-${tag}` }, async (span) => {
    span.annotate({ inputData: 'question?', outputData: 'answer!', tags: { run: tag } })
    await llmobs.trace(
      { kind: 'llm', name: 'chat', modelName: 'gpt-4o', modelProvider: 'openai' },
      async (llm) => {
        llm.annotate({
          inputData: [{ role: 'user', content: 'hi' }],
          outputData: [{ role: 'assistant', content: 'yo' }],
          metrics: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
        })
        llmobs.submitEvaluation(llm, {
          label: 'accuracy',
          metricType: 'score',
          value: 0.9,
          assessment: 'pass',
        })
      },
    )
    const add = llmobs.wrap({ kind: 'tool', name: 'add' }, (a: number, b: number) => a + b)
    add(1, 2)
    llmobs.trace({ kind: 'retrieval', name: 'search' }, (r) =>
      r.annotate({ inputData: 'q', outputData: [{ text: 'doc', score: 0.5 }] }),
    )
    try {
      llmobs.trace({ kind: 'task', name: 'failing' }, () => {
        throw new TypeError('boom')
      })
    } catch {
      // the traced function's own error, passed through
    }
    root = llmobs.exportSpan(span)
  })
  const exported = root as { traceId: string; spanId: string }
  let linkedTraceId = ''
  llmobs.trace({ kind: 'task', name: 'follow-up', links: [{ exportedSpan: exported }] }, (span) => {
    linkedTraceId = llmobs.exportSpan(span)?.traceId ?? ''
  })
  llmobs.submitEvaluation(
    { tag: { key: 'run', value: tag } },
    { label: 'tagged', metricType: 'categorical', value: 'good' },
  )
  const result = await llmobs.shutdown({ timeoutMs: 10_000 })
  expect(result.spans.failed).toBe(0)
  expect(result.evaluations.failed).toBe(0)
  return { traceId: exported.traceId, linkedTraceId }
}

async function checkTrace(collector: CollectorProcess, traceId: string, tag: string): Promise<SpanView[]> {
  const { spans } = await collector.waitFor<{ spans: SpanView[] }>(
    `/api/traces/${traceId}`,
    (t) => t.spans.length === 5 && t.spans.some((s) => s.evaluations.some((e) => e.label === 'tagged')),
  )
  const byName = new Map(spans.map((s) => [s.name, s]))
  const root = byName.get('answer')
  expect(root).toMatchObject({
    parentId: null,
    kind: 'workflow',
    mlApp: 'sdk-e2e',
    sessionId: `session-${tag}`,
  })
  for (const name of ['chat', 'add', 'search', 'failing'])
    expect(byName.get(name)?.parentId).toBe(root?.spanId)
  expect(byName.get('chat')).toMatchObject({
    kind: 'llm',
    modelName: 'gpt-4o',
    modelProvider: 'openai',
    metrics: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
    meta: { input: { messages: [{ role: 'user', content: 'hi' }] } },
  })
  expect(byName.get('chat')?.evaluations.map((e) => [e.label, e.value])).toEqual([['accuracy', 0.9]])
  expect(byName.get('failing')).toMatchObject({
    status: 'error',
    meta: { 'error.type': 'TypeError', 'error.message': 'boom' },
  })
  expect(byName.get('search')?.meta.output).toEqual({ documents: [{ text: 'doc', score: 0.5 }] })
  // The tag-joined evaluation lands on the span carrying run:<tag>.
  expect(root?.evaluations.map((e) => e.label)).toEqual(['tagged'])
  return spans
}

describe('@llmobs/sdk → collector (real collector process)', () => {
  const cases: Array<{ mode: ExportMode; apiKey?: string }> = [
    { mode: 'agent-proxy' },
    { mode: 'auto' },
    { mode: 'agentless', apiKey: 'sdk-e2e-key' },
    { mode: 'apm-agent' },
    { mode: 'apm-agentless', apiKey: 'sdk-e2e-key' },
  ]

  for (const { mode, apiKey } of cases) {
    describe(`mode ${mode}`, () => {
      let collector: CollectorProcess
      beforeAll(async () => {
        collector = await startCollectorProcess(apiKey === undefined ? {} : { apiKey })
      })
      afterAll(async () => {
        await collector.stop()
      })

      it('delivers spans, parents, links and evaluations that come back through the query API', async () => {
        const options: LLMObsOptions = {
          mlApp: 'sdk-e2e',
          service: 'sdk-svc',
          env: 'e2e',
          flushIntervalMs: 50,
          mode,
        }
        if (mode === 'agentless' || mode === 'apm-agentless')
          Object.assign(options, { apiKey, intakeUrl: collector.url })
        else options.agentUrl = collector.url
        const llmobs = createLLMObs(options)
        const { traceId, linkedTraceId } = await tracedApp(llmobs, mode)
        const spans = await checkTrace(collector, traceId, mode)
        const root = spans.find((s) => s.name === 'answer')
        const linked = await collector.waitFor<{ spans: SpanView[] }>(
          `/api/traces/${linkedTraceId}`,
          (t) => t.spans.length === 1,
        )
        expect(linked.spans[0]?.links).toEqual([
          { traceId, spanId: root?.spanId, from: 'output', to: 'input' },
        ])
        const { sessions } = await collector.query<{
          sessions: Array<{ sessionId: string; traceCount: number }>
        }>('/api/sessions')
        expect(sessions).toEqual([expect.objectContaining({ sessionId: `session-${mode}`, traceCount: 1 })])
      })
    })
  }
})
