// A long-lived pool worker: each job arrives by postMessage with a captured context, and is handled
// under it; the pool's whole life runs in llmobs.runInWorker, which flushes when the pool closes.
import { setTimeout as sleep } from 'node:timers/promises'
import { parentPort } from 'node:worker_threads'
import { llmobs } from '../../../packages/sdk/dist/index.js'

await llmobs.runInWorker(
  () =>
    new Promise((resolve) => {
      parentPort.on('message', (message) => {
        if (message.type === 'close') {
          parentPort.close()
          resolve()
          return
        }
        void llmobs.withContext(message.ctx, () =>
          llmobs.trace({ kind: 'tool', name: `pool-job-${message.id}` }, async (span) => {
            await sleep(5)
            parentPort.postMessage({ id: message.id, span: llmobs.exportSpan(span) })
          }),
        )
      })
    }),
)
