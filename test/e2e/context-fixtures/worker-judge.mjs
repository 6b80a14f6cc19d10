// A worker thread started with `workerData: llmobs.workerData({ answer, target })`: one line,
// `llmobs.runInWorker`, restores the starting span's context and flushes before the worker exits.
import { setTimeout as sleep } from 'node:timers/promises'
import { parentPort } from 'node:worker_threads'
import { llmobs } from '../../../packages/sdk/dist/index.js'

const verdict = await llmobs.runInWorker(async ({ answer, target }) => {
  const result = await llmobs.trace(
    { kind: 'llm', name: 'worker-judge', modelName: 'judge' },
    async (span) => {
      await sleep(5)
      llmobs.annotate(span, {
        inputData: [{ role: 'user', content: answer }],
        outputData: [{ role: 'assistant', content: 'pass' }],
      })
      // The worker's own context goes back to the main thread, which continues under it.
      return { verdict: 'pass', span: llmobs.exportSpan(span), context: llmobs.captureContext() }
    },
  )
  llmobs.submitEvaluation(target, {
    label: 'worker-verdict',
    metricType: 'categorical',
    value: result.verdict,
  })
  // Fire-and-forget inside the worker: runInWorker waits for it before flushing.
  void llmobs.background(async () => {
    await sleep(200)
    llmobs.trace({ kind: 'task', name: 'worker-background' }, () => 1)
  })
  return result
})
parentPort.postMessage(verdict)
