// A process that traces with the default instance and never calls init(): nothing can be sent, and
// the SDK says so once at exit instead of losing the spans without a word.
import { beforeAll, describe, expect, it } from 'vitest'
import { runModule } from '../helpers/run-module.js'
import { ensureSdkBuilt } from './context-helpers.js'

const PROGRAM = `
import { llmobs } from '@llmobs/sdk'
for (let i = 0; i < 3; i++) llmobs.trace({ kind: 'task', name: 'never-sent' }, () => i)
`

beforeAll(() => ensureSdkBuilt(), 120_000)

describe('tracing before init()', () => {
  it('says once at exit how many spans were never sent because init() never ran', async () => {
    const { code, stderr } = await runModule(PROGRAM, { DD_TRACE_AGENT_URL: 'http://127.0.0.1:9' })
    expect(code).toBe(0)
    const lines = stderr.split('\n').filter((line) => line.includes('init() was never called'))
    expect(lines).toEqual([
      '[llmobs] 3 span(s) and 0 evaluation(s) were traced but never sent because init() was never called; call llmobs.init() at start-up.',
    ])
  })
})
