// README, "Diagnostics": at `info` a startup line says where data goes; the line per payload sent
// is for `debug` only; at the default `warn`, a healthy start says nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LogLevel } from '../../src/internal/diagnostics.js'
import { createLLMObs } from '../../src/index.js'
import {
  type RecordingServer,
  startRecordingServer,
} from '../../src/transport/recording-server.test-helper.js'

let agent: RecordingServer
beforeEach(async () => {
  agent = await startRecordingServer((r) =>
    r.url === '/info'
      ? { status: 200, body: '{"endpoints":["/evp_proxy/v2/"]}' }
      : { status: 202, body: '{}' },
  )
})
afterEach(async () => {
  await agent.close()
})

async function linesAt(logLevel: LogLevel | undefined): Promise<string[]> {
  const lines: string[] = []
  const log = (m: string): number => lines.push(m)
  const llmobs = createLLMObs({
    mlApp: 'startup',
    agentUrl: agent.url,
    logger: { debug: log, info: log, warn: log, error: log },
    ...(logLevel === undefined ? {} : { logLevel }),
  })
  llmobs.trace({ kind: 'task', name: 't' }, () => 1)
  expect((await llmobs.flush()).spans.sent).toBe(1)
  await llmobs.shutdown()
  return lines
}

describe('the startup line', () => {
  it('is logged at info, saying where data goes, without the per-payload lines of debug', async () => {
    const lines = await linesAt('info')
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\[llmobs\\] llmobs \\S+ started: ml_app=startup, mode=auto, agent=${agent.url}, site=datadoghq\\.com`,
        ),
      ),
    ])
  })

  it('is not logged at the default level, warn', async () => {
    expect(await linesAt(undefined)).toEqual([])
  })
})
