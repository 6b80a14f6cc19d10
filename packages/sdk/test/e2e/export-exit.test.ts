// End to end: a real Node process that exports spans and simply ends. The exporter's beforeExit
// hook must deliver what is queued, and must not hold the process past its exit budget when the
// agent hangs.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SpanEventEnvelope } from '@llmobs/protocol'
import { build } from 'esbuild'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  type RecordingServer,
  startRecordingServer,
} from '../../src/transport/recording-server.test-helper.js'

const src = (path: string): string => fileURLToPath(new URL(`../../src/${path}`, import.meta.url))
const protocol = fileURLToPath(new URL('../../../protocol/src/index.ts', import.meta.url))

// The child program: queue spans, then fall off the end without flush or shutdown.
const CHILD = `
import { resolveConfig } from ${JSON.stringify(src('config.ts'))}
import { EventExporter } from ${JSON.stringify(src('export/event-exporter.ts'))}
import { createDatadogExporter } from ${JSON.stringify(src('export/datadog-exporter.ts'))}
import { encodeSpanEvent } from ${JSON.stringify(src('export/span-event-encoder.ts'))}
import { Diagnostics } from ${JSON.stringify(src('internal/diagnostics.ts'))}
import { makeRecord } from ${JSON.stringify(src('export/span-fixtures.test-helper.ts'))}

const [agentUrl, count, budget] = process.argv.slice(2)
const { config } = resolveConfig({ agentUrl, mode: 'agent-proxy', requestTimeoutMs: 120000 })
const diagnostics = new Diagnostics({ logger: { warn: (m) => process.stderr.write(m + '\\n') } })
const exporter = budget === undefined
  ? createDatadogExporter(config, diagnostics)
  : new EventExporter({ config, diagnostics, encodeSpan: (r) => encodeSpanEvent(r, config), exitBudgetMs: Number(budget) })
for (let i = 0; i < Number(count); i++) exporter.exportSpan(makeRecord())
`

let dir: string
let script: string
let agent: RecordingServer

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmobs-exit-'))
  writeFileSync(join(dir, 'child.ts'), CHILD)
  script = join(dir, 'child.mjs')
  await build({
    entryPoints: [join(dir, 'child.ts')],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    alias: { '@llmobs/protocol': protocol },
    logLevel: 'silent',
  })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeEach(async () => {
  agent = await startRecordingServer()
})
afterEach(() => agent.close())

function run(args: string[]): Promise<{ code: number | null; ms: number; stderr: string }> {
  const started = Date.now()
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, ms: Date.now() - started, stderr })),
  )
}

describe('process exit', () => {
  it('delivers what is queued when the program ends without flushing', async () => {
    const { code, stderr } = await run([agent.url, '2500'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const spans = agent.received.flatMap((r) =>
      (JSON.parse(r.body) as SpanEventEnvelope[]).flatMap((e) => e.spans),
    )
    expect(spans).toHaveLength(2500)
  })

  it('does not keep the process alive past the exit budget when the agent hangs', async () => {
    agent.handler = () => 'hang'
    const { code, ms } = await run([agent.url, '10', '1000'])
    expect(code).toBe(0)
    expect(agent.received).toHaveLength(1)
    expect(ms).toBeLessThan(10_000) // the budget is 1 s; the request timeout 120 s
  })
})
