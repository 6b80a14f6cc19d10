// A process that traces with the default instance and never calls init(): nothing can be sent, and
// the SDK says so once at exit instead of losing the spans without a word.
import { spawn } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureSdkBuilt, ROOT } from './context-helpers.js'

const PROGRAM = `
import { llmobs } from '@llmobs/sdk'
for (let i = 0; i < 3; i++) llmobs.trace({ kind: 'task', name: 'never-sent' }, () => i)
`

function run(source: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
      cwd: ROOT,
      env: { ...process.env, DD_TRACE_AGENT_URL: 'http://127.0.0.1:9' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stderr }))
  })
}

beforeAll(() => ensureSdkBuilt(), 120_000)

describe('tracing before init()', () => {
  it('says once at exit how many spans were never sent because init() never ran', async () => {
    const { code, stderr } = await run(PROGRAM)
    expect(code).toBe(0)
    const lines = stderr.split('\n').filter((line) => line.includes('init() was never called'))
    expect(lines).toEqual([
      '[llmobs] 3 span(s) and 0 evaluation(s) were traced but never sent because init() was never called; call llmobs.init() at start-up.',
    ])
  })
})
