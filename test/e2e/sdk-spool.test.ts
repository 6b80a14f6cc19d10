// The on-disk spool, end to end with real processes: a script that calls process.exit() right after
// tracing (no agent reachable, or one that hangs) leaves its events in the spool directory; the next
// process started with the same spoolDir delivers them to a real collector, each exactly once.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'
import { runModule } from '../helpers/run-module.js'
import { ensureSdkBuilt } from './context-helpers.js'

/** Traces `count` spans (and one evaluation of the first) towards `agentUrl`, then exits at once. */
function tracer(options: { count: number; agentUrl: string; inputChars?: number; waitMs?: number }): string {
  return `
import { llmobs } from '@llmobs/sdk'
llmobs.init({
  mlApp: 'spool-e2e', mode: 'agent-proxy', agentUrl: ${JSON.stringify(options.agentUrl)},
  spoolDir: process.env.SPOOL, flushIntervalMs: 50,
  ...(process.env.SPOOL_MAX ? { spoolMaxBytes: Number(process.env.SPOOL_MAX) } : {}),
})
for (let i = 0; i < ${options.count}; i++) {
  llmobs.trace({ kind: 'task', name: 'job-' + i }, (span) => {
    llmobs.annotate(span, { inputData: 'x'.repeat(${options.inputChars ?? 10}) })
    if (i === 0) llmobs.submitEvaluation(span, { label: 'quality', metricType: 'score', value: 1 })
  })
}
${options.waitMs === undefined ? '' : `await new Promise((resolve) => setTimeout(resolve, ${options.waitMs}))`}
process.exit(0)
`
}

/** Starts with the spool and a reachable agent, flushes, and prints what it delivered. */
function deliverer(agentUrl: string): string {
  return `
import { llmobs } from '@llmobs/sdk'
llmobs.init({ mlApp: 'spool-e2e', mode: 'agent-proxy', agentUrl: ${JSON.stringify(agentUrl)}, spoolDir: process.env.SPOOL })
const flushed = await llmobs.flush()
process.stderr.write('RESULT ' + JSON.stringify({ flushed, spool: llmobs.status().spool }) + '\\n')
`
}

interface Delivered {
  flushed: { spans: { sent: number; failed: number }; evaluations: { sent: number; failed: number } }
  spool: { delivered: { spans: number; evaluations: number }; corruptFiles: number }
}

function resultOf(stderr: string): Delivered {
  const line = stderr.split('\n').find((l) => l.startsWith('RESULT '))
  if (line === undefined) throw new Error(`no RESULT line in:\n${stderr}`)
  return JSON.parse(line.slice('RESULT '.length)) as Delivered
}

const spoolFiles = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith('.spool'))

/** A TCP server that accepts requests and never answers: every request stays in flight. */
async function startHangingAgent(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

const UNREACHABLE = 'http://127.0.0.1:9'

let collector: CollectorProcess | undefined
const dirs: string[] = []
function spoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'llmobs-spool-'))
  dirs.push(dir)
  return dir
}

