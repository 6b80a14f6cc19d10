import { randomFillSync } from 'node:crypto'

/**
 * Random identifiers of protocol §1 on the hot path: one span id per span, two trace ids per root.
 * Random words come from a pooled buffer filled by the CSPRNG (one syscall per 1,024 span ids), and
 * decimal formatting uses double arithmetic on 32-bit halves instead of BigInt.
 */

const POOL_WORDS = 2048
const pool = new Uint32Array(POOL_WORDS)
let cursor = POOL_WORDS

function nextWord(): number {
  if (cursor === POOL_WORDS) {
    randomFillSync(pool)
    cursor = 0
  }
  // The pool index is always in range; `?? 0` only satisfies noUncheckedIndexedAccess.
  return pool[cursor++] ?? 0
}

const TWO_POW_32 = 4294967296
const TEN_POW_8 = 100_000_000
// 2^53 = 90071992 * 1e8 + 54740992
const TWO_POW_53_HIGH = 90071992
const TWO_POW_53_LOW = 54740992

/**
 * The unsigned 64-bit integer `hi * 2^32 + lo` as a decimal string, exactly, without BigInt.
 * The value is split as `top11 * 2^53 + low53` and recombined in base 1e8, where every
 * intermediate stays far below 2^53.
 */
export function u64ToDecimal(hi: number, lo: number): string {
  hi >>>= 0
  lo >>>= 0
  if (hi < 0x200000) return String(hi * TWO_POW_32 + lo)
  const top11 = hi >>> 21
  const low53 = (hi & 0x1fffff) * TWO_POW_32 + lo
  let a = Math.floor(low53 / TEN_POW_8)
  let b = low53 - a * TEN_POW_8
  // Division of a large double may round across an integer boundary: correct by one step.
  if (b < 0) {
    a -= 1
    b += TEN_POW_8
  } else if (b >= TEN_POW_8) {
    a += 1
    b -= TEN_POW_8
  }
  let low = top11 * TWO_POW_53_LOW + b
  const carry = Math.floor(low / TEN_POW_8)
  low -= carry * TEN_POW_8
  const high = top11 * TWO_POW_53_HIGH + a + carry
  const lowText = String(low)
  return String(high) + '00000000'.slice(lowText.length) + lowText
}

/** A random, non-zero 64-bit span id as a decimal string (the LLMObs wire form). */
export function newSpanId(): string {
  let hi = nextWord()
  let lo = nextWord()
  while (hi === 0 && lo === 0) {
    hi = nextWord()
    lo = nextWord()
  }
  return u64ToDecimal(hi, lo)
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

function wordToHex(word: number): string {
  return (
    (HEX[word >>> 24] ?? '') +
    (HEX[(word >>> 16) & 0xff] ?? '') +
    (HEX[(word >>> 8) & 0xff] ?? '') +
    (HEX[word & 0xff] ?? '')
  )
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
    cachedPrefix = wordToHex(second >>> 0) + '00000000'
  }
  let hi = nextWord()
  let lo = nextWord()
  while (hi === 0 && lo === 0) {
    hi = nextWord()
    lo = nextWord()
  }
  return cachedPrefix + wordToHex(hi) + wordToHex(lo)
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
