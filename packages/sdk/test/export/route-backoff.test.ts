// README, "Export modes": when no agent answers yet, `/info` is asked again with backoff (5 s,
// doubling to 5 min; at once on flush()), and status() says the route is `unavailable` meanwhile.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLLMObs } from '../../src/index.js'
import { RouteResolver } from '../../src/export/route-resolver.js'
import { HttpTransport } from '../../src/transport/http-transport.js'
import {
  closedPort,
  type RecordingServer,
  startRecordingServer,
} from '../../src/transport/recording-server.test-helper.js'

let agent: RecordingServer
let transport: HttpTransport

beforeEach(async () => {
  // An agent without the EVP proxy: every probe is a miss, and each one is counted here.
  agent = await startRecordingServer(() => ({ status: 200, body: '{"endpoints":["/v0.4/traces"]}' }))
  transport = new HttpTransport()
})
afterEach(async () => {
  vi.useRealTimers()
  transport.destroy()
  await agent.close()
})

describe('auto mode without a way out', () => {
  it('asks /info again after 5 s, then at intervals doubling up to 5 min (the defaults)', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_800_000_000_000 })
    const resolver = new RouteResolver({
      mode: 'auto',
      agentUrl: agent.url,
      site: 'datadoghq.com',
      apiKey: undefined,
      intakeUrl: undefined,
      transport,
      apmTracing: false,
      probeTimeoutMs: 1000,
      report: () => undefined,
    })
    const probes = (): number => agent.received.filter((r) => r.url === '/info').length
    expect((await resolver.resolve()).ok).toBe(false)
    expect(probes()).toBe(1)

    const seen: number[] = []
    for (const interval of [5, 10, 20, 40, 80, 160, 300, 300].map((s) => s * 1000)) {
      const before = probes()
      vi.advanceTimersByTime(interval - 1)
      await resolver.resolve()
      expect(probes(), `interval ${interval}, 1 ms early`).toBe(before)
      vi.advanceTimersByTime(1)
      await resolver.resolve()
      // Not a millisecond early, and at once when due.
      expect(probes(), `interval ${interval}`).toBe(before + 1)
      seen.push(interval)
    }
    expect(seen.at(-1)).toBe(300_000)
    // flush() does not wait for the backoff: it probes at once.
    await resolver.resolve({ now: true })
    expect(probes()).toBe(10)
  })

  it('status() says the route is unavailable while no agent answers, and the events are held', async () => {
    const port = await closedPort()
    const llmobs = createLLMObs({
      mlApp: 'no-agent',
      agentUrl: `http://127.0.0.1:${port}`,
      logLevel: 'silent',
    })
    expect(llmobs.status().route).toBe('unresolved')
    llmobs.trace({ kind: 'task', name: 'held' }, () => 1)
    expect((await llmobs.flush()).spans).toEqual({ sent: 0, failed: 0, dropped: 0 })
    expect(llmobs.status()).toMatchObject({
      mode: 'auto',
      route: 'unavailable',
      spans: { sent: 0, failed: 0, queued: 1 },
    })
    // What is still held at shutdown is counted as failed.
    expect((await llmobs.shutdown({ timeoutMs: 200 })).spans).toEqual({ sent: 0, failed: 1, dropped: 0 })
  })
})
