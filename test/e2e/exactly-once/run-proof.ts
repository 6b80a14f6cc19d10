/**
 * One run of the exactly-once proof: a real collector process (agent rate 0.5 for the service) behind
 * the fault proxy, the SDK in `apm-agent` mode pointed at the proxy, the workload, flush and shutdown,
 * then the verdict. `duringRun` may act on the collector meanwhile (crash and restart it).
 */
import { createLLMObs } from '@llmobs/sdk'
import type { LLMObsFlushResult, LLMObsOptions } from '@llmobs/sdk'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CollectorProcess } from '../../helpers/collector-process.js'
import { startCollectorProcess } from '../../helpers/collector-process.js'
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.js'
import { readCollector } from './collector-contents.js'
import { checkExactlyOnce, type Verdict } from './check-exactly-once.js'
import { FaultPlan, type FaultCounts } from './fault-plan.js'
import { seededRandom } from './seeded-random.js'
import { WireLedger } from './wire-ledger.js'
import { runWorkload, type WorkloadOptions } from './workload.js'

export const SERVICE = 'once-svc'
export const ENV = 'e2e'
export const AGENT_RATE = 0.5
/**
 * Low, so a stall costs little (the request is abandoned and retried after this), but not 300 ms:
 * while requests retry, the APM writer batches what waits into one request (up to 8 MiB), and the
 * collector took 400-650 ms to answer a 3.6 MB body on this 2-core machine, so at 300 ms healthy
 * requests timed out, were stored and sent again, and the run measured its own timeouts more than
 * the planned faults (every span was still stored once; the runs passed).
 */
export const REQUEST_TIMEOUT_MS = 1000

/** What the run's `duringRun` hook gets: the live pieces, to break and mend. */
export interface RunControls {
  readonly proxy: FaultProxy
  readonly plan: FaultPlan
  /** The collector now (replace it through `restart`). */
  collector(): CollectorProcess
  /** Starts a collector on the same database (and port, when it is free) and points the proxy at it. */
  restart(): Promise<CollectorProcess>
}

export interface ProofOptions {
  readonly seed: number
  readonly workload: Omit<WorkloadOptions, 'afterBatch'>
  /** Called after each batch of traces; a promise it returns is awaited before the final flush. */
  readonly duringRun?: (tracesStarted: number, controls: RunControls) => Promise<void> | undefined
  /** No planned faults at all (the run's only trouble is what `duringRun` does). */
  readonly calm?: boolean
  /** See `CheckOptions.allowLoss`. */
  readonly allowLoss?: boolean
  /** More SDK options (e.g. a small `maxQueueItems`). */
  readonly sdk?: LLMObsOptions
}

export interface ProofResult extends Verdict {
  readonly seed: number
  readonly faults: FaultCounts
  readonly proxyRetries: ReturnType<FaultPlan['retries']>
  readonly bodies: ReturnType<FaultPlan['bodies']>
  readonly requests: WireLedger['totals']['requests']
  readonly warnings: readonly string[]
  /** Retries sooner than a 429's `Retry-After` allowed (ms after the 429). */
  readonly earlyAfter429: readonly number[]
  /** What `flush()` (waiting for everything) and then `shutdown()` returned, and status() between. */
  readonly sdk: { flush: LLMObsFlushResult; shutdown: LLMObsFlushResult; queuedAfterFlush: number }
  readonly timings: { workloadMs: number; flushMs: number; readMs: number }
}

export async function runProof(options: ProofOptions): Promise<ProofResult> {
  const dir = mkdtempSync(join(tmpdir(), 'llmobs-exactly-once-'))
  const dbPath = join(dir, 'llmobs.db')
  const args = ['--agent-sample-rates', JSON.stringify({ [`service:${SERVICE},env:${ENV}`]: AGENT_RATE })]
  let collector = await startCollectorProcess({ dbPath, args })
  const proxy = await startFaultProxy(collector.url)
  const plan = new FaultPlan(seededRandom(options.seed + 1))
  plan.calm = options.calm === true
  const ledger = new WireLedger()
  proxy.decide = (request) => {
    ledger.received(request)
    return plan.decide(request)
  }
  proxy.onForwarded = ledger.observe
  const warnings: string[] = []
  const note = (message: string): void => void warnings.push(message)
  const llmobs = createLLMObs({
    mlApp: 'exactly-once',
    service: SERVICE,
    env: ENV,
    mode: 'apm-agent',
    agentUrl: proxy.url,
    flushIntervalMs: 50,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    logLevel: 'warn',
    logger: { warn: note, error: note, info: () => {}, debug: () => {} },
    ...options.sdk,
  })
  const controls: RunControls = {
    proxy,
    plan,
    collector: () => collector,
    async restart() {
      const port = collector.port
      collector = await startCollectorProcess({ dbPath, args, port }).catch(() =>
        startCollectorProcess({ dbPath, args }),
      )
      proxy.target = collector.url
      return collector
    },
  }
  const pending: Array<Promise<void>> = []
  try {
    const started = Date.now()
    const planned = await runWorkload(llmobs, seededRandom(options.seed), {
      ...options.workload,
      afterBatch: (n) => {
        const work = options.duringRun?.(n, controls)
        if (work !== undefined) pending.push(work)
      },
    })
    await Promise.all(pending)
    const flushStarted = Date.now()
    const results: LLMObsFlushResult[] = [await llmobs.flush({ timeoutMs: 40_000 })]
    const status = llmobs.status()
    results.push(await llmobs.shutdown({ timeoutMs: 5_000 }))
    const readStarted = Date.now()
    const contents = await readCollector(collector)
    const verdict = checkExactlyOnce(
      planned,
      contents,
      ledger,
      { results, status },
      { allowLoss: options.allowLoss === true },
    )
    return {
      seed: options.seed,
      ...verdict,
      faults: plan.counts,
      proxyRetries: plan.retries(),
      bodies: plan.bodies(),
      requests: ledger.totals.requests,
      warnings,
      earlyAfter429: plan.earlyAfter429,
      sdk: {
        flush: results[0] as LLMObsFlushResult,
        shutdown: results[1] as LLMObsFlushResult,
        queuedAfterFlush: status.spans.queued,
      },
      timings: {
        workloadMs: flushStarted - started,
        flushMs: readStarted - flushStarted,
        readMs: Date.now() - readStarted,
      },
    }
  } finally {
    await llmobs.shutdown({ timeoutMs: 1_000 })
    await proxy.close()
    await collector.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
