// One short process for bench/cold-start.mjs:
//   node cold-child.mjs <arm> <port> <spans>
// arm: 'bare' (node and this script only), 'llmobs import' (load the SDK, nothing else), or a tracer
// of tracers.mjs ('llmobs agent-proxy', 'dd-trace'): load, init, <spans> spans of the SDK benchmark's
// workload (event loop turning every 200 spans, as in measure.mjs), flush, wait until the sink holds
// them, exit. Prints one JSON line of CPU marks (ms of this process's CPU, all threads, since it
// started), so the parent can split the OS's figure for the whole process into phases.
import { sinkCounts } from '../lib/sink-counts.mjs'
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises'
import { runIteration, SPANS_PER_ITERATION } from '../lib/workload.mjs'

const cpuMs = () => {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1000
}
/** CPU before this line: node's own start-up and loading this script. */
const marks = { main: cpuMs() }
const mark = (name) => (marks[name] = cpuMs())

const [arm, portText, spansText] = process.argv.slice(2)
const port = Number(portText)
const spans = Number(spansText)

const sinkEvents = async () => (await sinkCounts(port)).llmobsEvents

if (arm === 'llmobs import') {
  await import(process.env.BENCH_LLMOBS_MODULE ?? '@llmobs/sdk')
  mark('imported')
} else if (arm !== 'bare') {
  const { TRACERS } = await import('./tracers.mjs')
  const { sdk, flush, tick } = await TRACERS[arm](port, mark)
  mark('initialized')
  const iterations = Math.ceil(spans / SPANS_PER_ITERATION)
  for (let i = 0; i < iterations; i++) {
    runIteration(sdk)
    const done = (i + 1) * SPANS_PER_ITERATION
    if (done === 1_000 || done === 10_000) mark(`spans${done}`)
    if (i % 50 === 49) {
      tick?.()
      await yieldToLoop()
    }
  }
  mark('spans')
  await flush()
  mark('flushed')
  if (iterations > 0) {
    // dd-trace's flush does not wait for its LLMObs request; llmobs's does (one question suffices).
    const expected = iterations * SPANS_PER_ITERATION
    for (let waited = 0; (await sinkEvents()) < expected && waited < 30_000; waited += 5) await sleep(5)
    mark('delivered')
  }
}
mark('end')
process.stdout.write(JSON.stringify(marks) + '\n')
process.exit(0)
