// End to end: agentless export, pointed at a real loopback listener through `intakeUrl`.
import type { SpanEventEnvelope } from '@llmobs/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LLMObsOptions, resolveConfig } from '../../src/config.js'
import { createDatadogExporter } from '../../src/export/datadog-exporter.js'
import type { Exporter } from '../../src/export/exporter.js'
import { makeEvaluation, makeRecord } from '../../src/export/span-fixtures.test-helper.js'
import { Diagnostics } from '../../src/internal/diagnostics.js'
import {
  closedPort,
  type RecordingServer,
  startRecordingServer,
} from '../../src/transport/recording-server.test-helper.js'

const KEY = 'feedfacefeedface0123456789abcdef'
let intake: RecordingServer
let exporter: Exporter | undefined
let lines: string[]

beforeEach(async () => {
  lines = []
  intake = await startRecordingServer()
})
afterEach(async () => {
  await exporter?.shutdown({ timeoutMs: 2000 })
  exporter = undefined
  await intake.close()
})

function start(options: LLMObsOptions) {
  const { config } = resolveConfig({ mlApp: 'demo', ...options })
  const log = (m: string): number => lines.push(m)
  exporter = createDatadogExporter(config, new Diagnostics({ logger: { warn: log, error: log } }))
  return exporter
}

describe('agentless export', () => {
  it('posts spans and evaluations below intakeUrl with the API key, and no EVP header', async () => {
    const exporter = start({ mode: 'agentless', apiKey: KEY, intakeUrl: intake.url })
    exporter.exportSpan(makeRecord())
    exporter.exportEvaluation(makeEvaluation())
    expect(await exporter.flush()).toEqual({
      spans: { sent: 1, failed: 0, dropped: 0 },
      evaluations: { sent: 1, failed: 0, dropped: 0 },
    })
    const byUrl = Object.fromEntries(intake.received.map((r) => [r.url, r]))
    expect(Object.keys(byUrl).sort()).toEqual(['/api/intake/llm-obs/v2/eval-metric', '/api/v2/llmobs'])
    for (const r of intake.received) {
      expect(r.method).toBe('POST')
      expect(r.headers['dd-api-key']).toBe(KEY)
      expect(r.headers['content-type']).toBe('application/json')
      expect(r.headers['x-datadog-evp-subdomain']).toBeUndefined()
    }
    const envelopes = JSON.parse(byUrl['/api/v2/llmobs']!.body) as SpanEventEnvelope[]
    expect(envelopes[0]!.spans[0]!.meta['span.kind']).toBe('llm')
  })

  it('auto mode with no agent and an API key goes agentless', async () => {
    const port = await closedPort()
    const exporter = start({
      mode: 'auto',
      agentUrl: `http://127.0.0.1:${port}`,
      apiKey: KEY,
      intakeUrl: intake.url,
    })
    exporter.exportSpan(makeRecord())
    expect((await exporter.flush()).spans.sent).toBe(1)
    expect(intake.received.map((r) => r.url)).toEqual(['/api/v2/llmobs'])
  })

  it('auto mode with no agent and no API key: held, with one warning naming the agent URL', async () => {
    const port = await closedPort()
    const exporter = start({ mode: 'auto', agentUrl: `http://127.0.0.1:${port}` })
    for (let i = 0; i < 3; i++) exporter.exportSpan(makeRecord())
    expect((await exporter.flush()).spans).toEqual({ sent: 0, failed: 0, dropped: 0 })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(`no Datadog Agent at http://127.0.0.1:${port}`)
  })

  it('refuses plain http to a non-loopback intake and never prints the key', async () => {
    const exporter = start({ mode: 'agentless', apiKey: KEY, intakeUrl: 'http://intake.example.com:80' })
    exporter.exportSpan(makeRecord())
    expect((await exporter.flush()).spans).toEqual({ sent: 0, failed: 1, dropped: 0 })
    expect(lines.join('\n')).toContain('refusing to send the API key to http://intake.example.com')
    expect(lines.join('\n')).not.toContain(KEY)
  })
})
