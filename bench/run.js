// One command for every benchmark: `npm run bench` (add `-- --quick` for the short CI-sized run).
// Each tracer runs in its own process against a stand-in agent in a third process; peers are
// measured in the same run and reported as ratios, because on a shared 2-core machine absolute
// times are noise and ratios are the result.
import { fork, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const quick = process.argv.includes('--quick')
const here = (path) => fileURLToPath(new URL(path, import.meta.url))

const STEADY_ITERATIONS = quick ? 2_000 : 25_000
const BURST_SPANS = quick ? 10_000 : 100_000
const TRACERS = process.env.BENCH_TRACERS?.split(',') ?? [
  'llmobs agent-proxy',
  'llmobs apm-agent',
  'dd-trace',
]

async function startSink() {
  const sink = fork(here('./lib/sink.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await new Promise((resolve) => sink.once('message', (m) => resolve(m.port)))
  return { port, stop: () => sink.kill() }
}

async function measure(port, tracer, phase, count) {
  await fetch(`http://127.0.0.1:${port}/_bench/reset`)
  const child = spawn(
    process.execPath,
    [here('./sdk/measure.mjs'), tracer, String(port), phase, String(count)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let out = ''
  child.stdout.on('data', (chunk) => (out += chunk))
  const code = await new Promise((resolve) => child.on('close', resolve))
  const line = out.trim().split('\n').pop()
  if (code !== 0 || !line?.startsWith('{'))
    throw new Error(`${tracer} ${phase} failed (exit ${code}): ${out}`)
  return JSON.parse(line)
}

const fmt = (n, digits = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

const sink = await startSink()
try {
  console.log(
    `SDK per-span cost: ${STEADY_ITERATIONS.toLocaleString()} iterations x 4 spans (workflow + 3 annotated llm spans)`,
  )
  const steady = {}
  for (const tracer of TRACERS) steady[tracer] = await measure(sink.port, tracer, 'steady', STEADY_ITERATIONS)
  const base = (steady['dd-trace'] ?? Object.values(steady)[0]).cpuUsPerSpan
  console.log(
    '| tracer | CPU µs/span | vs dd-trace | wall µs/span | event-loop p99 ms | peak RSS MB | delivered | bytes/span |',
  )
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const [tracer, r] of Object.entries(steady)) {
    console.log(
      `| ${tracer} | ${fmt(r.cpuUsPerSpan, 2)} | ${fmt(r.cpuUsPerSpan / base, 3)} | ${fmt(r.wallUsPerSpan, 2)} | ${fmt(r.eventLoopDelayP99Ms, 2)} | ${fmt(r.peakRssMb, 0)} | ${r.delivered.toLocaleString()}/${r.spans.toLocaleString()} | ${fmt(r.bytesSent / r.spans, 0)} |`,
    )
  }

  console.log(`\nSynchronous burst of ${BURST_SPANS.toLocaleString()} spans, then flush`)
  console.log('| tracer | delivered | dropped | seconds to deliver | peak RSS MB |')
  console.log('| --- | ---: | ---: | ---: | ---: |')
  for (const tracer of TRACERS) {
    const r = await measure(sink.port, tracer, 'burst', BURST_SPANS)
    console.log(
      `| ${tracer} | ${r.delivered.toLocaleString()} | ${(r.spans - r.delivered).toLocaleString()} | ${fmt(r.seconds, 2)} | ${fmt(r.peakRssMb, 0)} |`,
    )
  }
} finally {
  sink.stop()
}
