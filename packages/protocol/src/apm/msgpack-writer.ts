/**
 * A msgpack writer into one growing buffer, for the hot path of the SDK's APM writer: spans are
 * written straight from the tracer's records, with no intermediate maps and no per-value encoder
 * objects. Hand-written on purpose, against the advice to prefer a library: `bench/run.js` measured
 * `@msgpack/msgpack` (an object per span, encoded, then copied into the body) at ~35-45 µs of CPU per
 * span in `apm-agent` mode against ~8 µs for the same spans as JSON events; this writer is what brings
 * the mode near the JSON path (see bench/README.md). The library still decodes everything here in
 * tests, and the collector decodes what this writes.
 *
 * Encodings are valid msgpack but not always the shortest: a string's header is chosen from its
 * worst-case UTF-8 size (3 bytes per UTF-16 unit) so its bytes can be written in one pass, and a bin
 * written with `openBin` / `closeBin` always has a 32-bit length, back-patched.
 *
 * @example
 * const w = new MsgpackWriter()
 * w.map(1); w.str('k'); w.value({ a: [1, 'x'] })
 * decode(w.bytes()) // { k: { a: [1, 'x'] } }
 */
export class MsgpackWriter {
  #buf: Buffer
  #pos = 0

  constructor(initialBytes = 64 * 1024) {
    this.#buf = Buffer.allocUnsafe(initialBytes)
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos
  }

