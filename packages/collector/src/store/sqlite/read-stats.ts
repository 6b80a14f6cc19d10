import type { Database } from 'better-sqlite3'
import type { EvaluationStats, ModelStats, Stats, StoreCounts } from '../views.js'

interface KindRow {
  kind: string
  spans: number
  errors: number
}
interface ModelRow {
  model: string
  provider: string | null
  spans: number
  input_tokens: number | null
  output_tokens: number | null
  total_tokens: number | null
}
interface LabelRow {
  label: string
  metric_type: string
  count: number
  pass: number
  fail: number
  average_score: number | null
  true_count: number
  false_count: number
}
interface CategoryRow {
  label: string
  value: string
  count: number
}

/** The smallest time any row can have: `since` absent means everything. */
const BEGINNING = -(1n << 63n)

/**
 * Aggregates for the stats endpoint. Latency percentiles use the nearest-rank method: the duration at
 * rank ceil(p·n) in duration order, read by offset from an index kept in that order.
 */
export function createStatsReader(db: Database) {
  const byKind = db.prepare<
    [bigint],
    KindRow
  >(`SELECT kind, count(*) AS spans, sum(status = 'error') AS errors
    FROM llm_spans WHERE start_ns >= ? GROUP BY kind ORDER BY kind`)
  const byModel = db.prepare<[bigint], ModelRow>(`SELECT model_name AS model, model_provider AS provider,
      count(*) AS spans, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
      -- A span that gives only input and output tokens still counts in the total.
      sum(coalesce(total_tokens, coalesce(input_tokens, 0) + coalesce(output_tokens, 0))) AS total_tokens
    FROM llm_spans WHERE model_name IS NOT NULL AND start_ns >= ?
    GROUP BY model_name, model_provider ORDER BY spans DESC, model`)
  const durationAtRank = db
    .prepare<[string, string | null, bigint, number], number>(
      `SELECT duration_ns FROM llm_spans INDEXED BY llm_spans_model_latency
       WHERE model_name = ? AND model_provider IS ? AND start_ns >= ?
       ORDER BY duration_ns LIMIT 1 OFFSET ?`,
    )
    .pluck()
  const byLabel = db.prepare<[number], LabelRow>(`SELECT label, metric_type, count(*) AS count,
      count(CASE WHEN assessment = 'pass' THEN 1 END) AS pass,
      count(CASE WHEN assessment = 'fail' THEN 1 END) AS fail,
      avg(CASE WHEN metric_type = 'score' THEN numeric_value END) AS average_score,
      count(CASE WHEN metric_type = 'boolean' AND numeric_value = 1 THEN 1 END) AS true_count,
      count(CASE WHEN metric_type = 'boolean' AND numeric_value = 0 THEN 1 END) AS false_count
    FROM evaluations WHERE timestamp_ms >= ? GROUP BY label, metric_type ORDER BY label, metric_type`)
  const categories = db.prepare<
    [number],
    CategoryRow
  >(`SELECT label, value, count(*) AS count FROM evaluations
    WHERE metric_type = 'categorical' AND timestamp_ms >= ? GROUP BY label, value`)
  const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck()
  const counters = {
    traces: count('traces'),
    llmSpans: count('llm_spans'),
    apmSpans: count('apm_spans'),
    evaluations: count('evaluations'),
    spanLinks: count('span_links'),
    sessions: count('sessions'),
  }

  function counts(): StoreCounts {
    const out = {} as StoreCounts
    for (const key of Object.keys(counters) as Array<keyof StoreCounts>)
      out[key] = counters[key].get() as number
    return out
  }

  function stats(query: { sinceNs?: number }): Stats {
    const sinceNs = query.sinceNs === undefined ? BEGINNING : BigInt(Math.trunc(query.sinceNs))
    const sinceMs = query.sinceNs === undefined ? Number.MIN_SAFE_INTEGER : Math.floor(query.sinceNs / 1e6)
    const kinds: Record<string, number> = {}
    let total = 0
    let errors = 0
    for (const row of byKind.all(sinceNs)) {
      kinds[row.kind] = row.spans
      total += row.spans
      errors += row.errors
    }
    const rank = (row: ModelRow, p: number): number =>
      durationAtRank.get(row.model, row.provider, sinceNs, Math.ceil((p / 100) * row.spans) - 1) ?? 0
    const models: ModelStats[] = byModel.all(sinceNs).map((row) => ({
      model: row.model,
      provider: row.provider,
      spans: row.spans,
      inputTokens: row.input_tokens ?? 0,
      outputTokens: row.output_tokens ?? 0,
      totalTokens: row.total_tokens ?? 0,
      latencyP50Ns: rank(row, 50),
      latencyP95Ns: rank(row, 95),
    }))
    const evaluations = new Map<string, EvaluationStats>()
    for (const row of byLabel.all(sinceMs)) {
      evaluations.set(`${row.label}\u0000${row.metric_type}`, {
        label: row.label,
        metricType: row.metric_type,
        count: row.count,
        pass: row.pass,
        fail: row.fail,
        averageScore: row.average_score,
        trueCount: row.true_count,
        falseCount: row.false_count,
        categories: {},
      })
    }
    for (const row of categories.all(sinceMs)) {
      const entry = evaluations.get(`${row.label}\u0000categorical`)
      if (entry !== undefined) entry.categories[JSON.parse(row.value) as string] = row.count
    }
    return {
      sinceNs: query.sinceNs ?? null,
      counts: counts(),
      spans: { total, errors, byKind: kinds },
      models,
      evaluations: [...evaluations.values()],
    }
  }

  return { stats, counts }
}
