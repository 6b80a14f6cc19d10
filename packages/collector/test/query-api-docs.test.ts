// Keeps the query API reference in packages/collector/README.md honest. The endpoints, parameters,
// defaults, limits, errors and answer shapes are read from the README, then checked against a real
// collector process: the endpoints it registers (`GET /api`, built from its routes as they are
// registered) must be exactly the documented ones with exactly the documented parameters, every
// documented parameter must be accepted and must refuse a malformed value with the documented 400,
// and every answer must have exactly the documented fields. An undocumented route, parameter or
// field fails here; so does a documented one that is gone.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CollectorProcess } from '../../../test/helpers/collector-process.js'
import { startCollectorProcess } from '../../../test/helpers/collector-process.js'
import {
  DEMO,
  evalMetricBody,
  spanEventsDemoBody,
  spanEventsKindsBody,
  v04BodiesWithMetaStruct,
} from './fixtures/captures.js'
import type { Shapes, TypeExpr } from './query-api-docs/parse-docs.js'
import { parseQueryDocs } from './query-api-docs/parse-docs.js'
import { checkShape } from './query-api-docs/check-shape.js'

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const docs = parseQueryDocs(README)

/** Bulk data, so that every documented default `limit` is smaller than what is stored. */
const BULK = 120

/** Path values that exist once the fixtures are stored, and well-formed ones that do not. */
const PRESENT: Record<string, string> = {
  traceId: DEMO.llmobsTraceId,
  spanId: '9000000', // the first bulk span, which carries a span link
  sessionId: 'sess-1',
  apmTraceId: DEMO.apmTraceId,
}
const ABSENT: Record<string, string> = {
  traceId: '0'.repeat(32),
  spanId: '1',
  sessionId: 'no-such-session',
  apmTraceId: '1'.repeat(32),
}

/** Per documented type: values it must accept and values it must refuse with a 400. */
const TYPES: Record<string, { valid: string[]; invalid: string[] }> = {
  string: { valid: ['no-such-value'], invalid: [] },
  boolean: { valid: ['true', '1', 'false', '0'], invalid: ['maybe', 'yes'] },
  time: {
    valid: [
      '1795423257103140900', // ns
      '1795423257103140', // µs
      '1795423257103', // ms
      '2026-11-24T05:00:00Z',
      ...['500ms', '90s', '15m', '1.5h', '7d', '2w'],
    ],
    invalid: ['yesterday-ish', '3 fortnights'],
  },
  'trace id': { valid: [DEMO.llmobsTraceId, BigInt('0x' + DEMO.llmobsTraceId).toString()], invalid: ['xyz'] },
  'span id': { valid: [DEMO.chatSpanId], invalid: ['12ab', '-1'] },
  cursor: { valid: [], invalid: [] }, // checked by walking pages, below
}

function typeOf(type: string): { valid: string[]; invalid: string[] } {
  const range = /^integer (\d+)–(\d+)$/.exec(type)
  if (range !== null) {
    const [min, max] = [Number(range[1]), Number(range[2])]
    return { valid: [String(min), String(max)], invalid: [String(min - 1), String(max + 1), '1.5', 'ten'] }
  }
  const known = TYPES[type]
  if (known === undefined)
    throw new Error(`README documents a parameter type this test does not know: ${type}`)
  return known
}

let collector: CollectorProcess

async function get(path: string): Promise<{ status: number; json: any; headers: Headers }> {
  const response = await fetch(collector.url + path)
  return { status: response.status, json: await response.json(), headers: response.headers }
}

function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`no sample value for the path parameter ${name}`)
    return encodeURIComponent(value)
  })
}

/** The shape check, with every named shape it met recorded, so each documented shape is exercised. */
const shapesMet = new Set<string>()
function expectShape(value: unknown, type: TypeExpr, shapes: Shapes, where: string): void {
  const problems = checkShape(value, type, shapes, shapesMet)
  expect(problems, `${where}: the answer differs from the README`).toEqual([])
}

/** The field of a list answer that holds the items (`traces`, `sessions`, `evaluations`). */
function listField(responseType: string): string | undefined {
  const shape = docs.shapes.get(responseType)
  const field = shape?.kind === 'object' ? shape.fields.find((f) => f.type.kind === 'array') : undefined
  return field?.name
}