beforeAll(() => ensureSdkBuilt(), 120_000)
afterEach(async () => {
  await collector?.stop()
  collector = undefined
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

async function traceCount(c: CollectorProcess): Promise<number> {
  const answer = await c.query<{ traces: unknown[] }>('/api/traces?mlApp=spool-e2e&limit=1000')
  return answer.traces.length
}

describe('the on-disk spool', () => {
  it('keeps what process.exit() cut off, and the next process delivers every span once', async () => {
    const SPOOL = spoolDir()
    const first = await runModule(tracer({ count: 20, agentUrl: UNREACHABLE }), { SPOOL })
    expect(first.code).toBe(0)
    expect(first.stderr).toContain(
      `[llmobs] the process exited with 20 span event(s) and 1 evaluation(s) not delivered: 20 span event(s) and 1 evaluation(s) were written to the spool ${SPOOL} for the next process started with it to send.`,
    )
    expect(spoolFiles(SPOOL)).toHaveLength(1)

    collector = await startCollectorProcess()
    const second = await runModule(deliverer(collector.url), { SPOOL })
    expect(second.code).toBe(0)
    const delivered = resultOf(second.stderr)
    expect(delivered.flushed.spans).toMatchObject({ sent: 20, failed: 0 })
    expect(delivered.flushed.evaluations).toMatchObject({ sent: 1, failed: 0 })
    expect(delivered.spool.delivered).toEqual({ spans: 20, evaluations: 1 })
    expect(readdirSync(SPOOL)).toEqual([])
    expect(await traceCount(collector)).toBe(20)
    const evaluations = await collector.query<{ evaluations: { label: string }[] }>(
      '/api/evaluations?label=quality',
    )
    expect(evaluations.evaluations).toHaveLength(1)

    // A third start finds nothing left to send.
    const third = await runModule(deliverer(collector.url), { SPOOL })
    expect(resultOf(third.stderr).flushed.spans.sent).toBe(0)
    expect(resultOf(third.stderr).spool.delivered).toEqual({ spans: 0, evaluations: 0 })
  }, 60_000)

  it('keeps requests that were in flight to an agent that never answers', async () => {
    const SPOOL = spoolDir()
    const agent = await startHangingAgent()
    try {
      // 300 ms: the flush timer (50 ms) has sent the batch, which now waits for an answer.
      const first = await runModule(tracer({ count: 5, agentUrl: agent.url, waitMs: 300 }), { SPOOL })
      expect(first.code).toBe(0)
      expect(first.stderr).toContain(
        'not delivered: 5 span event(s) and 1 evaluation(s) were written to the spool',
      )
    } finally {
      await agent.close()
    }
    collector = await startCollectorProcess()
    const second = await runModule(deliverer(collector.url), { SPOOL })
    expect(resultOf(second.stderr).spool.delivered).toEqual({ spans: 5, evaluations: 1 })
    expect(await traceCount(collector)).toBe(5)
  }, 60_000)

  it('lets exactly one of two processes that start together send each spool file', async () => {
    const SPOOL = spoolDir()
    // Three files of ten spans each, from three runs that exited early.
    for (let run = 0; run < 3; run++) {
      const { code } = await runModule(tracer({ count: 10, agentUrl: UNREACHABLE }), { SPOOL })
      expect(code).toBe(0)
    }
    expect(spoolFiles(SPOOL)).toHaveLength(3)

    collector = await startCollectorProcess()
    const [a, b] = await Promise.all([
      runModule(deliverer(collector.url), { SPOOL }),
      runModule(deliverer(collector.url), { SPOOL }),
    ])
    const spans = [a, b].map((run) => resultOf(run.stderr).spool.delivered.spans)
    const evaluations = [a, b].map((run) => resultOf(run.stderr).spool.delivered.evaluations)
    // Each file went to one process: the spans sent add up to the 30 spooled, never more.
    expect(spans[0]! + spans[1]!).toBe(30)
    expect(evaluations[0]! + evaluations[1]!).toBe(3)
    expect(readdirSync(SPOOL)).toEqual([])
    expect(await traceCount(collector)).toBe(30)
  }, 60_000)

  it('keeps the spool within spoolMaxBytes and counts what did not fit as lost', async () => {
    const SPOOL = spoolDir()
    const first = await runModule(tracer({ count: 20, agentUrl: UNREACHABLE, inputChars: 500 }), {
      SPOOL,
      SPOOL_MAX: '6000',
    })
    const match =
      /(\d+) span event\(s\) and 1 evaluation\(s\) were written to the spool .*; (\d+) span event\(s\) and 0 evaluation\(s\) did not fit spoolMaxBytes and were lost\./.exec(
        first.stderr,
      )
    expect(match, first.stderr).not.toBeNull()
    const spooled = Number(match![1])
    const lost = Number(match![2])
    expect(spooled).toBeGreaterThan(0)
    expect(lost).toBeGreaterThan(0)
    expect(spooled + lost).toBe(20)
    const [file] = spoolFiles(SPOOL)
    expect(statSync(join(SPOOL, file!)).size).toBeLessThanOrEqual(6000)

    collector = await startCollectorProcess()
    const second = await runModule(deliverer(collector.url), { SPOOL })
    expect(resultOf(second.stderr).spool.delivered.spans).toBe(spooled)
    expect(await traceCount(collector)).toBe(spooled)
  }, 60_000)

  it('keeps what shutdown() could not deliver while the agent was down', async () => {
    const SPOOL = spoolDir()
    const program = `
import { llmobs } from '@llmobs/sdk'
llmobs.init({ mlApp: 'spool-e2e', mode: 'agent-proxy', agentUrl: ${JSON.stringify(UNREACHABLE)}, spoolDir: process.env.SPOOL })
for (let i = 0; i < 7; i++) llmobs.trace({ kind: 'task', name: 'job-' + i }, () => i)
await llmobs.shutdown()
`
    const first = await runModule(program, { SPOOL })
    expect(first.code).toBe(0)
    expect(first.stderr).toContain('could not send 7 span events')
    expect(first.stderr).toContain(
      `7 span event(s) and 0 evaluation(s) were written to the spool ${SPOOL} for the next process started with it to send.`,
    )
    collector = await startCollectorProcess()
    const second = await runModule(deliverer(collector.url), { SPOOL })
    expect(resultOf(second.stderr).spool.delivered.spans).toBe(7)
    expect(await traceCount(collector)).toBe(7)
  }, 60_000)
})
