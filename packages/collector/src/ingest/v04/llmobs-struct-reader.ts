import { ROOT_PARENT_ID, parseDecimalId, traceIdToHex32 } from '@llmobs/protocol'
import type { LlmSpanInput, SpanLinkInput } from '../../store/store.js'
import { writeEventMeta } from './event-meta-writer.js'
import type { HostError } from './event-meta-writer.js'
import type { JsonWriter } from './json-writer.js'
import { KeyTable } from './key-table.js'
import type { MsgpackCursor } from './msgpack-cursor.js'
import { isProtoKey } from './msgpack-cursor.js'

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
const META = 0
const FIELD_COUNT = 10

/**
 * Rebuilds the LLM row of the `_llmobs` struct in `[cursor.pos, end)` and its host span, with the
 * rules of `spanEventFromApmSpan`, `validateSpanEvent` and `spanEventInput` (protocol §4): the big
 * `meta` goes from bytes to JSON text ({@link writeEventMeta}), the small fields are decoded to plain
 * values and checked as there. `undefined` (the cursor has given up) whenever the reference path
 * would refuse the span or might build something else; the caller then falls back to it.
 */
export function readLlmobsStruct(
  cursor: MsgpackCursor,
  writer: JsonWriter,
  end: number,
  host: EventHost,
): LlmSpanInput | typeof SAMPLED_OUT | undefined {
  const n = cursor.mapSize(cursor.head())
  const fields: unknown[] = new Array<unknown>(FIELD_COUNT)
  let seen = 0
  let meta: ReturnType<typeof writeEventMeta>
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
    if (id === META) meta = writeEventMeta(cursor, writer, host)
    else fields[id] = cursor.value(1)
  }
  if (cursor.failed || cursor.pos !== end || meta === undefined) return void cursor.fail()
  const [, name, rawTraceId, rawParentId, mlAppField, rawSessionId, rawTags, rawMetrics, rawLinks, rawDd] =
    fields

  const traceId = typeof rawTraceId === 'string' ? traceIdToHex32(rawTraceId) : undefined
  const parentId = readParentId(rawParentId)
  if (traceId === undefined || parentId === undefined) return void cursor.fail()
  if (rawSessionId !== undefined && rawSessionId !== null && typeof rawSessionId !== 'string')
    return void cursor.fail()
  const metrics = readMetrics(rawMetrics)
  const links = readLinks(rawLinks)
  if (metrics === undefined || links === undefined) return void cursor.fail()

  const tags = tagList(rawTags, mlAppField, rawSessionId, host)
  if (tags === undefined) return void cursor.fail()

  // Sampling is decided only once the event is known to be valid, as there.
  const dd = isRecord(rawDd) ? rawDd : {}
  const decision = dd.sampling_decision
  if ((typeof decision === 'string' || typeof decision === 'number') && String(decision) === '0')
    return SAMPLED_OUT
  let mlApp: string | null = null
  let sessionTag: string | null = null
  let service: string | null = null
  let env: string | null = null
  for (const tag of tags) {
    if (tag.startsWith('ml_app:')) mlApp ??= tag.slice(7)
    else if (tag.startsWith('session_id:')) sessionTag ??= tag.slice(11)
    else if (tag.startsWith('service:')) service ??= tag.slice(8)
    else if (tag.startsWith('env:')) env ??= tag.slice(4)
  }
  return {
    traceId,
    spanId: host.spanId,
    parentId: parentId === ROOT_PARENT_ID ? null : parentId,
    name: typeof name === 'string' ? name : host.name,
    kind: meta.kind,
    startNs: host.startNs,
    durationNs: host.durationNs,
    status: host.error ? 'error' : 'ok',
    mlApp,
    sessionId: typeof rawSessionId === 'string' ? rawSessionId : sessionTag,
    service,
    env,
    apmTraceId: host.apmTraceId,
    modelName: meta.modelName,
    modelProvider: meta.modelProvider,
    inputTokens: metrics.input_tokens ?? null,
    outputTokens: metrics.output_tokens ?? null,
    totalTokens: metrics.total_tokens ?? null,
    metaJson: meta.json,
    metricsJson: JSON.stringify(metrics),
    tagsJson: JSON.stringify(tags),
    links,
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A decimal span id, as `validateSpanEvent` reads one (values here never are bigints). */
function readSpanId(value: unknown): string | undefined {
  if (typeof value === 'string') return parseDecimalId(value)?.toString()
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value)
  return undefined
}

function readParentId(value: unknown): string | undefined {
  if (value === undefined || value === null || value === ROOT_PARENT_ID || value === '' || value === '0') {
    return ROOT_PARENT_ID
  }
  const id = readSpanId(value)
  return id === '0' ? ROOT_PARENT_ID : id
}

function readMetrics(value: unknown): Record<string, number> | undefined {
  if (value === undefined || value === null) return {}
  if (!isRecord(value)) return undefined
  for (const key in value) {
    const item = value[key]
    if (typeof item !== 'number' || !Number.isFinite(item)) return undefined
  }
  return value as Record<string, number>
}

function readLinks(value: unknown): SpanLinkInput[] | undefined {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) return undefined
  const links: SpanLinkInput[] = []
  for (const link of value as unknown[]) {
    if (!isRecord(link)) return undefined
    const traceId = typeof link.trace_id === 'string' ? traceIdToHex32(link.trace_id) : undefined
    const spanId = readSpanId(link.span_id)
    const attributes = link.attributes
    if (traceId === undefined || spanId === undefined || !isRecord(attributes)) return undefined
    if (typeof attributes.from !== 'string' || typeof attributes.to !== 'string') return undefined
    links.push({ traceId, spanId, from: attributes.from, to: attributes.to })
  }
  return links
}

/**
 * The struct's tag dict as the sorted `k:v` list, plus `error:<0|1>` and `error_type`; undefined when
 * a value cannot become text (the reference path refuses the span then).
 */
function tagList(tags: unknown, mlApp: unknown, sessionId: unknown, host: HostError): string[] | undefined {
  const dict: Record<string, string> = {}
  if (isRecord(tags)) {
    for (const key in tags) {
      const value = tags[key]
      if (value === undefined || value === null) continue
      try {
        dict[key] = String(value)
      } catch {
        return undefined
      }
    }
  }
  if (dict.ml_app === undefined && typeof mlApp === 'string') dict.ml_app = mlApp
  if (dict.session_id === undefined && typeof sessionId === 'string') dict.session_id = sessionId
  const list = Object.keys(dict)
    .sort()
    .map((key) => `${key}:${dict[key]}`)
  list.push(`error:${host.error ? 1 : 0}`)
  if (host.error && host.errorType !== undefined) list.push(`error_type:${host.errorType}`)
  return list
}
