/**
 * What `JSON.stringify` may escape in a string: control characters, quote, backslash and lone
 * surrogates. Any surrogate matches (a valid pair is only sent the slow, exact way).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/

/** False only when `JSON.stringify(text)` is `"` + text + `"`, so the text can be quoted as is. */
export function needsEscape(text: string): boolean {
  return NEEDS_ESCAPE.test(text)
}

const objectPrototype = Object.prototype
const arrayPrototype = Array.prototype

/**
 * A string as a JSON string literal, exactly as `JSON.stringify(text)` writes it. Most strings
 * (ids, names) need no escaping: one regular-expression test, then quotes around the text as is.
 *
 * @example
 * quoteJson('say "hi"') // '"say \\"hi\\""'
 */
export function quoteJson(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`
}

/**
 * The JSON text `value` takes as the member `key` of an object, or undefined when
 * `JSON.stringify` would leave that member out (undefined, a function, a symbol, a `toJSON` that
 * returns undefined). Throws what `JSON.stringify` throws (a cycle, a BigInt, a throwing getter).
 *
 * `JSON.stringify(value)` itself is exact for every value except one: a `toJSON(key)` method on
 * `value` would be called with `''` instead of `key`. So a value that has one (a class instance, a
 * Date, anything not a plain object or array) is stringified inside a one-member object.
 *
 * @example
 * jsonText('input', { messages: [{ role: 'user', content: 'hi' }] })
 * // '{"messages":[{"role":"user","content":"hi"}]}'
 */
export function jsonText(key: string, value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null) {
    const proto: unknown = Object.getPrototypeOf(value)
    if (proto !== objectPrototype && proto !== arrayPrototype && proto !== null) return asMember(key, value)
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return asMember(key, value)
  } else if (typeof value === 'bigint') {
    return asMember(key, value)
  }
  return JSON.stringify(value) as string | undefined
}

/** `JSON.stringify` of `value` as member `key`, so that a `toJSON(key)` sees its real key. */
function asMember(key: string, value: unknown): string | undefined {
  const wrapped = JSON.stringify({ [key]: value })
  if (wrapped === '{}') return undefined
  // '{' + quoted key + ':' + value + '}'
  return wrapped.slice(JSON.stringify(key).length + 2, -1)
}