function bulkSpanEvents(): string {
  const start = 1_795_000_000_000_000_000n
  const spans = Array.from({ length: BULK }, (_, i) => ({
    trace_id: (0xb01c0000 + i).toString(16).padStart(32, '0'),
    span_id: String(9_000_000 + i),
    parent_id: 'undefined',
    name: `bulk-${i}`,
    tags: ['ml_app:bulk', `session_id:bulk-${i}`],
    // Two traces per start time: pages must still neither overlap nor skip.
    start_ns: Number(start + BigInt(Math.floor(i / 2)) * 1_000_000n),
    duration: 1000,
    status: 'ok',
    session_id: `bulk-${i}`,
    meta: { 'span.kind': 'task', input: { value: `question ${i}` } },
    _dd: {
      span_id: String(9_000_000 + i),
      trace_id: (0xb01c0000 + i).toString(16).padStart(32, '0'),
      apm_trace_id: '',
    },
    metrics: {},
    span_links:
      i === 0
        ? [
            {
              trace_id: DEMO.llmobsTraceId,
              span_id: DEMO.chatSpanId,
              attributes: { from: 'output', to: 'input' },
            },
          ]
        : [],
  }))
  return JSON.stringify([{ '_dd.stage': 'raw', event_type: 'span', spans }])
}

function bulkEvaluations(): string {
  const metrics = Array.from({ length: BULK }, (_, i) => ({
    join_on: {
      span: { span_id: String(9_000_000 + i), trace_id: (0xb01c0000 + i).toString(16).padStart(32, '0') },
    },
    label: 'bulk',
    metric_type: 'score',
    ml_app: 'bulk',
    score_value: i / BULK,
    timestamp_ms: 1_795_000_000_000 + i,
    tags: ['ml_app:bulk'],
  }))
  return JSON.stringify({ data: { type: 'evaluation_metric', attributes: { metrics } } })
}

