// The official dd-trace 5.132.0 as the host tracer of @llmobs/sdk in apm-agent mode, both pointed at
// one real collector process: a real web request traced by dd-trace's http plugin runs LLMObs spans in
// its handler, and the collector must see one APM trace, with dd-trace's sampling decision honoured.
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'
import { ensureSdkBuilt, ROOT } from './context-helpers.js'

/**
 * The traced app (CommonJS, so dd-trace's require hooks instrument `node:http` as they do for most
 * apps). dd-trace runs with only its http plugin and its own LLM Observability SDK off; @llmobs/sdk
 * runs with a keep-everything sampling rule, so a priority it decided itself would read 2 (USER_KEEP),
 * never the host's. For each path it calls its own server with `http.get`, and the handler runs a
 * workflow with an llm child under dd-trace's active `web.request` span. `/manual-drop` drops the trace
 * by hand (`manual.drop`) first; `/rule-drop` is called inside a `drop.client` span, which the test's
 * `DD_TRACE_SAMPLING_RULES` rejects. It prints what it saw, then ends; dd-trace flushes at exit.
 */
const APP = `
const tracer = require('dd-trace').init({ service: 'web-svc', env: 'e2e', plugins: false })
tracer.use('http', process.env.APP_HTTP_CLIENT === 'off' ? { client: false } : {})
const http = require('node:http')
const { createLLMObs } = require('@llmobs/sdk')
const llmobs = createLLMObs({
  mode: 'apm-agent', agentUrl: process.env.DD_TRACE_AGENT_URL, mlApp: 'host-e2e', service: 'llm-svc',
  env: 'e2e', flushIntervalMs: 50, logLevel: 'warn', samplingRules: [{ sample_rate: 1 }],
})
const server = http.createServer((req, res) => {
  const web = tracer.scope().active()
  if (req.url === '/manual-drop') web.setTag('manual.drop', true)
  const seen = { path: req.url, web: { traceId: web.context().toTraceId(true), spanId: web.context().toSpanId() } }
  llmobs.trace({ kind: 'workflow', name: 'answer' }, (root) => {
    llmobs.trace({ kind: 'llm', name: 'chat', modelName: 'gpt-4o', modelProvider: 'openai' }, (llm) => {
      llm.annotate({ inputData: 'question ' + req.url, outputData: 'answer', metrics: { inputTokens: 2 } })
      seen.llm = llmobs.exportSpan(llm)
    })
    seen.root = llmobs.exportSpan(root)
  })
  res.end(JSON.stringify(seen))
})
const get = (port, path) => new Promise((resolve, reject) => {
  http.get({ host: '127.0.0.1', port, path }, (res) => {
    let body = ''
    res.on('data', (chunk) => (body += chunk))
    res.on('end', () => resolve(JSON.parse(body)))
  }).on('error', reject)
})
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port
  const requests = []
  for (const path of process.env.APP_PATHS.split(',')) {
    requests.push(path === '/rule-drop' ? await tracer.trace('drop.client', () => get(port, path)) : await get(port, path))
  }
  server.close()
  const flushed = await llmobs.flush()
  const status = llmobs.status()
  await llmobs.shutdown()
  console.log('RESULT ' + JSON.stringify({ requests, flushed, status, ddLlmobs: tracer.llmobs.enabled }))
})
`

interface ExportedSpan {
  traceId: string
  spanId: string
}
interface AppRequest {
  path: string
  web: { traceId: string; spanId: string }
  root: ExportedSpan
  llm: ExportedSpan
}
interface AppResult {
  requests: AppRequest[]
  flushed: { spans: { sent: number; failed: number; dropped: number } }
  status: {
    route: string
    spans: { sent: number; failed: number; dropped: number; queued: number }
    apm: {
      traces: { chunks: { sent: number; failed: number; dropped: number } }
      rescued: { sampledOut: number; payloadFailed: number; queueFull: number; closed: number }
    }
  }
  ddLlmobs: boolean
}
interface LlmSpanView {
  spanId: string
  parentId: string | null
  name: string
  apmTraceId: string | null
  apmSampled: boolean | null
  meta: { input?: unknown }
}
interface ApmSpanView {
  spanId: string
  parentId: string | null
  service: string
  name: string
  meta: Record<string, string>
  metrics: Record<string, number>
  llmobs: boolean
  samplingPriority: number | null
}
interface ApmTraceDetail {
  spans: ApmSpanView[]
  llmSpans: LlmSpanView[]
}

