/**
 * Id conversions between the wire forms of protocol §1: decimal span ids in LLMObs events,
 * 32-hex trace ids, 64-bit integers in APM msgpack.
 */

const U64_MAX = (1n << 64n) - 1n

/** A 64-bit id as a decimal string (LLMObs span ids). */
export function toDecimal(id: bigint): string {
  return BigInt.asUintN(64, id).toString(10)
}

/** A 64-bit id as 16 lowercase hex characters. */
export function toHex16(id: bigint): string {
  return BigInt.asUintN(64, id).toString(16).padStart(16, '0')
}

/** A 128-bit trace id from its high and low halves, as 32 lowercase hex characters. */
export function toHex32(high: bigint, low: bigint): string {
  return toHex16(high) + toHex16(low)
}

/** Parses a decimal or hex (16 or 32 digits, optional 0x) id; undefined when it is not one. */
export function parseId(text: string): bigint | undefined {
  const t = text.trim()
  if (/^[0-9]{1,39}$/.test(t)) return BigInt(t)
  const hex = t.startsWith('0x') ? t.slice(2) : t
  if (/^[0-9a-fA-F]{1,32}$/.test(hex)) return BigInt('0x' + hex)
  return undefined
}

/** Reads a 64-bit decimal id (the usual form), rejecting anything out of range. */
export function parseDecimalId(text: string): bigint | undefined {
  if (!/^[0-9]{1,20}$/.test(text)) return undefined
  const value = BigInt(text)
  return value <= U64_MAX ? value : undefined
}

/** LLMObs trace ids travel in `_dd.p.llmobs_trace_id` as decimal; events carry 32 hex. Accepts both. */
export function traceIdToHex32(text: string): string | undefined {
  const t = text.trim().toLowerCase()
  if (/^[0-9a-f]{32}$/.test(t)) return t
  const value = /^[0-9]+$/.test(t) ? BigInt(t) : parseId(t)
  if (value === undefined || value >= 1n << 128n) return undefined
  return value.toString(16).padStart(32, '0')
}

export function traceIdHex32ToDecimal(hex: string): string {
  return BigInt('0x' + hex).toString(10)
}
