import { decode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import { JsonWriter } from './json-writer.js'
import { MsgpackCursor } from './msgpack-cursor.js'
import { MpExt, MpFloat, MpInt, MpMap, MpStr, encodeTest } from './msgpack-test-encoder.test-helper.js'
import { RandomMsgpack } from './random-msgpack.test-helper.js'

/** The transcoder's text for one encoded value, or undefined when it gives up. */
function transcode(bytes: Uint8Array): string | undefined {
  const cursor = new MsgpackCursor(Buffer.from(bytes))
  const writer = new JsonWriter()
  const mark = writer.mark()
  writer.value(cursor, 0)
  const text = writer.take(cursor, mark)
  return cursor.failed || cursor.pos !== bytes.length ? undefined : text
}

/** What the reference path stores: JSON.stringify of what @msgpack/msgpack decodes; undefined if either throws. */
function reference(bytes: Uint8Array): string | undefined {
  try {
    return JSON.stringify(decode(bytes, { useBigInt64: true }))
  } catch {
    return undefined
  }
}

describe('JsonWriter (msgpack → JSON text)', () => {
  it('writes exactly what JSON.stringify writes for the decoded value', () => {
    const cases: unknown[] = [
      { messages: [{ role: 'user', content: 'Sunny, 21°C. "No" umbrella\\ needed\n😀' }] },
      'control: \u0000\u0001\b\t\n\u000b\f\r\u000e\u001f\u007f end',
      '\u2028\u2029 é € 😀 <&> \ufeff (not leading)',
      'x'.repeat(250) + 'é', // over 200 bytes: @msgpack/msgpack decodes through TextDecoder
      [
        0,
        1,
        9,
        10,
        127,
        -1,
        -32,
        new MpInt(255n, 'u8'),
        new MpInt(-129n, 'i16'),
        new MpInt(4294967295n, 'u32'),
      ],
      [new MpInt(-2147483648n, 'i32'), new MpInt(5n, 'i8'), new MpInt(7n, 'u16')],
      [
        new MpFloat(0.1, 32),
        new MpFloat(0.1, 64),
        new MpFloat(-0, 64),
        new MpFloat(1e21, 64),
        new MpFloat(5e-324, 64),
      ],
      [new MpFloat(NaN, 64), new MpFloat(Infinity, 32), new MpFloat(-Infinity, 64), new MpFloat(2 ** 60, 64)],
      [null, true, false, [], {}, [[[]]], { a: { b: { c: {} } } }],
      { '': 1, 'a.b': 2, '1a': 3, '-1': 4, constructor: 5, toString: 6 },
      new MpStr(Buffer.from('header widths'), 'fix'),
      new MpMap([['k', new MpStr(Buffer.from('v'), 's16')]]),
    ]
    for (const value of cases) {
      const bytes = encodeTest(value)
      expect(reference(bytes)).toBeDefined()
      expect(transcode(bytes), JSON.stringify(reference(bytes))).toBe(reference(bytes))
    }
  })

  it('gives up where the decoded object would differ or the reference refuses', () => {
    const giveUps: unknown[] = [
      new MpMap([
        ['b', 1],
        ['1', 2],
      ]), // integer-like keys come first in a JS object
      new MpMap([
        ['a', 1],
        ['a', 2],
      ]), // duplicate: the last value wins, in the first key's place
      new MpMap([['__proto__', 1]]), // @msgpack/msgpack refuses it
      new MpMap([[1, 'number key']]),
      new MpInt(1n, 'u64'), // bigint: JSON.stringify throws
      new MpInt(-1n, 'i64'),
      Uint8Array.from([1, 2]), // bin
      new MpExt(1, Uint8Array.from([1])),
      new MpStr(Uint8Array.from([0x61, 0xff])), // invalid UTF-8
      new MpStr(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61])), // leading BOM
      JSON.parse('['.repeat(70) + ']'.repeat(70)) as unknown, // deeper than MAX_DEPTH
    ]
    for (const value of giveUps)
      expect(transcode(encodeTest(value)), JSON.stringify(String(value))).toBeUndefined()
    // Truncated and malformed input.
    expect(transcode(Uint8Array.from([0x92, 0x01]))).toBeUndefined()
    expect(transcode(Uint8Array.from([0xc1]))).toBeUndefined()
    expect(transcode(Uint8Array.from([0xdb, 0xff, 0xff, 0xff, 0xff, 0x61]))).toBeUndefined()
    expect(transcode(Uint8Array.from([0xdd, 0xff, 0xff, 0xff, 0xff]))).toBeUndefined()
  })

  // LLMOBS_FUZZ_SEED replays one seed.
  const seeds =
    process.env.LLMOBS_FUZZ_SEED === undefined ? [7, 8, 9] : [Number(process.env.LLMOBS_FUZZ_SEED)]
  it.each(seeds)(
    'matches JSON.stringify(decode()) on 10,000 random values (seed %i), or gives up',
    (seed) => {
      const random = new RandomMsgpack(seed)
      let written = 0
      for (let i = 0; i < 10_000; i++) {
        const bytes = encodeTest(random.value(5))
        const text = transcode(bytes)
        if (text === undefined) continue
        written++
        expect(text).toBe(reference(bytes))
      }
      // The test is only worth something if most values take the fast path.
      expect(written).toBeGreaterThan(7_000)
    },
  )

  it('reuses its scratch space across texts', () => {
    const writer = new JsonWriter()
    const cursor = new MsgpackCursor(Buffer.from(encodeTest(['a', { b: 'é' }])))
    cursor.head()
    const first = writer.mark()
    writer.value(cursor, 0)
    expect(writer.take(cursor, first)).toBe('"a"')
    const second = writer.mark()
    expect(second).toBe(first)
    writer.value(cursor, 0)
    expect(writer.take(cursor, second)).toBe('{"b":"é"}')
  })
})
