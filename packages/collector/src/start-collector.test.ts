import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { spanEventsDemoBody, spanEventsKindsBody } from '../test/fixtures/captures.js'
import { startCollector } from './start-collector.js'

async function until(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(20)
  }
}

describe('startCollector', () => {
  it('creates the database file under its folder and reports where it listens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmobs-start-'))
    try {
      const collector = await startCollector({ port: 0, dbPath: join(dir, 'a', 'b.db') })
      expect(collector.url).toBe(`http://127.0.0.1:${collector.port}`)
      expect(collector.dbPath).toBe(join(dir, 'a', 'b.db'))
      await collector.close()
      await collector.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('rejects when the port is taken', async () => {
    const first = await startCollector({ port: 0, dbPath: ':memory:' })
    try {
      await expect(startCollector({ port: first.port, dbPath: ':memory:' })).rejects.toThrow(/EADDRINUSE/)
    } finally {
      await first.close()
    }
  })

  it('prunes the oldest traces beyond --max-spans on its retention timer', async () => {
    const collector = await startCollector({ port: 0, dbPath: ':memory:', maxSpans: 5, pruneIntervalMs: 20 })
    try {
      const post = (body: string) =>
        fetch(`${collector.url}/api/v2/llmobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
      await post(spanEventsDemoBody())
      await post(spanEventsKindsBody())
      // Whole traces are pruned: the newest alone has 7 spans, more than 5, so both traces go.
      await until(async () => (await collector.store.counts()).llmSpans === 0)
      await post(spanEventsDemoBody())
      // Several prune cycles later, a trace within the limit is still there.
      await sleep(100)
      expect((await collector.store.counts()).llmSpans).toBe(3)
    } finally {
      await collector.close()
    }
  })
})
