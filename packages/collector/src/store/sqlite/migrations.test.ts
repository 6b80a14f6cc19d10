import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { T0, apmSpan, batch } from '../store-test-data.js'
import { SCHEMA_VERSION, applyMigrations } from './migrations.js'
import { openSqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'llmobs-migrations-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migrations', () => {
  it('3: moves stored APM spans into one document each, unchanged as the query API shows them', async () => {
    const path = join(dir, 'v2.db')
    const db = new Database(path)
    applyMigrations(db, 2)
    const insert = db.prepare(`INSERT INTO apm_spans (trace_id, span_id, parent_id, service, name, resource,
      type, start_ns, duration_ns, error, meta, metrics, llmobs, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    const trace = '6b03fc19000000000abfe71cd4b34a20'
    // Two spans starting together: their insertion order must survive.
    insert.run(
      trace,
      '2',
      '1',
      'svc',
      'chat',
      'chat "q"',
      null,
      T0,
      900,
      1,
      '{"env":"dev","é":"°"}',
      '{"a":0.25,"b":1e-7}',
      1,
      1,
    )
    insert.run(trace, '1', null, 'svc', 'web', 'GET /', 'web', T0, 1000, 0, '{}', '{}', 0, 1)
    db.close()

    const store = openSqliteStore(path)
    const detail = await store.getApmTrace(trace)
    expect(detail?.spans).toStrictEqual([
      {
        spanId: '2',
        parentId: '1',
        traceId: trace,
        service: 'svc',
        name: 'chat',
        resource: 'chat "q"',
        type: null,
        startNs: T0,
        durationNs: 900,
        error: true,
        meta: { env: 'dev', é: '°' },
        metrics: { a: 0.25, b: 1e-7 },
        llmobs: true,
        samplingPriority: null,
      },
      {
        spanId: '1',
        parentId: null,
        traceId: trace,
        service: 'svc',
        name: 'web',
        resource: 'GET /',
        type: 'web',
        startNs: T0,
        durationNs: 1000,
        error: false,
        meta: {},
        metrics: {},
        llmobs: false,
        samplingPriority: null,
      },
    ])
    // The unique key still de-duplicates.
    const summary = await store.write(batch({ apmSpans: [apmSpan({ traceId: trace, spanId: '1' })] }))
    expect(summary.apmSpans).toEqual({ inserted: 0, duplicates: 1 })
    await store.close()

    const reopened = new Database(path)
    expect(reopened.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    const indexes = reopened
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'apm_spans'")
      .pluck()
      .all()
    expect(indexes.sort()).toEqual(['apm_spans_start', 'apm_spans_trace_span'])
    reopened.close()
  })

  it('5: gives stored APM spans their own sampling priority, where they carried one', async () => {
    const path = join(dir, 'v4.db')
    const db = new Database(path)
    applyMigrations(db, 4)
    const insert = db.prepare(
      'INSERT INTO apm_spans (trace_id, span_id, start_ns, span, received_ms) VALUES (?, ?, ?, ?, 1)',
    )
    const trace = '6b03fc19000000000abfe71cd4b34a20'
    for (const [spanId, metrics] of [
      ['1', { _sampling_priority_v1: -1 }],
      ['2', { _sampling_priority_v1: 2 }],
      ['3', {}],
      ['4', { _sampling_priority_v1: 'x' }],
    ] as const) {
      insert.run(trace, spanId, T0, apmSpan({ spanId, metrics: metrics as Record<string, number> }).spanJson)
    }
    db.close()

    const store = openSqliteStore(path)
    const detail = await store.getApmTrace(trace)
    expect(detail?.spans.map((s) => [s.spanId, s.samplingPriority])).toEqual([
      ['1', -1],
      ['2', 2],
      ['3', null],
      ['4', null],
    ])
    await store.close()
  })
})
