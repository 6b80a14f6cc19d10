import type { ContextSnapshot } from './context-snapshot.js'
import type { PlainContext } from './plain-context.js'
import type { LlmobsPropagation, PropagationContext } from './propagation/index.js'

/** dd-trace's `AUTO_KEEP`: what a local root decides when nothing upstream did. */
const AUTO_KEEP = 1
/** dd-trace's decision maker for the default (agent rate) sampler. */
const DEFAULT_DECISION_MAKER = '-0'

/**
 * What `llmobs.inject()` sends for a context (protocol §5). The APM parent is the local span when
 * there is one, else the remote APM span the context was extracted from, else its LLMObs span.
 * Sampling priority, origin and pass-through tags decided upstream are forwarded unchanged; without
 * them this process decided "auto keep". Undefined when the context names no trace to continue.
 */
export function toPropagationContext(snapshot: ContextSnapshot): PropagationContext | undefined {
  const apmTraceId = snapshot.apmTraceId ?? snapshot.traceId
  const parentSpanId =
    snapshot.span !== undefined ? snapshot.spanId : (snapshot.apmParentId ?? snapshot.spanId)
  if (apmTraceId === undefined || parentSpanId === undefined) return undefined
  const upstream = snapshot.upstream
  // The local trace's own decision (made by hand, or by the APM sampler) once there is one; else
  // the upstream's, else keep.
  const local = snapshot.localTrace?.priority !== undefined ? snapshot.localTrace : undefined
  const ctx: PropagationContext = {
    apmTraceId,
    parentSpanId,
    samplingPriority: local?.priority ?? upstream?.samplingPriority ?? AUTO_KEEP,
  }
  const decisionMaker =
    local !== undefined
      ? local.decisionMaker
      : (upstream?.decisionMaker ??
        (upstream?.samplingPriority === undefined ? DEFAULT_DECISION_MAKER : undefined))
  if (decisionMaker !== undefined) ctx.decisionMaker = decisionMaker
  if (upstream?.origin !== undefined) ctx.origin = upstream.origin
  if (upstream?.tags !== undefined) ctx.propagationTags = { ...upstream.tags }
  if (snapshot.traceId !== undefined) {
    const llmobs: LlmobsPropagation = { traceId: snapshot.traceId, parentId: snapshot.spanId }
    if (snapshot.mlApp !== undefined) llmobs.mlApp = snapshot.mlApp
    if (snapshot.sessionId !== undefined) llmobs.sessionId = snapshot.sessionId
    if (snapshot.sampling !== undefined) {
      llmobs.sampleRate = snapshot.sampling.rate
      llmobs.samplingDecision = snapshot.sampling.decision
    }
    if (snapshot.agent !== undefined) {
      llmobs.agentSpanId = snapshot.agent.spanId
      if (snapshot.agent.name !== undefined) llmobs.agentName = snapshot.agent.name
    }
    ctx.llmobs = llmobs
  }
  return ctx
}

/**
 * The plain context for extracted headers: the LLMObs parent and trace when upstream sent them,
 * else only the APM trace (a span started under it is an LLMObs root with `parent_id: "undefined"`
 * that keeps the caller's APM trace id), plus what `inject()` must forward.
 */
export function fromPropagationContext(ctx: PropagationContext): PlainContext {
  const plain: PlainContext = { apmTraceId: ctx.apmTraceId, apmParentId: ctx.parentSpanId }
  const llmobs = ctx.llmobs
  if (llmobs !== undefined) {
    plain.traceId = llmobs.traceId
    if (llmobs.parentId !== undefined) plain.spanId = llmobs.parentId
    if (llmobs.mlApp !== undefined) plain.mlApp = llmobs.mlApp
    if (llmobs.sessionId !== undefined) plain.sessionId = llmobs.sessionId
    if (llmobs.sampleRate !== undefined || llmobs.samplingDecision !== undefined) {
      plain.sampling = { rate: llmobs.sampleRate ?? 1, decision: llmobs.samplingDecision ?? 1 }
    }
    if (llmobs.agentSpanId !== undefined) {
      plain.agent =
        llmobs.agentName === undefined
          ? { spanId: llmobs.agentSpanId }
          : { name: llmobs.agentName, spanId: llmobs.agentSpanId }
    }
  }
  const upstream: NonNullable<PlainContext['upstream']> = {}
  if (ctx.samplingPriority !== undefined) upstream.samplingPriority = ctx.samplingPriority
  if (ctx.origin !== undefined) upstream.origin = ctx.origin
  if (ctx.decisionMaker !== undefined) upstream.decisionMaker = ctx.decisionMaker
  if (ctx.propagationTags !== undefined) upstream.tags = { ...ctx.propagationTags }
  if (Object.keys(upstream).length > 0) plain.upstream = upstream
  return plain
}
