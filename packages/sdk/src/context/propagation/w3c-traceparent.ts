/**
 * W3C `traceparent`: `<version>-<32 hex trace-id>-<16 hex parent-id>-<2 hex flags>`
 * (https://www.w3.org/TR/trace-context/#traceparent-header).
 */

export interface Traceparent {
  /** 32 lowercase hex, not all zero. */
  readonly traceId: string
  /** 16 lowercase hex, not all zero. */
  readonly parentId: string
  readonly sampled: boolean
}

// Uppercase is tolerated on read, as dd-trace does; only version 00 is ever written.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/i
const ZEROS = /^0+$/

/** `00-<trace>-<parent>-<01|00>`; the caller passes validated lowercase ids. */
export function formatTraceparent(traceId: string, parentIdHex: string, sampled: boolean): string {
  return `00-${traceId}-${parentIdHex}-${sampled ? '01' : '00'}`
}

/**
 * Parses a `traceparent`, or undefined with a reason. A future version may append fields after
 * a '-', which are ignored; version `ff` and a tail on version `00` are invalid.
 */
export function parseTraceparent(value: string, problems: string[]): Traceparent | undefined {
  const match = TRACEPARENT.exec(value.trim())
  const [, version, traceId, parentId, flags, tail] = match ?? []
  if (version === undefined || traceId === undefined || parentId === undefined || flags === undefined) {
    problems.push(`traceparent ${JSON.stringify(value.slice(0, 64))} ignored: malformed`)
    return undefined
  }
  if (version.toLowerCase() === 'ff' || (version === '00' && tail !== undefined)) {
    problems.push(`traceparent ignored: invalid for version ${version}`)
    return undefined
  }
  if (ZEROS.test(traceId) || ZEROS.test(parentId)) {
    problems.push('traceparent ignored: all-zero trace id or parent id')
    return undefined
  }
  return {
    traceId: traceId.toLowerCase(),
    parentId: parentId.toLowerCase(),
    sampled: (Number.parseInt(flags, 16) & 1) === 1,
  }
}
