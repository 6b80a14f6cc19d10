import { builtin } from './builtins.js'

/**
 * Random identifiers of protocol §1 on the hot path: one span id per span, two trace ids per root.
 * Random 64-bit words come from a pooled buffer filled by the CSPRNG (one call per 1,024 ids). A
 * word is formatted by `BigInt#toString`: measured on Node 20, reading it from a `BigUint64Array`
 * and formatting it (~60 ns) beats every BigInt-free decimal formatting tried (two doubles: ~280 ns,
 * 4-digit tables: ~130 ns, base-1e9 chunks: ~150 ns), because V8 formats large doubles slowly.
 */

const POOL_SIZE = 1024
const pool = new BigUint64Array(POOL_SIZE)
let cursor = POOL_SIZE

/** A random, non-zero 64-bit integer. */
function nextWord(): bigint {
  for (;;) {
    if (cursor === POOL_SIZE) {
      // node:crypto is loaded here, at the first id, not at import (~6 ms of CPU on Node 20).
      builtin('node:crypto').randomFillSync(pool)
      cursor = 0
    }
    // The index is always in range; `?? 0n` only satisfies noUncheckedIndexedAccess.
    const word = pool[cursor++] ?? 0n
    if (word !== 0n) return word
  }
}

/** A random, non-zero 64-bit span id as a decimal string (the LLMObs wire form). */
export function newSpanId(): string {
  return nextWord().toString(10)
}

let cachedSecond = -1
let cachedPrefix = ''

/**
 * A 128-bit trace id as 32 lowercase hex characters: the high 32 bits are the epoch second of
 * `epochMs`, the next 32 bits zero, the low 64 bits random and non-zero.
 */
export function newTraceId(epochMs: number): string {
  const second = Math.floor(epochMs / 1000)
  if (second !== cachedSecond) {
    cachedSecond = second
    cachedPrefix = (second >>> 0).toString(16).padStart(8, '0') + '00000000'
  }
  return cachedPrefix + nextWord().toString(16).padStart(16, '0')
}

const DECIMAL_ID = /^[0-9]{1,20}$/
const HEX32_ID = /^[0-9a-f]{32}$/

/** A span id as the wire carries it: a decimal string of a non-zero 64-bit integer. */
export function isDecimalSpanId(value: unknown): value is string {
  if (typeof value !== 'string' || !DECIMAL_ID.test(value) || /^0+$/.test(value)) return false
  return value.length < 20 || value <= '18446744073709551615'
}

/** A trace id as LLMObs events carry it: 32 lowercase hex characters. */
export function isHex32TraceId(value: unknown): value is string {
  return typeof value === 'string' && HEX32_ID.test(value)
}
