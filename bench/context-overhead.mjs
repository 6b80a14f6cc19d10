// The cost of keeping context across async boundaries: span creation at the bottom of async chains
// 1, 100 and 1000 deep (it must not grow with depth), and the explicit context operations. Each
// tracer runs in its own process (this script re-runs itself with --tracer) against the stand-in
// agent (lib/sink.mjs, a third process); dd-trace is measured in the same run as the peer.
//   node bench/context-overhead.mjs [--quick]      (needs `npm run build` first)
import { fork, spawn } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const quick = process.argv.includes('--quick')
const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const DEPTHS = [1, 100, 1000]
const SPANS = quick ? 3_000 : 20_000
const OPS = quick ? 50_000 : 300_000
const TIME_BOX_MS = quick ? 3_000 : 10_000

async function main() {
  const sink = fork(here('./lib/sink.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await new Promise((resolve) => sink.once('message', (m) => resolve(m.port)))
  try {
    const results = {}
    for (const tracer of ['llmobs', 'dd-trace']) results[tracer] = await child(tracer, port)
    print(results)
  } finally {
    sink.kill()
  }
}

function child(tracer, port) {
  return new Promise((resolve, reject) => {
    const args = [here('./context-overhead.mjs'), '--tracer', tracer, String(port)]
    if (quick) args.push('--quick')
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    proc.stdout.on('data', (chunk) => (out += chunk))
    proc.on('close', (code) => {
      const line = out.trim().split('\n').pop()
      if (code !== 0 || !line?.startsWith('{')) reject(new Error(`${tracer} failed (exit ${code}): ${out}`))
      else resolve(JSON.parse(line))
    })
  })
}

const fmt = (n) => (n === undefined ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: 0 }))

function print({ llmobs, 'dd-trace': dd }) {
  console.log(
    `Span creation at the bottom of async chains (${SPANS.toLocaleString()} async spans per depth; CPU ns/span)`,
  )
  console.log('| chain | depth | llmobs | dd-trace | llmobs vs dd-trace |')
  console.log('| --- | ---: | ---: | ---: | ---: |')
  for (const chain of ['nested spans', 'plain awaits']) {
    for (const depth of DEPTHS) {
      const ours = llmobs.spans[chain][depth]
      const theirs = dd.spans[chain][depth]
      console.log(`| ${chain} | ${depth} | ${fmt(ours)} | ${fmt(theirs)} | ${(ours / theirs).toFixed(2)} |`)
    }
  }
  console.log(`\nContext operations (${OPS.toLocaleString()} each; wall ns/op)`)
  console.log('| operation | llmobs | dd-trace equivalent | dd-trace |')
  console.log('| --- | ---: | --- | ---: |')
  const peers = {
    'captureContext()': ['none', undefined],
    'JSON round trip of the captured context': ['none', undefined],
    'withContext(plain ctx, fn)': ['none', undefined],
    'withContext(span, fn)': ['tracer.scope().activate(span, fn)', dd.ops.activate],
    'bind(fn) (make)': ['tracer.scope().bind(fn)', dd.ops.bindMake],
    'bound fn call': ['bound fn call', dd.ops.bindCall],
    'plain fn call (baseline)': ['plain fn call', dd.ops.plainCall],
    'bindEmitter + on + emit': ['tracer.scope().bind(emitter) + on + emit', dd.ops.emitter],
    'inject(headers)': ['tracer.inject(span, "http_headers", headers)', dd.ops.inject],
    'extract(headers)': ['tracer.extract("http_headers", headers)', dd.ops.extract],
  }
  for (const [name, ns] of Object.entries(llmobs.ops)) {
    const [peer, theirs] = peers[name] ?? ['', undefined]
    console.log(`| ${name} | ${fmt(ns)} | ${peer} | ${fmt(theirs)} |`)
  }
}

async function measure(tracer, port) {
  const sdk = tracer === 'llmobs' ? await setupLlmobs(port) : setupDdTrace(port)
  const result = { spans: { 'nested spans': {}, 'plain awaits': {} }, ops: {} }
  // Warm-up: JIT and pools, so depth 1 is not charged for them.
  await spansAt(sdk, 'nested spans', 1, SPANS)
  for (const chain of ['nested spans', 'plain awaits']) {
    for (const depth of DEPTHS) result.spans[chain][depth] = await spansAt(sdk, chain, depth, SPANS)
  }
  result.ops = await sdk.ops()
  await sdk.flush()
  process.stdout.write(JSON.stringify(result) + '\n')
  process.exit(0)
}

/** CPU ns per async span created `depth` levels down a chain of nested spans or plain awaits. */
async function spansAt(sdk, chain, depth, count) {
  let ns = 0
  await sdk.trace({ kind: 'workflow', name: 'root' }, async () => {
    const descend = async (level) => {
      if (level === 0) {
        const start = process.cpuUsage()
        const deadline = Date.now() + TIME_BOX_MS
        let done = 0
        // Time-boxed: a tracer whose cost grows with depth would otherwise run for minutes.
        while (done < count && (done % 100 !== 0 || Date.now() < deadline)) {
          await sdk.trace({ kind: 'task', name: 'leaf' }, async () => {})
          done++
          if (done % 200 === 0) sdk.tick()
        }
        const used = process.cpuUsage(start)
        ns = ((used.user + used.system) * 1000) / done
        return
      }
      if (chain === 'nested spans')
        await sdk.trace({ kind: 'task', name: 'level' }, async () => descend(level - 1))
      else {
        await null
        await descend(level - 1)
      }
    }
    await descend(depth)
  })
  await sdk.flush()
  return ns
}

