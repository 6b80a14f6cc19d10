/**
 * Shared by the `context-*` end-to-end tests: the built SDK for other processes and worker threads
 * (rebuilt when older than its sources, once per test process, under a cross-process lock), the
 * collector's trace view, and a child-process runner.
 */
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { ensureBuilt } from '../helpers/ensure-built.js'

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')
/** The built SDK's ESM entry, for child processes and workers (they cannot load TypeScript). */
export const SDK_DIST = join(ROOT, 'packages/sdk/dist/index.js')
export const FIXTURES = join(ROOT, 'test/e2e/context-fixtures')

export interface SpanView {
  spanId: string
  parentId: string | null
  traceId: string
  apmTraceId: string | null
  name: string
  kind: string
  status: string
  mlApp: string | null
  sessionId: string | null
  meta: Record<string, any>
  tags: string[]
  links: Array<{ traceId: string; spanId: string; from: string; to: string }>
  evaluations: Array<{ label: string; value: unknown; kind: string }>
}

export interface TraceView {
  traceId: string
  spans: SpanView[]
}

/** Waits until the trace has at least `count` spans (and `extra` holds), then returns it. */
export function waitForTrace(
  collector: CollectorProcess,
  traceId: string,
  count: number,
  extra: (trace: TraceView) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<TraceView> {
  return collector.waitFor<TraceView>(
    `/api/traces/${traceId}`,
    (trace) => trace.spans.length >= count && extra(trace),
    timeoutMs,
  )
}

/** The span named `name` in `trace`; fails the test when there is not exactly one. */
export function spanNamed(trace: TraceView, name: string): SpanView {
  const found = trace.spans.filter((span) => span.name === name)
  if (found.length !== 1) {
    throw new Error(
      `expected one span '${name}', found ${found.length} in ${JSON.stringify(trace.spans.map((s) => s.name))}`,
    )
  }
  return found[0] as SpanView
}

let built: Promise<void> | undefined

/** Builds `@llmobs/protocol` and `@llmobs/sdk` when their dist is older than their sources. */
export function ensureSdkBuilt(): Promise<void> {
  built ??= build()
  return built
}

function build(): Promise<void> {
  return ensureBuilt([
    {
      workspace: '@llmobs/protocol',
      entry: 'packages/protocol/dist/index.js',
      sources: ['packages/protocol/src'],
    },
    {
      workspace: '@llmobs/sdk',
      entry: 'packages/sdk/dist/index.js',
      sources: ['packages/sdk/src', 'packages/protocol/src'],
    },
  ])
}

export interface ChildResult {
  code: number | null
  output: string
  /** The JSON of the last stdout line starting with `RESULT `. */
  result: any
}

/**
 * Runs a fixture script (`context-fixtures/<name>`) on this Node with `args`, and resolves when it
 * exits. The script prints `RESULT <json>`; `env` is added to this process's environment.
 */
export function runFixture(
  name: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<ChildResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(FIXTURES, name), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', fail)
    child.on('close', (code) => {
      clearTimeout(timer)
      const line = output
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('RESULT '))
      if (code !== 0 || line === undefined) {
        fail(new Error(`${name} failed (exit ${String(code)}):\n${output}`))
        return
      }
      done({ code, output, result: JSON.parse(line.slice('RESULT '.length)) })
    })
  })
}
