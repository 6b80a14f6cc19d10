import { decode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import { MsgpackWriter } from './msgpack-writer.js'

function roundTrip(write: (w: MsgpackWriter) => void, useBigInt64 = false): unknown {
  const w = new MsgpackWriter(16)
  write(w)
  return decode(w.bytes(), { useBigInt64 })
}

describe('MsgpackWriter', () => {
  it('writes JSON-like values that @msgpack/msgpack decodes back equal', () => {
    const value = {
      s: 'hello',
      empty: '',
      unicode: 'héllo wörld 😀 — 日本語',
      long: 'x'.repeat(70_000),
      longUnicode: '😀'.repeat(40) + 'é'.repeat(100),
      ints: [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER],
      negatives: [
        -1,
        -32,
        -33,
        -128,
        -129,
        -32768,
        -32769,
        -(2 ** 31),
        -(2 ** 31) - 1,
        Number.MIN_SAFE_INTEGER,
      ],
      floats: [0.5, -1.25, 1e300, 2 ** 60],
      flags: [true, false, null],
      nested: { a: { b: { c: [1, { d: 'e' }] } } },
      many: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
      bigArray: Array.from({ length: 70_000 }, (_, i) => i % 3),
    }
    expect(roundTrip((w) => w.value(value))).toEqual(value)
  })

  it('leaves out undefined keys and writes what JSON cannot hold as nil', () => {
    expect(roundTrip((w) => w.value({ a: undefined, b: 1, c: NaN, d: () => 1 }))).toEqual({
      b: 1,
      c: null,
      d: null,
    })
  })

  it('writes lone surrogates as U+FFFD, as Buffer does, in short and long strings', () => {
    for (const s of ['a\ud800b', '\udc00', 'x'.repeat(80) + '\ud83d']) {
      expect(roundTrip((w) => w.str(s))).toBe(Buffer.from(s, 'utf8').toString('utf8'))
    }
  })

  it('writes uint64, int64, float64 and back-patched bins', () => {
    const decoded = roundTrip((w) => {
      w.array(5)
      w.uint64(18446744073709551615n)
      w.int64(-5n)
      w.float64(3)
      const mark = w.openBin()
      w.map(1)
      w.str('k')
      w.str('v')
      w.closeBin(mark)
      w.raw(new Uint8Array([0xc0]))
    }, true) as unknown[]
    expect(decoded.slice(0, 3)).toEqual([18446744073709551615n, -5n, 3])
    expect(decode(decoded[3] as Uint8Array)).toEqual({ k: 'v' })
    expect(decoded[4]).toBeNull()
  })

  it('writes decimal and hex ids and integral doubles as the uint64 / int64 BigInt would give', () => {
    const ids = [
      '0',
      '1',
      '4294967295',
      '4294967296',
      '9223372036854775807',
      '18446744073709551615',
      '123456789012345678',
    ]
    for (const id of ids) expect(roundTrip((w) => w.uint64Decimal(id), true)).toBe(BigInt(id))
    for (const hex of ['0000000000000000', '00000000ffffffff', 'ffffffffffffffff', '0abfe71cd4b34a20'])
      expect(roundTrip((w) => w.uint64Hex(hex), true)).toBe(BigInt('0x' + hex))
    for (const n of [0, 1, 4294967296, 1795423257103140864, 5718262])
      expect(roundTrip((w) => w.int64Number(n), true)).toBe(BigInt(n))
  })

  it('grows past its first buffer and can be reset and reused', () => {
    const w = new MsgpackWriter(4)
    w.str('a'.repeat(1000))
    expect(decode(w.bytes())).toBe('a'.repeat(1000))
    w.reset()
    w.number(7)
    expect(decode(w.bytes())).toBe(7)
  })
})
