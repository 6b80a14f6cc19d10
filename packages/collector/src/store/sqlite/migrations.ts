import type { Database } from 'better-sqlite3'

/**
 * The schema, as an append-only list: migration N brings a database from `user_version` N-1 to N.
 * Never edit a migration that has shipped; add the next one.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE llm_spans (
    id INTEGER PRIMARY KEY,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    parent_id TEXT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    duration_ns INTEGER NOT NULL,
    status TEXT NOT NULL,
    ml_app TEXT,
    session_id TEXT,
    service TEXT,
    env TEXT,
    apm_trace_id TEXT,
    model_name TEXT,
    model_provider TEXT,
    input_tokens REAL,
    output_tokens REAL,
    total_tokens REAL,
    meta TEXT NOT NULL,
    metrics TEXT NOT NULL,
    tags TEXT NOT NULL,
    received_ms INTEGER NOT NULL
  );
  -- The de-duplication key of span events, and the trace-detail lookup.
  CREATE UNIQUE INDEX llm_spans_trace_span ON llm_spans (trace_id, span_id);
  CREATE INDEX llm_spans_span ON llm_spans (span_id);
  CREATE INDEX llm_spans_apm_trace ON llm_spans (apm_trace_id) WHERE apm_trace_id IS NOT NULL;

  -- One row per LLMObs trace, maintained on ingest so listing traces never scans spans.
  CREATE TABLE traces (
    trace_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    root_span_id TEXT,
    ml_app TEXT,
    session_id TEXT,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER NOT NULL,
    span_count INTEGER NOT NULL,
    error_count INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX traces_start ON traces (start_ns, trace_id);
  CREATE INDEX traces_ml_app ON traces (ml_app, start_ns);
  CREATE INDEX traces_session ON traces (session_id, start_ns);

  CREATE TABLE span_links (
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    link_trace_id TEXT NOT NULL,
    link_span_id TEXT NOT NULL,
    from_side TEXT NOT NULL,
    to_side TEXT NOT NULL
  );
  CREATE INDEX span_links_owner ON span_links (trace_id, span_id);
  CREATE INDEX span_links_target ON span_links (link_trace_id, link_span_id);

  CREATE TABLE apm_spans (
    id INTEGER PRIMARY KEY,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    parent_id TEXT,
    service TEXT NOT NULL,
    name TEXT NOT NULL,
    resource TEXT NOT NULL,
    type TEXT,
    start_ns INTEGER NOT NULL,
    duration_ns INTEGER NOT NULL,
    error INTEGER NOT NULL,
    meta TEXT NOT NULL,
    metrics TEXT NOT NULL,
    llmobs INTEGER NOT NULL,
    received_ms INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX apm_spans_trace_span ON apm_spans (trace_id, span_id);
  CREATE INDEX apm_spans_start ON apm_spans (start_ns);

  CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    metric_type TEXT NOT NULL,
    value TEXT NOT NULL,
    numeric_value REAL,
    span_id TEXT,
    trace_id TEXT,
    tag_key TEXT,
    tag_value TEXT,
    session_id TEXT,
    feedback_join_key TEXT,
    ml_app TEXT,
    timestamp_ms INTEGER NOT NULL,
    tags TEXT NOT NULL,
    reasoning TEXT,
    assessment TEXT,
    metadata TEXT,
    submitter TEXT,
    received_ms INTEGER NOT NULL
  );
  CREATE INDEX evaluations_span ON evaluations (span_id) WHERE span_id IS NOT NULL;
  CREATE INDEX evaluations_trace ON evaluations (trace_id) WHERE trace_id IS NOT NULL;
  CREATE INDEX evaluations_tag ON evaluations (tag_key, tag_value) WHERE tag_key IS NOT NULL;
  CREATE INDEX evaluations_session ON evaluations (session_id) WHERE session_id IS NOT NULL;
  CREATE INDEX evaluations_label ON evaluations (label, timestamp_ms);
  CREATE INDEX evaluations_time ON evaluations (timestamp_ms);

  CREATE TABLE sessions (
    session_id TEXT PRIMARY KEY,
    ml_app TEXT,
    first_seen_ns INTEGER NOT NULL,
    last_seen_ns INTEGER NOT NULL,
    trace_count INTEGER NOT NULL,
    span_count INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX sessions_last_seen ON sessions (last_seen_ns, session_id);
  `,
  // 2: model stats read a narrow index ordered by duration within each model, so a latency percentile
  // is one OFFSET into it (no sort of every span) and `since` filters inside the index. Span counts by
  // kind still scan the table: an index for them would cost every write more than it saves stats.
  `
  CREATE INDEX llm_spans_model_latency ON llm_spans (model_name, model_provider, duration_ns, start_ns,
    input_tokens, output_tokens, total_tokens) WHERE model_name IS NOT NULL;
  `,
  // 3: an APM span is its keys plus one JSON document (ApmSpanDoc): it is only ever read whole, by
  // trace, and ten columns cost ~1.5 µs more per written span than one document. Same ids (the
  // insertion order breaks ties between equal starts), same indexes.
  `
  CREATE TABLE apm_spans_v3 (
    id INTEGER PRIMARY KEY,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    span TEXT NOT NULL,
    received_ms INTEGER NOT NULL
  );
  INSERT INTO apm_spans_v3 (id, trace_id, span_id, start_ns, span, received_ms)
    SELECT id, trace_id, span_id, start_ns,
      json_object('parentId', parent_id, 'service', service, 'name', name, 'resource', resource,
        'type', type, 'durationNs', duration_ns, 'error', json(iif(error = 0, 'false', 'true')),
        'meta', json(meta), 'metrics', json(metrics), 'llmobs', json(iif(llmobs = 0, 'false', 'true'))),
      received_ms
    FROM apm_spans ORDER BY id;
  DROP TABLE apm_spans;
  ALTER TABLE apm_spans_v3 RENAME TO apm_spans;
  CREATE UNIQUE INDEX apm_spans_trace_span ON apm_spans (trace_id, span_id);
  CREATE INDEX apm_spans_start ON apm_spans (start_ns);
  `,
  // 4: feedback naming a feedback join key is joined, at query time, to the spans that carry the key
  // (the span tag `feedback_join_key:<key>`), so it is looked up by key.
  `
  CREATE INDEX evaluations_feedback_join_key ON evaluations (feedback_join_key)
    WHERE feedback_join_key IS NOT NULL;
  `,
  // 5: each APM span keeps the sampling priority of the chunk that carried it, so an LLM span can say
  // whether its APM trace was kept (apmSampled), whichever of the two arrived first. Spans stored
  // before keep their own priority where they carried one (dd-trace puts it on every span).
  `
  ALTER TABLE apm_spans ADD COLUMN sampling_priority REAL;
  UPDATE apm_spans SET sampling_priority = json_extract(span, '$.metrics._sampling_priority_v1')
    WHERE json_type(span, '$.metrics._sampling_priority_v1') IN ('integer', 'real');
  `,
]

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length

/**
 * Brings the database to {@link SCHEMA_VERSION} (or to `target`, for tests of an upgrade), one
 * transaction per migration. A database written by a newer build is refused rather than silently
 * misread.
 *
 * @example
 * applyMigrations(db) // user_version is now SCHEMA_VERSION
 */
export function applyMigrations(db: Database, target = SCHEMA_VERSION): void {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `the database has schema version ${current}, newer than this collector understands (${SCHEMA_VERSION})`,
    )
  }
  for (let version = current; version < target; version++) {
    const sql = MIGRATIONS[version] as string
    db.transaction(() => {
      db.exec(sql)
      db.pragma(`user_version = ${version + 1}`)
    }).immediate()
  }
}
