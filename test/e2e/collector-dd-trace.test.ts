import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * An app traced by the official dd-trace 5.132.0 and its LLM Observability SDK: a workflow with an
 * LLM call, a wrapped tool and a failing task, an evaluation and feedback. It prints the ids it needs
 * checked, then exits; dd-trace flushes on exit.
 */
const APP = `
const tracer = require('dd-trace').init({ llmobs: { mlApp: 'dd-e2e' }, service: 'dd-svc', env: 'e2e', version: '1.2.3' })
const { llmobs } = tracer
async function main () {
  const ids = {}
  await llmobs.trace({ kind: 'workflow', name: 'plan', sessionId: 'dd-session' }, async (span) => {
    ids.apmTraceId = span.context().toTraceId(true)
    llmobs.annotate({ inputData: 'question?', outputData: 'answer!', tags: { team: 'e2e' } })
    await llmobs.trace({ kind: 'llm', name: 'chat', modelName: 'gpt-4o', modelProvider: 'OpenAI' }, async (llm) => {
      llmobs.annotate({
        inputData: [{ role: 'user', content: 'hi' }],
        outputData: [{ role: 'assistant', content: 'yo' }],
        metrics: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
      })
      ids.llm = llmobs.exportSpan(llm)
    })
    const add = llmobs.wrap({ kind: 'tool', name: 'add' }, (a, b) => a + b)
    add(1, 2)
    try {
      llmobs.trace({ kind: 'task', name: 'failing' }, () => { throw new TypeError('boom') })
    } catch {}
    ids.root = llmobs.exportSpan(span)
  })
  llmobs.submitEvaluation(ids.llm, { label: 'accuracy', metricType: 'score', value: 0.9, assessment: 'pass', reasoning: 'close' })
  llmobs.submitEvaluation(ids.root, { label: 'sentiment', metricType: 'categorical', value: 'positive' })
  llmobs.submitFeedback({ span: ids.root, label: 'thumbs', metricType: 'boolean', value: true, submitter: { id: 'user-1' } })
  llmobs.submitFeedback({ sessionId: 'dd-session', label: 'comment', metricType: 'text', value: 'nice', submitter: { id: 'user-1' } })
  llmobs.flush()
  console.log('IDS ' + JSON.stringify(ids))
}
main()
`

interface Ids {
  apmTraceId: string
  llm: { traceId: string; spanId: string }
  root: { traceId: string; spanId: string }
}

interface SpanView {
  spanId: string
  parentId: string | null
  traceId: string
  name: string
  kind: string
  status: string
  mlApp: string | null
  sessionId: string | null
  apmTraceId: string | null
  modelName: string | null
  modelProvider: string | null
  meta: Record<string, any>
  metrics: Record<string, number>
  tags: string[]
  evaluations: Array<{ label: string; kind: string; value: unknown; assessment: string | null }>
}

function runTracedApp(agentUrl: string): Promise<{ ids: Ids; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', APP], {
      cwd: ROOT,
      env: {
        ...process.env,
        DD_TRACE_AGENT_URL: agentUrl,
        DD_LLMOBS_ENABLED: '1',
        // Auto mode: dd-trace reads /info and must choose the EVP proxy.
        DD_LLMOBS_AGENTLESS_ENABLED: '',
        DD_API_KEY: '',
        DD_TRACE_STARTUP_LOGS: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      const line = /^IDS (.*)$/m.exec(output)
      if (code !== 0 || line === null)
        reject(new Error(`traced app failed (code ${String(code)}):\n${output}`))
      else resolve({ ids: JSON.parse(line[1] as string) as Ids, output })
    })
  })
}

