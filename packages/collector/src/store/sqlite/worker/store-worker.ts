/**
 * The store worker: owns the SQLite connection and answers {@link StoreRequest}s in order. Running
 * SQLite here lets the collector's main thread decode and validate the next request while this thread
 * writes the previous one (and runs WAL checkpoints), so the two share the machine's cores.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { Store, WriteBatch } from '../../store.js'
import { SqliteStore } from '../sqlite-store.js'
import type { PackedWriteBatch } from './packed-write-batch.js'
import { unpackWriteBatch } from './packed-write-batch.js'
import type { StoreReady, StoreRequest, StoreResponse, StoreWorkerData } from './store-messages.js'
import {
  CRASH_AFTER_COMMIT,
  CRASH_BEFORE_COMMIT,
  EXHAUST_MEMORY,
  exhaustMemory,
  requestedHook,
} from './test-hooks.js'

const port = parentPort
if (port === null) throw new Error('store-worker must run in a worker thread')

let store: Store
try {
  store = new SqliteStore((workerData as StoreWorkerData).path)
  port.postMessage({ ready: true } satisfies StoreReady)
} catch (error) {
  port.postMessage({ ready: false, message: (error as Error).message } satisfies StoreReady)
  port.close()
}

port.on('message', (request: StoreRequest) => {
  const method = store[request.method] as (...args: unknown[]) => Promise<unknown>
  // Batches travel packed (see packWriteBatch).
  const args =
    request.method === 'write' ? [unpackWriteBatch(request.args[0] as PackedWriteBatch)] : request.args
  const hook = request.method === 'write' ? requestedHook(args[0] as WriteBatch) : undefined
  if (hook === CRASH_BEFORE_COMMIT) process.exit(86)
  if (hook === EXHAUST_MEMORY) exhaustMemory()
  method.apply(store, args).then(
    (value) => {
      if (hook === CRASH_AFTER_COMMIT) process.exit(87)
      port.postMessage({ id: request.id, ok: true, value } satisfies StoreResponse)
      if (request.method === 'close') port.close()
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error)
      port.postMessage({ id: request.id, ok: false, message } satisfies StoreResponse)
    },
  )
})