/** Runs the app with dd-trace's environment; the parent's DD_* settings (DD_LLMOBS_ENABLED…) stay out. */
function runApp(agentUrl: string, env: Record<string, string>): Promise<AppResult> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('DD_') && !key.startsWith('LLMOBS_')),
  )
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', APP], {
      cwd: ROOT,
      env: {
        ...inherited,
        DD_TRACE_AGENT_URL: agentUrl,
        DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
        DD_REMOTE_CONFIGURATION_ENABLED: 'false',
        DD_TRACE_STARTUP_LOGS: 'false',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      const line = /^RESULT (.*)$/m.exec(output)
      if (code !== 0 || line === null)
        reject(new Error(`traced app failed (code ${String(code)}):\n${output}`))
      else resolve(JSON.parse(line[1] as string) as AppResult)
    })
  })
}

let collector: CollectorProcess
let app: AppResult
const request = (result: AppResult, path: string): AppRequest => {
  const found = result.requests.find((r) => r.path === path)
  if (found === undefined) throw new Error(`no request ${path}`)
  return found
}

/** The APM trace once the collector holds `count` spans of it and both LLM spans. */
function apmTrace(apmTraceId: string, count: number): Promise<ApmTraceDetail> {
  return collector.waitFor<ApmTraceDetail>(
    `/api/apm/traces/${apmTraceId}`,
    (t) =>
      t.spans.length >= count && t.llmSpans.length === 2 && t.llmSpans.every((s) => s.apmSampled !== null),
  )
}

function spanNamed(trace: ApmTraceDetail, name: string): ApmSpanView {
  const span = trace.spans.find((s) => s.name === name)
  if (span === undefined)
    throw new Error(`no APM span ${name} in ${trace.spans.map((s) => s.name).join(', ')}`)
  return span
}

/** One root, and every other span's parent is in the trace: the tree assembles. */
function expectOneTree(trace: ApmTraceDetail): void {
  const ids = new Set(trace.spans.map((s) => s.spanId))
  expect(trace.spans.filter((s) => s.parentId === null)).toHaveLength(1)
  for (const span of trace.spans) if (span.parentId !== null) expect(ids).toContain(span.parentId)
}

beforeAll(async () => {
  await ensureSdkBuilt()
  collector = await startCollectorProcess()
  app = await runApp(collector.url, {
    APP_PATHS: '/keep,/manual-drop,/rule-drop',
    DD_TRACE_SAMPLING_RULES: JSON.stringify([{ name: 'drop.client', sample_rate: 0 }]),
  })
}, 60_000)
afterAll(async () => {
  await collector.stop()
})

