import { hasModel, isSpanKind, MsgpackWriter, SPAN_KINDS } from '@llmobs/protocol'
import type { ResolvedConfig } from '../config.js'
import { SDK_VERSION } from '../internal/version.js'
import type { SpanRecord } from '../span/span-record.js'
import { apmParentOf, fitsApmSpan, type ApmSpanPlacement, type ProcessTags } from './apm-span.js'
import { encoded, KEY } from './v04-keys.js'

/**
 * Writes one LLMObs span as its v0.4 APM span map, `meta_struct._llmobs` included, straight from the
 * record: the same map `writeV04Span(apmSpanOf(...), llmobsStruct(encodeSpanEvent(...)))` writes
 * (`v04-span-writer.test.ts` decodes both and compares them on many records), without the three
 * objects per span that path builds. Why: `bench/run.js` measured the object path at ~21 µs of CPU
 * per span in `apm-agent` mode, most of it those objects and the garbage they make, against the
 * issue's goal of 1.5x the ~7 µs of the JSON event path; the constant parts (keys, the base tags,
 * the process meta) are encoded once per config here.
 *
 * Returns false, having written nothing, when the record does not fit this path (tags of the config
 * or the span's own, a field not of its documented type: a processor may return anything); the
 * caller then takes the object path.
 */
export function writeV04LlmobsSpan(
  w: MsgpackWriter,
  record: SpanRecord,
  config: ResolvedConfig,
  process: ProcessTags,
  placement: ApmSpanPlacement,
): boolean {
  const { kind, name, spanId, parentId, traceId, apmTraceId, startNs, durationNs, sessionId, error } = record
  if (
    !isSpanKind(kind) ||
    typeof name !== 'string' ||
    typeof traceId !== 'string' ||
    !fitsApmSpan(record) ||
    (sessionId !== undefined && typeof sessionId !== 'string') ||
    (parentId !== undefined && typeof parentId !== 'string') ||
    hasKeys(config.tags) ||
    hasKeys(record.tags) ||
    typeof record.mlApp !== 'string' ||
    !validError(error)
  ) {
    return false
  }
  const apmParentId = apmParentOf(record)
  const constants = constantsOf(config, process, record.mlApp)
  const { sampling, first, submitted } = placement
  const keep = !submitted

  w.map(keep ? 13 : 12)
  w.raw(KEY.trace_id)
  w.uint64Hex(apmTraceId.slice(16))
  w.raw(KEY.span_id)
  w.uint64Decimal(spanId)
  w.raw(KEY.parent_id)
  w.uint64Decimal(apmParentId ?? '0')
  w.raw(KEY.name)
  w.str(name)
  w.raw(KEY.resource)
  w.str(name)
  w.raw(constants.serviceEntry)
  w.raw(KEY.type_llm)
  w.raw(KEY.error)
  w.number(error === undefined ? 0 : 1)
  w.raw(KEY.start)
  w.int64Number(Math.max(0, Math.round(startNs)))
  w.raw(KEY.duration)
  w.int64Number(Math.max(0, Math.round(durationNs)))

  // meta: the chunk's trace tags on its first span, then what every span carries.
  const dm =
    first && sampling.decisionMaker !== undefined && sampling.priority > 0
      ? sampling.decisionMaker
      : undefined
  const samplingMeta = first ? sampling.meta : undefined
  const metaCount =
    constants.metaCount +
    (first ? 1 : 0) +
    (dm !== undefined ? 1 : 0) +
    (samplingMeta !== undefined ? Object.keys(samplingMeta).length : 0) +
    (error === undefined ? 0 : error.stack !== undefined ? 3 : 2) +
    (submitted ? 1 : 0)
  w.raw(KEY.meta)
  w.map(metaCount)
  if (first) {
    w.raw(KEY.tid)
    w.str(apmTraceId.slice(0, 16))
  }
  if (dm !== undefined) {
    w.raw(KEY.dm)
    w.str(dm)
  }
  if (samplingMeta !== undefined) writeStringMap(w, samplingMeta)
  w.raw(constants.metaEntries)
  if (error !== undefined) writeError(w, error)
  if (submitted) {
    w.raw(KEY.submitted)
    w.raw(KEY.one)
  }

  // metrics
  const samplingMetrics = first ? sampling.metrics : undefined
  const topLevel = apmParentId === undefined || record.localTrace?.rootSpanId === spanId
  w.raw(KEY.metrics)
  w.map((samplingMetrics !== undefined ? Object.keys(samplingMetrics).length : 0) + (topLevel ? 1 : 0) + 3)
  if (samplingMetrics !== undefined) {
    for (const key of Object.keys(samplingMetrics)) {
      w.str(key)
      w.float64(samplingMetrics[key] as number)
    }
  }
  if (topLevel) {
    w.raw(KEY.top_level)
    w.float64(1)
  }
  w.raw(KEY.measured)
  w.float64(1)
  w.raw(KEY.process_id)
  w.float64(process.pid)
  w.raw(KEY.priority)
  w.float64(sampling.priority)
  if (!keep) return true

  w.raw(KEY.meta_struct)
  w.map(1)
  w.raw(KEY.llmobs)
  const mark = w.openBin()
  writeStruct(w, record, constants)
  w.closeBin(mark)
  return true
}

