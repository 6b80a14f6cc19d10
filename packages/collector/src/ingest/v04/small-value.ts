import type { MsgpackCursor } from './msgpack-cursor.js'
import { MAX_DEPTH } from './max-depth.js'

/**
 * Decodes one small value at the cursor into plain JS values, exactly as `@msgpack/msgpack` would:
 * objects built by assignment in key order, so duplicate and integer-like keys behave the same. Gives
 * up (through the cursor) on 64-bit integers (left to the reference decoder), bins, extensions and
 * non-string keys.
 *
 * @example
 * const tags = decodeSmallValue(cursor, 1) // { ml_app: 'demo', env: 'dev' }
 */
export function decodeSmallValue(cursor: MsgpackCursor, depth: number): unknown {
  const head = cursor.head()
  if (head < 0) return undefined
  if (head <= 0x7f) return head
  if (head >= 0xe0) return head - 0x100
  if ((head >= 0xa0 && head <= 0xbf) || (head >= 0xd9 && head <= 0xdb)) {
    const n = cursor.strSize(head)
    if (n < 0) return undefined
    const start = cursor.pos
    cursor.pos += n
    return cursor.text(start, n)
  }
  if ((head >= 0x80 && head <= 0x8f) || head === 0xde || head === 0xdf) {
    const n = cursor.mapSize(head)
    if (depth >= MAX_DEPTH) return cursor.fail()
    const map: Record<string, unknown> = {}
    for (let i = 0; i < n && !cursor.failed; i++) {
      const key = cursor.string()
      if (key === '__proto__') return cursor.fail()
      map[key] = decodeSmallValue(cursor, depth + 1)
    }
    return map
  }
  if ((head >= 0x90 && head <= 0x9f) || head === 0xdc || head === 0xdd) {
    const n = cursor.arraySize(head)
    if (depth >= MAX_DEPTH) return cursor.fail()
    const array: unknown[] = []
    for (let i = 0; i < n && !cursor.failed; i++) array.push(decodeSmallValue(cursor, depth + 1))
    return array
  }
  if (head === 0xc0) return null
  if (head === 0xc2) return false
  if (head === 0xc3) return true
  if (head === 0xcf || head === 0xd3) return cursor.fail()
  const number = cursor.number(head)
  if (Number.isNaN(number) && head !== 0xca && head !== 0xcb) return cursor.fail()
  return number
}
