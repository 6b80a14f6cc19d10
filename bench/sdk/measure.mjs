// Measures one tracer in its own process (so peak RSS is its own):
//   node measure.mjs <tracer> <port> steady <iterations>   CPU per span with the event loop turning
//   node measure.mjs <tracer> <port> burst <spans>          one synchronous burst, then delivery
// Prints one JSON line.
import { sinkCounts as sinkCountsOf } from '../lib/sink-counts.mjs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises'
import { TRACERS } from './tracers.mjs'
import { runIteration, SPANS_PER_ITERATION } from '../lib/workload.mjs'

const [tracerName, portText, phase, countText] = process.argv.slice(2)
const port = Number(portText)
const count = Number(countText)
const { sdk, flush, tick } = await TRACERS[tracerName](port)

const sinkCounts = () => sinkCountsOf(port)

/** Waits until the sink holds `expected` LLMObs events, or nothing has arrived for `idleMs`. */
async function waitForDelivery(expected, idleMs = 5000) {
  let last = -1
  let lastChange = Date.now()
  for (;;) {
    const { llmobsEvents } = await sinkCounts()
    if (llmobsEvents >= expected) return llmobsEvents
    if (llmobsEvents !== last) {
      last = llmobsEvents
      lastChange = Date.now()
    } else if (Date.now() - lastChange > idleMs) return llmobsEvents
    await sleep(20)
  }
}

async function steady(iterations) {
  // Warm-up: let the JIT settle and connections open.
  for (let i = 0; i < Math.min(2000, iterations); i++) {
    runIteration(sdk)
    if (i % 50 === 49) {
      tick?.()
      await yieldToLoop()
    }
  }
  await flush()
  const before = await waitForDelivery(Math.min(2000, iterations) * SPANS_PER_ITERATION)
  // Bytes of the measured spans only (the warm-up's were counted in bytes per span before).
  const { bytes: warmUpBytes } = await sinkCounts()

  const delay = monitorEventLoopDelay({ resolution: 1 })
  delay.enable()
  const cpu0 = process.cpuUsage()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) {
    runIteration(sdk)
    if (i % 50 === 49) {
      tick?.()
      await yieldToLoop()
    }
  }
  await flush()
  const delivered = (await waitForDelivery(before + iterations * SPANS_PER_ITERATION)) - before
  const cpu = process.cpuUsage(cpu0)
  const wallNs = Number(process.hrtime.bigint() - t0)
  delay.disable()
  const spans = iterations * SPANS_PER_ITERATION
  return {
    spans,
    delivered,
    cpuUsPerSpan: (cpu.user + cpu.system) / spans,
    wallUsPerSpan: wallNs / 1000 / spans,
    eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
    warmUpBytes,
  }
}

async function burst(spans) {
  const iterations = Math.ceil(spans / SPANS_PER_ITERATION)
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) runIteration(sdk)
  await flush()
  const delivered = await waitForDelivery(iterations * SPANS_PER_ITERATION)
  return {
    spans: iterations * SPANS_PER_ITERATION,
    delivered,
    seconds: Number(process.hrtime.bigint() - t0) / 1e9,
  }
}

const { warmUpBytes = 0, ...result } = phase === 'burst' ? await burst(count) : await steady(count)
const { bytes } = await sinkCounts()
console.log(
  JSON.stringify({
    tracer: tracerName,
    phase,
    ...result,
    bytesSent: bytes - warmUpBytes,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
)
process.exit(0)
