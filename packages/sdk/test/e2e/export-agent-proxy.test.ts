// End to end: the Datadog exporter against a real HTTP listener standing in for the Datadog Agent.
import {
  DROPPED_VALUE_MARKER,
  type EvaluationPayload,
  type SpanEventEnvelope,
  validateEvaluationsBody,
  validateSpanEventsBody,
} from '@llmobs/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LLMObsOptions, resolveConfig } from '../../src/config.js'
import { createDatadogExporter } from '../../src/export/datadog-exporter.js'
import type { Exporter } from '../../src/export/exporter.js'
import { makeEvaluation, makeRecord } from '../../src/export/span-fixtures.test-helper.js'
import { encodeSpanEvent } from '../../src/export/span-event-encoder.js'
import { Diagnostics } from '../../src/internal/diagnostics.js'
import { SDK_VERSION } from '../../src/internal/version.js'
import {
  type RecordingServer,
  startRecordingServer,
} from '../../src/transport/recording-server.test-helper.js'

const KEY = '0123456789abcdef0123456789abcdef'
let agent: RecordingServer
let exporter: Exporter | undefined
let lines: string[]

beforeEach(async () => {
  lines = []
  agent = await startRecordingServer((r) =>
    r.url === '/info'
      ? {
          status: 200,
          body: JSON.stringify({ version: '7.99.0', endpoints: ['/v0.4/traces', '/evp_proxy/v2/'] }),
        }
      : { status: 202, body: '{}' },
  )
})
afterEach(async () => {
  await exporter?.shutdown({ timeoutMs: 2000 })
  exporter = undefined
  await agent.close()
})

function start(options: LLMObsOptions) {
  const { config } = resolveConfig({
    mlApp: 'demo',
    service: 'svc',
    env: 'dev',
    agentUrl: agent.url,
    ...options,
  })
  const diagnostics = new Diagnostics({ logger: { warn: (m: string) => lines.push(m) } })
  exporter = createDatadogExporter(config, diagnostics)
  return { exporter, config }
}

