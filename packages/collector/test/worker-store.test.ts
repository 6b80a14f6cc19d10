import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureCollectorBuilt } from '../../../test/helpers/collector-process.js'
import { describeStoreContract } from '../src/store/store-contract-suite.js'
import { openDatabase } from '../src/store/sqlite/open-database.js'
import { SCHEMA_VERSION } from '../src/store/sqlite/migrations.js'
import { WorkerStore } from '../src/store/sqlite/worker/worker-store.js'

// The worker runs the built script (worker threads cannot start from TypeScript sources).
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
})
