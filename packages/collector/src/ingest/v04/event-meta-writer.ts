import type { JsonWriter } from './json-writer.js'
import { KeyTable } from './key-table.js'
import type { MsgpackCursor } from './msgpack-cursor.js'
import { decodeSmallValue } from './small-value.js'

/** What the LLM row needs from the event's `meta`, besides its JSON text. */
export interface EventMeta {
  json: string
  kind: string
  modelName: string | null
  modelProvider: string | null
}

/** The host span's error, merged into the event's meta when the struct does not repeat it. */
export interface HostError {
  error: 0 | 1
  errorMessage: string | undefined
  errorType: string | undefined
  errorStack: string | undefined
}

const MAX_KIND_LENGTH = 64
const KEYS = new KeyTable([
  'span.kind',
  'span',
  'input',
  'output',
  'model_name',
  'model_provider',
  'error.message',
  'error.type',
  'error.stack',
])
const [SPAN_KIND, SPAN, INPUT, OUTPUT, MODEL_NAME, MODEL_PROVIDER, ERROR_MESSAGE, ERROR_TYPE, ERROR_STACK] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8,
]

/**
 * Writes the event's `meta` from the struct's `meta` map at the cursor, as the JSON text the reference
 * path stores: `JSON.stringify` of the meta `spanEventFromApmSpan` + `validateSpanEvent` build. That
 * is the struct's keys in order, the nested `span: {kind}` dropped, then appended when missing: the
 * host's `error.message` / `error.type` / `error.stack` (an error host only), `span.kind`, `input: {}`,
 * `output: {}`; a nil input or output becomes `{}` in place. Gives up (through the cursor) where the
 * reference would refuse the span, and on the rare shape where it keeps both `span.kind` and a
 * one-key `span` (not worth the code here).
 */
export function writeEventMeta(
  cursor: MsgpackCursor,
  writer: JsonWriter,
  host: HostError,
): EventMeta | undefined {
  const n = cursor.mapSize(cursor.head())
  const mark = writer.mark()
  const scope = writer.openKeys()
  writer.byte(0x7b)
  let first = true
  let seen = 0
  let kind: unknown
  let spanOmitted = false
  let modelName: string | null = null
  let modelProvider: string | null = null
  for (let i = 0; i < n && !cursor.failed; i++) {
    const keySize = cursor.strSize(cursor.head())
    if (keySize < 0) break
    const keyStart = cursor.pos
    cursor.pos += keySize
    const id = KEYS.find(cursor.bytes, keyStart, keySize)
    if (id >= 0) seen |= 1 << id
    if (id === SPAN && (seen & (1 << SPAN_KIND)) === 0) {
      // dd-trace nests the kind as `span: {kind}`; the stored meta has it flat, without `span`.
      const valueStart = cursor.pos
      const onlyKind = readOnlyKind(cursor)
      const nested = onlyKind === undefined ? decodeSmallValue(cursor, 1) : undefined
      if (isPlainObject(nested)) kind = nested.kind
      if (onlyKind !== undefined || (isPlainObject(nested) && Object.keys(nested).length === 1)) {
        if (onlyKind !== undefined) kind = onlyKind
        writer.checkKey(cursor, scope, keyStart, keySize)
        spanOmitted = true
        continue
      }
      cursor.pos = valueStart
    }
    if (!first) writer.byte(0x2c)
    first = false
    writer.key(cursor, scope, keyStart, keySize)
    writer.byte(0x3a)
    const head = cursor.peek()
    const isString = (head >= 0xa0 && head <= 0xbf) || (head >= 0xd9 && head <= 0xdb)
    if (id === SPAN_KIND) {
      if (!isString) return void cursor.fail()
      kind = stringAt(cursor, writer)
    } else if (id === INPUT || id === OUTPUT) {
      const isMap = (head >= 0x80 && head <= 0x8f) || head === 0xde || head === 0xdf
      if (head === 0xc0) {
        cursor.pos++
        writer.ascii('{}')
      } else if (isMap) writer.value(cursor, 1)
      else return void cursor.fail()
    } else if ((id === MODEL_NAME || id === MODEL_PROVIDER) && isString) {
      if (id === MODEL_NAME) modelName = stringAt(cursor, writer)
      else modelProvider = stringAt(cursor, writer)
    } else {
      writer.value(cursor, 1)
    }
  }
  if ((seen & (1 << SPAN_KIND)) !== 0 && spanOmitted) return void cursor.fail()
  if (typeof kind !== 'string' || kind === '' || kind.length > MAX_KIND_LENGTH) return void cursor.fail()

  const next = (key: string): void => {
    if (!first) writer.byte(0x2c)
    first = false
    writer.ascii(key)
  }
  if (host.error) {
    if ((seen & (1 << ERROR_MESSAGE)) === 0 && host.errorMessage !== undefined) {
      next('"error.message":')
      writer.jsonString(host.errorMessage)
    }
    if ((seen & (1 << ERROR_TYPE)) === 0 && host.errorType !== undefined) {
      next('"error.type":')
      writer.jsonString(host.errorType)
    }
    if ((seen & (1 << ERROR_STACK)) === 0 && host.errorStack !== undefined) {
      next('"error.stack":')
      writer.jsonString(host.errorStack)
    }
  }
  if ((seen & (1 << SPAN_KIND)) === 0) {
    next('"span.kind":')
    writer.jsonString(kind)
  }
  if ((seen & (1 << INPUT)) === 0) next('"input":{}')
  if ((seen & (1 << OUTPUT)) === 0) next('"output":{}')
  writer.byte(0x7d)
  writer.closeKeys(scope)
  const json = writer.take(cursor, mark)
  return cursor.failed ? undefined : { json, kind, modelName, modelProvider }
}

const KIND = Buffer.from([0x81, 0xa4, 0x6b, 0x69, 0x6e, 0x64]) // a one-entry map, fixstr "kind"

/**
 * dd-trace's nested `span: {kind: <str>}`: the kind, read without building the object (the cursor
 * then after it); `undefined` for any other value (the cursor unmoved).
 */
function readOnlyKind(cursor: MsgpackCursor): string | undefined {
  const bytes = cursor.bytes
  const at = cursor.pos
  if (at + 7 > cursor.end || KIND.compare(bytes, at, at + 6) !== 0) return undefined
  const head = bytes[at + 6] as number
  if (!((head >= 0xa0 && head <= 0xbf) || (head >= 0xd9 && head <= 0xdb))) return undefined
  cursor.pos = at + 6
  return cursor.string()
}

/** Reads the str at the cursor as a JS string and writes it as a JSON string. */
function stringAt(cursor: MsgpackCursor, writer: JsonWriter): string {
  const n = cursor.strSize(cursor.head())
  if (n < 0) return ''
  const start = cursor.pos
  cursor.pos += n
  writer.string(cursor, start, n)
  return cursor.text(start, n)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
