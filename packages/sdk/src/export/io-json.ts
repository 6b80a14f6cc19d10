import { flat, hasEnumerableKeys, isPlainObject, isPlainText, jsonText, quoteJson } from './json-text.js'

const objectPrototype: object = Object.prototype

/**
 * What follows an input or output in the event, merged into the text that closes it (one piece
 * fewer each time): `after` is appended after any io; the others are the closing text of the fast
 * shapes with `after` already appended.
 */
export interface IoClosers {
  readonly after: string
  /** After messages whose last content was written between quotes here, or by JSON.stringify. */
  readonly messagesPlain: string
  readonly messagesJson: string
  /** After `{ value }`, its text between quotes here, or by JSON.stringify. */
  readonly valuePlain: string
  readonly valueJson: string
}

/** The closers for the text `after`. */
export function ioClosers(after: string): IoClosers {
  return {
    after: flat(after),
    messagesPlain: flat(`"}]}${after}`),
    messagesJson: flat(`}]}${after}`),
    valuePlain: flat(`"}${after}`),
    valueJson: flat(`}${after}`),
  }
}

/**
 * Appends the JSON text of a span's `meta.input` / `meta.output` to `out` (which already ends with
 * `"input":`), then `closers.after`: exactly what `JSON.stringify` writes for it as member `key`.
 * Undefined when `JSON.stringify` would leave the member out (the caller then writes the whole
 * event the slow way).
 *
 * Why hand-written: an llm span's messages are most of its event, and `JSON.stringify` spent
 * ~1.3 µs per benchmark llm span on them (~70 ns per property, ~2.2 ns per character). The shapes
 * the annotation normalisers make, `{ messages: [{ role, content }...] }` and `{ value }`, are
 * appended here as a few large pieces (a cached head per role, then the content as is), their text
 * checked by `isPlainText` (~1 ns per character). Every `+` is a rope node that costs ~20 ns
 * when the text is flattened into the request buffer, so the number of pieces is what this code
 * minimises. Any other shape (tool calls, documents, prompts, whatever a processor put there) goes
 * to `ioJson`, so the text is exact either way.
 *
 * @example
 * appendIo('{"input":', 'input', { messages: [{ role: 'user', content: 'hi' }] }, ioClosers('}'))
 * // '{"input":{"messages":[{"role":"user","content":"hi"}]}}'
 */
export function appendIo(out: string, key: string, io: unknown, closers: IoClosers): string | undefined {
  if (isPlainObject(io) && !hasEnumerableKeys(objectPrototype)) {
    let only: string | undefined
    for (const member in io) {
      if (only !== undefined) {
        only = undefined
        break
      }
      only = member
    }
    if (only === 'messages') {
      const messages = io.messages
      if (Array.isArray(messages)) {
        const appended = appendMessages(out, messages, closers)
        if (appended !== undefined) return appended
      }
    } else if (only === 'value') {
      const value = io.value
      if (typeof value === 'string') {
        if (isPlainText(value)) {
          out += '{"value":"'
          out += value
          return out + closers.valuePlain
        }
        out += '{"value":'
        out += JSON.stringify(value)
        return out + closers.valueJson
      }
    }
  }
  const text = ioJson(key, io)
  if (text === undefined) return undefined
  out += text
  return out + closers.after
}

/**
 * Appends `{"messages":[...]}` and the closer when every message is a plain `{ role, content }` of
 * strings (in that order, nothing else); undefined otherwise.
 */
function appendMessages(out: string, list: readonly unknown[], closers: IoClosers): string | undefined {
  const length = list.length
  if (length === 0 || typeof (list as { toJSON?: unknown }).toJSON === 'function') return undefined
  // Which text closes the previous message: its content was quoted here ('"}') or by JSON ('}').
  let closedPlain = false
  for (let i = 0; i < length; i++) {
    const message = list[i]
    if (!isPlainObject(message)) return undefined
    let count = 0
    for (const member in message) {
      if (count === 0 ? member !== 'role' : count !== 1 || member !== 'content') return undefined
      count++
    }
    if (count !== 2) return undefined
    const { role, content } = message
    if (typeof role !== 'string' || typeof content !== 'string') return undefined
    const heads = roleHeads(role)
    if (heads === undefined) return undefined
    const plain = isPlainText(content)
    out += heads[(i === 0 ? 0 : closedPlain ? 2 : 4) + (plain ? 0 : 1)] as string
    out += plain ? content : JSON.stringify(content)
    closedPlain = plain
  }
  return out + (closedPlain ? closers.messagesPlain : closers.messagesJson)
}

const MAX_CACHED_ROLES = 64
const roleHeadCache = new Map<string, readonly string[]>()

/**
 * The text before a message's content, by position and quoting: first or following message
 * (closing the previous one, whose content was or was not quoted here), content quoted here or not.
 * Undefined for a role that is not plain text. Only plain roles are cached, so a cached role needs
 * no check.
 */
function roleHeads(role: string): readonly string[] | undefined {
  let heads = roleHeadCache.get(role)
  if (heads === undefined) {
    if (!isPlainText(role)) return undefined
    const open = `{"role":"${role}","content":`
    heads = [
      `{"messages":[${open}"`,
      `{"messages":[${open}`,
      `"},${open}"`,
      `"},${open}`,
      `},${open}"`,
      `},${open}`,
    ].map(flat)
    // Roles are a handful of words; a caller inventing new ones must not grow this without bound.
    if (roleHeadCache.size < MAX_CACHED_ROLES) roleHeadCache.set(role, heads)
  }
  return heads
}

/**
 * The JSON text of `io` as the member `key`, exactly as `JSON.stringify` writes it, or undefined
 * when it would leave the member out: plain `{ role, content }` messages written from a template,
 * everything else by `JSON.stringify`, member by member.
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

/** JSON of an array element; undefined when it has a `toJSON` (which would need its index as key). */
function elementJson(element: unknown): string | undefined {
  if (typeof element === 'bigint') return undefined
  if (typeof element === 'object' && element !== null) {
    if (typeof (element as { toJSON?: unknown }).toJSON === 'function') return undefined
  }
  return (JSON.stringify(element) as string | undefined) ?? 'null'
}
