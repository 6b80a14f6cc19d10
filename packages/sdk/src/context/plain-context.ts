import { isDecimalSpanId, isHex32TraceId } from '../internal/ids.js'
import type { Sampling } from '../span/sampling.js'
import {
  createSnapshot,
  type AgentRef,
  type ContextSnapshot,
  type UpstreamTrace,
} from './context-snapshot.js'

/**
 * A snapshot as plain JSON data: what `llmobs.captureContext()` and `llmobs.extract()` return and
 * what crosses a process, a worker or a queue message. `spanId` and `traceId` make it a superset of
 * `ExportedSpan`, so either can be given as a parent. Every field is optional:
 * - no `spanId`: spans started under it are LLMObs roots (`parent_id: "undefined"`), in `traceId`
 *   when given (an upstream LLMObs root), else in a new LLMObs trace;
 * - `apmTraceId` keeps them in the caller's APM trace; `apmParentId` and `upstream` only matter for
 *   headers injected while no local span is active (they name the remote parent and its sampling).
 *
 * @example
 * const ctx = llmobs.captureContext()
 * // {"spanId":"774591771944634912","traceId":"6b03fc19000000007953b531107242bf","apmTraceId":"6b03...","mlApp":"demo","sampling":{"rate":1,"decision":1}}
 */
export interface PlainContext {
  /** Decimal id of the LLMObs span that becomes the parent. */
  spanId?: string | undefined
  /** LLMObs trace id: 32 lowercase hex (decimal accepted on input). */
  traceId?: string | undefined
  /** APM trace id: 32 lowercase hex (decimal accepted on input). */
  apmTraceId?: string | undefined
  mlApp?: string | undefined
  sessionId?: string | undefined
  sampling?: { rate: number; decision: 0 | 1 } | undefined
  agent?: { name?: string | undefined; spanId: string } | undefined
  /** Decimal id of the remote APM span this context continues (from incoming headers). */
  apmParentId?: string | undefined
  /** APM propagation state decided upstream, forwarded by `llmobs.inject()`. */
  upstream?:
    | {
        samplingPriority?: number | undefined
        origin?: string | undefined
        decisionMaker?: string | undefined
        tags?: Record<string, string> | undefined
      }
    | undefined
}

/** The plain-data form of a snapshot (the local span handle stays behind). */
export function toPlainContext(snapshot: ContextSnapshot): PlainContext {
  const plain: PlainContext = {}
  if (snapshot.spanId !== undefined) plain.spanId = snapshot.spanId
  if (snapshot.traceId !== undefined) plain.traceId = snapshot.traceId
  if (snapshot.apmTraceId !== undefined) plain.apmTraceId = snapshot.apmTraceId
  if (snapshot.mlApp !== undefined) plain.mlApp = snapshot.mlApp
  if (snapshot.sessionId !== undefined) plain.sessionId = snapshot.sessionId
  if (snapshot.sampling !== undefined) {
    plain.sampling = { rate: snapshot.sampling.rate, decision: snapshot.sampling.decision }
  }
  if (snapshot.agent !== undefined) {
    plain.agent =
      snapshot.agent.name === undefined
        ? { spanId: snapshot.agent.spanId }
        : { name: snapshot.agent.name, spanId: snapshot.agent.spanId }
  }
  if (snapshot.apmParentId !== undefined) plain.apmParentId = snapshot.apmParentId
  if (snapshot.upstream !== undefined) plain.upstream = toPlainUpstream(snapshot.upstream)
  return plain
}

function toPlainUpstream(upstream: UpstreamTrace): NonNullable<PlainContext['upstream']> {
  const plain: NonNullable<PlainContext['upstream']> = {}
  if (upstream.samplingPriority !== undefined) plain.samplingPriority = upstream.samplingPriority
  if (upstream.origin !== undefined) plain.origin = upstream.origin
  if (upstream.decisionMaker !== undefined) plain.decisionMaker = upstream.decisionMaker
  if (upstream.tags !== undefined) plain.tags = { ...upstream.tags }
  return plain
}

/**
 * A snapshot from plain data (e.g. parsed JSON). Fields of the wrong shape are left out, each one
 * named in `problems`; trace ids given in decimal are not accepted here (convert them first).
 */
export function fromPlainContext(plain: unknown): { snapshot: ContextSnapshot; problems: string[] } {
  const problems: string[] = []
  const source = typeof plain === 'object' && plain !== null ? (plain as Record<string, unknown>) : {}
  if (source !== plain) problems.push('context must be an object')
  const pick = <T>(key: string, valid: (value: unknown) => value is T, expected: string): T | undefined => {
    const value = source[key]
    if (value === undefined || value === null) return undefined
    if (valid(value)) return value
    problems.push(`${key} must be ${expected}`)
    return undefined
  }
  const spanId = pick('spanId', isDecimalSpanId, 'a decimal 64-bit span id')
  const traceId = pick('traceId', isHex32TraceId, 'a trace id of 32 lowercase hex characters')
  const apmTraceId = pick('apmTraceId', isHex32TraceId, 'a trace id of 32 lowercase hex characters')
  const mlApp = pick('mlApp', isNonEmptyString, 'a non-empty string')
  const sessionId = pick('sessionId', isNonEmptyString, 'a non-empty string')
  const sampling = pick('sampling', isSampling, '{ rate: number in [0, 1], decision: 0 | 1 }')
  const agent = pick('agent', isAgentRef, '{ name?: string, spanId: decimal span id }')
  const apmParentId = pick('apmParentId', isDecimalSpanId, 'a decimal 64-bit span id')
  const upstream = pick(
    'upstream',
    isUpstream,
    '{ samplingPriority?: integer, origin?: string, decisionMaker?: string, tags?: { [key]: string } }',
  )
  const snapshot = createSnapshot(
    undefined,
    spanId,
    traceId,
    apmTraceId,
    mlApp,
    sessionId,
    sampling === undefined ? undefined : Object.freeze({ rate: sampling.rate, decision: sampling.decision }),
    agent === undefined ? undefined : Object.freeze({ name: agent.name, spanId: agent.spanId }),
    apmParentId,
    upstream === undefined ? undefined : freezeUpstream(upstream),
  )
  return { snapshot, problems }
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}

function isSampling(value: unknown): value is Sampling {
  if (typeof value !== 'object' || value === null) return false
  const { rate, decision } = value as Record<string, unknown>
  return typeof rate === 'number' && rate >= 0 && rate <= 1 && (decision === 0 || decision === 1)
}

function isAgentRef(value: unknown): value is AgentRef {
  if (typeof value !== 'object' || value === null) return false
  const { name, spanId } = value as Record<string, unknown>
  return isDecimalSpanId(spanId) && (name === undefined || typeof name === 'string')
}

function freezeUpstream(value: NonNullable<PlainContext['upstream']>): UpstreamTrace {
  return Object.freeze({
    samplingPriority: value.samplingPriority,
    origin: value.origin,
    decisionMaker: value.decisionMaker,
    tags: value.tags === undefined ? undefined : Object.freeze({ ...value.tags }),
  })
}

function isUpstream(value: unknown): value is NonNullable<PlainContext['upstream']> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const { samplingPriority, origin, decisionMaker, tags } = value as Record<string, unknown>
  if (samplingPriority !== undefined && !Number.isSafeInteger(samplingPriority)) return false
  if (origin !== undefined && typeof origin !== 'string') return false
  if (decisionMaker !== undefined && typeof decisionMaker !== 'string') return false
  if (tags === undefined) return true
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) return false
  return Object.values(tags).every((tag) => typeof tag === 'string')
}
