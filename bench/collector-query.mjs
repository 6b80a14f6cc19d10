#!/usr/bin/env node
// Collector query latency with 1,000,000 LLM spans stored (100,000 traces of 10 spans, an evaluation
// on every trace's LLM span, 1,000 sessions). The data is written straight through the store (the
// same SqliteStore the collector uses), then the collector process is started on that file and each
// query is timed over HTTP, one request at a time, as the viewer would send them.
//
//   node bench/collector-query.mjs [--spans 1000000] [--samples 2000] [--db path/to/keep.db]
// With --db, an existing file with enough spans is reused instead of being generated again.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStore } from '@llmobs/collector'
import {
  flags,
  ids,
  percentile,
  spanEvent,
  startCollectorProcess,
  storeInput,
  table,
} from './collector-harness.mjs'

const options = flags({ spans: 1_000_000, samples: 2000, db: '' })
const dir = options.db === '' ? mkdtempSync(join(tmpdir(), 'llmobs-bench-query-')) : undefined
const dbPath = options.db === '' ? join(dir, 'query.db') : options.db
const SALT = 4
const BATCH = 5000

async function generate() {
  const store = openSqliteStore(dbPath)
  const existing = (await store.counts()).llmSpans
  if (existing >= options.spans) {
    console.log(`reusing ${dbPath} (${existing} spans)`)
    await store.close()
    return
  }
  const started = performance.now()
  for (let start = 0; start < options.spans; start += BATCH) {
    const llmSpans = []
    const evaluations = []
    for (let n = start; n < Math.min(options.spans, start + BATCH); n++) {
      const event = spanEvent(n, SALT)
      llmSpans.push(storeInput(event))
      if (n % 10 === 1) evaluations.push(evaluationOf(event, n))
    }
    await store.write({ llmSpans, apmSpans: [], evaluations })
    if ((start / BATCH) % 40 === 0) process.stdout.write(`  ${start.toLocaleString('en-US')} spans\r`)
  }
  const seconds = (performance.now() - started) / 1000
  console.log(
    `generated ${options.spans.toLocaleString('en-US')} spans in ${seconds.toFixed(1)} s (${Math.round(options.spans / seconds).toLocaleString('en-US')} spans/s through store.write)`,
  )
  await store.close()
}

function evaluationOf(event, n) {
  return {
    dedupeKey: `bench-${n}`,
    kind: 'evaluation',
    label: 'accuracy',
    metricType: 'score',
    valueJson: String((n % 100) / 100),
    numericValue: (n % 100) / 100,
    join: {
      spanId: event.span_id,
      traceId: event.trace_id,
      tagKey: null,
      tagValue: null,
      sessionId: null,
      feedbackJoinKey: null,
    },
    mlApp: 'bench',
    timestampMs: Math.floor(event.start_ns / 1e6),
    tagsJson: '["ml_app:bench"]',
    reasoning: null,
    assessment: n % 3 === 0 ? 'fail' : 'pass',
    metadataJson: null,
    submitterJson: null,
  }
}

async function time(url, paths) {
  const durations = []
  for (const path of paths) {
    const started = performance.now()
    const response = await fetch(url + path)
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
    await response.arrayBuffer()
    durations.push(performance.now() - started)
  }
  durations.sort((a, b) => a - b)
  return durations
}

await generate()
const collector = await startCollectorProcess({ dbPath })
const traces = Math.floor(options.spans / 10)
const randomTrace = () => ids(Math.floor(Math.random() * traces) * 10, SALT)
const sample = (count, make) => Array.from({ length: count }, make)
const rows = []
try {
  const scenarios = [
    [
      'GET /api/traces/:traceId (10 spans + evaluations)',
      options.samples,
      () => `/api/traces/${randomTrace().traceId}`,
    ],
    ['GET /api/spans/:spanId', options.samples, () => `/api/spans/${randomTrace().spanId}`],
    ['GET /api/evaluations?traceId=', 500, () => `/api/evaluations?traceId=${randomTrace().traceId}`],
    ['GET /api/traces?limit=50 (newest page)', 200, () => '/api/traces?limit=50'],
    [
      'GET /api/traces?sessionId=&limit=50',
      200,
      () => `/api/traces?sessionId=s${Math.floor(Math.random() * 1000)}&limit=50`,
    ],
    ['GET /api/sessions/:sessionId', 200, () => `/api/sessions/s${Math.floor(Math.random() * 1000)}`],
    ['GET /api/stats (all time)', 5, () => '/api/stats'],
  ]
  // Warm-up: the first reads of a file come from disk; the benchmark is about a running collector.
  await time(collector.url, sample(200, scenarios[0][2]))
  for (const [name, count, make] of scenarios) {
    const d = await time(collector.url, sample(count, make))
    rows.push({
      query: name,
      requests: count,
      'p50 ms': percentile(d, 50).toFixed(2),
      'p95 ms': percentile(d, 95).toFixed(2),
      'p99 ms': percentile(d, 99).toFixed(2),
      'max ms': d[d.length - 1].toFixed(2),
    })
  }
} finally {
  await collector.stop()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
}
console.log(
  `\ncollector queries, ${options.spans.toLocaleString('en-US')} spans stored, node ${process.version}\n`,
)
table(rows)
