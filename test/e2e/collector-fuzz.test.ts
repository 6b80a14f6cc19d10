import { createHash } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { gzipSync } from 'node:zlib'
import { decode, encode } from '@msgpack/msgpack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  evalMetricBody,
  spanEventsDemoBody,
  spanEventsKindsBody,
  v04BodiesWithMetaStruct,
} from '../../packages/collector/test/fixtures/captures.js'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'

/**
 * Robustness: thousands of malformed, truncated and random bodies at every endpoint of a real
 * collector process, from a seeded PRNG (set LLMOBS_FUZZ_SEED to replay a failure). Afterwards the
 * process must be up and the store exactly as before: no answer is a 5xx, every refusal is a 4xx with
 * a JSON error, and nothing malformed was stored.
 */
const SEED = Number(process.env.LLMOBS_FUZZ_SEED ?? 0x5eed)
const ROUNDS = 3000

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const rng = mulberry32(SEED)
const int = (n: number): number => Math.floor(rng() * n)
const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T

const JSON_SPAN_PATHS = ['/api/v2/llmobs', '/evp_proxy/v2/api/v2/llmobs', '/evp_proxy/v4/api/v2/llmobs']
const JSON_EVAL_PATHS = [
  '/api/intake/llm-obs/v2/eval-metric',
  '/evp_proxy/v2/api/intake/llm-obs/v2/eval-metric',
  '/evp_proxy/v4/api/intake/llm-obs/v1/eval-metric',
]
const MSGPACK_PATHS = ['/v0.4/traces', '/v0.5/traces']
const QUIET_PATHS = ['/telemetry/proxy/api/v2/apmtelemetry', '/v0.7/config', '/dogstatsd/v2/proxy']
const QUERY_PATHS = [
  '/api/traces',
  '/api/evaluations',
  '/api/sessions',
  '/api/stats',
  '/api/traces/',
  '/api/spans/',
  '/api/sessions/',
  '/api/apm/traces/',
]

function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n)
  for (let i = 0; i < n; i++) bytes[i] = int(256)
  return bytes
}

function randomString(): string {
  const alphabet = [
    'a',
    'Z',
    '0',
    '9',
    ':',
    '.',
    '"',
    '\\',
    '%',
    '_',
    '\u00e9',
    '\u{1f600}',
    ' ',
    '\n',
    '\u0000',
  ]
  return Array.from({ length: int(12) }, () => pick(alphabet)).join('')
}

function randomJson(depth = 0): unknown {
  switch (depth > 4 ? int(4) : int(7)) {
    case 0:
      return null
    case 1:
      return rng() < 0.5
    case 2:
      return pick([0, -1, 1.5, 1e308, 2 ** 64, Number.MAX_SAFE_INTEGER])
    case 3:
      return randomString()
    case 4:
    case 5:
      return Array.from({ length: int(4) }, () => randomJson(depth + 1))
    default:
      return Object.fromEntries(
        Array.from({ length: int(4) }, () => [
          pick(['spans', 'data', 'meta', randomString()]),
          randomJson(depth + 1),
        ]),
      )
  }
}

const truncate = (bytes: Uint8Array): Uint8Array => bytes.subarray(0, int(bytes.length))

// Wrong values per field: each one alone makes an otherwise valid body invalid.
const WRONG_SPAN_FIELDS: Record<string, unknown[]> = {
  trace_id: [123, 'xyz', '', null, {}, 'g'.repeat(32)],
  span_id: [-1, 'abc', '1.5', {}, '99999999999999999999999'],
  parent_id: [{}, [], 'zzz', -5],
  name: [null, 5, {}, []],
  start_ns: [-1, 'soon', null, {}],
  duration: [-5, 'long', null, []],
  tags: ['a', [1], {}],
  status: ['bad', 5],
  meta: [null, 'x', [], {}],
  metrics: ['x', [], { a: 'b' }],
  span_links: ['x', [{}], [{ trace_id: 'x' }]],
  session_id: [5, {}, []],
}
const WRONG_EVAL_FIELDS: Record<string, unknown[]> = {
  label: ['', 'a.b', 5],
  metric_type: ['x', 5, null],
  timestamp_ms: [-1, 'now', 1.5],
  join_on: [{}, { span: {} }, { tag: { key: '' } }, 'x'],
  tags: ['x', [1]],
  assessment: ['maybe', 1],
  metadata: ['x', [1]],
  reasoning: [1, {}],
}
const WRONG_APM_FIELDS: Record<string, unknown[]> = {
  trace_id: ['x', 1.5, null, {}],
  span_id: ['x', 2.5, []],
  start: ['x', -1, {}],
  duration: ['x', -7],
  meta: [{ a: [1] }, 'x', [1]],
  metrics: [{ a: 'x' }, 'x'],
  name: [5, {}],
  error: ['x', {}],
  meta_struct: ['x', { _llmobs: new Uint8Array([0xc1]) }, { _llmobs: 5 }, { _llmobs: encode({ meta: {} }) }],
}

