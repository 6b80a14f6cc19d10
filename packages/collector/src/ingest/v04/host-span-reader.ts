import type { ApmSpanInput } from '../../store/store.js'
import type { HostMetaValues, StructRange } from './host-span-maps.js'
import { readMetaStruct, writeHostMeta, writeHostMetrics } from './host-span-maps.js'
import type { JsonWriter } from './json-writer.js'
import { KeyTable } from './key-table.js'
import type { MsgpackCursor } from './msgpack-cursor.js'
import { isProtoKey } from './msgpack-cursor.js'

/** One span map of a v0.4 chunk, read by the fast path: its APM row and what the LLMObs event needs. */
export interface HostSpan extends HostMetaValues, StructRange {
  /**
   * The APM row; `traceId` and `samplingPriority` are filled in once the whole chunk (its `_dd.p.tid`
   * and its first `_sampling_priority_v1`) is read.
   */
  row: ApmSpanInput
  traceHi: number
  traceLo: number
  service: string
  name: string
  durationNs: number
  error: 0 | 1
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

/**
 * Reads one span map at the cursor, as `readApmSpan` + `apmTracesBatch` would: ids of any integer
 * width (as unsigned 64-bit), missing optional fields defaulted, and the row's document
 * (`apmSpanJson`) written from the bytes: the span's strings copied in place, `meta` and `metrics`
 * transcoded. Gives up (through the cursor) on what the fast path leaves to the reference decoder:
 * non-string meta values, float ids, host `span_links`, duplicate span keys.
 */
export function readHostSpan(cursor: MsgpackCursor, writer: JsonWriter): HostSpan | undefined {
  const n = cursor.mapSize(cursor.head())
  const span: HostSpan = {
    row: { traceId: '', spanId: '', startNs: 0, samplingPriority: null, spanJson: '' },
    traceHi: 0,
    traceLo: 0,
    service: '',
    name: '',
    durationNs: 0,
    error: 0,
    tid: undefined,
    samplingPriority: undefined,
    env: undefined,
    submitted: false,
    errorMessage: undefined,
    errorType: undefined,
    errorStack: undefined,
    structStart: -1,
    structEnd: -1,
  }
  // Byte ranges of the strings (start, length; -1: nil or absent), and of meta and metrics once written.
  let serviceStart = -1
  let serviceSize = 0
  let nameStart = -1
  let nameSize = 0
  let resourceStart = -1
  let resourceSize = 0
  let typeStart = -1
  let typeSize = 0
  let parent: string | null = null
  const mark = writer.mark()
  let metaStart = -1
  let metaEnd = -1
  let metricsStart = -1
  let metricsEnd = -1
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
        span.row.spanId = decimal(cursor.hi, cursor.lo)
        break
      case PARENT_ID: {
        const head = cursor.head()
        if (head === 0xc0) break
        if (!cursor.u64(head)) return void cursor.fail()
        parent = cursor.hi === 0 && cursor.lo === 0 ? null : decimal(cursor.hi, cursor.lo)
        break
      }
      case SERVICE:
        serviceSize = optionalString(cursor)
        serviceStart = serviceSize < 0 ? -1 : cursor.pos - serviceSize
        break
      case NAME:
        nameSize = optionalString(cursor)
        nameStart = nameSize < 0 ? -1 : cursor.pos - nameSize
        break
      case RESOURCE:
        resourceSize = optionalString(cursor)
        resourceStart = resourceSize < 0 ? -1 : cursor.pos - resourceSize
        break
      case TYPE:
        typeSize = optionalString(cursor)
        typeStart = typeSize < 0 ? -1 : cursor.pos - typeSize
        break
      case START:
        span.row.startNs = nanos(cursor)
        break
      case DURATION:
        span.durationNs = nanos(cursor)
        break
      case ERROR:
        span.error = errorFlag(cursor)
        break
      case META:
        metaStart = writer.pos
        writeHostMeta(cursor, writer, span)
        metaEnd = writer.pos
        break
      case METRICS:
        metricsStart = writer.pos
        writeHostMetrics(cursor, writer, span)
        metricsEnd = writer.pos
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
  if (cursor.failed) return undefined
  // The event and the agent's answer need these two as text.
  if (serviceStart >= 0) span.service = cursor.text(serviceStart, serviceSize)
  if (nameStart >= 0) span.name = cursor.text(nameStart, nameSize)

  // The document, in apmSpanJson's key order.
  const docStart = writer.pos
  if (parent === null) writer.ascii('{"parentId":null,"service":')
  else {
    writer.ascii('{"parentId":"')
    writer.ascii(parent)
    writer.ascii('","service":')
  }
  stringOr(cursor, writer, serviceStart, serviceSize, '""')
  writer.ascii(',"name":')
  stringOr(cursor, writer, nameStart, nameSize, '""')
  writer.ascii(',"resource":')
  stringOr(cursor, writer, resourceStart, resourceSize, '""')
  writer.ascii(',"type":')
  stringOr(cursor, writer, typeStart, typeSize, 'null')
  writer.ascii(',"durationNs":')
  writer.ascii(String(span.durationNs))
  writer.ascii(span.error === 1 ? ',"error":true,"meta":' : ',"error":false,"meta":')
  if (metaStart < 0) writer.ascii('{}')
  else writer.copy(metaStart, metaEnd)
  writer.ascii(',"metrics":')
  if (metricsStart < 0) writer.ascii('{}')
  else writer.copy(metricsStart, metricsEnd)
  writer.ascii(span.submitted || span.structStart >= 0 ? ',"llmobs":true}' : ',"llmobs":false}')
  span.row.spanJson = writer.text(cursor, docStart, writer.pos)
  writer.rewind(mark)
  return cursor.failed ? undefined : span
}

/** The JSON string of the str bytes at `start`, or `absent` (JSON) when there were none. */
function stringOr(cursor: MsgpackCursor, writer: JsonWriter, start: number, n: number, absent: string): void {
  if (start < 0) writer.ascii(absent)
  else writer.string(cursor, start, n)
}

/** Skips a str (returning its byte length: its bytes end at the cursor) or nil (-1); gives up on others. */
function optionalString(cursor: MsgpackCursor): number {
  if (cursor.peek() === 0xc0) {
    cursor.pos++
    return -1
  }
  const n = cursor.strSize(cursor.head())
  if (n >= 0) cursor.pos += n
  return n
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
