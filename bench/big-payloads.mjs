// Spans carrying 10 MB and 100 MB values: what they cost the app. Reports p99 of span.annotate() and
// span.end() and the event-loop delay (monitorEventLoopDelay, 1 ms resolution) while such spans are
// exported to a stand-in agent (its own process), for llmobs at its default maxSpanSize and at smaller ones.
//   node bench/big-payloads.mjs [--quick]
import { fork } from 'node:child_process'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { createLLMObs } from '@llmobs/sdk'

const quick = process.argv.includes('--quick')
const SPANS = quick ? 5 : 20
// Milliseconds between iterations (each ends two spans): 25 by default, `--interval 100` for a lighter
// load. At 25 ms and maxSpanSize 1 MiB the app hands the SDK ~80 MB/s of span text.
const intervalAt = process.argv.indexOf('--interval')
const INTERVAL_MS = intervalAt > 0 ? Number(process.argv[intervalAt + 1]) : 25

const p99 = (values) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.99) - 1]

async function run(agentUrl, megabytes, maxSpanSize) {
  const llmobs = createLLMObs({
    mlApp: 'bench-big',
    agentUrl,
    mode: 'agent-proxy',
    logLevel: 'silent',
    maxSpanSize,
  })
  llmobs.trace({ kind: 'task', name: 'warm-up' }, () => 1)
  await llmobs.flush()
  const big = 'x'.repeat(megabytes * 1024 * 1024)
  big.charCodeAt(0) // flat, as a string read from the network is
  const annotate = []
  const end = []
  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  for (let i = 0; i < SPANS; i++) {
    // An llm span with the value as messages, metadata and a tag, and a tool span with objects
    // holding it (their JSON text is built at export, after the cut, never in annotate()).
    const llm = llmobs.startSpan({ kind: 'llm', name: 'big', modelName: 'm' })
    const tool = llmobs.startSpan({ kind: 'tool', name: 'big-tool' })
    for (const [span, annotation] of [
      [
        llm,
        {
          inputData: big,
          outputData: big,
          metadata: { blob: big },
          tags: { big: big.slice(0, 64 * 1024) },
          metrics: { inputTokens: 1 },
        },
      ],
      [tool, { inputData: { document: big, options: { k: 5 } }, outputData: [big, { text: big }] }],
    ]) {
      let t = performance.now()
      span.annotate(annotation)
      annotate.push(performance.now() - t)
      t = performance.now()
      span.end()
      end.push(performance.now() - t)
    }
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS))
  }
  const settled = await llmobs.flush()
  loop.disable()
  await llmobs.shutdown()
  return {
    annotateP99: p99(annotate),
    endP99: p99(end),
    loopP99: loop.percentile(99) / 1e6,
    loopMax: loop.max / 1e6,
    sent: settled.spans.sent,
    expected: 2 * SPANS,
  }
}

// The stand-in agent runs in its own process (lib/sink.mjs), so reading 5 MiB requests never lands
// on the measured event loop.
const sink = fork(new URL('./lib/sink.mjs', import.meta.url), [], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
})
const port = await new Promise((resolve) => sink.once('message', (m) => resolve(m.port)))
const agentUrl = `http://127.0.0.1:${port}`
const rows = []
for (const megabytes of [10, 100]) {
  for (const maxSpanSize of [1024 * 1024, 256 * 1024, 64 * 1024]) {
    const r = await run(agentUrl, megabytes, maxSpanSize)
    rows.push(
      `| ${megabytes} MB | ${maxSpanSize / 1024} KiB | ${r.annotateP99.toFixed(2)} | ${r.endP99.toFixed(2)} | ${r.loopP99.toFixed(1)} | ${r.loopMax.toFixed(1)} | ${r.sent}/${r.expected} |`,
    )
  }
}
sink.kill()
console.log(`node ${process.version}, ${SPANS} llm + ${SPANS} tool spans per row, ${INTERVAL_MS} ms apart\n`)
console.log(
  '| value size | maxSpanSize | annotate p99 ms | end p99 ms | loop delay p99 ms | loop max ms | sent |',
)
console.log('| --- | --- | --- | --- | --- | --- | --- |')
for (const row of rows) console.log(row)