function breakSpanEvents(): string {
  const envelopes = JSON.parse(pick([spanEventsDemoBody, spanEventsKindsBody])())
  const span = pick(envelopes as Array<{ spans: Array<Record<string, unknown>> }>).spans[0] as Record<
    string,
    unknown
  >
  const field = pick(Object.keys(WRONG_SPAN_FIELDS))
  span[field] = pick(WRONG_SPAN_FIELDS[field] as unknown[])
  return JSON.stringify(envelopes)
}

function breakEvaluations(): string {
  const body = JSON.parse(evalMetricBody())
  const field = pick(Object.keys(WRONG_EVAL_FIELDS))
  const metrics = body.data.attributes.metrics as Array<Record<string, unknown>>
  // Feedback has no join_on (it names its target at the top level), so only evaluations can break it.
  const metric = pick(field === 'join_on' ? metrics.filter((m) => m.event_kind === 'evaluation') : metrics)
  metric[field] = pick(WRONG_EVAL_FIELDS[field] as unknown[])
  return JSON.stringify(body)
}

function breakApmTraces(): Uint8Array {
  const traces = decode(pick(v04BodiesWithMetaStruct({ submitted: false })), { useBigInt64: true }) as Array<
    Array<Record<string, unknown>>
  >
  const span = pick(traces[0] as Array<Record<string, unknown>>)
  const field = pick(Object.keys(WRONG_APM_FIELDS))
  span[field] = pick(WRONG_APM_FIELDS[field] as unknown[])
  return encode(traces, { useBigInt64: true })
}

/** A span with new ids whose metadata nests deeper than any stack: valid JSON, impossible to store. */
function deeplyNestedSpan(): string {
  const envelopes = JSON.parse(spanEventsDemoBody())
  const span = envelopes[0].spans[0]
  span.trace_id = 'f'.repeat(32)
  span.span_id = String(1 + int(1e9))
  const depth = 200_000
  const text = JSON.stringify(envelopes)
  return text.replace('"model_name":', `"metadata":${'['.repeat(depth)}${']'.repeat(depth)},"model_name":`)
}

const ABSURD_MSGPACK = [
  [0xdd, 0xff, 0xff, 0xff, 0xff], // array32 of 4 billion
  [0xdf, 0xff, 0xff, 0xff, 0xff], // map32 of 4 billion
  [0x91, 0xdb, 0xff, 0xff, 0xff, 0xff, 0x61], // str32 of 4 GiB
  [0x91, 0xc6, 0x7f, 0xff, 0xff, 0xff], // bin32 of 2 GiB
  [0x91, 0x91, 0xc7, 0xff, 0x01], // ext8
  [0xc1],
]

interface Request {
  method: string
  path: string
  body?: Uint8Array | string
  headers: Record<string, string>
  /** The status this request must get, when it is certain. */
  expect?: number
}

const json = { 'content-type': 'application/json' }
const msgpack = { 'content-type': 'application/msgpack' }

function nextRequest(): Request {
  const jsonPath = (): string => pick([...JSON_SPAN_PATHS, ...JSON_EVAL_PATHS])
  switch (int(13)) {
    case 0:
      return {
        method: 'POST',
        path: jsonPath(),
        body: truncate(Buffer.from(pick([spanEventsDemoBody, spanEventsKindsBody, evalMetricBody])())),
        headers: json,
        expect: 400,
      }
    case 1:
      return {
        method: 'PUT',
        path: '/v0.4/traces',
        body: truncate(pick(v04BodiesWithMetaStruct({ submitted: false }))),
        headers: msgpack,
        expect: 400,
      }
    case 2:
      return {
        method: pick(['POST', 'PUT']),
        path: pick([...MSGPACK_PATHS, ...JSON_SPAN_PATHS, ...JSON_EVAL_PATHS]),
        body: randomBytes(int(300)),
        headers: {},
      }
    case 3:
      return { method: 'POST', path: jsonPath(), body: JSON.stringify(randomJson()), headers: json }
    case 4:
      return {
        method: 'POST',
        path: pick(JSON_SPAN_PATHS),
        body: breakSpanEvents(),
        headers: json,
        expect: 400,
      }
    case 5:
      return {
        method: 'POST',
        path: pick(JSON_EVAL_PATHS),
        body: breakEvaluations(),
        headers: json,
        expect: 400,
      }
    case 6:
      return { method: 'PUT', path: '/v0.4/traces', body: breakApmTraces(), headers: msgpack, expect: 400 }
    case 7:
      return { method: 'PUT', path: pick(MSGPACK_PATHS), body: encode(randomJson()), headers: msgpack }
    case 8:
      return {
        method: 'POST',
        path: pick(MSGPACK_PATHS),
        body: new Uint8Array(pick(ABSURD_MSGPACK)),
        headers: msgpack,
        expect: 400,
      }
    case 9:
      // A body that claims gzip but is not, or JSON to a msgpack endpoint.
      return rng() < 0.5
        ? {
            method: 'POST',
            path: jsonPath(),
            body: randomBytes(1 + int(64)),
            headers: { ...json, 'content-encoding': 'gzip' },
            expect: 400,
          }
        : { method: 'PUT', path: pick(MSGPACK_PATHS), body: '[]', headers: json, expect: 415 }
    case 10:
      return {
        method: 'POST',
        path: pick(QUIET_PATHS),
        body: randomBytes(int(100)),
        headers: {},
        expect: 200,
      }
    case 11: {
      const path = pick(QUERY_PATHS)
      const suffix = path.endsWith('/') ? encodeURIComponent(randomString()) || 'x' : ''
      const params = new URLSearchParams()
      for (let i = int(4); i > 0; i--) {
        params.append(
          pick([
            'limit',
            'cursor',
            'since',
            'until',
            'error',
            'q',
            'kind',
            'traceId',
            'spanId',
            'label',
            randomString(),
          ]),
          randomString(),
        )
      }
      return { method: 'GET', path: `${path}${suffix}?${params.toString()}`, headers: {} }
    }
    default:
      return {
        method: 'POST',
        path: jsonPath(),
        body: Buffer.from(randomString() + '\u0000\uffff'),
        headers: json,
        expect: 400,
      }
  }
}

