import type { ApmSpanInput } from '../../store/store.js'
import type { JsonWriter } from './json-writer.js'
import { KeyTable } from './key-table.js'
import type { MsgpackCursor } from './msgpack-cursor.js'
import { isProtoKey } from './msgpack-cursor.js'

/** One span map of a v0.4 chunk, read by the fast path: its APM row and what the LLMObs event needs. */
export interface HostSpan {
  /** The APM row; `traceId` is filled in once the whole chunk (and its `_dd.p.tid`) is read. */
  row: ApmSpanInput
  traceHi: number
  traceLo: number
  /** The host meta values the rules of protocol §4 read. */
  tid: string | undefined
  env: string | undefined
  submitted: boolean
  errorMessage: string | undefined
  errorType: string | undefined
  errorStack: string | undefined
  /** Byte range of `meta_struct["_llmobs"]` (a msgpack map), or -1 when the span carries none. */
  structStart: number
  structEnd: number
}

const SPAN_KEYS = new KeyTable([
  'trace_id',
  'span_id',
  'parent_id',
  'service',
  'name',
  'resource',
  'type',
  'start',
  'duration',
  'error',
  'meta',
  'metrics',
  'meta_struct',
  'span_links',
])
const [TRACE_ID, SPAN_ID, PARENT_ID, SERVICE, NAME, RESOURCE, TYPE, START, DURATION, ERROR, META, METRICS] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
]
const META_STRUCT = 12
/** The fields `readApmSpan` requires. */
const REQUIRED = (1 << TRACE_ID) | (1 << SPAN_ID) | (1 << START) | (1 << DURATION)

const META_KEYS = new KeyTable([
  '_dd.p.tid',
  'env',
  '_dd.llmobs.submitted',
  'error.message',
  'error.type',
  'error.stack',
])
const LLMOBS_KEY = Buffer.from('_llmobs')

/**
 * Reads one span map at the cursor, as `readApmSpan` + `apmTracesBatch` would: ids of any integer
 * width (as unsigned 64-bit), missing optional fields defaulted, `meta` and `metrics` written as JSON
 * text straight from the bytes. Gives up (through the cursor) on what the fast path leaves to the
 * reference decoder: non-string meta values, float ids, host `span_links`, duplicate span keys.
 */
export function readHostSpan(cursor: MsgpackCursor, writer: JsonWriter): HostSpan | undefined {
  const n = cursor.mapSize(cursor.head())
  const span: HostSpan = {
    row: {
      traceId: '',
      spanId: '',
      parentId: null,
      service: '',
      name: '',
      resource: '',
      type: null,
      startNs: 0,
      durationNs: 0,
      error: 0,
      metaJson: '{}',
      metricsJson: '{}',
      llmobs: false,
    },
    traceHi: 0,
    traceLo: 0,
    tid: undefined,
    env: undefined,
    submitted: false,
    errorMessage: undefined,
    errorType: undefined,
    errorStack: undefined,
    structStart: -1,
    structEnd: -1,
  }
  const row = span.row
  let seen = 0
  for (let i = 0; i < n && !cursor.failed; i++) {
    const size = cursor.strSize(cursor.head())
    if (size < 0) break
    const start = cursor.pos
    cursor.pos += size
    const id = SPAN_KEYS.find(cursor.bytes, start, size)
    if (id < 0) {
      if (size === 9 && isProtoKey(cursor.bytes, start)) cursor.fail()
      cursor.skip(1)
      continue
    }
    if ((seen & (1 << id)) !== 0) return void cursor.fail()
    seen |= 1 << id
    switch (id) {
      case TRACE_ID:
        if (!cursor.u64(cursor.head())) return void cursor.fail()
        span.traceHi = cursor.hi
        span.traceLo = cursor.lo
        break
      case SPAN_ID:
        if (!cursor.u64(cursor.head())) return void cursor.fail()
        row.spanId = decimal(cursor.hi, cursor.lo)
        break
      case PARENT_ID: {
        const head = cursor.head()
        if (head === 0xc0) break
        if (!cursor.u64(head)) return void cursor.fail()
        row.parentId = cursor.hi === 0 && cursor.lo === 0 ? null : decimal(cursor.hi, cursor.lo)
        break
      }
      case SERVICE:
        row.service = optionalString(cursor) ?? ''
        break
      case NAME:
        row.name = optionalString(cursor) ?? ''
        break
      case RESOURCE:
        row.resource = optionalString(cursor) ?? ''
        break
      case TYPE:
        row.type = optionalString(cursor) ?? null
        break
      case START:
        row.startNs = nanos(cursor)
        break
      case DURATION:
        row.durationNs = nanos(cursor)
        break
      case ERROR:
        row.error = errorFlag(cursor)
        break
      case META:
        row.metaJson = readMeta(cursor, writer, span)
        break
      case METRICS:
        row.metricsJson = readMetrics(cursor, writer)
        break
      case META_STRUCT:
        readMetaStruct(cursor, span)
        break
      default: // span_links: the fast path leaves host span links to the reference decoder
        if (cursor.peek() !== 0xc0) return void cursor.fail()
        cursor.pos++
    }
  }
  if ((seen & REQUIRED) !== REQUIRED) cursor.fail()
  return cursor.failed ? undefined : span
}

