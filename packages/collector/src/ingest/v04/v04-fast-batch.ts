import type { LlmSpanInput } from '../../store/store.js'
import type { ApmTracesBatch } from '../apm-traces-batch-shape.js'
import type { HostSpan } from './host-span-reader.js'
import { hex16, readHostSpan } from './host-span-reader.js'
import { JsonWriter } from './json-writer.js'
import type { EventHost } from './llmobs-struct-reader.js'
import { SAMPLED_OUT, readLlmobsStruct } from './llmobs-struct-reader.js'
import { MsgpackCursor } from './msgpack-cursor.js'

const TID = /^[0-9a-fA-F]{1,16}$/
const NO_HIGH = '0000000000000000'

/** One writer for the process: its scratch buffer is reused by every request (requests never interleave here). */
const writer = new JsonWriter()
/** The host facts of the span being extracted, reused from span to span (nothing keeps it). */
const host: EventHost = {
  spanId: '',
  name: '',
  startNs: 0,
  durationNs: 0,
  apmTraceId: '',
  error: 0,
  errorMessage: undefined,
  errorType: undefined,
  errorStack: undefined,
}

/**
 * The v0.4 fast path: a `/v0.4/traces` body straight to store rows, for the common case, without
 * building the decoded payload. It gives the same rows as `apmTracesBatch(decodeV04Traces(body))`
 * (the reference path, which the property tests compare it with), or `undefined` whenever it is not
 * sure to: malformed input, or a shape it leaves to the reference (see {@link MsgpackCursor},
 * {@link JsonWriter}). The caller then runs the reference path, which also names any error.
 *
 * Why: with `meta_struct["_llmobs"]` the reference path cost ~29 µs of main-thread CPU per span
 * (decoding into objects, rebuilding the event, serialising it again); see bench/README.md.
 *
 * @example
 * const batch = v04FastBatch(body) ?? referenceBatch(body)
 */
export function v04FastBatch(body: Buffer): ApmTracesBatch | undefined {
  const cursor = new MsgpackCursor(body)
  try {
    return readBody(cursor)
  } finally {
    writer.reset()
  }
}

function readBody(cursor: MsgpackCursor): ApmTracesBatch | undefined {
  const out: ApmTracesBatch = { apmSpans: [], llmSpans: [], sampledOut: 0, services: new Set() }
  const chunkCount = cursor.arraySize(cursor.head())
  const spans: HostSpan[] = []
  for (let i = 0; i < chunkCount && !cursor.failed; i++) {
    const spanCount = cursor.arraySize(cursor.head())
    spans.length = 0
    for (let j = 0; j < spanCount && !cursor.failed; j++) {
      const span = readHostSpan(cursor, writer)
      if (span !== undefined) spans.push(span)
    }
    if (cursor.failed) return undefined
    const afterChunk = cursor.pos
    if (!addChunk(cursor, spans, out)) return undefined
    cursor.pos = afterChunk
  }
  if (cursor.failed || cursor.pos !== cursor.end) return undefined
  return out
}

/**
 * Rows for one chunk, once all its spans are read: the 128-bit trace id needs the chunk's `_dd.p.tid`
 * and the sampling priority its first `_sampling_priority_v1`, wherever in the chunk they are.
 */
function addChunk(cursor: MsgpackCursor, spans: readonly HostSpan[], out: ApmTracesBatch): boolean {
  let high = NO_HIGH
  for (const span of spans) {
    if (span.tid !== undefined && TID.test(span.tid)) {
      high = BigInt('0x' + span.tid)
        .toString(16)
        .padStart(16, '0')
      break
    }
  }
  let samplingPriority: number | null = null
  for (const span of spans) {
    if (span.samplingPriority !== undefined) {
      samplingPriority = span.samplingPriority
      break
    }
  }
  let lastHi = -1
  let lastLo = -1
  let traceId = ''
  let lastService: string | undefined
  let lastEnv: string | undefined
  for (const span of spans) {
    const row = span.row
    if (span.traceHi !== lastHi || span.traceLo !== lastLo) {
      lastHi = span.traceHi
      lastLo = span.traceLo
      traceId = high + hex16(lastHi, lastLo)
    }
    row.traceId = traceId
    row.samplingPriority = samplingPriority
    out.apmSpans.push(row)
    if (span.service !== lastService || span.env !== lastEnv) {
      lastService = span.service
      lastEnv = span.env
      out.services.add(`service:${span.service},env:${span.env ?? ''}`)
    }
    if (span.structStart < 0) continue

    cursor.pos = span.structStart
    const outerEnd = cursor.end
    cursor.end = span.structEnd
    let event: LlmSpanInput | typeof SAMPLED_OUT | undefined
    if (span.submitted) {
      // Never extracted, but the reference decoder still decodes it: it must be one valid value.
      cursor.skip(1)
      if (cursor.pos !== span.structEnd) cursor.fail()
    } else {
      host.spanId = row.spanId
      host.name = span.name
      host.startNs = row.startNs
      host.durationNs = span.durationNs
      host.apmTraceId = traceId
      host.error = span.error
      host.errorMessage = span.errorMessage
      host.errorType = span.errorType
      host.errorStack = span.errorStack
      event = readLlmobsStruct(cursor, writer, span.structEnd, host)
    }
    cursor.end = outerEnd
    if (cursor.failed) return false
    if (event === SAMPLED_OUT) out.sampledOut++
    else if (event !== undefined) out.llmSpans.push(event)
  }
  return true
}
