import { MpExt, MpFloat, MpInt, MpMap, MpStr } from './msgpack-test-encoder.test-helper.js'
import type { IntFormat } from './msgpack-test-encoder.test-helper.js'

/** Seeded PRNG (mulberry32): failures replay from the seed in the test name. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Random values for the msgpack test encoder, weighted towards what span events hold, with the odd cases. */
export class RandomMsgpack {
  readonly #random: () => number
  /** Probability of each rare case (odd keys, bins, extensions, invalid UTF-8, 64-bit ints...). */
  readonly #rare: number

  constructor(seed: number, rare = 0.02) {
    this.#random = prng(seed)
    this.#rare = rare
  }

  chance(p: number): boolean {
    return this.#random() < p
  }

  int(n: number): number {
    return Math.floor(this.#random() * n)
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T
  }

  rare(): boolean {
    return this.chance(this.#rare)
  }

  /** Text with JSON's escapes, multi-byte characters, and now and then a BOM or a long run. */
  text(): string {
    const alphabet = [
      'a',
      'b',
      'Z',
      '0',
      '7',
      ' ',
      '.',
      ':',
      '_',
      '-',
      '"',
      '\\',
      '/',
      '\n',
      '\t',
      '\r',
      '\b',
      '\f',
      '\u0000',
      '\u0001',
      '\u001f',
      '\u007f',
      'é',
      '°',
      '€',
      'ß',
      '😀',
      '\u2028',
      '\ufeff',
      '<',
      '&',
    ]
    const length = this.chance(0.05) ? 190 + this.int(40) : this.int(14)
    let text = this.chance(0.01) ? '\ufeff' : ''
    for (let i = 0; i < length; i++)
      text += this.chance(0.7) ? 'abcdefghij'[this.int(10)] : this.pick(alphabet)
    return text
  }

  /** A map key: mostly words, sometimes integer-like, `__proto__`, empty or odd. */
  key(): unknown {
    if (this.rare()) return this.pick(['1', '0', '42', '007', '__proto__', '', 'constructor', 'toString'])
    if (this.rare()) return this.pick([1, new MpInt(2n, 'u8'), null, true])
    return (
      this.pick(['role', 'content', 'value', 'messages', 'text', 'id', 'score', 'k', 'a.b']) +
      (this.chance(0.3) ? this.text() : '')
    )
  }

  number(): unknown {
    const r = this.int(10)
    if (r < 4) {
      const formats: IntFormat[] = ['fix', 'u8', 'u16', 'u32', 'i8', 'i16', 'i32']
      const format = this.pick(formats)
      const range: Record<string, [number, number]> = {
        fix: [-32, 127],
        u8: [0, 255],
        u16: [0, 65535],
        u32: [0, 4294967295],
        i8: [-128, 127],
        i16: [-32768, 32767],
        i32: [-2147483648, 2147483647],
      }
      const [lo, hi] = range[format] as [number, number]
      return new MpInt(BigInt(lo + Math.floor(this.#random() * (hi - lo + 1))), format)
    }
    if (r < 5 && this.rare())
      return new MpInt(
        BigInt.asIntN(64, BigInt(Math.floor(this.#random() * 2 ** 53)) * 4099n),
        this.pick(['u64', 'i64'] as const),
      )
    const value = this.pick([
      0,
      -0,
      0.5,
      1e21,
      1e-7,
      5e-324,
      123.456,
      -2.5e-3,
      Math.PI,
      2 ** 53 + 2,
      NaN,
      Infinity,
      -Infinity,
      this.#random() * 1000,
    ])
    return new MpFloat(value, this.chance(0.3) ? 32 : 64)
  }

  string(): unknown {
    if (this.rare()) return new MpStr(Uint8Array.from([0x61, 0xff, 0x62])) // invalid UTF-8
    if (this.rare()) return new MpStr(Uint8Array.from([0xed, 0xa0, 0x80])) // a UTF-8-encoded surrogate
    const text = this.text()
    return this.chance(0.2)
      ? new MpStr(Buffer.from(text), this.pick(['fix', 's8', 's16', 's32'] as const))
      : text
  }

  /** A JSON-like value `depth` deep at most. */
  value(depth: number): unknown {
    const r = this.int(depth <= 0 ? 5 : 10)
    if (r === 0) return null
    if (r === 1) return this.chance(0.5)
    if (r === 2 || r === 3) return this.number()
    if (r === 4) {
      if (this.rare()) return Uint8Array.from([1, 2, 3])
      if (this.rare()) return new MpExt(this.pick([1, -1]), Uint8Array.from([0, 0, 0, 1]))
      return this.string()
    }
    if (r < 7) return Array.from({ length: this.int(4) }, () => this.value(depth - 1))
    return this.map(depth)
  }

  map(depth: number): MpMap {
    const entries: Array<[unknown, unknown]> = []
    const n = this.int(5)
    for (let i = 0; i < n; i++) {
      const key = this.key()
      // Duplicates only come from the rare case below.
      const taken = entries.some(([k]) => k === key)
      entries.push([taken && typeof key === 'string' ? `${key}${i}` : key, this.value(depth - 1)])
    }
    if (entries.length > 0 && this.rare())
      entries.push([(entries[0] as [unknown, unknown])[0], this.value(0)])
    return new MpMap(entries)
  }
}
