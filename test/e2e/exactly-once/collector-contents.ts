/**
 * Everything a collector holds, read through its public query API: every LLMObs trace (paged
 * `/api/traces`), each trace's spans (`/api/traces/:id`), each APM trace they name
 * (`/api/apm/traces/:id`), and the store's counts (`/api/stats`), which cover rows the per-trace
 * views could hide.
 */
import type { CollectorProcess } from '../../helpers/collector-process.js'

export interface StoredSpan {
  readonly spanId: string
  readonly traceId: string
  readonly name: string
  readonly apmTraceId: string | null
  readonly apmSampled: boolean | null
}

export interface StoredApmSpan {
  readonly spanId: string
  readonly llmobs: boolean
  readonly samplingPriority: number | null
  readonly meta: Readonly<Record<string, string>>
}

export interface StoreCounts {
  readonly traces: number
  readonly llmSpans: number
  readonly apmSpans: number
}

export interface CollectorContents {
  /** Every LLM span, as listed trace by trace (a span listed twice would appear twice here). */
  readonly llmSpans: readonly StoredSpan[]
  /** APM spans by APM trace id. */
  readonly apmTraces: ReadonlyMap<string, readonly StoredApmSpan[]>
  readonly counts: StoreCounts
  /** Pages `/api/traces` took, and the trace ids it listed (in order, repeats kept). */
  readonly pages: number
  readonly traceIds: readonly string[]
}

const CONCURRENCY = 8
/** Several pages for 1,000 traces: the cursor must neither skip nor repeat one. */
const PAGE = 200

export async function readCollector(collector: CollectorProcess): Promise<CollectorContents> {
  const traceIds: string[] = []
  let pages = 0
  for (let cursor: string | null = null; ;) {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`
    const page = await collector.query<{ traces: Array<{ traceId: string }>; nextCursor: string | null }>(
      `/api/traces?limit=${PAGE}${query}`,
    )
    traceIds.push(...page.traces.map((t) => t.traceId))
    pages++
    if (page.nextCursor === null) break
    cursor = page.nextCursor
  }
  const details = await mapLimited(traceIds, (id) =>
    collector.query<{ spans: StoredSpan[] }>(`/api/traces/${id}`),
  )
  const llmSpans = details.flatMap((d) =>
    d.spans.map(({ spanId, traceId, name, apmTraceId, apmSampled }) => ({
      spanId,
      traceId,
      name,
      apmTraceId,
      apmSampled,
    })),
  )
  const apmIds = [...new Set(llmSpans.flatMap((s) => (s.apmTraceId === null ? [] : [s.apmTraceId])))]
  const apmTraces = new Map<string, StoredApmSpan[]>()
  const apmDetails = await mapLimited(apmIds, async (id) => {
    const response = await fetch(`${collector.url}/api/apm/traces/${id}`)
    if (response.status === 404) return { id, spans: [] as StoredApmSpan[] }
    if (!response.ok) throw new Error(`GET /api/apm/traces/${id}: HTTP ${response.status}`)
    return { id, spans: ((await response.json()) as { spans: StoredApmSpan[] }).spans }
  })
  for (const { id, spans } of apmDetails) apmTraces.set(id, spans)
  const { counts } = await collector.query<{ counts: StoreCounts }>('/api/stats')
  return { llmSpans, apmTraces, counts, pages, traceIds }
}

async function mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker))
  return out
}
