// Adapters: each sets up one tracer against the sink at `port` and returns
// { sdk, flush() } where `sdk` has trace/annotate with the shared llmobs-style signature.
// `mark(name)`, when given, is called between loading the tracer and initialising it (cold-start.mjs
// times the two apart).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

export const TRACERS = {
  /** llmobs, exporting LLMObs span events through the agent's EVP proxy. */
  'llmobs agent-proxy': (port, mark) => llmobsTracer('agent-proxy', port, mark),

  /**
   * llmobs in `apm-agent` mode: every span also an APM span, its LLMObs event riding v0.4 traces in
   * meta_struct (dd-trace always builds APM spans for its LLMObs spans, so this is the like-for-like row).
   */
  'llmobs apm-agent': (port, mark) => llmobsTracer('apm-agent', port, mark),

  /** The `dd-trace` package's LLM Observability SDK (it also sends the APM traces it always makes). */
  async 'dd-trace'(port, mark) {
    process.env.DD_TRACE_TELEMETRY_ENABLED = 'false'
    process.env.DD_INSTRUMENTATION_TELEMETRY_ENABLED = 'false'
    process.env.DD_REMOTE_CONFIGURATION_ENABLED = 'false'
    process.env.DD_TRACE_STARTUP_LOGS = 'false'
    const ddTrace = require('dd-trace')
    mark?.('imported')
    const tracer = ddTrace.init({
      hostname: '127.0.0.1',
      port,
      service: 'bench',
      plugins: false,
      llmobs: { mlApp: 'bench', agentlessEnabled: false },
    })
    return {
      sdk: tracer.llmobs,
      // dd-trace keeps at most 1,000 LLMObs events between two flushes and drops the rest. In the
      // steady phase the harness calls tick() every 200 spans so dd-trace delivers everything and its
      // CPU figure covers the same work as ours (this favours dd-trace: more, smaller requests).
      tick: () => tracer.llmobs.flush(),
      flush: async () => {
        tracer.llmobs.flush()
        await new Promise((resolve) => tracer._tracer._exporter.flush(resolve))
      },
    }
  },
}

async function llmobsTracer(mode, port, mark) {
  // BENCH_LLMOBS_MODULE measures another build of the SDK (a path to its ESM entry) without
  // touching the workspace's dist, e.g. a bundle of a working tree made while others edit it.
  const { createLLMObs } = await import(process.env.BENCH_LLMOBS_MODULE ?? '@llmobs/sdk')
  mark?.('imported')
  const sdk = createLLMObs({
    mlApp: 'bench',
    service: 'bench',
    agentUrl: `http://127.0.0.1:${port}`,
    mode,
    logLevel: 'error',
  })
  return { sdk, flush: () => sdk.flush({ timeoutMs: 60_000 }) }
}