function timeOps(fn, count = OPS) {
  for (let i = 0; i < Math.min(count, 10_000); i++) fn(i)
  const start = process.hrtime.bigint()
  for (let i = 0; i < count; i++) fn(i)
  return Number(process.hrtime.bigint() - start) / count
}

async function setupLlmobs(port) {
  const { createLLMObs } = await import(process.env.BENCH_LLMOBS_MODULE ?? '@llmobs/sdk')
  const llmobs = createLLMObs({
    mlApp: 'bench',
    agentUrl: `http://127.0.0.1:${port}`,
    mode: 'agent-proxy',
    logLevel: 'error',
  })
  return {
    trace: (options, fn) => llmobs.trace(options, fn),
    tick: () => undefined,
    flush: () => llmobs.flush({ timeoutMs: 60_000 }),
    ops: async () => {
      const ops = {}
      let sink = 0
      await llmobs.trace({ kind: 'agent', name: 'ops', sessionId: 's-1' }, async (span) => {
        const captured = llmobs.captureContext()
        const json = JSON.stringify(captured)
        const fn = () => sink++
        const bound = llmobs.bind(fn)
        const headers = llmobs.inject({})
        ops['captureContext()'] = timeOps(() => llmobs.captureContext())
        ops['JSON round trip of the captured context'] = timeOps(() => JSON.parse(JSON.stringify(captured)))
        ops['withContext(plain ctx, fn)'] = timeOps(() => llmobs.withContext(captured, fn))
        ops['withContext(span, fn)'] = timeOps(() => llmobs.withContext(span, fn))
        ops['bind(fn) (make)'] = timeOps(() => llmobs.bind(fn))
        ops['bound fn call'] = timeOps(() => bound())
        ops['plain fn call (baseline)'] = timeOps(() => fn())
        ops['bindEmitter + on + emit'] = timeOps(() => {
          const emitter = llmobs.bindEmitter(new EventEmitter())
          emitter.on('x', fn)
          emitter.emit('x')
        }, OPS / 10)
        ops['inject(headers)'] = timeOps(() => llmobs.inject({}))
        ops['extract(headers)'] = timeOps(() => llmobs.extract(headers))
        if (json.length === 0) throw new Error('unreachable')
      })
      if (sink < 0) throw new Error('unreachable')
      return ops
    },
  }
}

function setupDdTrace(port) {
  process.env.DD_TRACE_TELEMETRY_ENABLED = 'false'
  process.env.DD_INSTRUMENTATION_TELEMETRY_ENABLED = 'false'
  process.env.DD_REMOTE_CONFIGURATION_ENABLED = 'false'
  process.env.DD_TRACE_STARTUP_LOGS = 'false'
  const require = createRequire(import.meta.url)
  const tracer = require('dd-trace').init({
    hostname: '127.0.0.1',
    port,
    service: 'bench',
    plugins: false,
    llmobs: { mlApp: 'bench', agentlessEnabled: false },
  })
  const llmobs = tracer.llmobs
  return {
    trace: (options, fn) => llmobs.trace(options, fn),
    // dd-trace keeps at most 1,000 LLMObs events between flushes (see bench/sdk/tracers.mjs).
    tick: () => llmobs.flush(),
    flush: async () => {
      llmobs.flush()
      await new Promise((resolve) => tracer._tracer._exporter.flush(resolve))
    },
    ops: async () => {
      const ops = {}
      let sink = 0
      await llmobs.trace({ kind: 'agent', name: 'ops', sessionId: 's-1' }, async (span) => {
        const fn = () => sink++
        const scope = tracer.scope()
        const bound = scope.bind(fn)
        const headers = {}
        tracer.inject(span, 'http_headers', headers)
        ops.activate = timeOps(() => scope.activate(span, fn))
        ops.bindMake = timeOps(() => scope.bind(fn))
        ops.bindCall = timeOps(() => bound())
        ops.plainCall = timeOps(() => fn())
        ops.emitter = timeOps(() => {
          const emitter = scope.bind(new EventEmitter())
          emitter.on('x', fn)
          emitter.emit('x')
        }, OPS / 10)
        ops.inject = timeOps(() => tracer.inject(span, 'http_headers', {}))
        ops.extract = timeOps(() => tracer.extract('http_headers', headers))
      })
      if (sink < 0) throw new Error('unreachable')
      return ops
    },
  }
}

const tracerArg = process.argv.indexOf('--tracer')
if (tracerArg === -1) await main()
else await measure(process.argv[tracerArg + 1], Number(process.argv[tracerArg + 2]))
