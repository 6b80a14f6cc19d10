import { describe, expect, it } from 'vitest'
import { agentlessRoute, agentProxyRoute } from './export-route.js'

const KEY = 'abcdef0123456789abcdef0123456789'

describe('agentProxyRoute', () => {
  it('sends both streams through the EVP proxy with their subdomains', () => {
    const result = agentProxyRoute('http://127.0.0.1:8126')
    if (!result.ok) throw new Error(result.reason)
    expect(result.route.spans.url.href).toBe('http://127.0.0.1:8126/evp_proxy/v2/api/v2/llmobs')
    expect(result.route.spans.headers).toEqual({
      'Content-Type': 'application/json',
      'X-Datadog-EVP-Subdomain': 'llmobs-intake',
    })
    expect(result.route.evaluations.url.href).toBe(
      'http://127.0.0.1:8126/evp_proxy/v2/api/intake/llm-obs/v2/eval-metric',
    )
    expect(result.route.evaluations.headers['X-Datadog-EVP-Subdomain']).toBe('api')
  })

  it('keeps a path prefix of the agent URL and rejects an invalid one', () => {
    const result = agentProxyRoute('http://proxy.local:9000/agent/')
    expect(result.ok && result.route.spans.url.href).toBe(
      'http://proxy.local:9000/agent/evp_proxy/v2/api/v2/llmobs',
    )
    expect(agentProxyRoute('not a url').ok).toBe(false)
  })
})

describe('agentlessRoute', () => {
  it('goes to the intake hosts of the site with the API key', () => {
    const result = agentlessRoute({ site: 'datadoghq.eu', apiKey: KEY, intakeUrl: undefined })
    if (!result.ok) throw new Error(result.reason)
    expect(result.route.spans.url.href).toBe('https://llmobs-intake.datadoghq.eu/api/v2/llmobs')
    expect(result.route.evaluations.url.href).toBe(
      'https://api.datadoghq.eu/api/intake/llm-obs/v2/eval-metric',
    )
    expect(result.route.spans.headers).toEqual({ 'Content-Type': 'application/json', 'DD-API-KEY': KEY })
  })

  it('uses intakeUrl as the base of both streams; plain http to loopback is allowed', () => {
    for (const base of ['http://127.0.0.1:9999', 'http://localhost:9999/', 'http://[::1]:9999']) {
      const result = agentlessRoute({ site: 'datadoghq.com', apiKey: KEY, intakeUrl: base })
      if (!result.ok) throw new Error(result.reason)
      expect(result.route.spans.url.pathname).toBe('/api/v2/llmobs')
      expect(result.route.evaluations.url.pathname).toBe('/api/intake/llm-obs/v2/eval-metric')
    }
  })

  it('refuses to send the key over plain http to another host, without naming the key', () => {
    const result = agentlessRoute({
      site: 'datadoghq.com',
      apiKey: KEY,
      intakeUrl: 'http://intake.example.com',
    })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.reason).toContain('refusing to send the API key to http://intake.example.com')
    expect(result.reason).not.toContain(KEY)
    expect(
      agentlessRoute({ site: 'datadoghq.com', apiKey: KEY, intakeUrl: 'https://intake.example.com' }).ok,
    ).toBe(true)
  })

  it('needs an API key', () => {
    const result = agentlessRoute({ site: 'datadoghq.com', apiKey: undefined, intakeUrl: undefined })
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('DD_API_KEY') })
  })
})
