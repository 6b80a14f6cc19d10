import { builtin } from './builtins.js'

/**
 * Random identifiers of protocol §1 on the hot path: one span id per span, two trace ids per root.
 * Random 64-bit words come from a pooled buffer filled by the CSPRNG (one call per 1,024 ids). A
 * word is formatted by `BigInt#toString`: measured on Node 20, reading it from a `BigUint64Array`
 * and formatting it (~60 ns) beats every BigInt-free decimal formatting tried (two doubles: ~280 ns,
 * 4-digit tables: ~130 ns, base-1e9 chunks: ~150 ns), because V8 formats large doubles slowly.
 *
 * Every word is below 2^63, as dd-trace keeps its ids: tracers and backends that read ids as signed
 * 64-bit integers mishandle larger ones. The top bit is cleared once per refill, through a 32-bit view
 * of the same buffer (1,024 integer ANDs), so reading an id costs nothing more than before; a BigInt
 * mask per id would allocate a second BigInt each time.
 */

const POOL_SIZE = 1024
const pool = new BigUint64Array(POOL_SIZE)
const halves = new Uint32Array(pool.buffer)
/** Index of the more significant 32-bit half of word 0 in `halves`: 1 on little-endian hosts. */
const HIGH_HALF = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0
let cursor = POOL_SIZE

function refill(): void {
  // node:crypto is loaded here, at the first id, not at import (~6 ms of CPU on Node 20).
  builtin('node:crypto').randomFillSync(pool)
  for (let i = HIGH_HALF; i < halves.length; i += 2) halves[i] = (halves[i] ?? 0) & 0x7fffffff
  cursor = 0
}

/** A random integer in [1, 2^63). */
function nextWord(): bigint {
  for (;;) {
    if (cursor === POOL_SIZE) refill()
    // The index is always in range; `?? 0n` only satisfies noUncheckedIndexedAccess.
    const word = pool[cursor++] ?? 0n
    if (word !== 0n) return word
  }
}

/** A random span id in [1, 2^63) as a decimal string (the LLMObs wire form). */
export function newSpanId(): string {
  return nextWord().toString(10)
}

let cachedSecond = -1
let cachedPrefix = ''

/**
 * A 128-bit trace id as 32 lowercase hex characters: the high 32 bits are the epoch second of
 * `epochMs`, the next 32 bits zero, the low 64 bits random in [1, 2^63).
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
