import {
  LLMOBS_SUBMITTED_TAG,
  SAMPLING_PRIORITY_METRIC,
  TRACE_ID_HIGH_TAG,
  type ApmSpan,
} from '@llmobs/protocol'
import type { ResolvedConfig } from '../config.js'
import { isDecimalSpanId, isHex32TraceId } from '../internal/ids.js'
import type { SpanRecord } from '../span/span-record.js'

/** A chunk's sampling, read once from its local trace when the chunk is flushed. */
export interface ChunkSampling {
  readonly priority: number
  readonly decisionMaker: string | undefined
  /** `_dd.agent_psr`, `_dd.rule_psr`, `_dd.limit_psr`: on the chunk's first span. */
  readonly metrics: Readonly<Record<string, number>> | undefined
  /** `_dd.p.ksr` (the rate a rule or agent rate kept with): on the chunk's first span. */
  readonly meta?: Readonly<Record<string, string>> | undefined
}

/** How one span of a chunk goes out. */
export interface ApmSpanPlacement {
  /** The chunk's first span carries the trace-level tags (`_dd.p.tid`, `_dd.p.dm`, sampler rates). */
  readonly first: boolean
  readonly sampling: ChunkSampling
  /** True when the LLMObs event goes through the LLMObs writer instead of `meta_struct` (the rescue). */
  readonly submitted: boolean
}

/** Per-process meta and metrics every APM span carries (`runtime-id`, `process_id`...). */
export interface ProcessTags {
  readonly runtimeId: string
  readonly pid: number
}

/**
 * The APM span of an LLMObs span (protocol §4): type `llm`, the span name as operation and resource,
 * the config's service, env and version, error meta, `_dd.top_level` on the chunk's local root and
 * `_sampling_priority_v1` on every span (as dd-trace sends them). A `submitted` span is tagged
 * `_dd.llmobs.submitted:1`: its LLMObs event travels through the LLMObs writer instead, and an intake
 * must not extract it twice. `meta_struct` is left to the trace format, which encodes it its own way.
 */
export function apmSpanOf(
  record: SpanRecord,
  config: ResolvedConfig,
  process: ProcessTags,
  placement: ApmSpanPlacement,
): ApmSpan {
  const { apmTraceId, error } = record
  const meta: Record<string, string> = {}
  const metrics: Record<string, number> = {}
  const { sampling } = placement
  if (placement.first) {
    meta[TRACE_ID_HIGH_TAG] = apmTraceId.slice(0, 16)
    // dd-trace writes the decision maker only on kept traces.
    if (sampling.decisionMaker !== undefined && sampling.priority > 0)
      meta['_dd.p.dm'] = sampling.decisionMaker
    if (sampling.meta !== undefined) Object.assign(meta, sampling.meta)
    if (sampling.metrics !== undefined) Object.assign(metrics, sampling.metrics)
  }
  if (config.env !== undefined) meta.env = config.env
  if (config.version !== undefined) meta.version = config.version
  meta.language = 'javascript'
  meta['runtime-id'] = process.runtimeId
  if (error !== undefined) {
    meta['error.message'] = error.message
    meta['error.type'] = error.type
    if (error.stack !== undefined) meta['error.stack'] = error.stack
  }
  if (placement.submitted) meta[LLMOBS_SUBMITTED_TAG] = '1'
  const apmParentId = apmParentOf(record)
  if (apmParentId === undefined || record.localTrace?.rootSpanId === record.spanId)
    metrics['_dd.top_level'] = 1
  metrics['_dd.measured'] = 1
  metrics.process_id = process.pid
  metrics[SAMPLING_PRIORITY_METRIC] = sampling.priority
  const span: ApmSpan = {
    trace_id: BigInt('0x' + apmTraceId.slice(16)),
    span_id: BigInt(record.spanId),
    parent_id: apmParentId === undefined ? 0n : BigInt(apmParentId),
    service: config.service ?? config.mlApp,
    name: record.name,
    resource: record.name,
    type: 'llm',
    start: BigInt(Math.round(record.startNs)),
    duration: BigInt(Math.max(0, Math.round(record.durationNs))),
    error: error === undefined ? 0 : 1,
    meta,
    metrics,
  }
  return span
}

/** The APM parent of a record: `apmParentId`, or `parentId` for records built without it. */
export function apmParentOf(record: SpanRecord): string | undefined {
  return 'apmParentId' in record ? record.apmParentId : record.parentId
}

/** Whether a record has the ids and times an APM span needs (a processor may return anything). */
export function fitsApmSpan(record: SpanRecord): boolean {
  const apmParentId = apmParentOf(record)
  return (
    isDecimalSpanId(record.spanId) &&
    isHex32TraceId(record.apmTraceId) &&
    (apmParentId === undefined || isDecimalSpanId(apmParentId)) &&
    Number.isFinite(record.startNs) &&
    Number.isFinite(record.durationNs)
  )
}
