import { fork, spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createLLMObs, type ExportedSpan, type HeaderRecord, type LLMObs } from '@llmobs/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollectorProcess, type CollectorProcess } from '../helpers/collector-process.js'
import { ensureSdkBuilt, FIXTURES, ROOT, runFixture, spanNamed, waitForTrace } from './context-helpers.js'

const QUIET_DD_TRACE = {
  DD_TRACE_DEBUG: 'false',
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
  DD_TRACE_STARTUP_LOGS: 'false',
  DD_LLMOBS_ENABLED: '1',
  DD_LLMOBS_AGENTLESS_ENABLED: '',
  DD_API_KEY: '',
}

interface ChildIds {
  task: ExportedSpan
  llm: ExportedSpan
}

/** Starts a fixture that prints `PORT <n>` and keeps running; resolves with its port. */
async function startServerProcess(
  name: string,
  args: string[],
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(FIXTURES, name), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /PORT (\d+)/.exec(output)
      if (match !== null) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`${name} exited (${String(code)}):\n${output}`)))
  })
  return { child, port }
}

// Issue 4, pattern 7: across processes, with Datadog and W3C headers, verified at the collector.
describe('context across processes (real collector, real processes)', () => {
  let collector: CollectorProcess
  let llmobs: LLMObs

  beforeAll(async () => {
    await ensureSdkBuilt()
    collector = await startCollectorProcess()
    llmobs = createLLMObs({ agentUrl: collector.url, mode: 'agent-proxy', mlApp: 'ctx-cross' })
  }, 240_000)
  afterAll(async () => {
    await llmobs.shutdown()
    await collector.stop()
  })

  it('a child process continues the trace from headers in its environment', async () => {
    let parent!: ExportedSpan
    let apmTraceId!: string
    const headers = llmobs.trace({ kind: 'agent', name: 'parent-agent', sessionId: 'cp-session' }, (span) => {
      parent = llmobs.exportSpan(span)!
      apmTraceId = llmobs.captureContext()!.apmTraceId!
      return llmobs.inject({})
    })
    const { result } = await runFixture('child-continue.mjs', [collector.url, 'ctx-child'], {
      LLMOBS_TEST_HEADERS: JSON.stringify(headers),
    })
    const ids = result.ids as ChildIds
    await llmobs.flush()
    const trace = await waitForTrace(collector, parent.traceId, 3)
    const root = spanNamed(trace, 'parent-agent')
    const task = spanNamed(trace, 'child-task')
    expect(task.spanId).toBe(ids.task.spanId)
    expect(task.parentId).toBe(root.spanId)
    expect(task.traceId).toBe(root.traceId)
    expect(task.apmTraceId).toBe(apmTraceId)
    expect(task.sessionId).toBe('cp-session')
    // The caller's ml_app travels with the context, as in dd-trace.
    expect(task.mlApp).toBe('ctx-cross')
    expect(task.meta.agent_attribution).toEqual({ pagent_name: 'parent-agent', pagent_span_id: root.spanId })
    expect(spanNamed(trace, 'child-llm').parentId).toBe(task.spanId)
  })

  it('a forked child gets W3C-only headers over IPC; an over-budget context keeps its ids', async () => {
    let parent!: ExportedSpan
    const headers: HeaderRecord = {}
    llmobs.trace({ kind: 'workflow', name: 'w3c-parent', mlApp: 'm'.repeat(420) }, (span) => {
      parent = llmobs.exportSpan(span)!
      llmobs.inject(headers, span, { styles: ['tracecontext'] })
    })
    expect(Object.keys(headers).sort()).toEqual(['traceparent', 'tracestate'])
    const child = fork(join(FIXTURES, 'child-continue.mjs'), [collector.url, 'ctx-fork'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    })
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.send(headers)
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
    expect(code, output).toBe(0)
    const result = JSON.parse(/^RESULT (.*)$/m.exec(output)![1]!) as { ids: ChildIds }
    await llmobs.flush()
    const trace = await waitForTrace(collector, parent.traceId, 3)
    const task = spanNamed(trace, 'child-task')
    expect(task.spanId).toBe(result.ids.task.spanId)
    expect(task.parentId).toBe(spanNamed(trace, 'w3c-parent').spanId)
    // The 420-character ml_app did not fit the tracestate budget: the child uses its own.
    expect(task.mlApp).toBe('ctx-fork')

    // Datadog headers: x-datadog-tags stays within 512 bytes with the ids, never dropped whole.
    const datadog: HeaderRecord = {}
    llmobs.trace(
      { kind: 'workflow', name: 'long-app', mlApp: 'm'.repeat(420), sessionId: 's'.repeat(80) },
      (span) => llmobs.inject(datadog, span, { styles: ['datadog'] }),
    )
    const tags = String(datadog['x-datadog-tags'])
    expect(tags.length).toBeLessThanOrEqual(512)
    expect(tags).toMatch(/_dd\.p\.tid=[0-9a-f]{16}/)
    expect(tags).toMatch(/_dd\.p\.llmobs_parent_id=\d+/)
    expect(tags).toMatch(/_dd\.p\.llmobs_trace_id=\d+/)
  })

  it('an HTTP server in another process continues the trace from injected request headers', async () => {
    const { child, port } = await startServerProcess('http-server.mjs', [collector.url, 'ctx-server'])
    try {
      let caller!: ExportedSpan
      const reply = await llmobs.trace({ kind: 'workflow', name: 'http-caller' }, async (span) => {
        caller = llmobs.exportSpan(span)!
        return llmobs.trace({ kind: 'tool', name: 'http-call' }, async () => {
          const response = await fetch(`http://127.0.0.1:${port}/answer`, {
            method: 'POST',
            headers: llmobs.inject({ 'content-type': 'application/json' }),
            body: '{}',
          })
          return (await response.json()) as { handler: ExportedSpan; downstream: Record<string, string> }
        })
      })
      await llmobs.flush()
      const trace = await waitForTrace(collector, caller.traceId, 4)
      const call = spanNamed(trace, 'http-call')
      const handler = spanNamed(trace, 'server-handler')
      expect(handler.spanId).toBe(reply.handler.spanId)
      expect(handler.parentId).toBe(call.spanId)
      expect(handler.apmTraceId).toBe(call.apmTraceId)
      expect(spanNamed(trace, 'server-search').parentId).toBe(handler.spanId)
      // And the server's own downstream headers name its span, in the same trace.
      expect(reply.downstream['x-datadog-parent-id']).toBe(handler.spanId)
      expect(llmobs.extract(reply.downstream)).toMatchObject({
        traceId: caller.traceId,
        spanId: handler.spanId,
      })
    } finally {
      await fetch(`http://127.0.0.1:${port}/exit`).catch(() => undefined)
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)))
    }
  })

  it('continues a trace from the official dd-trace: our spans are children of its LLMObs span', async () => {
    const received: Array<{ context: unknown; ids: ExportedSpan }> = []
    const server = http.createServer((req, res) => {
      void llmobs.withContext(llmobs.extract(req.headers), async () => {
        const ids = await llmobs.trace(
          { kind: 'llm', name: 'our-llm', modelName: 'gpt-4o' },
          async (span) => {
            await llmobs.trace({ kind: 'tool', name: 'our-tool' }, () => sleep(2))
            return llmobs.exportSpan(span)!
          },
        )
        received.push({ context: llmobs.extract(req.headers), ids })
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify(ids))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
      const { result } = await runFixture('dd-trace-caller.mjs', [url, 'dd-caller-app'], {
        ...QUIET_DD_TRACE,
        DD_TRACE_AGENT_URL: collector.url,
      })
      expect(result.headers['x-datadog-tags']).toContain('_dd.p.llmobs_parent_id=')
      await llmobs.flush()
      const ddTraceId = result.workflow.traceId as string
      // dd-trace's own events (agent, workflow) and ours (llm, tool) form one tree at the collector.
      const trace = await waitForTrace(collector, ddTraceId, 4, () => true, 30_000)
      const ddAgent = spanNamed(trace, 'dd-agent')
      const ddWorkflow = spanNamed(trace, 'dd-workflow')
      const ours = spanNamed(trace, 'our-llm')
      expect(ddAgent.spanId).toBe(result.agent.spanId)
      expect(ddWorkflow.parentId).toBe(ddAgent.spanId)
      expect(ours.spanId).toBe(received[0]?.ids.spanId)
      expect(ours.parentId).toBe(ddWorkflow.spanId)
      expect(ours.traceId).toBe(ddTraceId)
      expect(ours.apmTraceId).toBe(result.apmTraceId)
      expect(ours.sessionId).toBe('dd-session')
      expect(ours.mlApp).toBe('dd-caller-app')
      expect(ours.meta.agent_attribution).toEqual({ pagent_name: 'dd-agent', pagent_span_id: ddAgent.spanId })
      expect(spanNamed(trace, 'our-tool').parentId).toBe(ours.spanId)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('dd-trace continues a trace from llmobs.inject() headers: its span is a child of ours', async () => {
    let caller!: ExportedSpan
    const headers = llmobs.trace({ kind: 'agent', name: 'our-agent', sessionId: 'to-dd' }, (span) => {
      caller = llmobs.exportSpan(span)!
      return llmobs.inject({})
    })
    const { result } = await runFixture('dd-trace-callee.mjs', [JSON.stringify(headers)], {
      ...QUIET_DD_TRACE,
      DD_TRACE_AGENT_URL: collector.url,
    })
    await llmobs.flush()
    const trace = await waitForTrace(collector, caller.traceId, 2, () => true, 30_000)
    const ours = spanNamed(trace, 'our-agent')
    const theirs = spanNamed(trace, 'dd-callee')
    expect(theirs.spanId).toBe(result.callee.spanId)
    expect(theirs.parentId).toBe(ours.spanId)
    expect(theirs.traceId).toBe(ours.traceId)
    expect(theirs.apmTraceId).toBe(ours.apmTraceId)
    expect(theirs.sessionId).toBe('to-dd')
    expect(theirs.mlApp).toBe('ctx-cross')
  })
})
