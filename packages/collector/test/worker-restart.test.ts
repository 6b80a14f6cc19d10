import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CollectorProcess } from '../../../test/helpers/collector-process.js'
import { startCollectorProcess } from '../../../test/helpers/collector-process.js'
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js'
import { CRASH_AFTER_COMMIT, CRASH_BEFORE_COMMIT } from '../src/store/sqlite/worker/test-hooks.js'
import { v04BodiesWithMetaStruct } from './fixtures/captures.js'

// The collector processes started here inherit this: a span with a hook's name stops the store worker.
process.env.LLMOBS_COLLECTOR_TEST_HOOKS = '1'
const dir = mkdtempSync(join(tmpdir(), 'llmobs-worker-restart-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const TRACE = 'abcdef00000000000000000000000001'

/** An EVP span-events body: one root span per id, named `name`. */
function events(ids: number[], name = 'ok'): string {
  return JSON.stringify([
    {
      '_dd.stage': 'raw',
      '_dd.tracer_version': '5.132.0',
      event_type: 'span',
      spans: ids.map((id) => ({
        trace_id: TRACE,
        span_id: String(id),
        parent_id: 'undefined',
        name,
        tags: ['ml_app:demo'],
        start_ns: 1_795_423_257_000_000_000 + id * 1024,
        duration: 1000,
        status: 'ok',
        meta: { 'span.kind': 'task', input: {}, output: {} },
        metrics: {},
        _dd: { span_id: String(id), trace_id: TRACE, apm_trace_id: TRACE },
      })),
    },
  ])
}

const post = (collector: CollectorProcess, body: string): Promise<Response> =>
  fetch(`${collector.url}/evp_proxy/v2/api/v2/llmobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  })

describe('store worker supervision (real collector process)', () => {
  it('answers 503 + Retry-After while the store worker restarts, then serves again, losing nothing acknowledged', async () => {
    const collector = await startCollectorProcess()
    try {
      // Acknowledged before the crash: an APM payload and span events.
      const [apm] = v04BodiesWithMetaStruct({ submitted: false })
      const put = await fetch(`${collector.url}/v0.4/traces`, {
        method: 'PUT',
        headers: { 'content-type': 'application/msgpack' },
        body: apm as Uint8Array,
      })
      expect(put.status).toBe(200)
      expect((await post(collector, events([1, 2]))).status).toBe(202)
      const before = await collector.query<{ counts: { llmSpans: number; apmSpans: number } }>('/api/stats')

      // The worker stops on this request, before committing it: no hang, a 503 that says to retry.
      const crashed = await post(collector, events([3], CRASH_BEFORE_COMMIT))
      expect(crashed.status).toBe(503)
      expect(crashed.headers.get('retry-after')).toBe('1')
      expect(((await crashed.json()) as { error: string }).error).toMatch(
        /^the store worker stopped \(exit code 86\); retry shortly$/,
      )

      // The next requests wait for the new worker and succeed.
      expect((await post(collector, events([4]))).status).toBe(202)
      const after = await collector.query<{ counts: { llmSpans: number; apmSpans: number } }>('/api/stats')
      expect(after.counts).toMatchObject({
        llmSpans: before.counts.llmSpans + 1,
        apmSpans: before.counts.apmSpans,
      })
      const trace = await collector.query<{ spans: Array<{ spanId: string }> }>(`/api/traces/${TRACE}`)
      expect(trace.spans.map((s) => s.spanId).sort()).toEqual(['1', '2', '4'])

      // Committed but never acknowledged: the retry the 503 asks for finds it already stored.
      expect((await post(collector, events([5, 6], CRASH_AFTER_COMMIT))).status).toBe(503)
      const retry = await post(collector, events([5]))
      expect(await retry.json()).toEqual({ accepted: 0, duplicates: 1, sampledOut: 0 })

      expect(collector.alive()).toBe(true)
      expect(collector.output()).toMatch(
        /llmobs collector: the store worker stopped \(exit code 86\); 1 request\(s\) in flight answered 503; restarting it \(restart 1 of at most 5 a minute\)/,
      )
    } finally {
      await collector.stop()
    }
  }, 60_000)

  it('exits with a clear error when the store worker keeps stopping, keeping what was acknowledged', async () => {
    const dbPath = join(dir, 'give-up.db')
    const collector = await startCollectorProcess({ dbPath })
    try {
      expect((await post(collector, events([1, 2]))).status).toBe(202)
      // Five restarts a minute are allowed; the sixth stop ends the process.
      for (let i = 0; i < 6; i++) {
        expect((await post(collector, events([10 + i], CRASH_BEFORE_COMMIT))).status).toBe(503)
      }
      await waitUntil(() => !collector.alive())
      expect(collector.output()).toMatch(
        /llmobs collector: fatal: the store worker stopped more than 5 times within a minute \(last: exit code 86\); exiting \(code 70\)/,
      )
    } finally {
      await collector.stop()
    }
    const store = openSqliteStore(dbPath)
    const trace = await store.getTrace(TRACE)
    expect(trace?.spans.map((s) => s.spanId).sort()).toEqual(['1', '2'])
    await store.close()
  }, 60_000)
})

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
