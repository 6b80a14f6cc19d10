import type { JsonWriter } from './json-writer.js'
import { KeyTable } from './key-table.js'
import type { MsgpackCursor } from './msgpack-cursor.js'
import { isProtoKey } from './msgpack-cursor.js'

/** The host `meta` values protocol §4 reads, and the one `metrics` value. */
export interface HostMetaValues {
  tid: string | undefined
  /** `_sampling_priority_v1`, when the span carries a finite one. */
  samplingPriority: number | undefined
  env: string | undefined
  submitted: boolean
  errorMessage: string | undefined
  errorType: string | undefined
  errorStack: string | undefined
}

/** Where `meta_struct["_llmobs"]` (a msgpack map) lies in the body: -1 when the span carries none. */
export interface StructRange {
  structStart: number
  structEnd: number
}

const META_KEYS = new KeyTable([
  '_dd.p.tid',
  'env',
  '_dd.llmobs.submitted',
  'error.message',
  'error.type',
  'error.stack',
])
const LLMOBS_KEY = Buffer.from('_llmobs')
const PRIORITY_KEY = Buffer.from('_sampling_priority_v1')

/**
 * Writes a msgpack map with string keys (nil is `{}`) as a JSON object at the writer's position: the
 * one walker of the fast path's string-keyed maps. `writeValue` reads and writes each value (the
 * cursor on it, the key at `keyStart`/`keySize`) and returns false to give up (the cursor failed).
 */
export function writeStringKeyedMap<S>(
  cursor: MsgpackCursor,
  writer: JsonWriter,
  state: S,
  writeValue: (
    cursor: MsgpackCursor,
    writer: JsonWriter,
    state: S,
    keyStart: number,
    keySize: number,
  ) => boolean,
): void {
  const head = cursor.head()
  if (head === 0xc0) return writer.ascii('{}')
  const n = cursor.mapSize(head)
  const scope = writer.openKeys()
  writer.byte(0x7b)
  for (let i = 0; i < n && !cursor.failed; i++) {
    if (i > 0) writer.byte(0x2c)
    const keySize = cursor.strSize(cursor.head())
    if (keySize < 0) break
    const keyStart = cursor.pos
    cursor.pos += keySize
    writer.key(cursor, scope, keyStart, keySize)
    writer.byte(0x3a)
    if (!writeValue(cursor, writer, state, keyStart, keySize)) return
  }
  writer.byte(0x7d)
  writer.closeKeys(scope)
}

/**
 * Writes the host `meta` (str → str; nil is `{}`) as JSON text at the writer's position, noting the
 * values §4 reads from it. Gives up on any other value type (the reference stringifies scalars).
 */
export function writeHostMeta(cursor: MsgpackCursor, writer: JsonWriter, values: HostMetaValues): void {
  writeStringKeyedMap(cursor, writer, values, writeMetaValue)
}

function writeMetaValue(
  cursor: MsgpackCursor,
  writer: JsonWriter,
  values: HostMetaValues,
  keyStart: number,
  keySize: number,
): boolean {
  const size = cursor.strSize(cursor.head())
  if (size < 0) return false
  const start = cursor.pos
  cursor.pos += size
  writer.string(cursor, start, size)
  const special = META_KEYS.find(cursor.bytes, keyStart, keySize)
  if (special < 0) return true
  const value = cursor.text(start, size)
  if (special === 0) values.tid = value
  else if (special === 1) values.env = value
  else if (special === 2) values.submitted = value === '1'
  else if (special === 3) values.errorMessage = value
  else if (special === 4) values.errorType = value
  else values.errorStack = value
  return true
}

/**
 * Writes the host `metrics` (str → number; nil is `{}`) as JSON text; 64-bit integers as numbers.
 * Notes the sampling priority.
 */
export function writeHostMetrics(cursor: MsgpackCursor, writer: JsonWriter, values: HostMetaValues): void {
  writeStringKeyedMap(cursor, writer, values, writeHostMetricValue)
}

function writeHostMetricValue(
  cursor: MsgpackCursor,
  writer: JsonWriter,
  values: HostMetaValues,
  keyStart: number,
  keySize: number,
): boolean {
  const valueHead = cursor.head()
  const value = cursor.number(valueHead)
  if (Number.isNaN(value) && valueHead !== 0xca && valueHead !== 0xcb) cursor.fail()
  const finite = Number.isFinite(value)
  writer.ascii(finite ? String(value) : 'null')
  // The last of duplicate keys wins, as in the decoded map the reference path reads.
  if (
    keySize === PRIORITY_KEY.length &&
    PRIORITY_KEY.compare(cursor.bytes, keyStart, keyStart + keySize) === 0
  )
    values.samplingPriority = finite ? value : undefined
  return true
}

/**
 * `meta_struct`: str → bin (or map). `_llmobs` is located for later; any other value is only checked
 * to decode (the reference decoder decodes every one, and refuses the request when one does not).
 */
export function readMetaStruct(cursor: MsgpackCursor, range: StructRange): void {
  const head = cursor.head()
  if (head === 0xc0) return
  const n = cursor.mapSize(head)
  for (let i = 0; i < n && !cursor.failed; i++) {
    const keySize = cursor.strSize(cursor.head())
    if (keySize < 0) return
    const keyStart = cursor.pos
    cursor.pos += keySize
    const isLlmobs = keySize === 7 && LLMOBS_KEY.compare(cursor.bytes, keyStart, keyStart + 7) === 0
    if (keySize === 9 && isProtoKey(cursor.bytes, keyStart)) return void cursor.fail()
    // The last of duplicate keys would win there; not worth handling here.
    if (isLlmobs && range.structStart >= 0) return void cursor.fail()
    const valueHead = cursor.peek()
    let start: number
    let end: number
    if (valueHead >= 0xc4 && valueHead <= 0xc6) {
      const size = cursor.binSize(cursor.head())
      if (size < 0) return
      start = cursor.pos
      end = start + size
    } else if ((valueHead >= 0x80 && valueHead <= 0x8f) || valueHead === 0xde || valueHead === 0xdf) {
      start = cursor.pos
      cursor.skip(1)
      end = cursor.pos
      cursor.pos = start
    } else {
      return void cursor.fail()
    }
    if (isLlmobs) {
      range.structStart = start
      range.structEnd = end
      cursor.pos = end
      continue
    }
    // Another struct: it must be exactly one msgpack value filling its bytes.
    const outerEnd = cursor.end
    cursor.end = end
    cursor.skip(1)
    const exact = !cursor.failed && cursor.pos === end
    cursor.end = outerEnd
    if (!exact) return void cursor.fail()
  }
}
