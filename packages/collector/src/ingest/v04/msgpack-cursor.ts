import { msgpackText } from './msgpack-text.js'
import { MAX_DEPTH } from './max-depth.js'

/**
 * A forward-only msgpack reader over one request body, for the v0.4 fast path. It never throws: a read
 * that is malformed, truncated, or merely outside what the fast path handles sets `failed`, and the
 * caller then hands the whole body to the reference decoder (`@msgpack/msgpack`), which either
 * accepts it or names the error. So every rule here may be stricter than the reference decoder, never
 * looser: whatever this reader accepts, `@msgpack/msgpack` (with `useBigInt64`) decodes to the values
 * the fast path assumes.
 *
 * `bytes` and `pos` are public on purpose: the JSON writer and the span readers move through the same
 * body and read string bytes in place.
 *
 * @example
 * const cursor = new MsgpackCursor(body)
 * const chunks = cursor.arrayHeader()
 * if (cursor.failed) return undefined // not for the fast path: use decodeV04Traces
 */
export class MsgpackCursor {
  readonly bytes: Buffer
  readonly #view: DataView
  pos = 0
  end: number
  failed = false
  /** High and low 32 bits of the last integer read by {@link u64}. */
  hi = 0
  lo = 0

  constructor(bytes: Buffer) {
    this.bytes = bytes
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.end = bytes.length
  }

  /** Gives up on the fast path; always returns -1 so callers can `return cursor.fail()`. */
  fail(): -1 {
    this.failed = true
    this.pos = this.end
    return -1
  }

  /** Whether `n` more bytes are there; gives up if not. */
  has(n: number): boolean {
    if (this.pos + n <= this.end) return true
    this.fail()
    return false
  }

  /** The next type byte (consumed), or -1 at the end. */
  head(): number {
    if (this.pos >= this.end) return this.fail()
    return this.bytes[this.pos++] as number
  }

  /** The next type byte without consuming it, or -1 at the end. */
  peek(): number {
    return this.pos < this.end ? (this.bytes[this.pos] as number) : -1
  }

