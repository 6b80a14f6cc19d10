/**
 * Shared by the `context-*` end-to-end tests: the built SDK for other processes and worker threads
 * (rebuilt when older than its sources, once per test process, under a cross-process lock), the
 * collector's trace view, and a child-process runner.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { CollectorProcess } from '../helpers/collector-process.js'

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')
/** The built SDK's ESM entry, for child processes and workers (they cannot load TypeScript). */
export const SDK_DIST = join(ROOT, 'packages/sdk/dist/index.js')
export const FIXTURES = join(ROOT, 'test/e2e/context-fixtures')
const LOCK = join(tmpdir(), 'llmobs-sdk-build.lock')

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

async function build(): Promise<void> {
  for (const deadline = Date.now() + 240_000; ;) {
    try {
      mkdirSync(LOCK)
      break
    } catch {
      const age = Date.now() - (existsSync(LOCK) ? statSync(LOCK).mtimeMs : Date.now())
      if (age > 180_000) rmSync(LOCK, { recursive: true, force: true })
      if (Date.now() > deadline) throw new Error(`timed out waiting for the SDK build lock ${LOCK}`)
      await sleep(100)
    }
  }
  try {
    for (const name of ['protocol', 'sdk']) {
      const pkg = join(ROOT, 'packages', name)
      const entry = join(pkg, 'dist/index.js')
      const sources = [join(pkg, 'src'), ...(name === 'sdk' ? [join(ROOT, 'packages/protocol/src')] : [])]
      const builtAt = existsSync(entry) ? statSync(entry).mtimeMs : 0
      if (builtAt > 0 && !sources.some((dir) => newestSource(dir) > builtAt)) continue
      const result = spawnSync('npm', ['run', 'build', '-w', `@llmobs/${name}`], {
        cwd: ROOT,
        encoding: 'utf8',
      })
      if (result.status !== 0)
        throw new Error(`building @llmobs/${name} failed:\n${result.stdout}\n${result.stderr}`)
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
  }
}

function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path))
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs)
    }
  }
  return newest
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
