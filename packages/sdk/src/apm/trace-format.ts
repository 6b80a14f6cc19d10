import {
  arrayHeaderSize,
  encodeV02SpanJson,
  META_STRUCT_LLMOBS_KEY,
  MsgpackWriter,
  type ApmSpan,
  type LLMObsStruct,
} from '@llmobs/protocol'
import type { ResolvedConfig } from '../config.js'
import { encodeSpanEvent } from '../export/span-event-encoder.js'
import type { SpanRecord } from '../span/span-record.js'
import { apmSpanOf, type ApmSpanPlacement, type ProcessTags } from './apm-span.js'
import { llmobsStruct } from './llmobs-struct.js'
import { KEY } from './v04-keys.js'
import { writeV04LlmobsSpan } from './v04-span-writer.js'

/** Encodes one trace chunk span by span (the exporter encodes a few spans per turn of the event loop). */
export interface ChunkEncoder {
  /** One span, already cut to `maxSpanSize`; a kept one carries its LLMObs event in `meta_struct`. */
  span(record: SpanRecord, placement: ApmSpanPlacement): void
  /** The chunk's encoding, ready to be joined into a request body. */
  finish(): Uint8Array
}

/** How a trace writer encodes chunks and joins them into a request body. */
export interface TraceFormat {
  readonly contentType: string
  startChunk(spanCount: number, config: ResolvedConfig, process: ProcessTags): ChunkEncoder
  /** The body's size in bytes, then the body itself, written into `into` (at least that size). */
  bodySize(chunks: readonly Uint8Array[]): number
  writeBody(chunks: readonly Uint8Array[], into: Uint8Array): Uint8Array
}

/** The APM span and, unless submitted through the LLMObs writer, its LLMObs struct, as objects. */
function spanObjects(
  record: SpanRecord,
  placement: ApmSpanPlacement,
  config: ResolvedConfig,
  process: ProcessTags,
): [ApmSpan, LLMObsStruct | undefined] {
  const span = apmSpanOf(record, config, process, placement)
  return [span, placement.submitted ? undefined : llmobsStruct(encodeSpanEvent(record, config))]
}

// One writer for every v0.4 chunk: chunks are encoded one after the other, never interleaved.
let chunkWriter: MsgpackWriter | undefined

/**
 * `/v0.4/traces` msgpack, the Agent's format, in dd-trace's key order: `meta_struct` values are the
 * msgpack encoding of a map, sent as bin. Written by hand with `MsgpackWriter` (see there why).
 * (v0.5 has no slot for `meta_struct`, so LLM data riding traces always uses v0.4.)
 */
export const V04_FORMAT: TraceFormat = {
  contentType: 'application/msgpack',
  startChunk(spanCount, config, process) {
    const w = (chunkWriter ??= new MsgpackWriter())
    w.reset()
    w.array(spanCount)
    return {
      span(record, placement) {
        // Straight from the record when it fits the fast path; else through the objects.
        if (!writeV04LlmobsSpan(w, record, config, process, placement))
          writeV04Span(w, ...spanObjects(record, placement, config, process))
      },
      finish: () => w.bytes(),
    }
  },
  bodySize(chunks) {
    let size = arrayHeaderSize(chunks.length)
    for (const chunk of chunks) size += chunk.length
    return size
  },
  writeBody(chunks, into) {
    const header = new MsgpackWriter(8)
    header.array(chunks.length)
    into.set(header.bytes(), 0)
    let at = header.length
    for (const chunk of chunks) {
      into.set(chunk, at)
      at += chunk.length
    }
    return into.subarray(0, at)
  },
}

/** The object path: a span map from an `ApmSpan` and its struct (any record, whatever it holds). */
export function writeV04Span(w: MsgpackWriter, span: ApmSpan, llmobs: LLMObsStruct | undefined): void {
  w.map((span.type !== undefined ? 12 : 11) + (llmobs !== undefined ? 1 : 0))
  w.raw(KEY.trace_id)
  w.uint64(span.trace_id)
  w.raw(KEY.span_id)
  w.uint64(span.span_id)
  w.raw(KEY.parent_id)
  w.uint64(span.parent_id)
  w.raw(KEY.name)
  w.str(span.name)
  w.raw(KEY.resource)
  w.str(span.resource)
  w.raw(KEY.service)
  w.str(span.service)
  if (span.type !== undefined) {
    w.raw(KEY.type)
    w.str(span.type)
  }
  w.raw(KEY.error)
  w.number(span.error)
  w.raw(KEY.start)
  w.int64(span.start)
  w.raw(KEY.duration)
  w.int64(span.duration)
  w.raw(KEY.meta)
  const meta = span.meta
  const metaKeys = Object.keys(meta)
  w.map(metaKeys.length)
  for (const key of metaKeys) {
    w.str(key)
    w.str(meta[key] as string)
  }
  w.raw(KEY.metrics)
  const metrics = span.metrics
  const metricKeys = Object.keys(metrics)
  w.map(metricKeys.length)
  for (const key of metricKeys) {
    w.str(key)
    w.float64(metrics[key] as number)
  }
  if (llmobs !== undefined) {
    w.raw(KEY.meta_struct)
    w.map(1)
    w.raw(KEY.llmobs)
    const mark = w.openBin()
    w.value(llmobs)
    w.closeBin(mark)
  }
}

/**
 * The agentless trace intake's JSON (`/api/v0.2/traces`, the `apm-agentless` mode): exact integer ids,
 * `meta_struct` values as plain objects.
 */
export const JSON_FORMAT: TraceFormat = {
  contentType: 'application/json',
  startChunk(_spanCount, config, process) {
    const spans: string[] = []
    return {
      span(record, placement) {
        const [span, llmobs] = spanObjects(record, placement, config, process)
        const { meta_struct: _, ...rest } = span
        spans.push(
          encodeV02SpanJson(
            llmobs === undefined ? rest : { ...rest, meta_struct: { [META_STRUCT_LLMOBS_KEY]: llmobs } },
          ),
        )
      },
      finish: () => Buffer.from(`[${spans.join(',')}]`, 'utf8'),
    }
  },
  bodySize(chunks) {
    let size = 1 + chunks.length
    for (const chunk of chunks) size += chunk.length
    return size
  },
  writeBody(chunks, into) {
    let at = 0
    into[at++] = 0x5b // [
    chunks.forEach((chunk, i) => {
      if (i > 0) into[at++] = 0x2c // ,
      into.set(chunk, at)
      at += chunk.length
    })
    into[at++] = 0x5d // ]
    return into.subarray(0, at)
  },
}

/** The format of a route's trace endpoint. */
export function traceFormatOf(format: 'v0.4' | 'json'): TraceFormat {
  return format === 'v0.4' ? V04_FORMAT : JSON_FORMAT
}
