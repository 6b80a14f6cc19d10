import {
  hasModel,
  ROOT_PARENT_ID,
  type SpanEvent,
  type SpanEventDD,
  type SpanEventMeta,
  type WireToolDefinition,
} from '@llmobs/protocol'
import type { ResolvedConfig } from '../config.js'
import { flattenTags } from '../internal/flatten-tags.js'
import { SDK_VERSION } from '../internal/version.js'
import type { SpanRecord } from '../span/span-record.js'

/**
 * The LLMObs span event of a finished span (protocol §2), exactly as dd-trace sends it. Pure: the
 * same record and config always give the same event. The event shares `input`, `output`,
 * `metadata` and `tool_definitions` objects with the record: replace them, never mutate them.
 *
 * @example
 * const event = encodeSpanEvent(record, config)
 * const body = JSON.stringify([{ '_dd.stage': 'raw', '_dd.tracer_version': SDK_VERSION, event_type: 'span', spans: [event] }])
 */
export function encodeSpanEvent(record: SpanRecord, config: ResolvedConfig): SpanEvent {
  const error = record.error
  const meta: SpanEventMeta = { 'span.kind': record.kind, input: record.input, output: record.output }
  if (hasModel(record.kind)) {
    meta.model_name = record.modelName ?? 'custom'
    meta.model_provider = (record.modelProvider ?? 'custom').toLowerCase()
  }
  if (hasKeys(record.metadata)) meta.metadata = record.metadata as Record<string, unknown>
  if (record.toolDefinitions !== undefined && record.toolDefinitions.length > 0) {
    meta.tool_definitions = record.toolDefinitions as WireToolDefinition[]
  }
  const agent = record.agentAttribution
  if (agent !== undefined)
    meta.agent_attribution = { pagent_name: agent.name ?? null, pagent_span_id: agent.spanId }
  if (error !== undefined) {
    meta['error.message'] = error.message
    meta['error.type'] = error.type
    if (error.stack !== undefined) meta['error.stack'] = error.stack
  }
  const dd: SpanEventDD = {
    span_id: record.spanId,
    trace_id: record.apmTraceId,
    sample_rate: String(record.sampling.rate),
    sampling_decision: String(record.sampling.decision),
    apm_trace_id: record.apmTraceId,
  }
  const event: SpanEvent = {
    trace_id: record.traceId,
    span_id: record.spanId,
    parent_id: record.parentId ?? ROOT_PARENT_ID,
    name: record.name,
    tags: encodeTags(record, config),
    start_ns: record.startNs,
    duration: record.durationNs,
    status: error === undefined ? 'ok' : 'error',
    meta,
    metrics: { ...record.metrics },
    _dd: dd,
  }
  if (record.sessionId !== undefined) event.session_id = record.sessionId
  if (record.links.length > 0) event.span_links = record.links.slice()
  if (record.collectionErrors !== undefined && record.collectionErrors.length > 0) {
    event.collection_errors = record.collectionErrors.slice()
  }
  return event
}

type TagMap = Map<string, string | readonly string[]>

const staticPrefixes = new WeakMap<ResolvedConfig, readonly string[]>()

/** `version:`, `env:`, `service:` (each when set) and `source:integration`, once per config. */
function staticPrefix(config: ResolvedConfig): readonly string[] {
  let prefix = staticPrefixes.get(config)
  if (prefix === undefined) {
    const tags: string[] = []
    if (config.version !== undefined) tags.push(`version:${config.version}`)
    if (config.env !== undefined) tags.push(`env:${config.env}`)
    if (config.service !== undefined) tags.push(`service:${config.service}`)
    tags.push('source:integration')
    prefix = tags
    staticPrefixes.set(config, prefix)
  }
  return prefix
}

/**
 * Base tags in dd-trace's order, then config tags, then span tags. A user tag whose key is a base
 * key replaces it in place; an array value fans out into one `key:value` per element.
 */
export function encodeTags(record: SpanRecord, config: ResolvedConfig): string[] {
  const errorType = record.error?.type
  if (!hasKeys(config.tags) && !hasKeys(record.tags)) {
    const tags = staticPrefix(config).slice()
    tags.push(
      `ml_app:${record.mlApp}`,
      `ddtrace.version:${SDK_VERSION}`,
      errorType === undefined ? 'error:0' : 'error:1',
      'language:javascript',
    )
    if (errorType !== undefined) tags.push(`error_type:${errorType}`)
    if (record.sessionId !== undefined) tags.push(`session_id:${record.sessionId}`)
    return tags
  }
  const map: TagMap = new Map()
  if (config.version !== undefined) map.set('version', config.version)
  if (config.env !== undefined) map.set('env', config.env)
  if (config.service !== undefined) map.set('service', config.service)
  map.set('source', 'integration')
  map.set('ml_app', record.mlApp)
  map.set('ddtrace.version', SDK_VERSION)
  map.set('error', errorType === undefined ? '0' : '1')
  map.set('language', 'javascript')
  if (errorType !== undefined) map.set('error_type', errorType)
  if (record.sessionId !== undefined) map.set('session_id', record.sessionId)
  for (const key of Object.keys(config.tags)) map.set(key, config.tags[key] as string)
  for (const key of Object.keys(record.tags)) map.set(key, record.tags[key] as string | readonly string[])
  return flattenTags(map)
}

function hasKeys(object: object): boolean {
  for (const _ in object) return true
  return false
}
