import type { DecodedApmTraces } from '@llmobs/protocol'
import {
  LLMOBS_SUBMITTED_TAG,
  META_STRUCT_LLMOBS_KEY,
  chunkSamplingPriority,
  chunkTraceIdHigh,
  decodeV04Traces,
  spanEventFromApmSpan,
  toDecimal,
  toHex32,
} from '@llmobs/protocol'
import { apmSpanJson } from '../store/apm-span-json.js'
import type { Outcome } from './outcome.js'
import { accept, reject } from './outcome.js'
import { isSampledOut, spanEventInput } from './span-event-input.js'
import { v04FastBatch } from './v04/v04-fast-batch.js'
import type { ApmTracesBatch } from './apm-traces-batch-shape.js'

export type { ApmTracesBatch } from './apm-traces-batch-shape.js'

/**
 * Decoded APM traces → store rows: every APM span (its 128-bit trace id rebuilt from the chunk's
 * `_dd.p.tid`, which tracers put on the first span of each chunk only, and the chunk's sampling
 * priority), plus the LLMObs span event of each span that carries one (protocol §4; never for a
 * span tagged `_dd.llmobs.submitted:1`). All or nothing.
 */
export function apmTracesBatch(traces: DecodedApmTraces): Outcome<ApmTracesBatch> {
  const out: ApmTracesBatch = { apmSpans: [], llmSpans: [], sampledOut: 0, services: new Set() }
  for (let i = 0; i < traces.length; i++) {
    const chunk = traces[i] ?? []
    const high = chunkTraceIdHigh(chunk)
    const samplingPriority = chunkSamplingPriority(chunk) ?? null
    for (let j = 0; j < chunk.length; j++) {
      const span = chunk[j]
      if (span === undefined) continue
      const path = `traces[${i}][${j}]`
      const carriesLlmobs =
        span.meta[LLMOBS_SUBMITTED_TAG] === '1' || span.meta_struct?.[META_STRUCT_LLMOBS_KEY] !== undefined
      let spanJson: string
      try {
        spanJson = apmSpanJson({
          parentId: span.parent_id === 0n ? null : toDecimal(span.parent_id),
          service: span.service,
          name: span.name,
          resource: span.resource,
          type: span.type ?? null,
          durationNs: Number(span.duration),
          error: span.error !== 0,
          meta: span.meta,
          metrics: span.metrics,
          llmobs: carriesLlmobs,
        })
      } catch (error) {
        return reject(400, `${path} cannot be stored: ${(error as Error).message}`)
      }
      out.apmSpans.push({
        traceId: toHex32(high, span.trace_id),
        spanId: toDecimal(span.span_id),
        startNs: Number(span.start),
        samplingPriority,
        spanJson,
      })
      out.services.add(`service:${span.service},env:${span.meta.env ?? ''}`)

      const event = spanEventFromApmSpan(span, high, path)
      if (!event.ok) return reject(400, event.error)
      if (event.value === undefined) continue
      if (isSampledOut(event.value)) {
        out.sampledOut++
        continue
      }
      const input = spanEventInput(event.value, `${path}.meta_struct._llmobs`)
      if (!input.ok) return input
      out.llmSpans.push(input.value)
    }
  }
  return accept(out)
}

/**
 * A `/v0.4/traces` body → store rows: the fast path when it can ({@link v04FastBatch}: same rows,
 * several times cheaper), else the reference decoder, which also names what is wrong with a bad body.
 *
 * @example
 * const batch = v04TracesBatch(body)
 * if (!batch.ok) return reply.code(batch.rejection.status).send({ error: batch.rejection.error })
 */
export function v04TracesBatch(body: Buffer): Outcome<ApmTracesBatch> {
  const fast = v04FastBatch(body)
  if (fast !== undefined) return accept(fast)
  const traces = decodeV04Traces(body)
  if (!traces.ok) return reject(400, traces.error)
  return apmTracesBatch(traces.value)
}
