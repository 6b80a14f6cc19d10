// README, "Export modes": while no agent answers, events wait in the bounded queue; what is still
// held at exit is counted as failed, after the exit budget (the process is kept alive up to 10 s to
// deliver it). A real program that ends without flushing, with no agent anywhere.
import { beforeAll, describe, expect, it } from 'vitest'
import { runModule } from '../helpers/run-module.js'
import { ensureSdkBuilt } from './context-helpers.js'

const PROGRAM = `
import { llmobs } from '@llmobs/sdk'
const started = Date.now()
llmobs.init({ mlApp: 'held-at-exit', agentUrl: 'http://127.0.0.1:9', logLevel: 'error' })
llmobs.trace({ kind: 'task', name: 'held' }, () => 1)
console.error('flush ' + JSON.stringify((await llmobs.flush()).spans))
process.on('exit', () => {
  console.error('exit ' + JSON.stringify({ spans: llmobs.status().spans, afterMs: Date.now() - started }))
})
`

beforeAll(() => ensureSdkBuilt(), 120_000)

describe('events held while no agent answers', () => {
  it('are neither sent nor failed by flush(), and count as failed at exit after the 10 s exit budget', async () => {
    const { code, stderr } = await runModule(PROGRAM)
    expect(code).toBe(0)
    expect(stderr).toContain('flush {"sent":0,"failed":0,"dropped":0}')
    const exit = /exit (\{.*\})/.exec(stderr)
    expect(exit, stderr).not.toBeNull()
    const { spans, afterMs } = JSON.parse(exit![1] as string) as {
      spans: Record<string, number>
      afterMs: number
    }
    expect(spans).toMatchObject({ sent: 0, failed: 1, dropped: 0, queued: 0 })
    expect(afterMs).toBeGreaterThanOrEqual(9_500)
    expect(afterMs).toBeLessThan(20_000)
  }, 40_000)
})
