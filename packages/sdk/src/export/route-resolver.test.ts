import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ExportMode } from '../config.js'
import { HttpTransport } from '../transport/http-transport.js'
import {
  closedPort,
  type RecordingServer,
  startRecordingServer,
} from '../transport/recording-server.test-helper.js'
import { RouteResolver } from './route-resolver.js'

const KEY = 'abcdef0123456789abcdef0123456789'
let agent: RecordingServer
let transport: HttpTransport
let reports: Array<[string, string]>

beforeEach(async () => {
  agent = await startRecordingServer((r) =>
    r.url === '/info'
      ? { status: 200, body: JSON.stringify({ endpoints: ['/v0.4/traces', '/evp_proxy/v2/'] }) }
      : { status: 200 },
  )
  transport = new HttpTransport()
  reports = []
})
afterEach(async () => {
  transport.destroy()
  await agent.close()
})

function resolver(
  mode: ExportMode,
  extra: { agentUrl?: string; apiKey?: string; reprobeMs?: number; apmTracing?: boolean } = {},
) {
  return new RouteResolver({
    mode,
    agentUrl: extra.agentUrl ?? agent.url,
    site: 'datadoghq.com',
    apiKey: extra.apiKey,
    intakeUrl: extra.apiKey !== undefined ? 'http://127.0.0.1:1' : undefined,
    apmTracing: extra.apmTracing ?? false,
    transport,
    probeTimeoutMs: 1000,
    reprobeMs: extra.reprobeMs ?? 60_000,
    report: (key, message) => reports.push([key, message]),
  })
}

describe('RouteResolver', () => {
  it('auto: agent proxy when /info lists /evp_proxy/v2/, asked once for concurrent sends', async () => {
    const r = resolver('auto', { apiKey: KEY })
    const results = await Promise.all([r.resolve(), r.resolve(), r.resolve()])
    expect(results.every((x) => x.ok && x.route.mode === 'agent-proxy')).toBe(true)
    await r.resolve()
    expect(agent.received.map((x) => `${x.method} ${x.url}`)).toEqual(['GET /info'])
    expect(reports).toEqual([])
  })

  it('auto: agentless when the agent lacks the EVP proxy and an API key is set', async () => {
    agent.handler = () => ({ status: 200, body: JSON.stringify({ endpoints: ['/v0.4/traces'] }) })
    const result = await resolver('auto', { apiKey: KEY }).resolve()
    expect(result.ok && result.route.mode).toBe('agentless')
  })

  it('auto: agentless when no agent answers and an API key is set', async () => {
    const port = await closedPort()
    const result = await resolver('auto', { apiKey: KEY, agentUrl: `http://127.0.0.1:${port}` }).resolve()
    expect(result.ok && result.route.mode).toBe('agentless')
  })

  it('auto: no route, one clear warning, and a bounded re-probe when neither agent nor key', async () => {
    const port = await closedPort()
    const r = resolver('auto', { agentUrl: `http://127.0.0.1:${port}`, reprobeMs: 100 })
    const first = await r.resolve()
    expect(first.ok).toBe(false)
    expect(reports).toHaveLength(1)
    expect(reports[0]![1]).toContain(`no Datadog Agent at http://127.0.0.1:${port}`)
    expect(reports[0]![1]).toContain('no apiKey')
    // Before the re-probe interval, the miss is answered from memory.
    expect((await r.resolve()).ok).toBe(false)
    expect(r.current?.ok).toBe(false)
  })

  it('auto: finds an agent that starts after the first miss', async () => {
    agent.handler = () => ({ status: 404 })
    const r = resolver('auto', { reprobeMs: 50 })
    expect((await r.resolve()).ok).toBe(false)
    agent.handler = () => ({ status: 200, body: '{"endpoints":["/evp_proxy/v2/"]}' })
    expect((await r.resolve()).ok).toBe(false) // still inside the interval
    await new Promise((resolve) => setTimeout(resolve, 80))
    const later = await r.resolve()
    expect(later.ok && later.route.mode).toBe('agent-proxy')
    expect(agent.received.filter((x) => x.url === '/info')).toHaveLength(2)
  })

  it('fixed modes do not probe; the apm-* modes add their trace endpoint to the LLMObs one', async () => {
    expect((await resolver('agent-proxy').resolve()).ok).toBe(true)
    const apm = await resolver('apm-agent').resolve()
    expect(apm.ok && apm.route.mode).toBe('apm-agent')
    expect(apm.ok && apm.route.traces?.url.pathname).toBe('/v0.4/traces')
    expect(apm.ok && apm.route.traces?.format).toBe('v0.4')
    expect(apm.ok && apm.route.spans.url.pathname).toBe('/evp_proxy/v2/api/v2/llmobs')
    const apmless = await resolver('apm-agentless', { apiKey: KEY }).resolve()
    expect(apmless.ok && apmless.route.mode).toBe('apm-agentless')
    expect(apmless.ok && apmless.route.traces?.url.href).toBe('http://127.0.0.1:1/api/v0.2/traces')
    expect(apmless.ok && apmless.route.traces?.headers['DD-API-KEY']).toBe(KEY)
    expect(apmless.ok && apmless.route.spans.url.href).toBe('http://127.0.0.1:1/api/v2/llmobs')
    expect(reports).toEqual([])
    expect(agent.received).toHaveLength(0)
  })

  it('auto: apm-agent when /info lists /v0.4/traces and the EVP proxy and APM tracing is on', async () => {
    const result = await resolver('auto', { apmTracing: true }).resolve()
    expect(result.ok && result.route.mode).toBe('apm-agent')
    agent.handler = () => ({ status: 200, body: JSON.stringify({ endpoints: ['/evp_proxy/v2/'] }) })
    const proxyOnly = await resolver('auto', { apmTracing: true }).resolve()
    expect(proxyOnly.ok && proxyOnly.route.mode).toBe('agent-proxy')
  })

  it('routes to the agent carry the container headers; agentless routes do not', async () => {
    const headers = { 'Datadog-Container-ID': 'abc', 'Datadog-Entity-ID': 'ci-abc' }
    const withHeaders = (mode: ExportMode, apiKey?: string) =>
      new RouteResolver({
        mode,
        agentUrl: agent.url,
        site: 'datadoghq.com',
        apiKey,
        intakeUrl: apiKey !== undefined ? 'http://127.0.0.1:1' : undefined,
        apmTracing: true,
        transport,
        agentHeaders: () => headers,
        probeTimeoutMs: 1000,
        report: () => undefined,
      }).resolve()
    for (const mode of ['agent-proxy', 'apm-agent', 'auto'] as const) {
      const result = await withHeaders(mode)
      if (!result.ok) throw new Error(result.reason)
      const endpoints = [
        result.route.spans,
        result.route.evaluations,
        ...(result.route.traces ? [result.route.traces] : []),
      ]
      for (const endpoint of endpoints) expect(endpoint.headers).toMatchObject(headers)
    }
    const agentless = await withHeaders('apm-agentless', KEY)
    expect(agentless.ok && agentless.route.spans.headers['Datadog-Container-ID']).toBeUndefined()
  })

  it('auto with APM tracing off (DD_APM_TRACING_ENABLED=false): the LLMObs-only agent proxy', async () => {
    const result = await resolver('auto', { apmTracing: false }).resolve()
    expect(result.ok && result.route.mode).toBe('agent-proxy')
  })

  it('agentless without a key is reported as no route', async () => {
    const result = await resolver('agentless').resolve()
    expect(result.ok).toBe(false)
    expect(reports[0]![1]).toContain('needs an API key')
  })
})