/** `meta_struct._llmobs` (the order `llmobsStruct` gives it). */
function writeStruct(w: MsgpackWriter, record: SpanRecord, constants: Constants): void {
  const { links, collectionErrors, sessionId } = record
  const hasLinks = links.length > 0
  const hasErrors = collectionErrors !== undefined && collectionErrors.length > 0
  w.map(8 + (sessionId !== undefined ? 1 : 0) + (hasLinks ? 1 : 0) + (hasErrors ? 1 : 0))
  w.raw(KEY.name)
  w.str(record.name)
  w.raw(KEY.trace_id)
  w.str(record.traceId)
  w.raw(KEY.parent_id)
  w.str(record.parentId ?? 'undefined')
  w.raw(KEY.tags)
  w.map(constants.tagCount + (sessionId !== undefined ? 1 : 0))
  w.raw(constants.tagEntries)
  if (sessionId !== undefined) {
    w.raw(KEY.session_id)
    w.str(sessionId)
  }
  writeMeta(w, record)
  w.raw(KEY.metrics)
  w.value(record.metrics)
  w.raw(KEY._dd)
  w.map(2)
  w.raw(KEY.sample_rate)
  w.str(String(record.sampling.rate))
  w.raw(KEY.sampling_decision)
  w.str(String(record.sampling.decision))
  w.raw(constants.mlAppEntry)
  if (sessionId !== undefined) {
    w.raw(KEY.session_id)
    w.str(sessionId)
  }
  if (hasLinks) {
    w.raw(KEY.span_links)
    w.value(links)
  }
  if (hasErrors) {
    w.raw(KEY.collection_errors)
    w.value(collectionErrors)
  }
}

/** The event's `meta` with `span.kind` as `span: { kind }` first, as `llmobsStruct` writes it. */
function writeMeta(w: MsgpackWriter, record: SpanRecord): void {
  const { metadata, toolDefinitions, agentAttribution: agent, error } = record
  const model = hasModel(record.kind)
  const hasMetadata = hasKeys(metadata)
  const hasTools = toolDefinitions !== undefined && toolDefinitions.length > 0
  w.raw(KEY.meta)
  w.map(
    3 +
      (model ? 2 : 0) +
      (hasMetadata ? 1 : 0) +
      (hasTools ? 1 : 0) +
      (agent !== undefined ? 1 : 0) +
      (error === undefined ? 0 : error.stack !== undefined ? 3 : 2),
  )
  w.raw(SPAN_KIND[record.kind] as Uint8Array)
  w.raw(KEY.input)
  w.value(record.input)
  w.raw(KEY.output)
  w.value(record.output)
  if (model) {
    w.raw(KEY.model_name)
    w.str(record.modelName ?? 'custom')
    w.raw(KEY.model_provider)
    w.str((record.modelProvider ?? 'custom').toLowerCase())
  }
  if (hasMetadata) {
    w.raw(KEY.metadata)
    w.value(metadata)
  }
  if (hasTools) {
    w.raw(KEY.tool_definitions)
    w.value(toolDefinitions)
  }
  if (agent !== undefined) {
    w.raw(KEY.agent_attribution)
    w.value({ pagent_name: agent.name ?? null, pagent_span_id: agent.spanId })
  }
  if (error !== undefined) writeError(w, error)
}

