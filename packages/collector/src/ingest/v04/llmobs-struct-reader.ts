import { ROOT_PARENT_ID, traceIdToHex32 } from '@llmobs/protocol'
import type { LlmSpanInput, SpanLinkInput } from '../../store/store.js'
import { writeEventMeta } from './event-meta-writer.js'
import type { EventMeta, HostError } from './event-meta-writer.js'
import type { JsonWriter } from './json-writer.js'
import { KeyTable } from './key-table.js'
import type { MsgpackCursor } from './msgpack-cursor.js'
import { isProtoKey } from './msgpack-cursor.js'
import type { TagPairs, Tokens } from './struct-fields.js'
import { decodeSmallValue } from './small-value.js'
import {
  readLinks,
  readParentId,
  readSampledOut,
  readTags,
  tagValue,
  writeMetrics,
  writeTagList,
} from './struct-fields.js'

/** The host span facts an LLMObs event takes (protocol §4). */
export interface EventHost extends HostError {
  spanId: string
  name: string
  startNs: number
  durationNs: number
  apmTraceId: string
}

/** The struct's event was dropped by LLMObs sampling (`_dd.sampling_decision: "0"`). */
export const SAMPLED_OUT = 'sampled-out'

const KEYS = new KeyTable([
  'meta',
  'name',
  'trace_id',
  'parent_id',
  'ml_app',
  'session_id',
  'tags',
  'metrics',
  'span_links',
  '_dd',
])
const [META, NAME, TRACE_ID, PARENT_ID, ML_APP, SESSION_ID, TAGS, METRICS, SPAN_LINKS, DD] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
]

/**
 * Rebuilds the LLM row of the `_llmobs` struct in `[cursor.pos, end)` and its host span, with the
 * rules of `spanEventFromApmSpan`, `validateSpanEvent` and `spanEventInput` (protocol §4): `meta` and
 * `metrics` go from bytes to JSON text, the few small fields are decoded and checked as there.
 * `undefined` (the cursor has given up) whenever the reference path would refuse the span or might
 * build something else; the caller then falls back to it.
 */
export function readLlmobsStruct(
  cursor: MsgpackCursor,
  writer: JsonWriter,
  end: number,
  host: EventHost,
): LlmSpanInput | typeof SAMPLED_OUT | undefined {
  const n = cursor.mapSize(cursor.head())
  let seen = 0
  let meta: EventMeta | undefined
  let name: unknown
  let rawTraceId: unknown
  let rawParentId: unknown
  let mlApp: unknown
  let sessionId: unknown
  let rawLinks: unknown
  let sampledOut = false
  const tags: TagPairs = { keys: [], values: [] }
  const tokens: Tokens = { input: null, output: null, total: null }
  let metricsJson = '{}'
  for (let i = 0; i < n && !cursor.failed; i++) {
    const size = cursor.strSize(cursor.head())
    if (size < 0) break
    const start = cursor.pos
    cursor.pos += size
    const id = KEYS.find(cursor.bytes, start, size)
    if (id < 0) {
      if (size === 9 && isProtoKey(cursor.bytes, start)) cursor.fail()
      cursor.skip(1)
      continue
    }
    if ((seen & (1 << id)) !== 0) return void cursor.fail()
    seen |= 1 << id
    switch (id) {
      case META:
        meta = writeEventMeta(cursor, writer, host)
        break
      case NAME:
        name = decodeSmallValue(cursor, 1)
        break
      case TRACE_ID:
        rawTraceId = decodeSmallValue(cursor, 1)
        break
      case PARENT_ID:
        rawParentId = decodeSmallValue(cursor, 1)
        break
      case ML_APP:
        mlApp = decodeSmallValue(cursor, 1)
        break
      case SESSION_ID:
        sessionId = decodeSmallValue(cursor, 1)
        break
      case TAGS:
        readTags(cursor, tags)
        break
      case METRICS: {
        const mark = writer.mark()
        writeMetrics(cursor, writer, tokens)
        metricsJson = writer.take(cursor, mark)
        break
      }
      case SPAN_LINKS:
        rawLinks = decodeSmallValue(cursor, 1)
        break
      case DD:
        sampledOut = readSampledOut(cursor)
        break
    }
  }
  if (cursor.failed || cursor.pos !== end || meta === undefined) return void cursor.fail()

  const traceId = typeof rawTraceId === 'string' ? traceIdToHex32(rawTraceId) : undefined
  const parentId = readParentId(rawParentId)
  const links = readLinks(rawLinks)
  if (traceId === undefined || parentId === undefined || links === undefined) return void cursor.fail()
  if (sessionId !== undefined && sessionId !== null && typeof sessionId !== 'string')
    return void cursor.fail()
  // Sampling is decided only once the event is known to be valid, as there.
  if (sampledOut) return SAMPLED_OUT

  const mark = writer.mark()
  const sorted = writeTagList(writer, tags, mlApp, sessionId, host.error, host.errorType)
  const tagsJson = writer.take(cursor, mark)
  return {
    traceId,
    spanId: host.spanId,
    parentId: parentId === ROOT_PARENT_ID ? null : parentId,
    name: typeof name === 'string' ? name : host.name,
    kind: meta.kind,
    startNs: host.startNs,
    durationNs: host.durationNs,
    status: host.error ? 'error' : 'ok',
    mlApp: tagValue(tags, sorted, 'ml_app'),
    sessionId: typeof sessionId === 'string' ? sessionId : tagValue(tags, sorted, 'session_id'),
    service: tagValue(tags, sorted, 'service'),
    env: tagValue(tags, sorted, 'env'),
    apmTraceId: host.apmTraceId,
    modelName: meta.modelName,
    modelProvider: meta.modelProvider,
    inputTokens: tokens.input,
    outputTokens: tokens.output,
    totalTokens: tokens.total,
    metaJson: meta.json,
    metricsJson,
    tagsJson,
    links: links.length === 0 ? NO_LINKS : links,
  }
}

/** One shared empty list for the many spans without links. */
const NO_LINKS: readonly SpanLinkInput[] = Object.freeze([])
