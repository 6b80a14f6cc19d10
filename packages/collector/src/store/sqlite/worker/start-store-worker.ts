import { Worker } from 'node:worker_threads'
import type { StoreReady, StoreWorkerData } from './store-messages.js'

/**
 * Starts the store worker on `script` and resolves with it once its database at `path` is open;
 * rejects (the worker stopped) when it cannot open it. `maxHeapMb` caps the worker's heap: past it
 * the worker alone stops (`ERR_WORKER_OUT_OF_MEMORY`), never the process.
 *
 * @example
 * const worker = await startStoreWorker('.llmobs/llmobs.db', storeWorkerScript(), undefined)
 */
export function startStoreWorker(path: string, script: URL, maxHeapMb: number | undefined): Promise<Worker> {
  const worker = new Worker(script, {
    workerData: { path } satisfies StoreWorkerData,
    ...(maxHeapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } }),
  })
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      worker.off('exit', onExit)
      reject(error)
    }
    const onExit = (code: number): void => {
      worker.off('error', onError)
      reject(new Error(`the store worker stopped while starting (exit code ${code})`))
    }
    worker.once('error', onError)
    worker.once('exit', onExit)
    worker.once('message', (ready: StoreReady) => {
      worker.off('error', onError)
      worker.off('exit', onExit)
      if (ready.ready) resolve(worker)
      else {
        reject(new Error(ready.message))
        void worker.terminate()
      }
    })
  })
}
