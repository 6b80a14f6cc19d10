import type { ResolvedConfig } from '../config.js'
import type { LocalTrace } from '../span/local-trace.js'
import type { ChunkSampling } from './apm-span.js'

/** Decides a trace's sampling priority and learns the agent's rates (`PrioritySampler`). */
export interface TraceSampler {
  decide(traceIdLow: bigint, service: string, env: string, name: string): Required<ChunkSampling>
  updateAgentRates(body: unknown): unknown
}

/**
 * The sampling of a local trace, decided now if nothing decided it yet (upstream, by hand, an earlier
 * chunk or `inject()`): once decided, every later chunk and every injected header says the same.
 */
export function decideTrace(
  trace: LocalTrace,
  apmTraceId: string,
  sampler: TraceSampler,
  config: ResolvedConfig,
): ChunkSampling {
  if (trace.priority === undefined) {
    const decision = sampler.decide(
      BigInt('0x' + apmTraceId.slice(16)),
      config.service ?? config.mlApp,
      config.env ?? '',
      trace.rootName,
    )
    trace.priority = decision.priority
    trace.decisionMaker = decision.decisionMaker
    trace.samplingMetrics = decision.metrics
    trace.samplingMeta = decision.meta
  }
  const upstream = trace.upstreamTags
  return {
    priority: trace.priority,
    decisionMaker: trace.decisionMaker,
    metrics: trace.samplingMetrics,
    // Trace tags received upstream travel on every chunk's first span, as dd-trace writes them.
    meta: upstream === undefined ? trace.samplingMeta : { ...upstream, ...trace.samplingMeta },
  }
}