describe('dd-trace 5.132.0 as the host tracer of @llmobs/sdk in apm-agent mode (real processes)', () => {
  it('runs with dd-trace’s own LLM Observability off, every LLM span settled, nothing lost', () => {
    expect(app.ddLlmobs).toBe(false)
    expect(app.status.route).toBe('apm-agent')
    expect(app.flushed.spans).toEqual({ sent: 6, failed: 0, dropped: 0 })
    expect(app.status.spans).toMatchObject({ sent: 6, failed: 0, dropped: 0, queued: 0 })
    // Two of the three traces were rejected by dd-trace: their 4 events went through EVP.
    expect(app.status.apm.rescued).toEqual({ sampledOut: 4, payloadFailed: 0, queueFull: 0, closed: 0 })
    expect(app.status.apm.traces.chunks).toEqual({ sent: 3, failed: 0, dropped: 0 })
  })

  it('a kept web request: dd-trace’s spans and the LLM spans form one APM trace, LLM data inside it', async () => {
    const seen = request(app, '/keep')
    const trace = await apmTrace(seen.web.traceId, 4)
    expect(trace.spans).toHaveLength(4)
    expectOneTree(trace)
    const client = spanNamed(trace, 'http.request')
    const web = spanNamed(trace, 'web.request')
    const root = spanNamed(trace, 'answer')
    const llm = spanNamed(trace, 'chat')
    expect(client).toMatchObject({ parentId: null, service: 'web-svc' })
    expect(web).toMatchObject({ spanId: seen.web.spanId, parentId: client.spanId, service: 'web-svc' })
    // The llmobs root's APM parent is dd-trace's web.request span; its child hangs below it.
    expect(root).toMatchObject({ spanId: seen.root.spanId, parentId: web.spanId, service: 'llm-svc' })
    expect(llm).toMatchObject({ spanId: seen.llm.spanId, parentId: root.spanId, service: 'llm-svc' })
    // dd-trace's priority (1, AUTO_KEEP), not one llmobs decided (its keep-all rule would say 2).
    for (const span of [client, web, root, llm]) expect(span.samplingPriority).toBe(1)
    for (const span of [root, llm]) {
      expect(span.llmobs).toBe(true)
      expect(span.meta['_dd.llmobs.submitted']).toBeUndefined()
    }

    const { spans } = await collector.query<{ spans: LlmSpanView[] }>(`/api/traces/${seen.root.traceId}`)
    expect(spans).toHaveLength(2)
    for (const span of spans) expect(span).toMatchObject({ apmTraceId: seen.web.traceId, apmSampled: true })
    expect(spans.find((s) => s.name === 'chat')).toMatchObject({ parentId: seen.root.spanId })
    expect(trace.llmSpans.map((s) => s.spanId).sort()).toEqual([seen.llm.spanId, seen.root.spanId].sort())
  })

  it('a trace dd-trace drops by hand (manual.drop): LLM spans rescued through EVP, the host’s priority kept', async () => {
    const seen = request(app, '/manual-drop')
    const trace = await apmTrace(seen.web.traceId, 4)
    expectOneTree(trace)
    const web = spanNamed(trace, 'web.request')
    expect(web.metrics['manual.drop']).toBe(1)
    expect(web.samplingPriority).toBe(-1)
    for (const name of ['answer', 'chat']) {
      const span = spanNamed(trace, name)
      expect(span.samplingPriority).toBe(-1) // USER_REJECT as dd-trace decided, never re-decided
      expect(span.meta['_dd.llmobs.submitted']).toBe('1')
    }
    expect(spanNamed(trace, 'answer').parentId).toBe(web.spanId)
    const { spans } = await collector.query<{ spans: LlmSpanView[] }>(`/api/traces/${seen.root.traceId}`)
    expect(spans).toHaveLength(2)
    for (const span of spans) expect(span).toMatchObject({ apmTraceId: seen.web.traceId, apmSampled: false })
    // The event came whole through EVP, not stripped.
    expect(spans.find((s) => s.name === 'chat')?.meta.input).toEqual({
      messages: [{ role: '', content: 'question /manual-drop' }],
    })
  })

  it('a trace a dd-trace sampling rule rejects upstream: the same rescue, the priority as propagated', async () => {
    const seen = request(app, '/rule-drop')
    const trace = await apmTrace(seen.web.traceId, 5)
    expect(trace.spans).toHaveLength(5)
    expectOneTree(trace)
    const clientRoot = spanNamed(trace, 'drop.client')
    expect(clientRoot.metrics['_dd.rule_psr']).toBe(0)
    for (const span of trace.spans) expect(span.samplingPriority).toBe(-1)
    for (const name of ['answer', 'chat'])
      expect(spanNamed(trace, name).meta['_dd.llmobs.submitted']).toBe('1')
    const { spans } = await collector.query<{ spans: LlmSpanView[] }>(`/api/traces/${seen.root.traceId}`)
    for (const span of spans) expect(span).toMatchObject({ apmTraceId: seen.web.traceId, apmSampled: false })
  })

  it('the SDK’s own requests to the agent are not traced by dd-trace’s http plugin', async () => {
    // Only the three traces' spans: no http.request span (a trace of its own each) for the SDK's
    // PUT /v0.4/traces and POST /evp_proxy/... requests.
    const { counts } = await collector.query<{ counts: { apmSpans: number } }>('/api/stats')
    expect(counts.apmSpans).toBe(4 + 4 + 5)
  })

  it('stores each LLM span once', async () => {
    const { counts } = await collector.query<{ counts: { llmSpans: number } }>('/api/stats')
    expect(counts.llmSpans).toBe(6)
  })
})