  /** A copy of what was written (the writer can be reused after `reset()`). */
  bytes(): Uint8Array {
    // Not `buf.slice()` (through the species constructor) nor `new Uint8Array()` (an off-heap,
    // zero-filled store per copy): each was a measured 5-7% of the APM writer's CPU. `allocUnsafe`
    // takes small copies from Node's shared pool.
    const out = Buffer.allocUnsafe(this.#pos)
    this.#buf.copy(out, 0, 0, this.#pos)
    return out
  }

  reset(): void {
    this.#pos = 0
  }

  #ensure(extra: number): void {
    const need = this.#pos + extra
    if (need <= this.#buf.length) return
    let size = this.#buf.length * 2
    while (size < need) size *= 2
    const grown = Buffer.allocUnsafe(size)
    this.#buf.copy(grown, 0, 0, this.#pos)
    this.#buf = grown
  }

  nil(): void {
    this.#ensure(1)
    this.#buf[this.#pos++] = 0xc0
  }

  bool(value: boolean): void {
    this.#ensure(1)
    this.#buf[this.#pos++] = value ? 0xc3 : 0xc2
  }

  map(size: number): void {
    this.#header(size, 0x80, 0xde)
  }

  array(size: number): void {
    this.#header(size, 0x90, 0xdc)
  }

  /** A fixmap/fixarray header below 16, else the 16- or 32-bit form (`long` = the 16-bit marker). */
  #header(size: number, fix: number, long: number): void {
    this.#ensure(5)
    const b = this.#buf
    if (size < 16) b[this.#pos++] = fix | size
    else if (size < 0x10000) {
      b[this.#pos] = long
      b.writeUInt16BE(size, this.#pos + 1)
      this.#pos += 3
    } else {
      b[this.#pos] = long + 1
      b.writeUInt32BE(size, this.#pos + 1)
      this.#pos += 5
    }
  }

  /** A float64, whatever the number (what the Agent's `metrics` map holds). */
  float64(value: number): void {
    this.#ensure(9)
    this.#buf[this.#pos] = 0xcb
    this.#buf.writeDoubleBE(value, this.#pos + 1)
    this.#pos += 9
  }

  /** A number: the shortest integer form for a safe integer, else a float64. */
  number(value: number): void {
    if (!Number.isSafeInteger(value)) return this.float64(value)
    this.#ensure(9)
    const b = this.#buf
    const at = this.#pos
    if (value >= 0) {
      if (value < 0x80) {
        b[at] = value
        this.#pos += 1
      } else if (value < 0x10000) {
        b[at] = 0xcd
        b.writeUInt16BE(value, at + 1)
        this.#pos += 3
      } else if (value < 0x100000000) {
        b[at] = 0xce
        b.writeUInt32BE(value, at + 1)
        this.#pos += 5
      } else {
        b[at] = 0xcf
        b.writeBigUInt64BE(BigInt(value), at + 1)
        this.#pos += 9
      }
    } else if (value >= -32) {
      b[at] = value & 0xff
      this.#pos += 1
    } else if (value >= -0x80000000) {
      b[at] = 0xd2
      b.writeInt32BE(value, at + 1)
      this.#pos += 5
    } else {
      b[at] = 0xd3
      b.writeBigInt64BE(BigInt(value), at + 1)
      this.#pos += 9
    }
  }

  /** An unsigned 64-bit integer, always as uint64 (ids: `trace_id`, `span_id`, `parent_id`). */
  uint64(value: bigint): void {
    this.#ensure(9)
    this.#buf[this.#pos] = 0xcf
    this.#buf.writeBigUInt64BE(BigInt.asUintN(64, value), this.#pos + 1)
    this.#pos += 9
  }

  /**
   * An unsigned 64-bit integer given as decimal digits (a span id), as uint64, without BigInt:
   * `writeBigUInt64BE` and the BigInt parse were a measured 4% of the APM writer's CPU.
   */
  uint64Decimal(digits: string): void {
    let hi = 0
    let lo = 0
    for (let i = 0; i < digits.length; i++) {
      lo = lo * 10 + (digits.charCodeAt(i) - 48)
      const carry = Math.floor(lo / 0x100000000)
      lo -= carry * 0x100000000
      hi = (hi * 10 + carry) % 0x100000000
    }
    this.#words(0xcf, hi, lo)
  }

  /** An unsigned 64-bit integer given as 16 hex digits (half of a trace id), as uint64. */
  uint64Hex(hex: string): void {
    this.#words(0xcf, parseInt(hex.slice(0, 8), 16), parseInt(hex.slice(8, 16), 16))
  }

  /** A non-negative integer below 2^64 held in a double (epoch nanoseconds), as int64. */
  int64Number(value: number): void {
    const hi = Math.floor(value / 0x100000000)
    this.#words(0xd3, hi, value - hi * 0x100000000)
  }

  #words(marker: number, hi: number, lo: number): void {
    this.#ensure(9)
    const b = this.#buf
    b[this.#pos] = marker
    b.writeUInt32BE(hi >>> 0, this.#pos + 1)
    b.writeUInt32BE(lo >>> 0, this.#pos + 5)
    this.#pos += 9
  }

  /** A signed 64-bit integer, always as int64 (`start`, `duration` in nanoseconds). */
  int64(value: bigint): void {
    this.#ensure(9)
    this.#buf[this.#pos] = 0xd3
    this.#buf.writeBigInt64BE(BigInt.asIntN(64, value), this.#pos + 1)
    this.#pos += 9
  }

  /** A string as UTF-8 (lone surrogates become U+FFFD, as `Buffer` writes them). */
  str(value: string): void {
    const max = value.length * 3
    const head = max < 32 ? 1 : max < 0x100 ? 2 : max < 0x10000 ? 3 : 5
    this.#ensure(head + max)
    const b = this.#buf
    const start = this.#pos + head
    const n = value.length < 64 ? writeShortUtf8(b, start, value) : b.write(value, start, max, 'utf8')
    const at = this.#pos
    if (head === 1) b[at] = 0xa0 | n
    else if (head === 2) {
      b[at] = 0xd9
      b[at + 1] = n
    } else if (head === 3) {
      b[at] = 0xda
      b.writeUInt16BE(n, at + 1)
    } else {
      b[at] = 0xdb
      b.writeUInt32BE(n, at + 1)
    }
    this.#pos = start + n
  }

  /** Starts a bin whose length is written by `closeBin(mark)` once its content is written. */
  openBin(): number {
    this.#ensure(5)
    const mark = this.#pos
    this.#buf[mark] = 0xc6
    this.#pos += 5
    return mark
  }

  closeBin(mark: number): void {
    this.#buf.writeUInt32BE(this.#pos - mark - 5, mark + 1)
  }

  /** Bytes already encoded elsewhere, as they are (short ones, such as pre-encoded keys, by hand). */
  raw(bytes: Uint8Array): void {
    const n = bytes.length
    this.#ensure(n)
    if (n <= 16) {
      const b = this.#buf
      for (let i = 0, p = this.#pos; i < n; i++) b[p + i] = bytes[i] as number
    } else {
      this.#buf.set(bytes, this.#pos)
    }
    this.#pos += n
  }

  /**
   * A JSON-like value: null, booleans, numbers, strings, arrays and plain objects (keys whose value
   * is undefined are left out, as `JSON.stringify` leaves them); anything else is written as nil.
   * A value is read once (getters included), so what is written is what was counted.
   */
  value(value: unknown): void {
    switch (typeof value) {
      case 'string':
        return this.str(value)
      case 'number':
        return Number.isFinite(value) ? this.number(value) : this.nil()
      case 'boolean':
        return this.bool(value)
      case 'object':
        if (value === null) return this.nil()
        if (Array.isArray(value)) {
          this.array(value.length)
          for (const item of value) this.value(item)
          return
        }
        return this.#object(value as Record<string, unknown>)
      default:
        return this.nil()
    }
  }

  #object(object: Record<string, unknown>): void {
    // Two passes over the own keys (count, then write) rather than arrays of keys and values: this
    // runs for every map of every span, and the arrays were a visible share of the garbage.
    let size = 0
    for (const key in object) if (Object.hasOwn(object, key) && object[key] !== undefined) size++
    this.map(size)
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue
      const v = object[key]
      if (v === undefined) continue
      this.str(key)
      this.value(v)
    }
  }
}

/** UTF-8 of a short string, by hand (faster than `Buffer#utf8Write` below ~64 characters). */
function writeShortUtf8(b: Buffer, at: number, s: string): number {
  let p = at
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i)
    if (c < 0x80) {
      b[p++] = c
    } else if (c < 0x800) {
      b[p++] = 0xc0 | (c >> 6)
      b[p++] = 0x80 | (c & 0x3f)
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = s.charCodeAt(i + 1)
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00)
          i++
          b[p++] = 0xf0 | (c >> 18)
          b[p++] = 0x80 | ((c >> 12) & 0x3f)
          b[p++] = 0x80 | ((c >> 6) & 0x3f)
          b[p++] = 0x80 | (c & 0x3f)
          continue
        }
        c = 0xfffd
      }
      b[p++] = 0xe0 | (c >> 12)
      b[p++] = 0x80 | ((c >> 6) & 0x3f)
      b[p++] = 0x80 | (c & 0x3f)
    }
  }
  return p - at
}
