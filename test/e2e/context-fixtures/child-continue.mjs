// A child process continuing its parent's trace from propagation headers (in LLMOBS_TEST_HEADERS,
// or sent over IPC when started with fork). argv: agentUrl mlApp
import { setTimeout as sleep } from 'node:timers/promises'
import { createLLMObs } from '../../../packages/sdk/dist/index.js'

const [agentUrl, mlApp] = process.argv.slice(2)
const headers =
  process.env.LLMOBS_TEST_HEADERS !== undefined
    ? JSON.parse(process.env.LLMOBS_TEST_HEADERS)
    : await new Promise((resolve) => process.once('message', resolve))
const llmobs = createLLMObs({ agentUrl, mode: 'agent-proxy', mlApp })
const context = llmobs.extract(headers)
const ids = await llmobs.withContext(context, () =>
  llmobs.trace({ kind: 'task', name: 'child-task' }, async (task) => {
    await sleep(2)
    const llm = await llmobs.trace({ kind: 'llm', name: 'child-llm' }, async (span) =>
      llmobs.exportSpan(span),
    )
    return { task: llmobs.exportSpan(task), llm }
  }),
)
await llmobs.flush()
console.log('RESULT ' + JSON.stringify({ ids, context }))
process.disconnect?.()