describe('export through the agent EVP proxy', () => {
  it('auto mode: asks /info once, then posts span envelopes and evaluations with the proxy headers', async () => {
    const { exporter, config } = start({ mode: 'auto', apiKey: KEY, apmTracing: false })
    const records = [
      makeRecord(),
      makeRecord({ kind: 'workflow', name: 'flow', input: { value: 'q' }, output: { value: 'a' } }),
    ]
    for (const record of records) exporter.exportSpan(record)
    const evaluation = makeEvaluation()
    exporter.exportEvaluation(evaluation)
    const result = await exporter.flush()
    expect(result).toEqual({
      spans: { sent: 2, failed: 0, dropped: 0 },
      evaluations: { sent: 1, failed: 0, dropped: 0 },
    })

    const info = agent.received.filter((r) => r.url === '/info')
    expect(info.map((r) => r.method)).toEqual(['GET'])
    const spans = agent.received.filter((r) => r.url === '/evp_proxy/v2/api/v2/llmobs')
    const evals = agent.received.filter((r) => r.url === '/evp_proxy/v2/api/intake/llm-obs/v2/eval-metric')
    expect(spans).toHaveLength(1)
    expect(evals).toHaveLength(1)
    expect(agent.received.indexOf(info[0]!)).toBe(0)

    const post = spans[0]!
    expect(post.method).toBe('POST')
    expect(post.headers['content-type']).toBe('application/json')
    expect(post.headers['x-datadog-evp-subdomain']).toBe('llmobs-intake')
    expect(post.headers['dd-api-key']).toBeUndefined() // the agent adds it, never us
    expect(post.headers['content-length']).toBe(String(Buffer.byteLength(post.body)))
    const envelopes = JSON.parse(post.body) as SpanEventEnvelope[]
    expect(envelopes).toEqual(
      records.map((record) => ({
        '_dd.stage': 'raw',
        '_dd.tracer_version': SDK_VERSION,
        event_type: 'span',
        spans: [JSON.parse(JSON.stringify(encodeSpanEvent(record, config)))],
      })),
    )

    expect(validateSpanEventsBody(JSON.parse(post.body))).toMatchObject({ ok: true })
    expect(validateEvaluationsBody(JSON.parse(evals[0]!.body))).toMatchObject({ ok: true })
    expect(evals[0]!.headers['x-datadog-evp-subdomain']).toBe('api')
    expect(JSON.parse(evals[0]!.body)).toEqual({
      data: { type: 'evaluation_metric', attributes: { metrics: [evaluation] } },
    } satisfies EvaluationPayload)
    expect(lines).toEqual([])
  })

  it('agent-proxy mode: no /info probe, and keep-alive reuses connections', async () => {
    const { exporter } = start({ mode: 'agent-proxy' })
    for (let round = 0; round < 5; round++) {
      exporter.exportSpan(makeRecord())
      await exporter.flush()
    }
    expect(agent.received.map((r) => r.url)).toEqual(Array(5).fill('/evp_proxy/v2/api/v2/llmobs'))
    expect(agent.connections()).toBe(1)
  })

  it('auto mode with an agent that lacks the proxy and no API key: holds the queue, warns clearly, sends once the proxy appears', async () => {
    let offersProxy = false
    agent.handler = (r) =>
      r.url === '/info'
        ? {
            status: 200,
            body: JSON.stringify({
              endpoints: offersProxy ? ['/v0.4/traces', '/evp_proxy/v2/'] : ['/v0.4/traces'],
            }),
          }
        : { status: 202, body: '{}' }
    const { exporter } = start({ mode: 'auto', apmTracing: false })
    exporter.exportSpan(makeRecord())
    exporter.exportEvaluation(makeEvaluation())
    // Nothing is sent and nothing is called failed: the events wait in the bounded queue.
    expect(await exporter.flush()).toEqual({
      spans: { sent: 0, failed: 0, dropped: 0 },
      evaluations: { sent: 0, failed: 0, dropped: 0 },
    })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(`the Datadog Agent at ${agent.url} does not offer the EVP proxy`)
    expect(lines[0]).toContain('no apiKey')
    expect(agent.received.filter((r) => r.method === 'POST')).toHaveLength(0)

    offersProxy = true
    // flush() probes again at once rather than waiting for the backoff.
    expect(await exporter.flush()).toEqual({
      spans: { sent: 1, failed: 0, dropped: 0 },
      evaluations: { sent: 1, failed: 0, dropped: 0 },
    })
    expect(agent.received.filter((r) => r.method === 'POST')).toHaveLength(2)
  })

  it('auto mode with no agent ever: what is held is counted as failed at shutdown', async () => {
    agent.handler = (r) =>
      r.url === '/info' ? { status: 200, body: '{"endpoints":["/v0.4/traces"]}' } : { status: 200 }
    const { exporter } = start({ mode: 'auto', apmTracing: false })
    for (let i = 0; i < 3; i++) exporter.exportSpan(makeRecord())
    expect((await exporter.flush()).spans).toEqual({ sent: 0, failed: 0, dropped: 0 })
    expect((await exporter.shutdown({ timeoutMs: 500 })).spans).toEqual({ sent: 0, failed: 3, dropped: 0 })
  })

  it('oversized spans arrive trimmed or with input/output dropped, valid, in requests of at most 5 MiB', async () => {
    const { exporter } = start({ mode: 'agent-proxy' })
    const MiB = 1024 * 1024
    const many = Array.from({ length: 150_000 }, (_, i) => ({ role: 'user', content: `message ${i}` }))
    const trimmed = makeRecord({
      kind: 'task',
      input: { value: 'x'.repeat(7 * MiB) },
      output: { value: 'ok' },
    })
    const dropped = makeRecord({ input: { messages: many }, output: { messages: many } })
    const small = makeRecord()
    for (const record of [trimmed, dropped, small]) exporter.exportSpan(record)
    expect((await exporter.flush()).spans).toEqual({ sent: 3, failed: 0, dropped: 0 })
    const posts = agent.received.filter((r) => r.method === 'POST')
    const events = posts.flatMap((r) => {
      expect(Buffer.byteLength(r.body)).toBeLessThanOrEqual(5 * MiB)
      const result = validateSpanEventsBody(JSON.parse(r.body))
      if (!result.ok) throw new Error(result.error)
      return result.value
    })
    const byId = new Map(events.map((e) => [e.span_id, e]))
    expect(byId.get(trimmed.spanId)?.collection_errors).toEqual(['trimmed_io'])
    // Cut before serialising, to maxSpanSize (1 MiB by default), keeping its beginning and ending.
    const value = byId.get(trimmed.spanId)?.meta.input.value as string
    expect(value.length).toBeLessThanOrEqual(MiB)
    expect(value).toMatch(
      /^x+\.\.\.\[llmobs: trimmed \d+ of 7340032 characters to fit the span size limit\]\.\.\.x+$/,
    )
    expect(byId.get(dropped.spanId)?.collection_errors).toEqual(['dropped_io'])
    expect(byId.get(dropped.spanId)?.meta.input).toEqual({ value: DROPPED_VALUE_MARKER })
    expect(byId.get(small.spanId)?.collection_errors).toBeUndefined()
    // One report per kind of cut (before and after serialising), not one per span.
    expect(lines).toHaveLength(2)
  })
})