  #u8(): number {
    return this.has(1) ? (this.bytes[this.pos++] as number) : 0
  }

  #u16(): number {
    if (!this.has(2)) return 0
    const value = this.#view.getUint16(this.pos)
    this.pos += 2
    return value
  }

  #u32(): number {
    if (!this.has(4)) return 0
    const value = this.#view.getUint32(this.pos)
    this.pos += 4
    return value
  }

  /** A map's entry count after its type byte `head`, or -1 (given up) if `head` is not a map. */
  mapSize(head: number): number {
    if (head >= 0x80 && head <= 0x8f) return head - 0x80
    if (head === 0xde) return this.#count(this.#u16())
    if (head === 0xdf) return this.#count(this.#u32())
    return this.fail()
  }

  /** An array's length after its type byte `head`, or -1 (given up) if `head` is not an array. */
  arraySize(head: number): number {
    if (head >= 0x90 && head <= 0x9f) return head - 0x90
    if (head === 0xdc) return this.#count(this.#u16())
    if (head === 0xdd) return this.#count(this.#u32())
    return this.fail()
  }

  /** A declared element count can never exceed the bytes left (each element takes at least one). */
  #count(n: number): number {
    return n <= this.end - this.pos ? n : this.fail()
  }

  /** A string's byte length after its type byte `head` (its bytes start at `pos`), or -1 if not a str. */
  strSize(head: number): number {
    let n: number
    if (head >= 0xa0 && head <= 0xbf) n = head - 0xa0
    else if (head === 0xd9) n = this.#u8()
    else if (head === 0xda) n = this.#u16()
    else if (head === 0xdb) n = this.#u32()
    else return this.fail()
    return this.has(n) ? n : -1
  }

  /** A bin's byte length after its type byte `head` (its bytes start at `pos`), or -1 if not a bin. */
  binSize(head: number): number {
    let n: number
    if (head === 0xc4) n = this.#u8()
    else if (head === 0xc5) n = this.#u16()
    else if (head === 0xc6) n = this.#u32()
    else return this.fail()
    return this.has(n) ? n : -1
  }

  /**
   * The text of the `n` string bytes at `start`, exactly as `@msgpack/msgpack` decodes them
   * ({@link msgpackText}); gives up (returning '') where that is not sure.
   */
  text(start: number, n: number): string {
    const text = msgpackText(this.bytes, start, n)
    if (text !== undefined) return text
    this.fail()
    return ''
  }

  /** Reads a str value; gives up on anything else. */
  string(): string {
    const n = this.strSize(this.head())
    if (n < 0) return ''
    const start = this.pos
    this.pos += n
    return this.text(start, n)
  }

  /**
   * Reads an integer of any msgpack width as an unsigned 64-bit value into {@link hi} / {@link lo}
   * (negative values as their two's complement, as `BigInt.asUintN(64, ...)` would). Returns false,
   * without giving up, when the value is not an integer (the caller decides).
   */
  u64(head: number): boolean {
    if (head <= 0x7f) {
      this.hi = 0
      this.lo = head
    } else if (head >= 0xe0) {
      this.hi = 0xffffffff
      this.lo = (head - 0x100) >>> 0
    } else if (head === 0xcc || head === 0xcd || head === 0xce) {
      this.hi = 0
      this.lo = head === 0xcc ? this.#u8() : head === 0xcd ? this.#u16() : this.#u32()
    } else if (head === 0xcf || head === 0xd3) {
      this.hi = this.#u32()
      this.lo = this.#u32()
    } else if (head === 0xd0 || head === 0xd1 || head === 0xd2) {
      const n =
        head === 0xd0 ? (this.#u8() << 24) >> 24 : head === 0xd1 ? (this.#u16() << 16) >> 16 : this.#u32() | 0
      this.hi = n < 0 ? 0xffffffff : 0
      this.lo = n >>> 0
    } else {
      return false
    }
    return true
  }

  /**
   * A number (any int or float) at `head` as a JS number: 64-bit integers as `Number(bigint)` would
   * round them. `NaN` (without giving up) when the value is not a number.
   */
  number(head: number): number {
    if (head === 0xcb) {
      if (!this.has(8)) return NaN
      const value = this.#view.getFloat64(this.pos)
      this.pos += 8
      return value
    }
    if (head === 0xca) {
      if (!this.has(4)) return NaN
      const value = this.#view.getFloat32(this.pos)
      this.pos += 4
      return value
    }
    if (head === 0xd3) {
      // Signed: exact high half times 2^32 plus the low half, rounded once, like Number(bigint).
      const hi = this.#u32() | 0
      return hi * 4294967296 + this.#u32()
    }
    if (!this.u64(head)) return NaN
    if (head === 0xcf) return this.hi * 4294967296 + this.lo
    return this.hi === 0 ? this.lo : this.lo | 0
  }

  /**
   * Skips one value, checking it is one `@msgpack/msgpack` decodes without error. Gives up on what the
   * fast path never needs to accept: extension types, map keys other than strings, `__proto__` keys.
   */
  skip(depth: number): void {
    const head = this.head()
    if (head < 0) return
    if (head <= 0x7f || head >= 0xe0 || head === 0xc0 || head === 0xc2 || head === 0xc3) return
    if (head >= 0x80 && head <= 0x8f) return this.#skipMap(head - 0x80, depth)
    if (head >= 0x90 && head <= 0x9f) return this.#skipArray(head - 0x90, depth)
    if (head >= 0xa0 && head <= 0xbf) {
      this.pos += head - 0xa0
      if (this.pos > this.end) this.fail()
      return
    }
    switch (head) {
      case 0xc4:
      case 0xc5:
      case 0xc6: {
        const n = this.binSize(head)
        if (n >= 0) this.pos += n
        return
      }
      case 0xd9:
      case 0xda:
      case 0xdb: {
        const n = this.strSize(head)
        if (n >= 0) this.pos += n
        return
      }
      case 0xca:
      case 0xcb:
      case 0xcc:
      case 0xcd:
      case 0xce:
      case 0xcf:
      case 0xd0:
      case 0xd1:
      case 0xd2:
      case 0xd3: {
        const size = SCALAR_SIZE[head - 0xca] as number
        if (this.has(size)) this.pos += size
        return
      }
      case 0xdc:
      case 0xdd:
        return this.#skipArray(this.arraySize(head), depth)
      case 0xde:
      case 0xdf:
        return this.#skipMap(this.mapSize(head), depth)
      default:
        this.fail() // 0xc1 (never used) and extension types
    }
  }

  #skipArray(n: number, depth: number): void {
    if (depth >= MAX_DEPTH) return void this.fail()
    for (let i = 0; i < n && !this.failed; i++) this.skip(depth + 1)
  }

  #skipMap(n: number, depth: number): void {
    if (depth >= MAX_DEPTH) return void this.fail()
    for (let i = 0; i < n && !this.failed; i++) {
      const size = this.strSize(this.head())
      if (size < 0) return
      if (size === 9 && isProtoKey(this.bytes, this.pos)) return void this.fail()
      this.pos += size
      this.skip(depth + 1)
    }
  }
}

/** Byte sizes of the fixed-size scalars 0xca (float 32) to 0xd3 (int 64). */
const SCALAR_SIZE = [4, 8, 1, 2, 4, 8, 1, 2, 4, 8]

const PROTO = Buffer.from('__proto__')

/** Whether the 9 bytes at `start` spell `__proto__`: `@msgpack/msgpack` refuses that map key. */
export function isProtoKey(bytes: Buffer, start: number): boolean {
  for (let i = 0; i < 9; i++) if (bytes[start + i] !== PROTO[i]) return false
  return true
}
