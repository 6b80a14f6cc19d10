import { builtin } from '../internal/builtins.js'
import { safeStringify } from '../internal/safe-json.js'
import type { SpanError } from './span-record.js'

const { types } = builtin('node:util')

const MAX_STACK = 32 * 1024

/**
 * What a span records about a thrown value: `error.message`, `error.type`, `error.stack`. Works for
 * Errors (also from other realms), error-like objects and non-Error throws (`throw "boom"` gives
 * type `string`). Never throws, whatever getters the value has.
 */
export function toSpanError(error: unknown): SpanError {
  try {
    if (isErrorLike(error)) {
      const message = read(error, 'message')
      const stack = read(error, 'stack')
      return {
        message: typeof message === 'string' ? message : message === undefined ? '' : safeStringify(message),
        type: errorType(error),
        stack: typeof stack === 'string' ? stack.slice(0, MAX_STACK) : undefined,
      }
    }
    if (typeof error === 'object' && error !== null) {
      return { message: safeStringify(error), type: constructorName(error) ?? 'Object', stack: undefined }
    }
    return {
      message: typeof error === 'string' ? error : String(error),
      type: typeof error,
      stack: undefined,
    }
  } catch {
    return { message: 'unreadable error', type: 'Error', stack: undefined }
  }
}

function isErrorLike(value: unknown): value is object {
  if (value instanceof Error || types.isNativeError(value)) return true
  if (typeof value !== 'object' || value === null) return false
  return typeof read(value, 'message') === 'string' && typeof read(value, 'name') === 'string'
}

/** `error.name`, except that a subclass which kept the inherited "Error" name reports its class. */
function errorType(error: object): string {
  const name = read(error, 'name')
  const ctor = constructorName(error)
  if (typeof name === 'string' && name !== '' && (name !== 'Error' || ctor === undefined)) return name
  return ctor ?? 'Error'
}

function constructorName(value: object): string | undefined {
  const ctor = read(value, 'constructor') as { name?: unknown } | undefined
  const name = typeof ctor === 'function' ? read(ctor, 'name') : undefined
  return typeof name === 'string' && name !== '' ? name : undefined
}

function read(target: object, key: string): unknown {
  try {
    return (target as Record<string, unknown>)[key]
  } catch {
    return undefined
  }
}
