import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'

const fixtures = new URL('../../packages/collector/test/fixtures/dd-trace-5.132.0/', import.meta.url)
const fixture = (name: string): string => readFileSync(new URL(name, fixtures), 'utf8')

interface TraceDetail {
  traceId: string
  spans: Array<{
    spanId: string
    parentId: string | null
    name: string
    evaluations: Array<{ label: string }>
  }>
}

describe('collector process (smoke)', () => {
  let collector: CollectorProcess
  beforeAll(async () => {
    collector = await startCollectorProcess()
  })
  afterAll(async () => {
    await collector.stop()
  })

  it('answers /info like an agent offering the EVP proxy', async () => {
    const info = await collector.query<{ endpoints: string[] }>('/info')
    expect(info.endpoints).toEqual(expect.arrayContaining(['/v0.4/traces', '/v0.5/traces', '/evp_proxy/v2/']))
  })

  it('stores span events and evaluations dd-trace sent, and serves them back as a trace', async () => {
    const post = (path: string, body: string) =>
      fetch(collector.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    expect((await post('/evp_proxy/v2/api/v2/llmobs', fixture('REF-llmobs-spans.demo.json'))).status).toBe(
      202,
    )
    expect(
      (await post('/evp_proxy/v2/api/intake/llm-obs/v2/eval-metric', fixture('REF-eval-metric.demo.json')))
        .status,
    ).toBe(202)
    const trace = await collector.waitFor<TraceDetail>(
      '/api/traces/6b03fc19000000007953b531107242bf',
      (t) => t.spans.length === 3,
    )
    expect(trace.spans.map((s) => [s.name, s.parentId])).toEqual([
      ['wf', null],
      ['chat', '774591771944634912'],
      ['bg-task', '774591771944634912'],
    ])
    expect(trace.spans[1]?.evaluations.map((e) => e.label)).toEqual(['accuracy'])
  })

  it('stops gracefully on SIGTERM', async () => {
    const other = await startCollectorProcess()
    expect(other.alive()).toBe(true)
    await other.stop()
    expect(other.alive()).toBe(false)
    expect(other.output()).toMatch(/SIGTERM, shutting down/)
  })
})