describe('llmobs.status()', () => {
  it('tells where data goes and what happened to it, with totals since init()', async () => {
    const { createLLMObs } = await import('../../src/index.js')
    const llmobs = createLLMObs({
      mlApp: 'status',
      mode: 'auto',
      apmTracing: false,
      agentUrl: agent.url,
      logLevel: 'silent',
    })
    expect(llmobs.status()).toMatchObject({
      enabled: true,
      mode: 'auto',
      route: 'unresolved',
      agentUrl: agent.url,
    })
    llmobs.trace({ kind: 'task', name: 'a' }, () => 1)
    llmobs.trace({ kind: 'task', name: 'b' }, (span) =>
      llmobs.submitEvaluation(span, { label: 'ok', metricType: 'boolean', value: true }),
    )
    const open = llmobs.startSpan({ kind: 'tool', name: 'open' })
    await llmobs.flush()
    await llmobs.flush()
    const status = llmobs.status()
    expect(status).toMatchObject({
      enabled: true,
      route: 'agent-proxy',
      spans: { sent: 2, failed: 0, dropped: 0, queued: 0 },
      evaluations: { sent: 1, failed: 0, dropped: 0, queued: 0 },
      processorFailures: 0,
      openSpans: 1,
      lastError: undefined,
    })
    expect(status.transport).toMatchObject({ requests: 2, retries: 0, errors: 0 })
    expect(status.probe).toMatchObject({ result: 'evp-proxy', nextAtMs: undefined })
    expect(status.probe?.atMs).toBeGreaterThan(Date.now() - 60_000)
    open.end()
    await llmobs.shutdown()
    expect(llmobs.status()).toMatchObject({ enabled: false, spans: { sent: 0 } })
  })

  it('counts failures and names the last delivery problem', async () => {
    agent.handler = (r) =>
      r.url === '/info'
        ? { status: 200, body: JSON.stringify({ endpoints: ['/evp_proxy/v2/'] }) }
        : { status: 400, body: 'bad' }
    const { createLLMObs } = await import('../../src/index.js')
    const llmobs = createLLMObs({
      mlApp: 'status',
      mode: 'agent-proxy',
      agentUrl: agent.url,
      logLevel: 'silent',
    })
    llmobs.trace({ kind: 'task', name: 'refused' }, () => 1)
    await llmobs.flush()
    const status = llmobs.status()
    expect(status.spans).toMatchObject({ sent: 0, failed: 1, dropped: 0, queued: 0 })
    expect(status.lastError?.message).toContain('could not send 1 span events')
    expect(status.lastError?.atMs).toBeGreaterThan(Date.now() - 60_000)
    await llmobs.shutdown()
  })
})

