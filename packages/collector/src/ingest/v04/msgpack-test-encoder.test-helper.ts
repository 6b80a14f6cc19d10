/**
 * A msgpack encoder for tests that controls what `@msgpack/msgpack`'s encoder chooses for you: integer
 * widths, float32, str header widths, raw (even invalid UTF-8) string bytes, duplicate or non-string
 * map keys, extension types, arbitrary bytes. Plain values encode as usual (integers in the smallest
 * width, other numbers as float64, objects as maps, Uint8Array as bin, bigint as int64/uint64).
 */

export type IntFormat = 'fix' | 'u8' | 'u16' | 'u32' | 'u64' | 'i8' | 'i16' | 'i32' | 'i64'

export class MpInt {
  constructor(
    readonly value: bigint,
    readonly format: IntFormat,
  ) {}
}
export class MpFloat {
  constructor(
    readonly value: number,
    readonly bits: 32 | 64,
  ) {}
}
/** A str whose bytes are given as is (any UTF-8 validity), with a chosen header width. */
export class MpStr {
  constructor(
    readonly bytes: Uint8Array,
    readonly header: 'fix' | 's8' | 's16' | 's32' = 's32',
  ) {}
}
export class MpExt {
  constructor(
    readonly type: number,
    readonly data: Uint8Array,
  ) {}
}
/** A map from its entries, in order: duplicate and non-string keys allowed. */
export class MpMap {
  constructor(readonly entries: ReadonlyArray<readonly [unknown, unknown]>) {}
}
/** Bytes spliced in as they are. */
export class MpRaw {
  constructor(readonly bytes: Uint8Array) {}
}

export function encodeTest(value: unknown): Uint8Array {
  const out: number[] = []
  write(out, value)
  return Uint8Array.from(out)
}

function be(out: number[], value: bigint, bytes: number): void {
  for (let i = bytes - 1; i >= 0; i--) out.push(Number((value >> BigInt(i * 8)) & 0xffn))
}

function writeInt(out: number[], value: bigint, format: IntFormat): void {
  const u = BigInt.asUintN(64, value)
  switch (format) {
    case 'fix':
      out.push(Number(BigInt.asUintN(8, value)))
      return
    case 'u8':
      out.push(0xcc)
      return be(out, u, 1)
    case 'u16':
      out.push(0xcd)
      return be(out, u, 2)
    case 'u32':
      out.push(0xce)
      return be(out, u, 4)
    case 'u64':
      out.push(0xcf)
      return be(out, u, 8)
    case 'i8':
      out.push(0xd0)
      return be(out, u, 1)
    case 'i16':
      out.push(0xd1)
      return be(out, u, 2)
    case 'i32':
      out.push(0xd2)
      return be(out, u, 4)
    case 'i64':
      out.push(0xd3)
      return be(out, u, 8)
  }
}

function smallestInt(value: bigint): IntFormat {
  if (value >= 0n && value <= 0x7fn) return 'fix'
  if (value < 0n && value >= -32n) return 'fix'
  if (value >= 0n)
    return value <= 0xffn ? 'u8' : value <= 0xffffn ? 'u16' : value <= 0xffffffffn ? 'u32' : 'u64'
  return value >= -128n ? 'i8' : value >= -32768n ? 'i16' : value >= -2147483648n ? 'i32' : 'i64'
}

/** A length header: fix form (if `fix` >= 0), else the 8 (if `codes[0]` >= 0), 16 or 32-bit form. */
function header(
  out: number[],
  n: number,
  fix: number,
  fixMax: number,
  codes: [number, number, number],
): void {
  if (fix >= 0 && n <= fixMax) out.push(fix + n)
  else if (codes[0] >= 0 && n <= 0xff) out.push(codes[0], n)
  else if (n <= 0xffff) out.push(codes[1], n >> 8, n & 0xff)
  else out.push(codes[2], (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
}

function writeStrBytes(out: number[], bytes: Uint8Array, format: MpStr['header']): void {
  const n = bytes.length
  if (format === 'fix' && n <= 31) out.push(0xa0 + n)
  else if (format === 's8' && n <= 0xff) out.push(0xd9, n)
  else if (format === 's16' && n <= 0xffff) out.push(0xda, n >> 8, n & 0xff)
  else if (format === 's32') out.push(0xdb, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
  else header(out, n, 0xa0, 31, [0xd9, 0xda, 0xdb])
  for (const b of bytes) out.push(b)
}

function write(out: number[], value: unknown): void {
  if (value === null || value === undefined) out.push(0xc0)
  else if (value === false) out.push(0xc2)
  else if (value === true) out.push(0xc3)
  else if (typeof value === 'bigint') writeInt(out, value, value < 0n ? 'i64' : 'u64')
  else if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
      writeInt(out, BigInt(value), smallestInt(BigInt(value)))
    } else write(out, new MpFloat(value, 64))
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8')
    header(out, bytes.length, 0xa0, 31, [0xd9, 0xda, 0xdb])
    for (const b of bytes) out.push(b)
  } else if (value instanceof MpInt) writeInt(out, value.value, value.format)
  else if (value instanceof MpFloat) {
    const buffer = Buffer.alloc(value.bits / 8)
    if (value.bits === 32) buffer.writeFloatBE(value.value)
    else buffer.writeDoubleBE(value.value)
    out.push(value.bits === 32 ? 0xca : 0xcb, ...buffer)
  } else if (value instanceof MpStr) writeStrBytes(out, value.bytes, value.header)
  else if (value instanceof MpExt) {
    header(out, value.data.length, -1, -1, [0xc7, 0xc8, 0xc9])
    out.push(value.type & 0xff, ...value.data)
  } else if (value instanceof MpRaw) out.push(...value.bytes)
  else if (value instanceof Uint8Array) {
    header(out, value.length, -1, -1, [0xc4, 0xc5, 0xc6])
    out.push(...value)
  } else if (Array.isArray(value)) {
    header(out, value.length, 0x90, 15, [-1, 0xdc, 0xdd])
    for (const item of value) write(out, item)
  } else if (value instanceof MpMap) {
    header(out, value.entries.length, 0x80, 15, [-1, 0xde, 0xdf])
    for (const [k, v] of value.entries) {
      write(out, k)
      write(out, v)
    }
  } else if (typeof value === 'object') {
    write(out, new MpMap(Object.entries(value)))
  } else {
    throw new Error(`cannot encode ${typeof value}`)
  }
}
