import type { DecoderOptions } from '@msgpack/msgpack'

/**
 * Decoder options for an untrusted msgpack body of `byteLength` bytes: 64-bit integers as bigint, and
 * every declared length capped by the body size (each element needs at least one byte), so a header
 * that claims four billion entries fails at once instead of allocating.
 */
export function boundedDecoderOptions(byteLength: number): DecoderOptions {
  const max = Math.max(byteLength, 1)
  return {
    useBigInt64: true,
    maxStrLength: max,
    maxBinLength: max,
    maxArrayLength: max,
    maxMapLength: max,
    maxExtLength: max,
  }
}