/** A str, or `undefined` for nil; gives up on anything else. */
function optionalString(cursor: MsgpackCursor): string | undefined {
  if (cursor.peek() === 0xc0) {
    cursor.pos++
    return undefined
  }
  return cursor.string()
}

/** A u64 as decimal text, as `toDecimal` writes it. */
export function decimal(hi: number, lo: number): string {
  if (hi < 0x200000) return String(hi * 4294967296 + lo)
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString()
}

/** A u64 as 16 lowercase hex digits, as `toHex16` writes it. */
export function hex16(hi: number, lo: number): string {
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0')
}

/** `start` / `duration`: a non-negative integer of any width, or a float (truncated), as a number. */
function nanos(cursor: MsgpackCursor): number {
  const head = cursor.head()
  if (head === 0xca || head === 0xcb) {
    const value = cursor.number(head)
    if (!(Number.isFinite(value) && value >= 0)) return cursor.fail()
    return Math.trunc(value) + 0
  }
  if (!cursor.u64(head)) return cursor.fail()
  // A negative int of any width is refused; a uint64 keeps its high half.
  const signed = (head >= 0xd0 && head <= 0xd3) || head >= 0xe0
  if (signed && cursor.hi >= 0x80000000) return cursor.fail()
  return cursor.hi * 4294967296 + cursor.lo
}

/** `error`: nil → 0, a bool, or an integer (non-zero → 1). */
function errorFlag(cursor: MsgpackCursor): 0 | 1 {
  const head = cursor.head()
  if (head === 0xc0 || head === 0xc2) return 0
  if (head === 0xc3) return 1
  if (!cursor.u64(head)) {
    cursor.fail()
    return 0
  }
  return cursor.hi === 0 && cursor.lo === 0 ? 0 : 1
}

/** The host `meta` (str → str) as JSON text, noting the values §4 reads from it. */
function readMeta(cursor: MsgpackCursor, writer: JsonWriter, span: HostSpan): string {
  const head = cursor.head()
  if (head === 0xc0) return '{}'
  const n = cursor.mapSize(head)
  const mark = writer.mark()
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
    const size = cursor.strSize(cursor.head())
    if (size < 0) break
    const start = cursor.pos
    cursor.pos += size
    writer.string(cursor, start, size)
    const special = META_KEYS.find(cursor.bytes, keyStart, keySize)
    if (special < 0) continue
    const value = cursor.text(start, size)
    if (special === 0) span.tid = value
    else if (special === 1) span.env = value
    else if (special === 2) span.submitted = value === '1'
    else if (special === 3) span.errorMessage = value
    else if (special === 4) span.errorType = value
    else span.errorStack = value
  }
  writer.byte(0x7d)
  writer.closeKeys(scope)
  return writer.take(cursor, mark)
}

/** The host `metrics` (str → number) as JSON text; 64-bit integers become numbers, as there. */
function readMetrics(cursor: MsgpackCursor, writer: JsonWriter): string {
  const head = cursor.head()
  if (head === 0xc0) return '{}'
  const n = cursor.mapSize(head)
  const mark = writer.mark()
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
    const valueHead = cursor.head()
    const value = cursor.number(valueHead)
    if (Number.isNaN(value) && valueHead !== 0xca && valueHead !== 0xcb) cursor.fail()
    writer.ascii(Number.isFinite(value) ? String(value) : 'null')
  }
  writer.byte(0x7d)
  writer.closeKeys(scope)
  return writer.take(cursor, mark)
}

/**
 * `meta_struct`: str → bin (or map). `_llmobs` is located for later; any other value is only checked
 * to decode (the reference decoder decodes every one, and refuses the request when one does not).
 */
function readMetaStruct(cursor: MsgpackCursor, span: HostSpan): void {
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
    if (isLlmobs && span.structStart >= 0) return void cursor.fail()
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
      span.structStart = start
      span.structEnd = end
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
