#!/usr/bin/env node
// Collector ingest throughput: LLM span events per second, committed to SQLite, through
//   1. POST /evp_proxy/v2/api/v2/llmobs (JSON span events, as dd-trace sends them in agent mode)
//   2. PUT  /v0.4/traces (msgpack APM spans carrying meta_struct["_llmobs"]: two rows per span)
//   3. the same JSON, gzip-compressed
// and, as the ceiling, the store alone (openSqliteStore().write, no HTTP, no decoding).
// The collector runs as its own process (the same command users run); this process only sends
// pre-built bodies, so on a 2-core machine each side has a core.
//
//   node bench/collector-ingest.mjs [--spans 200000] [--batch 1000] [--concurrency 2] [--only evp,v04,gzip,store]
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { openSqliteStore } from '@llmobs/collector'
import {
  busiestOtherThread,
  evpBodies,
  flags,
  sendAll,
  spanEvent,
  startCollectorProcess,
  storeInput,
  table,
  v04Bodies,
} from './collector-harness.mjs'

const options = flags({ spans: 200_000, batch: 1000, concurrency: 2, only: 'evp,v04,gzip,store' })
const only = new Set(options.only.split(','))
const rows = []

async function measure(name, bodies, path, init) {
  const collector = await startCollectorProcess()
  try {
    // Warm-up on other ids: JIT, statement cache, first pages of the file.
    await sendAll(`${collector.url}${path}`, init.warmup, init)
    const cpuBefore = collector.cpuSeconds()
    const mainBefore = collector.mainThreadCpuSeconds()
    const threadsBefore = collector.threadCpuSeconds()
    const clientBefore = process.cpuUsage()
    const ms = await sendAll(`${collector.url}${path}`, bodies, init)
    const client = process.cpuUsage(clientBefore)
    const cpu = collector.cpuSeconds() - cpuBefore
    const main = collector.mainThreadCpuSeconds() - mainBefore
    const worker = busiestOtherThread(collector.pid, threadsBefore, collector.threadCpuSeconds())
    const stats = await (await fetch(`${collector.url}/api/stats`)).json()
    if (stats.counts.llmSpans !== options.spans + init.warmupSpans) {
      throw new Error(
        `${name}: expected ${options.spans + init.warmupSpans} spans stored, found ${stats.counts.llmSpans}`,
      )
    }
    const bytes = bodies.reduce((sum, b) => sum + b.length, 0)
    rows.push({
      path: name,
      spans: options.spans,
      requests: bodies.length,
      'MB sent': (bytes / 1e6).toFixed(1),
      seconds: (ms / 1000).toFixed(2),
      'spans/s': Math.round(options.spans / (ms / 1000)).toLocaleString('en-US'),
      'CPU µs/span': ((cpu * 1e6) / options.spans).toFixed(1),
      'main thread µs/span': ((main * 1e6) / options.spans).toFixed(1),
      'store worker µs/span': ((worker * 1e6) / options.spans).toFixed(1),
      'sender µs/span': ((client.user + client.system) / options.spans).toFixed(1),
    })
  } finally {
    await collector.stop()
  }
}

const warmupSpans = 20 * options.batch
const json = { 'content-type': 'application/json' }
const msgpack = { 'content-type': 'application/msgpack' }
const common = { concurrency: options.concurrency, warmupSpans }

console.log(
  `building ${options.spans} spans in ${options.spans / options.batch} requests of ${options.batch}...`,
)
const evp = only.has('evp') || only.has('gzip') ? evpBodies(options.spans, options.batch, 1) : []
if (only.has('evp'))
  await measure('POST /evp_proxy/v2/api/v2/llmobs', evp, '/evp_proxy/v2/api/v2/llmobs', {
    ...common,
    headers: json,
    warmup: evpBodies(warmupSpans, options.batch, 9),
  })

if (only.has('v04'))
  await measure(
    'PUT /v0.4/traces (meta_struct)',
    v04Bodies(options.spans, options.batch, 2),
    '/v0.4/traces',
    {
      ...common,
      method: 'PUT',
      headers: msgpack,
      warmup: v04Bodies(warmupSpans, options.batch, 9),
    },
  )

if (only.has('gzip'))
  await measure(
    'POST .../llmobs, gzip',
    evp.map((body) => gzipSync(body)),
    '/evp_proxy/v2/api/v2/llmobs',
    {
      ...common,
      headers: { ...json, 'content-encoding': 'gzip' },
      warmup: evpBodies(warmupSpans, options.batch, 9).map((body) => gzipSync(body)),
    },
  )

// The ceiling: the same spans written straight into the store, in the same batch size.
if (only.has('store')) {
  const path = join(tmpdir(), `llmobs-bench-store-${process.pid}.db`)
  const store = openSqliteStore(path)
  const batches = []
  for (let start = 0; start < options.spans; start += options.batch) {
    const llmSpans = []
    for (let n = start; n < Math.min(options.spans, start + options.batch); n++)
      llmSpans.push(storeInput(spanEvent(n, 3)))
    batches.push(llmSpans)
  }
  const started = performance.now()
  for (const llmSpans of batches) await store.write({ llmSpans, apmSpans: [], evaluations: [] })
  const ms = performance.now() - started
  await store.close()
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true })
  rows.push({
    path: 'store.write() only (ceiling)',
    spans: options.spans,
    requests: batches.length,
    'MB sent': '-',
    seconds: (ms / 1000).toFixed(2),
    'spans/s': Math.round(options.spans / (ms / 1000)).toLocaleString('en-US'),
    'CPU µs/span': '-',
    'main thread µs/span': '-',
    'store worker µs/span': '-',
    'sender µs/span': '-',
  })
}

console.log(
  `\ncollector ingest, node ${process.version}, ${options.batch} spans/request, ${options.concurrency} in flight\n`,
)
table(rows)
