// An app that starts before its agent: `auto` mode finds no agent, holds its events in the bounded
// queue, probes again with backoff, and delivers everything once a real collector process comes up.
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { createLLMObs } from '@llmobs/sdk'
import { afterEach, describe, expect, it } from 'vitest'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })
}

let collector: CollectorProcess | undefined
afterEach(async () => {
  await collector?.stop()
  collector = undefined
})

describe('auto mode when the agent starts after the app', () => {
  it('holds every span while no agent answers, then delivers all of them without a flush() call', async () => {
    const port = await freePort()
    const lines: string[] = []
    const llmobs = createLLMObs({
      mlApp: 'late-agent',
      mode: 'auto',
      agentUrl: `http://127.0.0.1:${port}`,
      flushIntervalMs: 100,
      logger: { warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) },
    })
    for (let i = 0; i < 50; i++) llmobs.trace({ kind: 'task', name: `early-${i}` }, () => i)
    // Nothing listens yet: flush() asks again at once, finds nothing, and keeps the spans queued.
    const early = await llmobs.flush()
    expect(early.spans).toEqual({ sent: 0, failed: 0, dropped: 0 })
    expect(lines.join('\n')).toContain(`no Datadog Agent at http://127.0.0.1:${port}`)
    expect(lines.join('\n')).toContain('held in the bounded queue')

    await sleep(3_000)
    collector = await startCollectorProcess({ args: ['--port', String(port)] })
    for (let i = 0; i < 50; i++) llmobs.trace({ kind: 'task', name: `late-${i}` }, () => i)

    // The periodic re-probe (5 s after the first miss, doubling) finds the collector by itself.
    const found = await collector.waitFor<{ traces: unknown[] }>(
      '/api/traces?mlApp=late-agent&limit=200',
      (answer) => answer.traces.length === 100,
      20_000,
    )
    expect(found.traces).toHaveLength(100)
    const settled = await llmobs.shutdown()
    expect(settled.spans.failed).toBe(0)
    expect(settled.spans.dropped).toBe(0)
  }, 40_000)
})
