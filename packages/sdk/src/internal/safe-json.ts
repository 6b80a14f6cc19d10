import { builtin } from './builtins.js'

const { types } = builtin('node:util')

/**
 * Turns any value into plain JSON data without ever throwing: cycles, BigInt, binary data, Maps,
 * Sets, Dates, Errors, class instances, functions, symbols, throwing getters, revoked proxies and
 * user `toJSON` methods that throw are all handled, and depth, breadth, string length and the total
 * number of nodes are bounded, each cut marked in the output. Used for span inputs/outputs, metadata
 * and anything else users hand us; shared with the export pipeline.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

export interface SafeJsonOptions {
  /** Nesting depth kept; deeper objects become `"[Object]"` / `"[Array]"`. Default 16. */
  maxDepth?: number
  /** Items kept per array, object, Map or Set; the rest are counted in a marker. Default 1,000. */
  maxBreadth?: number
  /** Characters kept per string; longer strings are cut with a marker. Default 1,048,576. */
  maxStringLength?: number
  /** Values visited in total; later ones become `"[Truncated]"`. Default 100,000. */
  maxNodes?: number
}

export const CIRCULAR = '[Circular]'
export const TRUNCATED = '[Truncated]'
const TYPED_ARRAY_PREVIEW = 8

interface Walk {
  readonly maxDepth: number
  readonly maxBreadth: number
  readonly maxStringLength: number
  nodesLeft: number
  /** Objects on the path from the root to the current value (cycle detection). */
  readonly ancestors: object[]
}

/** A plain-JSON copy of `value`, bounded and marked where something had to be cut. Never throws. */
export function toJsonSafe(value: unknown, options?: SafeJsonOptions): JsonValue {
  const walk: Walk = {
    maxDepth: options?.maxDepth ?? 16,
    maxBreadth: options?.maxBreadth ?? 1000,
    maxStringLength: options?.maxStringLength ?? 1_048_576,
    nodesLeft: options?.maxNodes ?? 100_000,
    ancestors: [],
  }
  try {
    return visit(value, 0, walk) ?? null
  } catch {
    return '[Unserializable]'
  }
}

/**
 * `JSON.stringify` that never throws and never produces `undefined`: the value is first made safe
 * with `toJsonSafe`.
 */
export function safeStringify(value: unknown, options?: SafeJsonOptions): string {
  try {
    return JSON.stringify(toJsonSafe(value, options))
  } catch {
    // Only reachable when the output exceeds the engine's string limit.
    return JSON.stringify(TRUNCATED)
  }
}

function boundString(text: string, walk: Walk): string {
  if (text.length <= walk.maxStringLength) return text
  return `${text.slice(0, walk.maxStringLength)}…[${text.length - walk.maxStringLength} more chars]`
}

/** Returns undefined for values JSON leaves out of objects (undefined). */
function visit(value: unknown, depth: number, walk: Walk): JsonValue | undefined {
  if (walk.nodesLeft <= 0) return TRUNCATED
  walk.nodesLeft--
  switch (typeof value) {
    case 'string':
      return boundString(value, walk)
    case 'number':
      return Number.isFinite(value) ? value : String(value)
    case 'boolean':
      return value
    case 'bigint':
      return value.toString()
    case 'undefined':
      return undefined
    case 'symbol':
      return value.toString()
    case 'function':
      return `[Function: ${functionName(value)}]`
    default:
      return value === null ? null : visitObject(value as object, depth, walk)
  }
}

function functionName(fn: unknown): string {
  try {
    const name = (fn as { name?: unknown }).name
    return typeof name === 'string' && name !== '' ? name : 'anonymous'
  } catch {
    return 'anonymous'
  }
}

function visitObject(value: object, depth: number, walk: Walk): JsonValue {
  if (walk.ancestors.includes(value)) return CIRCULAR
  try {
    const leaf = describeLeaf(value, walk)
    if (leaf !== undefined) return leaf
    if (depth >= walk.maxDepth) return Array.isArray(value) ? '[Array]' : '[Object]'
    walk.ancestors.push(value)
    try {
      return visitContainer(value, depth, walk)
    } finally {
      walk.ancestors.pop()
    }
  } catch (error) {
    return `[Unserializable: ${errorMessage(error)}]`
  }
}

/** Objects summarised as a single string (or replaced by their primitive), whatever the depth. */
function describeLeaf(value: object, walk: Walk): JsonValue | undefined {
  if (types.isDate(value)) {
    const time = Date.prototype.getTime.call(value)
    return Number.isNaN(time) ? 'Invalid Date' : Date.prototype.toISOString.call(value)
  }
  if (ArrayBuffer.isView(value)) return describeBinaryView(value)
  if (types.isAnyArrayBuffer(value)) return `[${tagOf(value)}: ${value.byteLength} bytes]`
  if (types.isRegExp(value)) return RegExp.prototype.toString.call(value)
  if (types.isPromise(value)) return '[Promise]'
  if (types.isWeakMap(value) || types.isWeakSet(value)) return `[${tagOf(value)}]`
  if (types.isBoxedPrimitive(value)) {
    const primitive: unknown = (value as { valueOf(): unknown }).valueOf()
    return typeof primitive === 'string' ? boundString(primitive, walk) : String(primitive)
  }
  return undefined
}

