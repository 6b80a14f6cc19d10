// The exactly-once proof of the apm-agent mode (protocol §4, README "Export modes"): 10,000 LLMObs
// spans in 1,000 traces, with sampling priorities from every source, sent by the SDK through a proxy
// that fails a share of its requests in every way an agent connection fails, to a real collector
// process. Each span must end up stored exactly once, through the channel its trace's priority chose,
// and the SDK's counts must say what arrived. Then the same with the collector crashing midway.
// Helpers: test/e2e/exactly-once/ (workload, fault plan, wire ledger, collector reader, verdict).
//
// The retry budget and a collector restart. The default policy allows 5 attempts and 30 s, but the
// attempts run out first: the waits between them are 100-200, 200-400, 400-800 and 800-1600 ms
// (jittered doubling from 200 ms), so a request that first fails when the collector dies makes its
// last attempt 1.5 to 3 s later, and gives up then (its events are counted failed, or for an APM
// request rescued through EVP, which is down too). So a restart "a few seconds later" is not covered:
// only an outage shorter than 1.5 s is, whatever the jitter draws. The crash test therefore restarts
// the collector as soon as the old process is gone (the outage is its start-up, ~0.6-0.9 s here), and
// the third test shows what a 3 s restart delay costs: spans are lost, and the SDK counts exactly
// those as failed (plus, at most, spans that arrived in a request whose answer the crash cut).
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { runProof, type ProofResult, type RunControls } from './exactly-once/run-proof.js'
import { runSeed } from './exactly-once/seeded-random.js'

/** Prints what a run measured (vitest shows it with the test), so a report can quote it. */
function show(name: string, result: ProofResult, extra: Record<string, unknown> = {}): void {
  const { figures, faults, proxyRetries, bodies, requests, timings, seed } = result
  console.log(
    `${name} (seed ${seed}):\n` +
      JSON.stringify({ ...extra, figures, faults, proxyRetries, bodies, requests, timings }, null, 1),
  )
  if (result.violations.length > 0) console.log(`violations:\n  ${result.violations.join('\n  ')}`)
  if (result.warnings.length > 0)
    console.log(`SDK warnings:\n  ${[...new Set(result.warnings)].join('\n  ')}`)
}

/** Every span stored once, nothing lost, and every priority source exercised both ways it can go. */
function expectAllOnce(result: ProofResult, spans: number, context: string): void {
  const { figures } = result
  expect(result.violations, context).toEqual([])
  expect(figures.spans).toBe(spans)
  expect(figures.stored).toBe(spans)
  // The plan's faults on span events are transient (at most 3 attempts of 5 per body): nothing is lost.
  expect(figures.sdk, context).toEqual({ sent: spans, failed: 0, dropped: 0 })
  // flush() waited for all of it, the APM failures' rescues through EVP included: shutdown() had
  // nothing left to settle.
  expect(result.sdk.flush.spans.sent + result.sdk.flush.spans.failed).toBe(spans)
  expect(result.sdk.queuedAfterFlush).toBe(0)
  expect(result.sdk.shutdown.spans).toEqual({ sent: 0, failed: 0, dropped: 0 })
  // A 429's Retry-After: 1 was waited out before the retry.
  expect(result.earlyAfter429).toEqual([])
  for (const source of ['auto', 'user-keep', 'upstream-keep'] as const)
    expect(figures.bySource[source].kept, source).toBeGreaterThan(0)
  for (const source of ['auto', 'user-drop', 'upstream-reject'] as const)
    expect(figures.bySource[source].dropped, source).toBeGreaterThan(0)
  for (const source of ['late-keep', 'late-drop'] as const)
    expect(figures.bySource[source].traces, source).toBeGreaterThan(0)
  expect(figures.kept.viaApm).toBeGreaterThan(0)
  expect(figures.dropped.viaEvp).toBeGreaterThan(0)
  expect(figures.rescued?.payloadFailed).toBeGreaterThan(0)
}

interface Crash {
  killedAt: number
  upAt: number
  downtimeMs: number
  port: { before: number; after: number }
}

/**
 * SIGKILLs the collector and starts it again on the same database (and port) after `delayMs`. With
 * `calmMs`, planned faults stop that long before the crash and after the restart, so the retries the
 * crash costs are not also spent by planned faults (the longest wait between two attempts is 1.6 s,
 * plus a stalled attempt's 1 s timeout).
 */