describe('dd-trace 5.132.0 → collector (real processes)', () => {
  let collector: CollectorProcess
  let ids: Ids
  let spans: SpanView[]

  beforeAll(async () => {
    collector = await startCollectorProcess()
    ids = (await runTracedApp(collector.url)).ids
    const trace = await collector.waitFor<{ spans: SpanView[] }>(
      `/api/traces/${ids.root.traceId}`,
      (t) => t.spans.length === 4 && t.spans.every((s) => s.kind !== 'llm' || s.evaluations.length > 0),
      20_000,
    )
    spans = trace.spans
  }, 60_000)

  afterAll(async () => {
    await collector.stop()
  })

  const byName = (name: string): SpanView => {
    const span = spans.find((s) => s.name === name)
    if (span === undefined) throw new Error(`no span named ${name} in ${spans.map((s) => s.name).join(', ')}`)
    return span
  }

  it('receives every LLM span through the EVP proxy with the right parents', () => {
    const root = byName('plan')
    expect(root).toMatchObject({ spanId: ids.root.spanId, parentId: null, kind: 'workflow', mlApp: 'dd-e2e' })
    expect(root.sessionId).toBe('dd-session')
    for (const name of ['chat', 'add', 'failing']) expect(byName(name).parentId).toBe(root.spanId)
    expect(byName('chat')).toMatchObject({
      spanId: ids.llm.spanId,
      kind: 'llm',
      modelName: 'gpt-4o',
      modelProvider: 'openai',
      metrics: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
    })
    expect(byName('chat').meta.input).toEqual({ messages: [{ role: 'user', content: 'hi' }] })
    expect(byName('add').meta).toMatchObject({ 'span.kind': 'tool', input: { value: expect.any(String) } })
    expect(byName('failing')).toMatchObject({
      status: 'error',
      meta: { 'error.type': 'TypeError', 'error.message': 'boom' },
    })
    expect(root.tags).toEqual(
      expect.arrayContaining(['team:e2e', 'service:dd-svc', 'env:e2e', 'ml_app:dd-e2e']),
    )
    expect(root.apmTraceId).toBe(ids.apmTraceId)
  })

  it('joins evaluations and feedback to their spans and session', async () => {
    expect(byName('chat').evaluations).toEqual([
      expect.objectContaining({ label: 'accuracy', kind: 'evaluation', value: 0.9, assessment: 'pass' }),
    ])
    const rootLabels = byName('plan')
      .evaluations.map((e) => `${e.kind}:${e.label}=${String(e.value)}`)
      .sort()
    expect(rootLabels).toEqual(['evaluation:sentiment=positive', 'feedback:thumbs=true'])
    const session = await collector.waitFor<{
      session: { traceCount: number }
      evaluations: Array<{ label: string }>
    }>('/api/sessions/dd-session', (s) => s.evaluations.length === 1)
    expect(session.session.traceCount).toBe(1)
    expect(session.evaluations[0]?.label).toBe('comment')
  })

  it('stores the APM trace dd-trace sent to /v0.4/traces, with the LLM spans inside it', async () => {
    const apm = await collector.waitFor<{
      spans: Array<{ spanId: string; parentId: string | null; llmobs: boolean }>
      llmSpans: SpanView[]
    }>(`/api/apm/traces/${ids.apmTraceId}`, (t) => t.spans.length >= 4, 20_000)
    const apmIds = new Set(apm.spans.map((s) => s.spanId))
    // dd-trace's LLMObs spans are APM spans too (same span ids), marked as already submitted.
    for (const span of spans) expect(apmIds.has(span.spanId)).toBe(true)
    expect(apm.spans.find((s) => s.spanId === ids.root.spanId)).toMatchObject({
      parentId: null,
      llmobs: true,
    })
    expect(apm.spans.find((s) => s.spanId === ids.llm.spanId)?.parentId).toBe(ids.root.spanId)
    expect(apm.llmSpans.map((s) => s.name).sort()).toEqual(['add', 'chat', 'failing', 'plan'])
    // `_dd.llmobs.submitted:1`: nothing was extracted twice.
    const { counts } = await collector.query<{ counts: { llmSpans: number } }>('/api/stats')
    expect(counts.llmSpans).toBe(4)
  })

  it('lists the trace with its summary', async () => {
    const { traces } = await collector.query<{ traces: Array<Record<string, unknown>> }>(
      '/api/traces?mlApp=dd-e2e',
    )
    expect(traces).toEqual([
      expect.objectContaining({
        traceId: ids.root.traceId,
        name: 'plan',
        kind: 'workflow',
        sessionId: 'dd-session',
        spanCount: 4,
        error: true,
      }),
    ])
  })
})