function describeBinaryView(view: ArrayBufferView): string {
  if (Buffer.isBuffer(view)) return `[Buffer: ${view.byteLength} bytes]`
  if (view instanceof DataView) return `[DataView: ${view.byteLength} bytes]`
  const array = view as unknown as ArrayLike<number | bigint>
  const shown: string[] = []
  for (let i = 0; i < array.length && i < TYPED_ARRAY_PREVIEW; i++) shown.push(String(array[i]))
  const more = array.length > TYPED_ARRAY_PREVIEW ? ', …' : ''
  return `[${tagOf(view)}(${array.length}): ${shown.join(', ')}${more}]`
}

function tagOf(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1)
}

function visitContainer(value: object, depth: number, walk: Walk): JsonValue {
  if (Array.isArray(value)) return visitArrayLike(value as unknown[], value.length, depth, walk)
  if (types.isSet(value)) return visitIterable((value as Set<unknown>).values(), value.size, depth, walk)
  if (types.isMap(value)) return visitMap(value as Map<unknown, unknown>, depth, walk)
  if (types.isNativeError(value) || value instanceof Error) return visitError(value as Error, depth, walk)
  const toJSON = (value as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') {
    let replaced: unknown
    let threw = false
    try {
      replaced = toJSON.call(value, '')
    } catch {
      threw = true
    }
    // A throwing toJSON falls back to the object's own properties.
    if (!threw) return visit(replaced, depth + 1, walk) ?? null
  }
  return visitProperties(value, depth, walk, {})
}

function visitArrayLike(array: ArrayLike<unknown>, length: number, depth: number, walk: Walk): JsonValue[] {
  const out: JsonValue[] = []
  const kept = Math.min(length, walk.maxBreadth)
  for (let i = 0; i < kept; i++) {
    out.push(readAndVisit(array, i, depth, walk) ?? null)
  }
  if (length > kept) out.push(`[… ${length - kept} more items]`)
  return out
}

function visitIterable(iterator: Iterator<unknown>, size: number, depth: number, walk: Walk): JsonValue[] {
  const out: JsonValue[] = []
  for (let step = iterator.next(); !step.done && out.length < walk.maxBreadth; step = iterator.next()) {
    out.push(visit(step.value, depth + 1, walk) ?? null)
  }
  if (size > out.length) out.push(`[… ${size - out.length} more items]`)
  return out
}

function visitMap(map: Map<unknown, unknown>, depth: number, walk: Walk): JsonValue {
  const out: Record<string, JsonValue> = {}
  let kept = 0
  for (const [key, entry] of map) {
    if (kept >= walk.maxBreadth) break
    kept++
    const name = typeof key === 'string' ? key : safeStringify(key, { maxDepth: 2, maxNodes: 50 })
    const visited = visit(entry, depth + 1, walk)
    if (visited !== undefined) setKey(out, name, visited)
  }
  if (map.size > kept) setKey(out, '…', `${map.size - kept} more entries`)
  return out
}

function visitError(error: Error, depth: number, walk: Walk): JsonValue {
  const out: Record<string, JsonValue> = {}
  for (const key of ['name', 'message', 'stack'] as const) {
    const visited = readAndVisit(error, key, depth, walk)
    if (visited !== undefined) out[key] = visited
  }
  const cause = readAndVisit(error, 'cause', depth, walk)
  if (cause !== undefined) out.cause = cause
  return visitProperties(error, depth, walk, out)
}

function visitProperties(
  value: object,
  depth: number,
  walk: Walk,
  out: Record<string, JsonValue>,
): Record<string, JsonValue> {
  const keys = Object.keys(value)
  const kept = Math.min(keys.length, walk.maxBreadth)
  for (let i = 0; i < kept; i++) {
    const key = keys[i] as string
    const visited = readAndVisit(value, key, depth, walk)
    if (visited !== undefined) setKey(out, key, visited)
  }
  if (keys.length > kept) setKey(out, '…', `${keys.length - kept} more keys`)
  return out
}

/** Reads a property (which may be a throwing getter or proxy trap) and visits it one level down. */
function readAndVisit(
  target: object,
  key: string | number,
  depth: number,
  walk: Walk,
): JsonValue | undefined {
  let child: unknown
  try {
    child = (target as Record<string | number, unknown>)[key]
  } catch (error) {
    return `[Unreadable: ${errorMessage(error)}]`
  }
  return visit(child, depth + 1, walk)
}

/** `out[key] = value` that also works for a key named `__proto__`. */
function setKey(out: Record<string, JsonValue>, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    out[key] = value
  }
}

function errorMessage(error: unknown): string {
  try {
    if (error instanceof Error) return error.message
    return String(error)
  } catch {
    return 'unknown error'
  }
}
