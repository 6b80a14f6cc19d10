import type { Span } from '../span/span.js'
import type { Sampling } from '../span/sampling.js'
import type { LocalTrace } from '../span/local-trace.js'

/** The nearest `agent` span above a span: becomes `meta.agent_attribution` on its events. */
export interface AgentRef {
  readonly name: string | undefined
  readonly spanId: string
}

/**
 * APM propagation state received from upstream (incoming headers), carried unchanged to every
 * local span below it so that `llmobs.inject()` forwards it: the sampling priority decided
 * upstream, the origin, the decision maker and other `_dd.p.*` tags.
 */
export interface UpstreamTrace {
  readonly samplingPriority: number | undefined
  readonly origin: string | undefined
  readonly decisionMaker: string | undefined
  readonly tags: Readonly<Record<string, string>> | undefined
}

/**
 * The LLMObs context of an async scope, held by AsyncLocalStorage. Immutable: a new span makes a
 * new snapshot for its callback, and a snapshot stays valid after its span ended, so children
 * started later (background work) still find their parent and trace.
 *
 * A snapshot made by a local span carries every field and `span`. A snapshot restored from elsewhere
 * (captured JSON, a worker, incoming headers) has no `span`, and may leave fields undefined:
 * - `spanId` undefined: a span started here is an LLMObs root (`parent_id: "undefined"`);
 * - `traceId` undefined: that span starts a new LLMObs trace id;
 * - `apmTraceId` undefined: it starts a new APM trace id;
 * - `mlApp`, `sessionId` undefined: the span's options, then the config, decide;
 * - `sampling` undefined: the span decides with the configured rate.
 *
 * A restored snapshot may also name the remote APM span it continues (`apmParentId`, from incoming
 * headers): injected headers then name it as parent while no local span is active.
 */
export interface ContextSnapshot {
  /** The local span this context belongs to, if it was started in this process. */
  readonly span: Span | undefined
  /** Decimal id of the LLMObs span that children take as parent. */
  readonly spanId: string | undefined
  /** LLMObs trace id, 32 lowercase hex. */
  readonly traceId: string | undefined
  /** APM trace id, 32 lowercase hex (`_dd.trace_id` / `_dd.apm_trace_id` of events). */
  readonly apmTraceId: string | undefined
  readonly mlApp: string | undefined
  readonly sessionId: string | undefined
  readonly sampling: Sampling | undefined
  /** The agent children attribute themselves to: this span if it is an agent, else its own. */
  readonly agent: AgentRef | undefined
  /** Restored snapshots only: decimal id of the remote APM parent span; never inherited. */
  readonly apmParentId: string | undefined
  /** Inherited from the remote parent by every local span below it. */
  readonly upstream: UpstreamTrace | undefined
  /** The APM trace chunk state shared by local spans (local snapshots only; restored ones start anew). */
  readonly localTrace: LocalTrace | undefined
}

/** Builds a frozen snapshot with a fixed property order (one hidden class for all snapshots). */
export function createSnapshot(
  span: Span | undefined,
  spanId: string | undefined,
  traceId: string | undefined,
  apmTraceId: string | undefined,
  mlApp: string | undefined,
  sessionId: string | undefined,
  sampling: Sampling | undefined,
  agent: AgentRef | undefined,
  apmParentId: string | undefined = undefined,
  upstream: UpstreamTrace | undefined = undefined,
  localTrace: LocalTrace | undefined = undefined,
): ContextSnapshot {
  return Object.freeze({
    span,
    spanId,
    traceId,
    apmTraceId,
    mlApp,
    sessionId,
    sampling,
    agent,
    apmParentId,
    upstream,
    localTrace,
  })
}