/**
 * Announces a body of `length` bytes and waits for the answer before sending any of it. A server that
 * refuses an oversized body answers 413 and closes the connection; had the client been writing 50 MiB
 * at that moment, its write would fail (EPIPE) before it could read the answer.
 */
function announceBody(url: string, path: string, length: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': length },
    })
    req.on('response', (response) => {
      resolve(response.statusCode as number)
      req.destroy()
    })
    req.on('error', reject)
    req.flushHeaders()
  })
}

describe('collector fuzzing (real process)', () => {
  let collector: CollectorProcess

  async function send(request: Request): Promise<{ status: number; text: string }> {
    const init: RequestInit = { method: request.method, headers: request.headers }
    if (request.body !== undefined) init.body = request.body
    const response = await fetch(collector.url + request.path, init)
    return { status: response.status, text: await response.text() }
  }

  async function snapshot(): Promise<string> {
    const hash = createHash('sha256')
    const { traces } = await collector.query<{ traces: Array<{ traceId: string }> }>('/api/traces?limit=1000')
    hash.update(JSON.stringify(traces))
    for (const { traceId } of traces)
      hash.update(JSON.stringify(await collector.query(`/api/traces/${traceId}`)))
    for (const path of ['/api/stats', '/api/evaluations?limit=1000', '/api/sessions?limit=1000']) {
      hash.update(JSON.stringify(await collector.query(path)))
    }
    return hash.digest('hex')
  }

  beforeAll(async () => {
    collector = await startCollectorProcess()
    const seed: Request[] = [
      { method: 'POST', path: '/api/v2/llmobs', body: spanEventsKindsBody(), headers: json },
      { method: 'POST', path: '/api/intake/llm-obs/v2/eval-metric', body: evalMetricBody(), headers: json },
      ...v04BodiesWithMetaStruct({ submitted: false }).map((body) => ({
        method: 'PUT',
        path: '/v0.4/traces',
        body,
        headers: msgpack,
      })),
    ]
    for (const request of seed) expect((await send(request)).status).toBeLessThan(300)
  })

  afterAll(async () => {
    await collector.stop()
  })

  it(`survives ${ROUNDS} malformed requests (seed ${SEED}) with 4xx answers and an unchanged store`, async () => {
    const before = await snapshot()
    const failures: string[] = []
    const statuses = new Map<number, number>()
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < ROUNDS) {
        next++
        const request = nextRequest()
        const { status, text } = await send(request)
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
        const what = `${request.method} ${request.path} → ${status} ${text.slice(0, 200)}`
        if (status >= 500) failures.push(what)
        else if (request.expect !== undefined && status !== request.expect)
          failures.push(`expected ${request.expect}: ${what}`)
        else if (status >= 400) {
          const error = (JSON.parse(text) as { error?: unknown }).error
          if (typeof error !== 'string' || error === '') failures.push(`no error message: ${what}`)
        }
      }
    }
    await Promise.all(Array.from({ length: 8 }, worker))
    expect(failures.slice(0, 20)).toEqual([])
    expect(collector.alive()).toBe(true)
    expect(await snapshot()).toBe(before)
    // The run exercised refusals, not just quiet answers.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(ROUNDS / 3)
  }, 120_000)

  it('refuses nesting deeper than the stack, gzip bombs, and bodies over the 50 MiB default limit', async () => {
    const before = await snapshot()
    const deep = await send({
      method: 'POST',
      path: '/api/v2/llmobs',
      body: deeplyNestedSpan(),
      headers: json,
    })
    expect(deep.status).toBe(400)
    expect(deep.text).toMatch(/cannot be stored/)
    const bomb = gzipSync(Buffer.alloc(60 * 1024 * 1024, 0x20))
    const bombed = await send({
      method: 'POST',
      path: '/api/v2/llmobs',
      body: bomb,
      headers: { ...json, 'content-encoding': 'gzip' },
    })
    expect(bombed.status).toBe(413)
    expect(await announceBody(collector.url, '/api/v2/llmobs', 50 * 1024 * 1024 + 1)).toBe(413)
    expect(collector.alive()).toBe(true)
    expect(await snapshot()).toBe(before)
  }, 60_000)
})