async function crashAndRestart(
  controls: RunControls,
  { delayMs, calmMs }: { delayMs: number; calmMs: number },
): Promise<Crash> {
  const wasCalm = controls.plan.calm
  controls.plan.calm = true
  await sleep(calmMs)
  const before = controls.collector()
  const killedAt = Date.now()
  await before.kill()
  await sleep(delayMs)
  const after = await controls.restart()
  const upAt = Date.now()
  await sleep(calmMs)
  controls.plan.calm = wasCalm
  return { killedAt, upAt, downtimeMs: upAt - killedAt, port: { before: before.port, after: after.port } }
}

describe('apm-agent: every LLMObs span exactly once, whatever the connection to the agent does', () => {
  it('10,000 spans, priorities from every source, 500/503/429/stalls/drops/lost answers: each stored once', async () => {
    const result = await runProof({
      seed: runSeed(20261204),
      workload: { traces: 1_000, batch: 10, pauseMs: 50 },
    })
    show('faults only', result)
    expectAllOnce(result, 10_000, `seed ${result.seed}`)
    // The doomed APM requests ran: refused, failed after retries, stored but unheard (then rescued).
    expect(result.faults.traces['answer 400']).toBeGreaterThan(0)
    expect(
      (result.faults.evp['answer 429'] ?? 0) + (result.faults.traces['answer 429'] ?? 0),
    ).toBeGreaterThan(0)
    expect(result.figures.kept.rescuedOnly).toBeGreaterThan(0)
    expect(result.figures.kept.both).toBeGreaterThan(0)
    expect(result.figures.duplicates.total).toBeGreaterThan(0)
  }, 90_000)

  // Retried: the SDK's 5 attempts cover an outage up to ~1.5 s, and a collector restart measured
  // 0.55-1.1 s here but once 2 s when the machine was loaded (CI runs other test files beside this
  // one). An outage longer than the retries is the next test's case (and issue 22's subject).
  it(
    'the same with the collector SIGKILLed midway and restarted at once on its database: each stored once',
    { retry: 2, timeout: 90_000 },
    async () => {
      let crash: Crash | undefined
      const result = await runProof({
        seed: runSeed(20261205),
        workload: { traces: 1_000, batch: 10, pauseMs: 60 },
        duringRun: (started, controls) =>
          started === 250
            ? crashAndRestart(controls, { delayMs: 0, calmMs: 2_500 }).then((c) => void (crash = c))
            : undefined,
      })
      show('collector crash', result, { crash })
      expect(crash).toBeDefined()
      expectAllOnce(
        result,
        10_000,
        `seed ${result.seed}, outage ${crash?.downtimeMs} ms (covered below 1,500)`,
      )
      // The crash cut requests: some found no collector (the proxy got no answer for them).
      expect((result.requests.traces?.none ?? 0) + (result.requests.evp?.none ?? 0)).toBeGreaterThan(0)
    },
  )

  it('a restart 3 s later outlasts the retries: every span lost is counted failed or dropped, none is stored twice', async () => {
    let crash: Crash | undefined
    const result = await runProof({
      seed: runSeed(20261206),
      workload: { traces: 600, batch: 10, pauseMs: 60 },
      calm: true,
      allowLoss: true,
      // Small queues, so the outage also fills the APM queue (its chunks rescued through EVP) and
      // then the span-event queue (spans dropped, and counted so).
      sdk: { maxQueueItems: 1_000 },
      duringRun: (started, controls) =>
        started === 100
          ? crashAndRestart(controls, { delayMs: 3_000, calmMs: 0 }).then((c) => void (crash = c))
          : undefined,
    })
    show('collector down for longer than the retries', result, { crash })
    const { figures } = result
    expect(result.violations, `seed ${result.seed}`).toEqual([])
    expect(crash?.downtimeMs).toBeGreaterThan(3_000)
    expect(figures.missing).toBeGreaterThan(0)
    expect(figures.stored + figures.missing).toBe(6_000)
    expect(figures.sdk.sent + figures.sdk.failed + figures.sdk.dropped).toBe(6_000)
    expect(figures.sdk.failed + figures.sdk.dropped).toBeGreaterThanOrEqual(figures.missing)
    expect(figures.rescued?.queueFull).toBeGreaterThan(0)
  }, 90_000)
})