describe('the query API reference in packages/collector/README.md', () => {
  beforeAll(async () => {
    collector = await startCollectorProcess()
    const send = async (method: string, path: string, body: string | Uint8Array, type: string) => {
      const response = await fetch(collector.url + path, { method, headers: { 'content-type': type }, body })
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
    }
    await send('POST', '/api/v2/llmobs', spanEventsDemoBody(), 'application/json')
    await send('POST', '/api/v2/llmobs', spanEventsKindsBody(), 'application/json')
    await send('POST', '/api/v2/llmobs', bulkSpanEvents(), 'application/json')
    await send('POST', '/api/intake/llm-obs/v2/eval-metric', evalMetricBody(), 'application/json')
    await send('POST', '/api/intake/llm-obs/v2/eval-metric', bulkEvaluations(), 'application/json')
    for (const body of v04BodiesWithMetaStruct({ submitted: true }))
      await send('PUT', '/v0.4/traces', body, 'application/msgpack')
  })
  afterAll(async () => {
    await collector?.stop()
  })

  it('documents exactly the endpoints and query parameters the running collector registers', async () => {
    const index = await get('/api')
    expect(index.status).toBe(200)
    const served = (index.json.endpoints as Array<{ method: string; path: string; params: string[] }>)
      .map((e) => `${e.method} ${e.path} ? ${[...e.params].sort().join(', ')}`)
      .sort()
    const documented = docs.endpoints
      .map((e) => {
        const query = e.params.filter((p) => p.in === 'query').map((p) => p.name)
        return `${e.method} ${e.path} ? ${query.sort().join(', ')}`
      })
      .sort()
    expect(documented).toEqual(served)
  })

  it('documents the path parameters each path has', () => {
    for (const endpoint of docs.endpoints) {
      const inPath = [...endpoint.path.matchAll(/:(\w+)/g)].map((m) => m[1])
      const documented = endpoint.params.filter((p) => p.in === 'path').map((p) => p.name)
      expect(documented, endpoint.path).toEqual(inPath)
    }
  })

  it('documents a known answer shape for every endpoint', () => {
    for (const endpoint of docs.endpoints)
      expect(docs.shapes.has(endpoint.response), `${endpoint.path} answers ${endpoint.response}`).toBe(true)
  })

  describe.each(docs.endpoints.map((e) => [`${e.method} ${e.path}`, e] as const))('%s', (_, endpoint) => {
    const base = () => fillPath(endpoint.path, PRESENT)
    const response: TypeExpr = { kind: 'ref', name: endpoint.response }
    const queryParams = endpoint.params.filter((p) => p.in === 'query')
    const pathParams = endpoint.params.filter((p) => p.in === 'path')

    it('answers 200 with the documented shape', async () => {
      const answer = await get(base())
      expect(answer.status, JSON.stringify(answer.json)).toBe(200)
      expectShape(answer.json, response, docs.shapes, base())
    })

    it('refuses a parameter it does not take, and a repeated one, with 400', async () => {
      const unknown = await get(`${base()}?notAParameter=1`)
      expect(unknown.status).toBe(400)
      expect(unknown.json.error).toMatch(/^unknown parameter notAParameter: GET /)
      for (const param of queryParams) {
        const twice = await get(`${base()}?${param.name}=a&${param.name}=b`)
        expect(twice).toMatchObject({ status: 400, json: { error: `${param.name} must be given once` } })
      }
    })

    if (endpoint.errors.includes(404)) {
      it('answers 404 for what is not stored', async () => {
        const answer = await get(fillPath(endpoint.path, { ...PRESENT, ...ABSENT }))
        expect(answer.status).toBe(404)
        expect(answer.json.error).toMatch(/ not found$/)
      })
    }

    for (const param of pathParams) {
      const { invalid } = typeOf(param.type)
      if (invalid.length === 0) continue
      it(`refuses a malformed path parameter ${param.name} with 400`, async () => {
        expect(endpoint.errors).toContain(400)
        for (const value of invalid) {
          const answer = await get(fillPath(endpoint.path, { ...PRESENT, [param.name]: value }))
          expect(answer.status, value).toBe(400)
          expect(answer.json.error, value).toMatch(new RegExp(`^${param.name} must `))
        }
      })
    }

    for (const param of queryParams) {
      const { valid, invalid } = typeOf(param.type)
      if (valid.length > 0) {
        it(`accepts ${param.name} as ${param.type}`, async () => {
          for (const value of valid) {
            const path = `${base()}?${param.name}=${encodeURIComponent(value)}`
            const answer = await get(path)
            expect(answer.status, `${path}: ${JSON.stringify(answer.json)}`).toBe(200)
            expectShape(answer.json, response, docs.shapes, path)
          }
        })
      }
      if (invalid.length > 0) {
        it(`refuses a malformed ${param.name} with the documented 400`, async () => {
          expect(endpoint.errors).toContain(400)
          for (const value of invalid) {
            const answer = await get(`${base()}?${param.name}=${encodeURIComponent(value)}`)
            expect(answer.status, value).toBe(400)
            expect(answer.json.error, value).toMatch(new RegExp(`^${param.name} must `))
          }
        })
      }
      const field = listField(endpoint.response)
      if (param.type === 'string' && field !== undefined) {
        it(`filters by ${param.name}`, async () => {
          expect((await get(base())).json[field].length).toBeGreaterThan(0)
          expect((await get(`${base()}?${param.name}=no-such-value`)).json[field]).toEqual([])
        })
      }
      if (param.name === 'limit' && field !== undefined) {
        it(`answers at most the documented default limit (${param.default}) items`, async () => {
          const fallback = Number(param.default)
          expect(Number.isInteger(fallback), `documented default of limit: ${param.default}`).toBe(true)
          const all = (await get(`${base()}?limit=1000`)).json[field] as unknown[]
          expect(all.length).toBeGreaterThan(fallback)
          expect((await get(base())).json[field]).toHaveLength(fallback)
          expect((await get(`${base()}?limit=3`)).json[field]).toHaveLength(3)
        })
      }
      if (param.type === 'cursor' && field !== undefined) {
        it('pages through everything with nextCursor, newest first, without overlap or gaps', async () => {
          const all = (await get(`${base()}?limit=1000`)).json
          expect(all.nextCursor).toBeNull()
          const seen: unknown[] = []
          let cursor: string | null = null
          do {
            const page: any = (await get(`${base()}?limit=7${cursor === null ? '' : `&cursor=${cursor}`}`))
              .json
            expect(page[field].length).toBeLessThanOrEqual(7)
            seen.push(...page[field])
            cursor = page.nextCursor
          } while (cursor !== null)
          expect(seen).toEqual(all[field])
        })
        it('answers an empty last page for a cursor that does not decode', async () => {
          expect((await get(`${base()}?cursor=not-a-cursor`)).json).toMatchObject({
            [field]: [],
            nextCursor: null,
          })
        })
      }
    }
  })

  it('exercised every documented answer shape with a value', () => {
    // Runs last (tests in a file run in order): the shapes the answers above really contained.
    expect([...docs.shapes.keys()].filter((name) => !shapesMet.has(name))).toEqual([])
  })
})
