// A script that calls process.exit() right after tracing: the exit cannot wait for the network, so
// the SDK says synchronously what was not delivered and which spans never ended.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { beforeAll, describe, expect, it } from 'vitest'
import { runModule } from '../helpers/run-module.js'
import { ensureSdkBuilt } from './context-helpers.js'

const PROGRAM = `
import { llmobs } from '@llmobs/sdk'
llmobs.init({ mlApp: 'exit-report', mode: 'agent-proxy', agentUrl: 'http://127.0.0.1:9' })
llmobs.trace({ kind: 'task', name: 'finished' }, () => 1)
llmobs.startSpan({ kind: 'tool', name: 'never-ended' })
process.exit(0)
`

beforeAll(() => ensureSdkBuilt(), 120_000)

describe('the exit report', () => {
  it('says at process.exit() how many events were not delivered and names the spans still open', async () => {
    const { code, stderr } = await runModule(PROGRAM)
    expect(code).toBe(0)
    expect(stderr).toContain(
      '[llmobs] the process exited with 1 span event(s) and 0 evaluation(s) not delivered; await llmobs.flush() (or shutdown()) before process.exit().',
    )
    expect(stderr).toContain("[llmobs] 1 span(s) still open ('never-ended') at exit; they were never sent.")
  })

  it('a top-level await shutdown() reports its own failures, not the exit hook', async () => {
    // The agent is always busy (503, retried with unref'd waits); while shutdown() runs, the event loop may empty
    // and the beforeExit hook flush; the counts must still reach the caller's shutdown().
    const server = createServer((req, res) => {
      req.resume()
      req.on('end', () => res.writeHead(503).end('busy'))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    try {
      const { code, stderr } = await runModule(
        `
import { llmobs } from '@llmobs/sdk'
llmobs.init({ mlApp: 'exit-report', mode: 'agent-proxy', agentUrl: 'http://127.0.0.1:${port}', logLevel: 'silent' })
llmobs.trace({ kind: 'task', name: 'refused' }, () => 1)
const result = await llmobs.shutdown()
process.stderr.write('RESULT ' + JSON.stringify(result.spans) + '\\n')
`,
      )
      expect(code).toBe(0)
      expect(stderr).toContain('RESULT {"sent":0,"failed":1,"dropped":0}')
    } finally {
      server.close()
    }
  })
})