describe('llmobs.status() details', () => {
  it('counts drops by cause, trimmed spans and retries, per stream', async () => {
    let refusals = 1
    agent.handler = (r) => {
      if (r.url === '/info') return { status: 200, body: JSON.stringify({ endpoints: ['/evp_proxy/v2/'] }) }
      if (r.url?.includes('eval-metric') && refusals-- > 0) return { status: 503, body: 'busy' }
      return { status: 202, body: '{}' }
    }
    const { createLLMObs } = await import('../../src/index.js')
    const llmobs = createLLMObs({
      mlApp: 'status',
      mode: 'agent-proxy',
      agentUrl: agent.url,
      logLevel: 'silent',
      maxQueueItems: 3,
      maxSpanSize: 4096,
    })
    for (let i = 0; i < 5; i++)
      llmobs.trace({ kind: 'task', name: `s${i}` }, (span) =>
        span.annotate({ outputData: 'x'.repeat(10_000) }),
      )
    llmobs.trace({ kind: 'task', name: 'judged' }, (span) =>
      llmobs.submitEvaluation(span, { label: 'ok', metricType: 'boolean', value: true }),
    )
    await llmobs.flush()
    const status = llmobs.status()
    expect(status.spans).toMatchObject({
      sent: 3,
      dropped: 3,
      trimmed: 3,
      retried: 0,
      droppedBy: { queueFull: 3, oversize: 0, unencodable: 0, afterShutdown: 0 },
    })
    expect(status.evaluations).toMatchObject({ sent: 1, failed: 0, retried: 1, trimmed: 0 })
    expect(status.probe).toBeUndefined() // no probe in a fixed mode
    await llmobs.shutdown()
  })

  it('auto mode with no agent: the last probe says unreachable and when the next one is due', async () => {
    const { createLLMObs } = await import('../../src/index.js')
    const llmobs = createLLMObs({
      mlApp: 'status',
      mode: 'auto',
      agentUrl: 'http://127.0.0.1:9',
      logLevel: 'silent',
    })
    llmobs.trace({ kind: 'task', name: 'held' }, () => 1)
    await llmobs.flush()
    const { probe, spans, route } = llmobs.status()
    expect(route).toBe('unavailable')
    expect(probe).toMatchObject({ result: 'unreachable' })
    expect(probe?.detail).toContain('no Datadog Agent at http://127.0.0.1:9')
    expect(probe?.nextAtMs).toBeGreaterThan(Date.now())
    expect(spans).toMatchObject({ queued: 1, sent: 0, failed: 0 })
    await llmobs.shutdown({ timeoutMs: 100 })
  })
})

describe('debug output', () => {
  it('DD_TRACE_DEBUG / LLMOBS_DEBUG: a startup line saying where data goes, and a line per payload sent', async () => {
    const { createLLMObsWithEnv } = await import('../../src/llmobs.js')
    for (const variable of ['DD_TRACE_DEBUG', 'LLMOBS_DEBUG']) {
      const logged: string[] = []
      const record = (m: string) => logged.push(m)
      const llmobs = createLLMObsWithEnv(
        { mlApp: 'debugging', logger: { debug: record, info: record, warn: record, error: record } },
        { [variable]: 'true', DD_TRACE_AGENT_URL: agent.url, DD_APM_TRACING_ENABLED: 'false' },
      )
      llmobs.trace({ kind: 'task', name: 't' }, () => 1)
      await llmobs.flush()
      await llmobs.shutdown()
      expect(logged[0]).toMatch(
        new RegExp(
          `^\\[llmobs\\] llmobs \\S+ started: ml_app=debugging, mode=auto, agent=${agent.url}, site=datadoghq.com`,
        ),
      )
      expect(logged).toContainEqual(
        expect.stringMatching(
          /^\[llmobs\] sent 1 span event\(s\) \(\d+ bytes\) to 127\.0\.0\.1:\d+\/evp_proxy\/v2\/api\/v2\/llmobs in agent-proxy mode$/,
        ),
      )
    }
  })
})
