import { isDecimalSpanId, isHex32TraceId } from '../internal/ids.js'
import type { Sampling } from '../span/sampling.js'
import { createSnapshot, type AgentRef, type ContextSnapshot } from './context-snapshot.js'

/**
 * A snapshot as plain JSON data: what crosses a process, a worker or a queue message. `spanId` and
 * `traceId` make it a superset of `ExportedSpan`, so either can be given as a parent.
 */
export interface PlainContext {
  spanId?: string | undefined
  traceId?: string | undefined
  apmTraceId?: string | undefined
  mlApp?: string | undefined
  sessionId?: string | undefined
  sampling?: { rate: number; decision: 0 | 1 } | undefined
  agent?: { name?: string | undefined; spanId: string } | undefined
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
  const snapshot = createSnapshot(
    undefined,
    spanId,
    traceId,
    apmTraceId,
    mlApp,
    sessionId,
    sampling === undefined ? undefined : Object.freeze({ rate: sampling.rate, decision: sampling.decision }),
    agent === undefined ? undefined : Object.freeze({ name: agent.name, spanId: agent.spanId }),
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
