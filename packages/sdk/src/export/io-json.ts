import { isPlainObject, isPlainText, jsonText, quoteJson } from './json-text.js'

/**
 * The JSON text of a span's `meta.input` / `meta.output` as the member `key`: exactly what
 * `JSON.stringify` writes, or undefined when it would leave the member out.
 *
 * Why hand-written: an llm span's messages are most of its event, and `JSON.stringify` spent
 * ~1.3 µs per benchmark llm span on them (~70 ns per property, ~2.2 ns per character). Messages
 * shaped as the annotation normaliser makes them (`{ role, content }`, plain strings) are written
 * here from a template, their text checked by `isPlainText` (~1 ns per character): ~0.7 µs, rope
 * flattening included. Any other shape (tool calls, documents, prompts, whatever a processor put
 * there) is left to `JSON.stringify`, member by member, so the text is exact either way.
 *
 * @example
 * ioJson('input', { messages: [{ role: 'user', content: 'hi' }] })
 * // '{"messages":[{"role":"user","content":"hi"}]}'
 */
export function ioJson(key: string, io: unknown): string | undefined {
  if (!isPlainObject(io)) return jsonText(key, io)
  let out = '{'
  for (const member in io) {
    // An inherited enumerable key (a polluted prototype) is not JSON's business: let it decide.
    if (!Object.hasOwn(io, member)) return jsonText(key, io)
    const value = io[member]
    let text: string | undefined
    if (typeof value === 'string') text = quoteJson(value)
    else if (member === 'messages' && Array.isArray(value)) {
      text = messagesJson(value)
      if (text === undefined) return jsonText(key, io)
    } else text = jsonText(member, value)
    if (text === undefined) continue
    const name =
      member === 'messages' || member === 'value' || member === 'prompt' ? `"${member}"` : quoteJson(member)
    out += out.length === 1 ? `${name}:${text}` : `,${name}:${text}`
  }
  return `${out}}`
}

/** A messages array; undefined when an element needs `toJSON(index)` (the caller then defers to JSON). */
function messagesJson(list: readonly unknown[]): string | undefined {
  if (typeof (list as { toJSON?: unknown }).toJSON === 'function') return undefined
  // `for...in` also lists enumerable keys added to Object.prototype, which JSON leaves out.
  const fast = !hasEnumerableKeys(objectPrototype)
  const length = list.length
  let out = '['
  for (let i = 0; i < length; i++) {
    const message = list[i]
    const text = (fast ? plainMessageJson(message) : undefined) ?? elementJson(message)
    if (text === undefined) return undefined
    out += i === 0 ? text : `,${text}`
  }
  return `${out}]`
}

/** `{"role":...,"content":...}` for a plain object with exactly those two string members, in that order. */
function plainMessageJson(message: unknown): string | undefined {
  if (!isPlainObject(message)) return undefined
  let count = 0
  for (const member in message) {
    if (count === 0 ? member !== 'role' : count !== 1 || member !== 'content') return undefined
    count++
  }
  if (count !== 2) return undefined
  const { role, content } = message
  if (typeof role !== 'string' || typeof content !== 'string') return undefined
  if (isPlainText(role) && isPlainText(content)) return `{"role":"${role}","content":"${content}"}`
  return `{"role":${quoteJson(role)},"content":${quoteJson(content)}}`
}

const objectPrototype: object = Object.prototype

function hasEnumerableKeys(object: object): boolean {
  for (const _ in object) return true
  return false
}

/** JSON of an array element; undefined when it has a `toJSON` (which would need its index as key). */
function elementJson(element: unknown): string | undefined {
  if (typeof element === 'bigint') return undefined
  if (typeof element === 'object' && element !== null) {
    if (typeof (element as { toJSON?: unknown }).toJSON === 'function') return undefined
  }
  return (JSON.stringify(element) as string | undefined) ?? 'null'
}
