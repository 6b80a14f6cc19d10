import { parseDecimalId, toDecimal, toHex16, traceIdHex32ToDecimal } from '@llmobs/protocol'

/**
 * The id forms propagation moves between (protocol §1), on top of the protocol's conversions.
 * Inputs are validated here so the codecs never emit an id they cannot read back.
 */

const HEX32_ANY_CASE = /^[0-9a-fA-F]{32}$/
const ZERO32 = '0'.repeat(32)
const U128 = 1n << 128n

/** A 32-hex APM or LLMObs trace id, lowercased; undefined when malformed or zero. */
export function normalizeTraceId(text: string): string | undefined {
  if (!HEX32_ANY_CASE.test(text)) return undefined
  const hex = text.toLowerCase()
  return hex === ZERO32 ? undefined : hex
}

// Up to 19 digits without a leading zero is always a canonical 64-bit id: no BigInt needed.
const SHORT_CANONICAL_DECIMAL = /^[1-9][0-9]{0,18}$/

/** A 64-bit decimal id in canonical form (no leading zeros); undefined when malformed or out of range. */
export function normalizeDecimalId(text: string): string | undefined {
  if (SHORT_CANONICAL_DECIMAL.test(text)) return text
  const value = parseDecimalId(text)
  return value === undefined ? undefined : toDecimal(value)
}

/** Low 64 bits of a 32-hex trace id, in decimal (`x-datadog-trace-id`). */
export function lowHalfDecimal(traceId: string): string {
  return BigInt('0x' + traceId.slice(16)).toString(10)
}

export function decimalToHex16(decimal: string): string {
  return toHex16(BigInt(decimal))
}

export function hex16ToDecimal(hex: string): string {
  return BigInt('0x' + hex).toString(10)
}

/** Decimal wire form of an LLMObs trace id (dd-trace's `llmObsTraceIdToWire`). */
export function llmobsTraceIdToWire(traceId: string): string | undefined {
  const hex = normalizeTraceId(traceId)
  return hex === undefined ? undefined : traceIdHex32ToDecimal(hex)
}

/**
 * Reads `_dd.p.llmobs_trace_id`, hex or decimal, into 32 hex. The forms overlap when 32 digits
 * are all decimal: like dd-trace's `normalizeLlmObsTraceId`, a leading '0' means hex (a decimal
 * never has one) and otherwise decimal, because decimal is what tracers send. (The protocol's
 * `traceIdToHex32` prefers hex there; on the wire that misreads a decimal id.)
 */
export function llmobsTraceIdFromWire(text: string): string | undefined {
  const t = text.trim().toLowerCase()
  let value: bigint
  if (/^[0-9]{1,39}$/.test(t) && !(t.length === 32 && t.startsWith('0'))) value = BigInt(t)
  else if (/^[0-9a-f]{32}$/.test(t)) value = BigInt('0x' + t)
  else return undefined
  if (value === 0n || value >= U128) return undefined
  return value.toString(16).padStart(32, '0')
}
