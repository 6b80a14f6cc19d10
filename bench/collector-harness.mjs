// Shared pieces of the collector benchmarks: starting the real collector process, realistic payloads
// (shaped like dd-trace 5.132.0's, see packages/collector/test/fixtures), percentiles, tables.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { encode } from '@msgpack/msgpack'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
// LLMOBS_BENCH_COLLECTOR_CLI measures another build (e.g. the previous commit's, for a before/after).
const CLI = process.env.LLMOBS_BENCH_COLLECTOR_CLI ?? join(ROOT, 'packages/collector/dist/cli.js')

/** Reads `--name value` flags with numeric defaults. */
export function flags(defaults) {
  const out = { ...defaults }
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]?.replace(/^--/, '')
    if (key === undefined || !(key in defaults)) continue
    const value = argv[i + 1]
    if (typeof defaults[key] === 'boolean') out[key] = true
    else out[key] = typeof defaults[key] === 'number' ? Number(value) : value
    if (typeof defaults[key] !== 'boolean') i++
  }
  return out
}

/** Starts `llmobs collector` as a child process; resolves once it prints where it listens. */
export async function startCollectorProcess({ dbPath, args = [] } = {}) {
  if (!existsSync(CLI)) throw new Error('build first: npm run build -w @llmobs/collector')
  const dir = dbPath === undefined ? mkdtempSync(join(tmpdir(), 'llmobs-bench-')) : undefined
  const db = dbPath ?? join(dir, 'bench.db')
  // LLMOBS_BENCH_NODE_OPTIONS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the collector.
  const nodeOptions = (process.env.LLMOBS_BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean)
  const child = spawn(
    process.execPath,
    [...nodeOptions, CLI, 'collector', '--port', '0', '--db', db, ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let output = ''
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) resolve(match[1])
    })
    child.on('exit', (code) => reject(new Error(`collector exited (${code}): ${output}`)))
  })
  return {
    url,
    pid: child.pid,
    dbPath: db,
    /** CPU seconds (user + system) the collector process has used so far (Linux). */
    cpuSeconds: () => processCpuSeconds(`/proc/${child.pid}/stat`),
    /** CPU seconds of its main thread alone: HTTP, decoding, validation (the store runs in a worker). */
    mainThreadCpuSeconds: () => processCpuSeconds(`/proc/${child.pid}/task/${child.pid}/stat`),
    /** CPU seconds of each of its threads so far, by thread id (Linux). */
    threadCpuSeconds: () => threadCpuSeconds(child.pid),
    async stop() {
      const closed = new Promise((resolve) => child.once('close', resolve))
      child.kill('SIGTERM')
      await closed
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
    },
  }
}

function threadCpuSeconds(pid) {
  const seconds = new Map()
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      seconds.set(tid, processCpuSeconds(`/proc/${pid}/task/${tid}/stat`))
    }
  } catch {
    // the process is gone
  }
  return seconds
}

/**
 * CPU seconds the busiest thread other than the main one used between two `threadCpuSeconds`
 * snapshots: the store worker, during an ingest run (threads are all named "node", so it is told
 * apart by being the busiest).
 */
export function busiestOtherThread(pid, before, after) {
  let busiest = 0
  for (const [tid, seconds] of after) {
    if (tid !== String(pid)) busiest = Math.max(busiest, seconds - (before.get(tid) ?? 0))
  }
  return busiest
}

function processCpuSeconds(statFile) {
  try {
    const fields = readFileSync(statFile, 'utf8').split(') ')[1].split(' ')
    // utime and stime (fields 14 and 15 of stat) in clock ticks, which are 100 per second on Linux.
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return NaN
  }
}

const T0 = 1_795_423_257_000_000_000n
const KINDS = ['workflow', 'llm', 'llm', 'tool', 'retrieval', 'llm', 'task', 'llm', 'tool', 'llm']

/** 32-hex LLMObs / APM trace ids and decimal span ids for span `n` (10 spans a trace). */
export function ids(n, salt) {
  const trace = Math.floor(n / 10)
  const hex = (salt * 0x1000000 + trace + 1).toString(16).padStart(16, '0')
  return {
    traceId: '6b03fc1900000000' + hex,
    apmTraceId: '6b03fc1900000000' + hex,
    apmLow: BigInt('0x' + hex),
    spanId: BigInt(salt) * 100_000_000n + BigInt(n) + 1n,
    rootSpanId: BigInt(salt) * 100_000_000n + BigInt(trace * 10) + 1n,
    isRoot: n % 10 === 0,
    trace,
  }
}

function ioFor(kind, n) {
  const question = `Question ${n}: what is the weather in Paris and should I take an umbrella?`
  switch (kind) {
    case 'llm':
      return {
        input: {
          messages: [
            { role: 'system', content: 'You are a concise assistant.' },
            { role: 'user', content: question },
          ],
        },
        output: { messages: [{ role: 'assistant', content: 'Sunny, 21°C. No umbrella needed today.' }] },
      }
    case 'retrieval':
      return {
        input: { value: question },
        output: { documents: [{ text: 'Paris forecast: sunny', id: 'd1', score: 0.92 }] },
      }
    default:
      return { input: { value: question }, output: { value: 'Sunny, 21°C. No umbrella needed today.' } }
  }
}