// Whatever headers dd-trace is configured to inject, the join must not depend on them: llmobs reads
// dd-trace's inject() output, which follows the app's propagation style.
describe('dd-trace injecting headers llmobs cannot fully read', () => {
  let variants: CollectorProcess
  let b3: AppResult
  let datadogOnly: AppResult
  beforeAll(async () => {
    variants = await startCollectorProcess()
    // The client side is untraced here, so web.request is the local root and makes its own
    // 128-bit trace id (which propagation then has to carry whole).
    const common = { APP_PATHS: '/keep,/manual-drop', APP_HTTP_CLIENT: 'off' }
    ;[b3, datadogOnly] = await Promise.all([
      runApp(variants.url, { ...common, DD_TRACE_PROPAGATION_STYLE_INJECT: 'b3multi' }),
      runApp(variants.url, {
        ...common,
        DD_TRACE_PROPAGATION_STYLE_INJECT: 'datadog',
        DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH: '0', // no x-datadog-tags: no _dd.p.tid
      }),
    ])
  }, 60_000)
  afterAll(async () => {
    await variants.stop()
  })

  async function joined(seen: AppRequest): Promise<ApmSpanView[]> {
    const trace = await variants.waitFor<ApmTraceDetail>(
      `/api/apm/traces/${seen.web.traceId}`,
      (t) => t.spans.length >= 3 && t.llmSpans.length === 2 && t.llmSpans.every((s) => s.apmSampled !== null),
    )
    expect(trace.spans.map((s) => s.name).sort()).toEqual(['answer', 'chat', 'web.request'])
    expectOneTree(trace)
    expect(spanNamed(trace, 'answer').parentId).toBe(seen.web.spanId)
    for (const span of trace.llmSpans) expect(span.apmTraceId).toBe(seen.web.traceId)
    return trace.spans
  }

  it('b3multi: the LLM spans still join the web request’s trace, with the sign of its decision', async () => {
    const kept = await joined(request(b3, '/keep'))
    for (const span of kept) expect(span.samplingPriority).toBe(1)
    const dropped = await joined(request(b3, '/manual-drop'))
    // b3 carries no priority llmobs reads: the traceparent's sampled flag says "not kept" (0).
    for (const span of dropped.filter((s) => s.name !== 'web.request')) {
      expect(span.samplingPriority).toBe(0)
      expect(span.meta['_dd.llmobs.submitted']).toBe('1')
    }
    expect(b3.status.apm.rescued.sampledOut).toBe(2)
  })

  it('Datadog headers without x-datadog-tags: the 128-bit trace id is kept, the exact priority too', async () => {
    const kept = await joined(request(datadogOnly, '/keep'))
    for (const span of kept) expect(span.samplingPriority).toBe(1)
    const dropped = await joined(request(datadogOnly, '/manual-drop'))
    for (const span of dropped) expect(span.samplingPriority).toBe(-1)
    expect(datadogOnly.status.apm.rescued.sampledOut).toBe(2)
  })
})
