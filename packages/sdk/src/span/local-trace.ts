/** APM priority: kept by the user (manual keep). */
export const USER_KEEP = 2
/** APM priority: dropped by the user (manual drop). */
export const USER_REJECT = -1
/** `_dd.p.dm` of a decision made by hand (`span.keepTrace()` / `span.dropTrace()`). */
export const MANUAL_DECISION = '-4'

/**
 * The part of an APM trace that lives in this process: its spans form the trace chunks the APM writer
 * sends, and they share one sampling priority. Made by the first local span of the trace (the chunk's
 * local root) and shared through the context snapshot by every local span below it, background work
 * included. Mutable on purpose: the priority is decided once, at first need (an `inject()` or the
 * first chunk flush), or set by hand, and every later chunk of the trace reads the same value.
 */
export interface LocalTrace {
  /** Decimal span id of the local root. */
  readonly rootSpanId: string
  /** The local root's name: what sampling rules match. */
  readonly rootName: string
  /** Undefined until decided; from upstream it is set at creation and never re-decided. */
  priority: number | undefined
  /** `_dd.p.dm`: who decided (`-0` default, `-1` agent rate, `-3` rule, `-4` manual). */
  decisionMaker: string | undefined
  /** Sampler rates (`_dd.agent_psr`, `_dd.rule_psr`, `_dd.limit_psr`) for the first span of a chunk. */
  samplingMetrics: Readonly<Record<string, number>> | undefined
  /** Sampler meta (`_dd.p.ksr`) for the first span of a chunk. */
  samplingMeta: Readonly<Record<string, string>> | undefined
  /** True when the priority came from upstream (incoming headers, the host tracer). */
  readonly fromUpstream: boolean
  /** Upstream `_dd.p.*` trace tags (not `tid` / `dm`, which are written from this trace), for each chunk's first span. */
  readonly upstreamTags: Readonly<Record<string, string>> | undefined
}

/** What a local root inherits from upstream (the snapshot's `UpstreamTrace`, kept apart to avoid an import cycle). */
export interface UpstreamDecision {
  readonly samplingPriority: number | undefined
  readonly decisionMaker: string | undefined
  readonly tags?: Readonly<Record<string, string>> | undefined
}

/** The local trace a new local root starts, inheriting an upstream decision (incoming headers) as it is. */
export function newLocalTrace(
  rootSpanId: string,
  rootName: string,
  upstream: UpstreamDecision | undefined,
): LocalTrace {
  const priority = upstream?.samplingPriority
  return {
    rootSpanId,
    rootName,
    priority,
    decisionMaker: priority === undefined ? undefined : upstream?.decisionMaker,
    samplingMetrics: undefined,
    samplingMeta: undefined,
    fromUpstream: priority !== undefined,
    upstreamTags: traceTags(upstream?.tags),
  }
}

/** The `_dd.p.*` tags to carry on, minus those this process writes itself. */
function traceTags(
  tags: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string>> | undefined {
  if (tags === undefined) return undefined
  let kept: Record<string, string> | undefined
  for (const key of Object.keys(tags)) {
    if (!key.startsWith('_dd.p.') || key === '_dd.p.tid' || key === '_dd.p.dm') continue
    ;(kept ??= {})[key] = tags[key] as string
  }
  return kept === undefined ? undefined : Object.freeze(kept)
}

/** Keeps or drops the whole trace by hand: the user's word wins over any automatic decision. */
export function decideByHand(trace: LocalTrace, keep: boolean): void {
  trace.priority = keep ? USER_KEEP : USER_REJECT
  trace.decisionMaker = MANUAL_DECISION
  trace.samplingMetrics = undefined
  trace.samplingMeta = undefined
}
