import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spanEventsDemoBody, spanEventsKindsBody } from '../../packages/collector/test/fixtures/captures.js'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'

const CLI = fileURLToPath(new URL('../../packages/collector/dist/cli.js', import.meta.url))
const NODE = process.env.LLMOBS_COLLECTOR_NODE ?? process.execPath

interface Run {
  output: () => string
  signal: (name: NodeJS.Signals) => void
  done: Promise<number | null>
}

function run(args: string[], cwd?: string): Run {
  const child = spawn(NODE, [CLI, ...args], { cwd: cwd ?? process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  return {
    output: () => output,
    signal: (name) => child.kill(name),
    done: new Promise((resolve) =>
      child.on('close', (code) => {
        clearTimeout(timer)
        resolve(code)
      }),
    ),
  }
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

const post = (url: string, body: string) =>
  fetch(`${url}/evp_proxy/v2/api/v2/llmobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  })

describe('llmobs CLI (real processes)', () => {
  let collector: CollectorProcess
  beforeAll(async () => {
    collector = await startCollectorProcess()
  })
  afterAll(async () => {
    await collector.stop()
  })

  it('llmobs traces prints recent traces as indented trees', async () => {
    await post(collector.url, spanEventsDemoBody())
    const traces = run(['traces', '--url', collector.url])
    expect(await traces.done).toBe(0)
    expect(traces.output()).toContain('trace 6b03fc19000000007953b531107242bf  ·  demo  ·  session sess-1')
    expect(traces.output()).toContain('└─ wf  workflow  5.72 ms')
    expect(traces.output()).toContain('   ├─ chat  llm gpt-4o  1.11 ms  tokens 3→2')
  })

  it('llmobs traces --follow prints traces that arrive later, and stops on SIGINT', async () => {
    const follow = run(['traces', '--url', collector.url, '--follow', '--limit', '1'])
    await until(() => follow.output().includes('wf  workflow'))
    await post(collector.url, spanEventsKindsBody())
    await until(() => follow.output().includes('└─ my-agent  agent'))
    expect(follow.output()).toContain('├─ failing-task  task')
    follow.signal('SIGINT')
    expect(await follow.done).toBe(0)
  })

  it('llmobs collector stores under .llmobs/llmobs.db in the working directory by default', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'llmobs-cli-'))
    try {
      const server = run(['collector', '--port', '0'], cwd)
      await until(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(server.output()))
      expect(server.output()).toContain(`storing to ${join(cwd, '.llmobs', 'llmobs.db')}`)
      expect(existsSync(join(cwd, '.llmobs', 'llmobs.db'))).toBe(true)
      server.signal('SIGINT')
      expect(await server.done).toBe(0)
      expect(server.output()).toContain('SIGINT, shutting down')
    } finally {
      rmSync(cwd, { recursive: true, force: true })
    }
  })

  it('refuses to listen beyond loopback without an API key, and explains usage', async () => {
    const refused = run(['collector', '--port', '0', '--host', '0.0.0.0'])
    expect(await refused.done).toBe(1)
    expect(refused.output()).toContain('requires an API key (--api-key)')
    const unknown = run(['frobnicate'])
    expect(await unknown.done).toBe(2)
    expect(unknown.output()).toContain('unknown command "frobnicate"')
    const help = run(['--help'])
    expect(await help.done).toBe(0)
    expect(help.output()).toContain('llmobs collector [--port 8126]')
  })
})
