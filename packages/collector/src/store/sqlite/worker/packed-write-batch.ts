import type { ApmSpanInput, EvaluationInput, LlmSpanInput, SpanLinkInput, WriteBatch } from '../../store.js'

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
    llm[i] = [
      s.traceId,
      s.spanId,
      s.parentId,
      s.name,
      s.kind,
      s.startNs,
      s.durationNs,
      s.status,
      s.mlApp,
      s.sessionId,
      s.service,
      s.env,
      s.apmTraceId,
      s.modelName,
      s.modelProvider,
      s.inputTokens,
      s.outputTokens,
      s.totalTokens,
      s.metaJson,
      s.metricsJson,
      s.tagsJson,
      // Most spans have no links: 0 is cheaper to copy than an empty array.
      s.links.length === 0 ? 0 : s.links,
    ]
  }
  const apm = new Array<unknown[]>(batch.apmSpans.length)
  for (let i = 0; i < apm.length; i++) {
    const a = batch.apmSpans[i] as ApmSpanInput
    apm[i] = [a.traceId, a.spanId, a.startNs, a.spanJson]
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
    llmSpans[i] = {
      traceId: t[0] as string,
      spanId: t[1] as string,
      parentId: t[2] as string | null,
      name: t[3] as string,
      kind: t[4] as string,
      startNs: t[5] as number,
      durationNs: t[6] as number,
      status: t[7] as 'ok' | 'error',
      mlApp: t[8] as string | null,
      sessionId: t[9] as string | null,
      service: t[10] as string | null,
      env: t[11] as string | null,
      apmTraceId: t[12] as string | null,
      modelName: t[13] as string | null,
      modelProvider: t[14] as string | null,
      inputTokens: t[15] as number | null,
      outputTokens: t[16] as number | null,
      totalTokens: t[17] as number | null,
      metaJson: t[18] as string,
      metricsJson: t[19] as string,
      tagsJson: t[20] as string,
      links: t[21] === 0 ? NO_LINKS : (t[21] as SpanLinkInput[]),
    }
  }
  const apmSpans = new Array<ApmSpanInput>(packed.apm.length)
  for (let i = 0; i < apmSpans.length; i++) {
    const t = packed.apm[i] as unknown[]
    apmSpans[i] = {
      traceId: t[0] as string,
      spanId: t[1] as string,
      startNs: t[2] as number,
      spanJson: t[3] as string,
    }
  }
  return { llmSpans, apmSpans, evaluations: packed.evaluations }
}