/** One LLMObs span event as dd-trace sends it (about 1 KB of JSON). */
export function spanEvent(n, salt) {
  const id = ids(n, salt)
  const kind = KINDS[n % 10]
  const meta = { 'span.kind': kind, ...ioFor(kind, n) }
  const metrics = {}
  if (kind === 'llm') {
    Object.assign(meta, {
      model_name: 'gpt-4o',
      model_provider: 'openai',
      metadata: { temperature: 0.2, max_tokens: 256 },
    })
    Object.assign(metrics, { input_tokens: 42, output_tokens: 11, total_tokens: 53 })
  }
  return {
    trace_id: id.traceId,
    span_id: id.spanId.toString(),
    parent_id: id.isRoot ? 'undefined' : id.rootSpanId.toString(),
    name: `${kind}-${n % 10}`,
    tags: [
      'version:1.0.0',
      'env:bench',
      'service:bench-svc',
      'source:integration',
      'ml_app:bench',
      'ddtrace.version:5.132.0',
      'error:0',
      'language:javascript',
      `session_id:s${id.trace % 1000}`,
    ],
    start_ns: Number(T0 + BigInt(n) * 1_000_000n),
    duration: 900_000,
    status: 'ok',
    meta,
    metrics,
    session_id: `s${id.trace % 1000}`,
    _dd: {
      span_id: id.spanId.toString(),
      trace_id: id.apmTraceId,
      apm_trace_id: id.apmTraceId,
      sample_rate: '1',
      sampling_decision: '1',
    },
  }
}

/** `/evp_proxy/v2/api/v2/llmobs` bodies of `batch` span events each (one envelope per span, as dd-trace). */
export function evpBodies(total, batch, salt) {
  const bodies = []
  for (let start = 0; start < total; start += batch) {
    const envelopes = []
    for (let n = start; n < Math.min(total, start + batch); n++) {
      envelopes.push({
        '_dd.stage': 'raw',
        '_dd.tracer_version': '5.132.0',
        event_type: 'span',
        spans: [spanEvent(n, salt)],
      })
    }
    bodies.push(Buffer.from(JSON.stringify(envelopes)))
  }
  return bodies
}

/** `/v0.4/traces` bodies: chunks of 10 APM spans, each carrying its LLMObs event in meta_struct. */
export function v04Bodies(total, batch, salt) {
  const bodies = []
  for (let start = 0; start < total; start += batch) {
    const chunks = []
    for (let n = start; n < Math.min(total, start + batch); n++) {
      const id = ids(n, salt)
      const event = spanEvent(n, salt)
      const { 'span.kind': kind, ...rest } = event.meta
      const struct = {
        name: event.name,
        trace_id: event.trace_id,
        parent_id: event.parent_id,
        ml_app: 'bench',
        session_id: event.session_id,
        tags: {
          ml_app: 'bench',
          service: 'bench-svc',
          env: 'bench',
          version: '1.0.0',
          source: 'integration',
          language: 'javascript',
        },
        meta: { ...rest, span: { kind } },
        metrics: event.metrics,
        _dd: { sample_rate: '1', sampling_decision: '1' },
      }
      const span = {
        trace_id: id.apmLow,
        span_id: id.spanId,
        parent_id: id.isRoot ? 0n : id.rootSpanId,
        name: event.name,
        resource: event.name,
        service: 'bench-svc',
        type: 'llm',
        error: 0,
        start: T0 + BigInt(n) * 1_000_000n,
        duration: 900_000,
        meta: {
          ...(id.isRoot ? { '_dd.p.tid': '6b03fc1900000000', '_dd.p.dm': '-0' } : {}),
          env: 'bench',
          version: '1.0.0',
          language: 'javascript',
          'runtime-id': '9aa11a62-d825-4721-b2fa-903f132d1e99',
          '_dd.integration': 'opentracing',
        },
        metrics: { '_dd.measured': 1, process_id: 8138, _sampling_priority_v1: 1 },
        meta_struct: { _llmobs: encode(struct) },
      }
      if (id.isRoot) chunks.push([])
      chunks[chunks.length - 1].push(span)
    }
    bodies.push(encode(chunks, { useBigInt64: true }))
  }
  return bodies
}

/** A span event as the store's input row (what the ingest path produces from it). */
export function storeInput(event) {
  return {
    traceId: event.trace_id,
    spanId: event.span_id,
    parentId: event.parent_id === 'undefined' ? null : event.parent_id,
    name: event.name,
    kind: event.meta['span.kind'],
    startNs: event.start_ns,
    durationNs: event.duration,
    status: event.status,
    mlApp: 'bench',
    sessionId: event.session_id,
    service: 'bench-svc',
    env: 'bench',
    apmTraceId: event._dd.apm_trace_id,
    modelName: event.meta.model_name ?? null,
    modelProvider: event.meta.model_provider ?? null,
    inputTokens: event.metrics.input_tokens ?? null,
    outputTokens: event.metrics.output_tokens ?? null,
    totalTokens: event.metrics.total_tokens ?? null,
    metaJson: JSON.stringify(event.meta),
    metricsJson: JSON.stringify(event.metrics),
    tagsJson: JSON.stringify(event.tags),
    links: [],
  }
}

/** Sends every body with `concurrency` requests in flight; returns the wall time in ms. */
export async function sendAll(url, bodies, { method = 'POST', headers, concurrency = 2 }) {
  let next = 0
  const started = performance.now()
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]
      const response = await fetch(url, { method, headers, body })
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`)
      await response.arrayBuffer()
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return performance.now() - started
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

export function table(rows) {
  const headers = Object.keys(rows[0])
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h]).length)))
  const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |'
  console.log(line(headers))
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|')
  for (const row of rows) console.log(line(headers.map((h) => row[h])))
}
