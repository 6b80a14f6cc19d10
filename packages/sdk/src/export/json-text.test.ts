import { describe, expect, it } from 'vitest'
import { isPlainObject, isPlainText, jsonText, quoteJson } from './json-text.js'

/** What `JSON.stringify` writes for `value` as the member `key`, or undefined when it leaves it out. */
function asMember(key: string, value: unknown): string | undefined {
  const wrapped = JSON.stringify({ [key]: value })
  return wrapped === '{}' ? undefined : wrapped.slice(JSON.stringify(key).length + 2, -1)
}

describe('quoteJson', () => {
  it('equals JSON.stringify for every single UTF-16 unit and for mixed text', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const text = `a${String.fromCharCode(code)}b`
      expect(quoteJson(text)).toBe(JSON.stringify(text))
    }
    for (const text of ['', 'plain', '😀', 'pair 😀 and lone \ud83d', '"\\/\u2028', 'x'.repeat(10_000)]) {
      expect(quoteJson(text)).toBe(JSON.stringify(text))
    }
  })

  it('calls a string plain exactly when JSON.stringify copies it between quotes unchanged', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const text = `a${String.fromCharCode(code)}b`
      expect(isPlainText(text)).toBe(JSON.stringify(text) === `"${text}"`)
    }
    for (const text of ['', 'abc', 'héllo', '漢字', '😀 pair', '\u2028']) expect(isPlainText(text)).toBe(true)
    for (const text of ['"', '\\', '\n', '\u0000', '\ud800', 'x\udc00', '😀\ud83d'])
      expect(isPlainText(text)).toBe(false)
  })
})

describe('jsonText', () => {
  it('equals JSON.stringify as an object member for plain data, odd values and toJSON(key)', () => {
    class WithKey {
      toJSON(key: string): string {
        return `key=${key}`
      }
    }
    const arrayWithToJSON = Object.assign([1, 2], { toJSON: (key: string) => `array ${key}` })
    const values: unknown[] = [
      'text "q"',
      0,
      -0,
      1.5e300,
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      true,
      null,
      undefined,
      () => 1,
      Symbol('s'),
      [1, undefined, () => 1, 'x'],
      { a: 1, b: undefined, c: [{ d: 'e' }] },
      Object.assign(Object.create(null) as object, { bare: true }),
      new Date(0),
      new WithKey(),
      { nested: new WithKey() },
      arrayWithToJSON,
      { toJSON: () => undefined },
      { toJSON: 'not a function' },
      Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 }),
      new String('boxed'),
      new Number(3),
      new Map([[1, 2]]),
      new Uint8Array([1, 2]),
    ]
    for (const value of values) expect(jsonText('member', value)).toBe(asMember('member', value))
  })

  it('throws where JSON.stringify throws', () => {
    const cyclic: unknown[] = []
    cyclic.push(cyclic)
    expect(() => jsonText('k', cyclic)).toThrow(TypeError)
    expect(() => jsonText('k', 1n)).toThrow(TypeError)
    expect(() => jsonText('k', { n: 1n })).toThrow(TypeError)
  })
})

describe('isPlainObject', () => {
  it('accepts {} objects without toJSON and nothing else', () => {
    expect(isPlainObject({ a: 1 })).toBe(true)
    expect(isPlainObject(Object.create(null))).toBe(true)
    for (const value of [null, [], new Date(0), { toJSON: () => 1 }, 'x', 1, new (class {})()]) {
      expect(isPlainObject(value)).toBe(false)
    }
  })
})
