// The README's examples, type-checked with `tsc --strict` and run as written against a real
// collector process, so none of them can rot. Names an example uses without defining (your app's
// own functions) come from readme-prelude.ts.
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'
import { ensureSdkBuilt, ROOT } from '../e2e/context-helpers.js'

const run = promisify(execFile)
const WORK = join(ROOT, 'test/readme/.work')
const PRELUDE_IMPORT = "import { question, search, callModel, db } from './readme-prelude.js'\n"

/** The first ```ts block after the heading `heading` in README.md. */
function exampleAfter(heading: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const at = readme.indexOf(`\n${heading}\n`)
  if (at < 0) throw new Error(`README.md has no heading "${heading}"`)
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(at))
  if (match === null) throw new Error(`no ts block after "${heading}"`)
  return match[1] as string
}

function writeExample(name: string, source: string): string {
  const file = join(WORK, `${name}.ts`)
  // Unused prelude names are fine: each example uses some of them.
  writeFileSync(file, `${PRELUDE_IMPORT}void [question, search, callModel, db]\n${source}`)
  return file
}

async function typeCheck(files: string[]): Promise<string> {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
  const args = [
    '--noEmit',
    '--strict',
    '--target',
    'es2022',
    '--module',
    'nodenext',
    '--skipLibCheck',
    ...files,
  ]
  try {
    await run(process.execPath, [tsc, ...args], { cwd: WORK })
    return ''
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error)
  }
}

async function execute(
  file: string,
  env: Record<string, string>,
): Promise<{ stdout: string; stderr: string }> {
  const out = file.replace(/\.ts$/, '.mjs')
  // The prelude is bundled in; the SDK stays an import, resolved from node_modules like a user's.
  await build({
    entryPoints: [file],
    outfile: out,
    bundle: true,
    external: ['@llmobs/sdk', '@llmobs/sdk/testing'],
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
  })
  return run(process.execPath, [out], { cwd: WORK, env: { ...process.env, ...env }, timeout: 30_000 })
}

let collector: CollectorProcess

beforeAll(async () => {
  rmSync(WORK, { recursive: true, force: true })
  mkdirSync(WORK, { recursive: true })
  writeFileSync(join(WORK, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(join(WORK, 'readme-prelude.ts'), readFileSync(join(ROOT, 'test/readme/readme-prelude.ts')))
  await ensureSdkBuilt()
  collector = await startCollectorProcess()
}, 120_000)

afterAll(async () => {
  await collector?.stop()
  rmSync(WORK, { recursive: true, force: true })
})

describe('README examples', () => {
  it('"Five minutes with the SDK", "User feedback" and "In your tests" type-check under tsc --strict', async () => {
    const files = [
      writeExample('five-minutes', exampleAfter('## Five minutes with the SDK')),
      writeExample('in-your-tests', exampleAfter('### In your tests')),
      writeExample('user-feedback', exampleAfter('### User feedback')),
    ]
    expect(await typeCheck(files)).toBe('')
  }, 60_000)

  it('"Five minutes" runs as written: the trace and its evaluation arrive at the collector, joined', async () => {
    const file = writeExample('five-minutes-run', exampleAfter('## Five minutes with the SDK'))
    const { stderr } = await execute(file, { DD_TRACE_AGENT_URL: collector.url })
    expect(stderr).toBe('')
    const list = await collector.waitFor<{
      traces: Array<{ traceId: string; name: string; spanCount: number }>
    }>('/api/traces?mlApp=support-bot', (answer) =>
      answer.traces.some((t) => t.name === 'answer' && t.spanCount === 3),
    )
    const trace = list.traces.find((t) => t.name === 'answer')!
    const evaluations = await collector.waitFor<{
      evaluations: Array<{ label: string; value: unknown; joinOn: { spanId: string | null } }>
    }>(`/api/evaluations?traceId=${trace.traceId}`, (answer) => answer.evaluations.length === 1)
    expect(evaluations.evaluations[0]).toMatchObject({ label: 'faithfulness', value: 0.92 })
    const detail = await collector.query<{ spans: Array<{ spanId: string; name: string }> }>(
      `/api/traces/${trace.traceId}`,
    )
    const answerSpan = detail.spans.find((s) => s.name === 'answer')!
    expect(evaluations.evaluations[0]?.joinOn.spanId).toBe(answerSpan.spanId)
  }, 60_000)

  it('"User feedback" runs as written: the feedback joins the span by its key, and the session', async () => {
    const file = writeExample('user-feedback-run', exampleAfter('### User feedback'))
    const { stderr } = await execute(file, { DD_TRACE_AGENT_URL: collector.url })
    expect(stderr).toBe('')
    const list = await collector.waitFor<{ traces: Array<{ traceId: string; name: string }> }>(
      '/api/traces?mlApp=support-bot',
      (answer) => answer.traces.some((t) => t.name === 'chat'),
    )
    const traceId = list.traces.find((t) => t.name === 'chat')!.traceId
    const detail = await collector.waitFor<{
      spans: Array<{ name: string; evaluations: Array<{ label: string; kind: string; value: unknown }> }>
    }>(`/api/traces/${traceId}`, (t) => t.spans.some((s) => s.evaluations.length > 0))
    expect(detail.spans.find((s) => s.name === 'reply')?.evaluations).toMatchObject([
      { label: 'thumbs', kind: 'feedback', value: true },
    ])
    const session = await collector.query<{ evaluations: Array<{ label: string; value: unknown }> }>(
      '/api/sessions/session-42',
    )
    expect(session.evaluations).toMatchObject([{ label: 'comment', value: 'Fast and right' }])
  }, 60_000)

  it('"In your tests" runs as written and finds the span it describes', async () => {
    const source = exampleAfter('### In your tests')
    const file = writeExample(
      'in-your-tests-run',
      `${source}\nconsole.log(JSON.stringify({ output: exporter.findSpan('add')?.meta.output.value }))\n`,
    )
    const { stdout } = await execute(file, {})
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({ output: '3' })
  }, 60_000)
})
