import type { ApmSpanInput, EvaluationInput, LlmSpanInput, SpanLinkInput, WriteBatch } from '../../store.js'
import { LLM_SPAN_COLUMNS, llmSpanFromValues, llmSpanValues } from '../llm-span-columns.js'

/**
 * A {@link WriteBatch} as it crosses to the store worker: each span row as an array of its values in
 * a fixed order. Structured clone writes every property name of every object it copies, so for the
 * thousands of rows of one request, arrays cost ~40% less to serialise (on the thread that reads
 * requests) and less to deserialise (in the worker) than objects (bench/README.md, Collector).
 * Evaluations are few and stay objects.
 */
export interface PackedWriteBatch {
  llm: unknown[][]
  apm: unknown[][]
  evaluations: readonly EvaluationInput[]
}

const NO_LINKS: readonly SpanLinkInput[] = Object.freeze([])

/**
 * @example
 * worker.postMessage({ id, method: 'write', args: [packWriteBatch(batch)] })
 */
export function packWriteBatch(batch: WriteBatch): PackedWriteBatch {
  const llm = new Array<unknown[]>(batch.llmSpans.length)
  for (let i = 0; i < llm.length; i++) {
    const s = batch.llmSpans[i] as LlmSpanInput
    const row = llmSpanValues(s)
    // Most spans have no links: 0 is cheaper to copy than an empty array.
    row.push(s.links.length === 0 ? 0 : s.links)
    llm[i] = row
  }
  const apm = new Array<unknown[]>(batch.apmSpans.length)
  for (let i = 0; i < apm.length; i++) {
    const a = batch.apmSpans[i] as ApmSpanInput
    apm[i] = [a.traceId, a.spanId, a.startNs, a.samplingPriority, a.spanJson]
  }
  return { llm, apm, evaluations: batch.evaluations }
}

/**
 * The batch again, in the worker.
 *
 * @example
 * const batch = unpackWriteBatch(request.args[0] as PackedWriteBatch)
 */
export function unpackWriteBatch(packed: PackedWriteBatch): WriteBatch {
  const llmSpans = new Array<LlmSpanInput>(packed.llm.length)
  for (let i = 0; i < llmSpans.length; i++) {
    const t = packed.llm[i] as unknown[]
    const links = t[LLM_SPAN_COLUMNS.length]
    llmSpans[i] = llmSpanFromValues(t, links === 0 ? NO_LINKS : (links as SpanLinkInput[]))
  }
  const apmSpans = new Array<ApmSpanInput>(packed.apm.length)
  for (let i = 0; i < apmSpans.length; i++) {
    const t = packed.apm[i] as unknown[]
    apmSpans[i] = {
      traceId: t[0] as string,
      spanId: t[1] as string,
      startNs: t[2] as number,
      samplingPriority: t[3] as number | null,
      spanJson: t[4] as string,
    }
  }
  return { llmSpans, apmSpans, evaluations: packed.evaluations }
}