function writeError(w: MsgpackWriter, error: NonNullable<SpanRecord['error']>): void {
  w.raw(KEY.error_message)
  w.str(error.message)
  w.raw(KEY.error_type)
  w.str(error.type)
  if (error.stack !== undefined) {
    w.raw(KEY.error_stack)
    w.str(error.stack)
  }
}

function writeStringMap(w: MsgpackWriter, map: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(map)) {
    w.str(key)
    w.str(map[key] as string)
  }
}

/** Per config and ml_app: the encoded parts every span of it shares. */
interface Constants {
  readonly mlApp: string
  readonly pid: number
  readonly runtimeId: string
  /** `service: <service>` */
  readonly serviceEntry: Uint8Array
  /** env, version, language, runtime-id entries of the APM meta, and how many. */
  readonly metaEntries: Uint8Array
  readonly metaCount: number
  /** The struct's base tags (all but `session_id`), and how many. */
  readonly tagEntries: Uint8Array
  readonly tagCount: number
  /** `ml_app: <mlApp>` */
  readonly mlAppEntry: Uint8Array
}

const constantsByConfig = new WeakMap<ResolvedConfig, Constants>()

function constantsOf(config: ResolvedConfig, process: ProcessTags, mlApp: string): Constants {
  const cached = constantsByConfig.get(config)
  if (
    cached !== undefined &&
    cached.mlApp === mlApp &&
    cached.pid === process.pid &&
    cached.runtimeId === process.runtimeId
  )
    return cached
  const meta: Array<[string, string]> = []
  if (config.env !== undefined) meta.push(['env', config.env])
  if (config.version !== undefined) meta.push(['version', config.version])
  meta.push(['language', 'javascript'], ['runtime-id', process.runtimeId])
  // The tags dict of `llmobsStruct(encodeSpanEvent())` for a span with no tags of its own.
  const tags: Array<[string, string]> = []
  if (config.version !== undefined) tags.push(['version', config.version])
  if (config.env !== undefined) tags.push(['env', config.env])
  if (config.service !== undefined) tags.push(['service', config.service])
  tags.push(
    ['source', 'integration'],
    ['ml_app', mlApp],
    ['ddtrace.version', SDK_VERSION],
    ['language', 'javascript'],
  )
  const constants: Constants = {
    mlApp,
    pid: process.pid,
    runtimeId: process.runtimeId,
    serviceEntry: entries([['service', config.service ?? config.mlApp]]),
    metaEntries: entries(meta),
    metaCount: meta.length,
    tagEntries: entries(tags),
    tagCount: tags.length,
    mlAppEntry: entries([['ml_app', mlApp]]),
  }
  constantsByConfig.set(config, constants)
  return constants
}

function entries(pairs: ReadonlyArray<readonly [string, string]>): Uint8Array {
  const w = new MsgpackWriter(256)
  for (const [key, value] of pairs) {
    w.str(key)
    w.str(value)
  }
  return w.bytes()
}

/** Per kind: `span: { kind: <kind> }`. */
const SPAN_KIND: Readonly<Record<string, Uint8Array>> = Object.fromEntries(
  SPAN_KINDS.map((kind) => [
    kind,
    encoded((w) => {
      w.str('span')
      w.map(1)
      w.str('kind')
      w.str(kind)
    }),
  ]),
)

function validError(error: SpanRecord['error']): boolean {
  if (error === undefined) return true
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof error.message === 'string' &&
    typeof error.type === 'string' &&
    (error.stack === undefined || typeof error.stack === 'string')
  )
}

function hasKeys(object: object | undefined): boolean {
  if (object === undefined) return false
  for (const _ in object) return true
  return false
}
