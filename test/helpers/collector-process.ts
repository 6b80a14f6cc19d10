/**
 * Starts the real collector (`packages/collector/dist/cli.js collector`) as a child process on a free
 * port with a fresh SQLite file, for end-to-end tests. Builds the collector first when its `dist/` is
 * missing or older than its sources (once per test process, under a cross-process lock, so parallel
 * test files never build over each other).
 *
 * The child runs on `LLMOBS_COLLECTOR_NODE` (default: this Node): better-sqlite3 is compiled for the
 * machine's Node 20, while some suites run on Node 24 (`scripts/test-node24.mjs` sets the variable).
 *
 * @example
 * const collector = await startCollectorProcess()
 * // point a tracer at collector.url, send something, then:
 * const trace = await collector.waitFor<{ spans: unknown[] }>(`/api/traces/${id}`, (t) => t.spans.length === 3)
 * await collector.stop()
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { ensureBuilt } from './ensure-built.js'

export interface CollectorProcessOptions {
  /** Start with `--api-key`: `query`/`waitFor` then send it as a bearer token. */
  apiKey?: string
  /** Use this SQLite file (kept after `stop`); default: a new file in a temp dir removed on `stop`. */
  dbPath?: string
  /** More CLI arguments, e.g. `['--max-spans', '100']`. */
  args?: string[]
  /** Listen on this port (default: a free one): a collector restarted after `kill` can take its old port. */
  port?: number
}

export interface CollectorProcess {
  /** `http://127.0.0.1:<port>`: the agent URL for tracers and the base of the query API. */
  url: string
  port: number
  dbPath: string
  pid: number
  /** GET `path` (e.g. `/api/traces`) as JSON; throws with status and body on a non-2xx answer. */
  query<T>(path: string): Promise<T>
  /**
   * Polls `path` until `predicate` accepts the answer (non-2xx answers count as "not yet"), and returns
   * it; throws after `timeoutMs` (default 10 s) with the last answer or error.
   */
  waitFor<T>(path: string, predicate: (value: T) => boolean, timeoutMs?: number): Promise<T>
  /** Whether the process is still running. */
  alive(): boolean
  /** Everything the process printed so far (stdout and stderr), for failure messages. */
  output(): string
  /** SIGTERM, wait for the graceful exit (SIGKILL after 5 s), remove the temp dir. Idempotent. */
  stop(): Promise<void>
  /**
   * SIGKILL, as a crash or the OOM killer ends it: no graceful close, whatever was in flight is cut.
   * Resolves once the process is gone; the database file stays (start another on the same `dbPath`).
   */
  kill(): Promise<void>
}

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')
const CLI = join(ROOT, 'packages/collector/dist/cli.js')
const STARTUP_TIMEOUT_MS = 20_000

let built: Promise<void> | undefined

export async function startCollectorProcess(
  options: CollectorProcessOptions = {},
): Promise<CollectorProcess> {
  built ??= ensureCollectorBuilt()
  await built

  const tempDir = options.dbPath === undefined ? mkdtempSync(join(tmpdir(), 'llmobs-collector-')) : undefined
  const dbPath = options.dbPath ?? join(tempDir as string, 'llmobs.db')
  const args = [CLI, 'collector', '--port', String(options.port ?? 0), '--db', dbPath]
  if (options.apiKey !== undefined) args.push('--api-key', options.apiKey)
  args.push(...(options.args ?? []))
  const node = process.env.LLMOBS_COLLECTOR_NODE ?? process.execPath
  const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT, env: process.env })

  let output = ''
  let exited = false
  const exit = new Promise<void>((done) =>
    // 'close', not 'exit': it comes after the output streams are drained, so output() is complete.
    child.once('close', () => {
      exited = true
      done()
    }),
  )
  const killOnExit = (): void => {
    child.kill('SIGKILL')
  }
  process.once('exit', killOnExit)
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))

  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`collector did not start in time:\n${output}`)),
      STARTUP_TIMEOUT_MS,
    )
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match !== null) {
        clearTimeout(timer)
        done(match[1] as string)
      }
    })
    void exit.then(() => {
      clearTimeout(timer)
      fail(new Error(`collector exited during start-up (code ${String(child.exitCode)}):\n${output}`))
    })
  }).catch((error: unknown) => {
    child.kill('SIGKILL')
    process.removeListener('exit', killOnExit)
    if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true })
    throw error
  })

  const headers: Record<string, string> = {}
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`

  async function query<T>(path: string): Promise<T> {
    const response = await fetch(url + path, { headers })
    const text = await response.text()
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${text}`)
    return JSON.parse(text) as T
  }

  async function waitFor<T>(path: string, predicate: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs
    let last: unknown
    for (;;) {
      try {
        const value = await query<T>(path)
        if (predicate(value)) return value
        last = value
      } catch (error) {
        last = error
      }
      if (Date.now() > deadline) {
        const shown = last instanceof Error ? last.message : JSON.stringify(last)?.slice(0, 2000)
        throw new Error(`waitFor ${path}: condition not met in ${timeoutMs} ms; last answer: ${shown}`)
      }
      await sleep(50)
    }
  }

  let stopping: Promise<void> | undefined
  return {
    url,
    port: Number(new URL(url).port),
    dbPath,
    pid: child.pid as number,
    query,
    waitFor,
    alive: () => !exited,
    output: () => output,
    stop() {
      stopping ??= (async () => {
        if (!exited) {
          child.kill('SIGTERM')
          const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
          await exit
          clearTimeout(killer)
        }
        process.removeListener('exit', killOnExit)
        if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true })
      })()
      return stopping
    },
    async kill() {
      if (!exited) child.kill('SIGKILL')
      await exit
      process.removeListener('exit', killOnExit)
    },
  }
}

/** Builds the collector when its dist is missing or older than its sources. */
export function ensureCollectorBuilt(): Promise<void> {
  return ensureBuilt([
    {
      workspace: '@llmobs/collector',
      entry: 'packages/collector/dist/cli.js',
      sources: ['packages/collector/src', 'packages/protocol/src'],
    },
  ])
}
