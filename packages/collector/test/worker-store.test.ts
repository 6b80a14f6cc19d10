import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureCollectorBuilt } from '../../../test/helpers/collector-process.js'
import { describeStoreContract } from '../src/store/store-contract-suite.js'
import { StoreUnavailableError } from '../src/store/store-unavailable-error.js'
import { batch, llmSpan } from '../src/store/store-test-data.js'
import { openDatabase } from '../src/store/sqlite/open-database.js'
import { SCHEMA_VERSION } from '../src/store/sqlite/migrations.js'
import {
  CRASH_AFTER_COMMIT,
  CRASH_BEFORE_COMMIT,
  EXHAUST_MEMORY,
} from '../src/store/sqlite/worker/test-hooks.js'
import type { WorkerStopReport } from '../src/store/sqlite/worker/worker-store.js'
import { WorkerStore } from '../src/store/sqlite/worker/worker-store.js'

// The worker runs the built script (worker threads cannot start from TypeScript sources). Workers
// copy this environment when they start: the failure-injection hooks are on in this file only.
process.env.LLMOBS_COLLECTOR_TEST_HOOKS = '1'
const script = new URL('../dist/store-worker.js', import.meta.url)
const dir = mkdtempSync(join(tmpdir(), 'llmobs-worker-store-'))
let n = 0

beforeAll(async () => {
  await ensureCollectorBuilt()
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describeStoreContract('WorkerStore (SQLite in a worker thread)', () =>
  WorkerStore.open(join(dir, `contract-${n++}.db`), script),
)

/** Spans `first`..`last` of one trace, named `name` (a test hook's name stops the worker). */
function spans(first: number, last: number, name = 'ok') {
  const out = []
  for (let i = first; i <= last; i++) out.push(llmSpan({ spanId: String(i), name: i === last ? name : 'ok' }))
  return batch({ llmSpans: out })
}

describe('WorkerStore', () => {
  it('reports a database it cannot open, instead of starting', async () => {
    const path = join(dir, 'future.db')
    const db = openDatabase(path)
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    db.close()
    await expect(WorkerStore.open(path, script)).rejects.toThrow(/newer than this collector understands/)
  })

  it('rejects calls after close', async () => {
    const store = await WorkerStore.open(join(dir, 'closed.db'), script)
    await store.close()
    await store.close()
    await expect(store.counts()).rejects.toThrow(/store worker stopped/)
  })

  it('answers the calls in flight when its worker stops, restarts it, and keeps what was committed', async () => {
    const reports: WorkerStopReport[] = []
    const store = await WorkerStore.open(join(dir, 'restart.db'), script, {
      onRestart: (r) => reports.push(r),
    })
    expect(await store.write(spans(1, 3))).toMatchObject({ llmSpans: { inserted: 3 } })

    // The worker stops on the first write, before committing it; the second is queued behind it.
    const crashing = store.write(spans(4, 5, CRASH_BEFORE_COMMIT))
    const queued = store.write(spans(6, 7))
    await expect(crashing).rejects.toBeInstanceOf(StoreUnavailableError)
    await expect(queued).rejects.toThrow(/the store worker stopped \(exit code 86\); retry shortly/)

    // The next call waits for the new worker; nothing acknowledged is lost, nothing refused was kept.
    expect((await store.counts()).llmSpans).toBe(3)
    expect(await store.write(spans(6, 7))).toMatchObject({ llmSpans: { inserted: 2 } })
    expect(reports).toEqual([
      { reason: 'exit code 86', failedCalls: 2, restartsInLastMinute: 1, maxRestartsPerMinute: 5 },
    ])
    await store.close()
  })

  it('refuses a write whose commit was not acknowledged; retrying it is harmless', async () => {
    const store = await WorkerStore.open(join(dir, 'after-commit.db'), script)
    await expect(store.write(spans(1, 4, CRASH_AFTER_COMMIT))).rejects.toBeInstanceOf(StoreUnavailableError)
    // It did commit (the worker stopped after COMMIT, before answering): a retry finds duplicates.
    expect(await store.write(spans(1, 3))).toMatchObject({ llmSpans: { inserted: 0, duplicates: 3 } })
    expect((await store.counts()).llmSpans).toBe(4)
    await store.close()
  })

  it('survives its worker running out of memory', async () => {
    const reports: WorkerStopReport[] = []
    const store = await WorkerStore.open(join(dir, 'oom.db'), script, {
      maxHeapMb: 32,
      onRestart: (r) => reports.push(r),
    })
    await expect(store.write(spans(1, 1, EXHAUST_MEMORY))).rejects.toThrow(/out of memory/)
    expect(await store.write(spans(2, 3))).toMatchObject({ llmSpans: { inserted: 2 } })
    expect(reports[0]?.reason).toMatch(/^out of memory: /)
    await store.close()
  }, 30_000)

  it('gives up when its worker stops more often than allowed within a minute', async () => {
    const gaveUp: Error[] = []
    const store = await WorkerStore.open(join(dir, 'give-up.db'), script, {
      maxRestartsPerMinute: 2,
      onGiveUp: (error) => gaveUp.push(error),
    })
    for (let i = 1; i <= 3; i++) {
      await expect(store.write(spans(i, i, CRASH_BEFORE_COMMIT))).rejects.toBeInstanceOf(
        StoreUnavailableError,
      )
    }
    expect(gaveUp.map((e) => e.message)).toEqual([
      'the store worker stopped more than 2 times within a minute (last: exit code 86)',
    ])
    const refused = store.counts()
    await expect(refused).rejects.toBeInstanceOf(StoreUnavailableError)
    await expect(refused).rejects.toThrow(/^the store is unavailable: /)
    await store.close()
  })

  it('gives up when a new worker cannot open the database', async () => {
    const path = join(dir, 'reopen.db')
    const gaveUp: Error[] = []
    const store = await WorkerStore.open(path, script, { onGiveUp: (error) => gaveUp.push(error) })
    // Another program moves the database to a schema this build does not know, then the worker stops.
    const db = openDatabase(path)
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    db.close()
    await expect(store.write(spans(1, 1, CRASH_BEFORE_COMMIT))).rejects.toBeInstanceOf(StoreUnavailableError)
    await expect(store.counts()).rejects.toBeInstanceOf(StoreUnavailableError)
    expect(gaveUp[0]?.message).toMatch(
      /^the store worker could not be started again: .*newer than this collector/,
    )
    await store.close()
  })
})
