// A short-lived process (a script, a serverless handler): a request span starts an evaluation in
// the background and returns; the process then flushes with waitForBackground and exits at once.
// argv: agentUrl mlApp
import { setTimeout as sleep } from 'node:timers/promises'
import { createLLMObs } from '../../../packages/sdk/dist/index.js'

const [agentUrl, mlApp] = process.argv.slice(2)
const llmobs = createLLMObs({ agentUrl, mode: 'agent-proxy', mlApp })
const ids = {}
await llmobs.trace({ kind: 'llm', name: 'handler' }, async (span) => {
  ids.handler = llmobs.exportSpan(span)
  void llmobs.background(
    async () => {
      await sleep(300)
      const verdict = await llmobs.trace({ kind: 'llm', name: 'judge' }, async () => {
        await sleep(20)
        return 'pass'
      })
      llmobs.submitEvaluation(ids.handler, { label: 'verdict', metricType: 'categorical', value: verdict })
    },
    { name: 'evaluate' },
  )
  return 'answer'
})
const result = await llmobs.flush({ waitForBackground: true, timeoutMs: 15_000 })
console.log('RESULT ' + JSON.stringify({ ids, result }))
// Exit at once, as a serverless runtime freezes the process after the handler returns.
process.exit(0)
