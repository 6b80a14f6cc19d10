/**
 * What a tracer in `apm-agent` / `apm-agentless` mode sends (protocol §4), built from one small trace:
 * an APM-only `web` root, and under it the LLMObs spans `wf` (workflow), `chat` (llm) and `tool`, each
 * an APM span carrying its event in `meta_struct["_llmobs"]`. Chunks are cut as a partial flush cuts
 * them, `_dd.p.tid` and `_sampling_priority_v1` on the first span of each chunk only; a rescued chunk
 * tags its LLMObs spans `_dd.llmobs.submitted:1`, and their events go as EVP span events instead.
 */
import { encode } from '@msgpack/msgpack'
import type { ApmSpan, DecodedApmSpan, LLMObsStruct, SpanEvent } from '@llmobs/protocol'
import {
  LLMOBS_SUBMITTED_TAG,
  META_STRUCT_LLMOBS_KEY,
  SAMPLING_PRIORITY_METRIC,
  TRACE_ID_HIGH_TAG,
  encodeV02TracesJson,
  encodeV04Traces,
  toDecimal,
  toHex32,
} from '@llmobs/protocol'

export type SpanName = 'web' | 'wf' | 'chat' | 'tool'

export interface DemoTrace {
  /** 32 hex: `_dd.p.tid` + the low 64 bits. */
  apmTraceId: string
  /** What a collector that lost the high half would file the spans under. */
  lowOnlyTraceId: string
  llmobsTraceId: string
  spanIds: Record<SpanName, string>
  /** The APM spans, each LLMObs one with its struct (a plain object), no chunk tags yet. */
  spans: Record<SpanName, DecodedApmSpan>
}

const LLMOBS: Record<Exclude<SpanName, 'web'>, { kind: string; parent: SpanName | undefined }> = {
  wf: { kind: 'workflow', parent: undefined },
  chat: { kind: 'llm', parent: 'wf' },
  tool: { kind: 'tool', parent: 'wf' },
}

/** A trace whose ids all depend on `seed`, so each test gets its own. Span ids exceed 2^53. */
export function demoTrace(seed: number): DemoTrace {
  const high = 0x6b03fc1a00000000n
  const low = 0xa000000000000000n + BigInt(seed) * 0x1000n + 0x123n
  const ids: Record<SpanName, bigint> = {
    web: low,
    wf: 0xf000000000000000n + BigInt(seed) * 16n + 1n,
    chat: 0xf000000000000000n + BigInt(seed) * 16n + 2n,
    tool: 0xf000000000000000n + BigInt(seed) * 16n + 3n,
  }
  const llmobsTraceId = toHex32(high, 0x7953b531107242b0n + BigInt(seed))
  // Multiples of 1024 ns: exact as JSON numbers, so EVP events and APM spans agree to the nanosecond.
  const start = 1_795_423_257_000_000_000n + BigInt(seed) * 1_048_576n
  const span = (name: SpanName, parent: bigint, offset: number): DecodedApmSpan => ({
    trace_id: low,
    span_id: ids[name],
    parent_id: parent,
    name,
    resource: name,
    service: 'svc',
    type: name === 'web' ? 'web' : 'llm',
    error: 0,
    start: start + BigInt(offset) * 1024n,
    duration: 4096n * BigInt(10 - offset),
    meta: { env: 'dev' },
    metrics: {},
  })
  const spans: Record<SpanName, DecodedApmSpan> = {
    web: span('web', 0n, 0),
    wf: span('wf', ids.web, 1),
    chat: span('chat', ids.wf, 2),
    tool: span('tool', ids.wf, 3),
  }
  for (const [name, { kind, parent }] of Object.entries(LLMOBS) as Array<
    [Exclude<SpanName, 'web'>, (typeof LLMOBS)['wf']]
  >) {
    const struct: LLMObsStruct = {
      name,
      trace_id: llmobsTraceId,
      parent_id: parent === undefined ? 'undefined' : toDecimal(ids[parent]),
      ml_app: 'apm-modes',
      tags: { ml_app: 'apm-modes', service: 'svc', env: 'dev', source: 'integration' },
      meta: {
        span: { kind },
        input:
          kind === 'llm' ? { messages: [{ role: 'user', content: `q${seed}` }] } : { value: `in ${name}` },
        output:
          kind === 'llm' ? { messages: [{ role: 'assistant', content: 'a' }] } : { value: `out ${name}` },
      },
      metrics: kind === 'llm' ? { input_tokens: 3, output_tokens: 1 } : {},
      _dd: { sample_rate: '1', sampling_decision: '1' },
    }
    spans[name].meta_struct = { [META_STRUCT_LLMOBS_KEY]: struct as unknown as Record<string, unknown> }
  }
  const decimal = (n: bigint): string => toDecimal(n)
  return {
    apmTraceId: toHex32(high, low),
    lowOnlyTraceId: toHex32(0n, low),
    llmobsTraceId,
    spanIds: { web: decimal(ids.web), wf: decimal(ids.wf), chat: decimal(ids.chat), tool: decimal(ids.tool) },
    spans,
  }
}

export interface ChunkOptions {
  /** `_sampling_priority_v1` of the chunk's first span; default 1 (kept). */
  priority?: number
  /**
   * The rescue rule: LLMObs spans tagged `_dd.llmobs.submitted:1`. `'strip'` removes their struct
   * (what the SDK does); `'keep'` leaves a stale one in, which an intake must ignore.
   */
  submitted?: 'strip' | 'keep'
}

/** One chunk of `trace`'s spans, as a partial flush sends it: chunk tags on the first span only. */
export function chunk(
  trace: DemoTrace,
  names: readonly SpanName[],
  options: ChunkOptions = {},
): DecodedApmSpan[] {
  return names.map((name, i) => {
    const source = trace.spans[name]
    const span: DecodedApmSpan = { ...source, meta: { ...source.meta }, metrics: { ...source.metrics } }
    if (i === 0) {
      span.meta[TRACE_ID_HIGH_TAG] = trace.apmTraceId.slice(0, 16)
      span.metrics[SAMPLING_PRIORITY_METRIC] = options.priority ?? 1
    }
    if (options.submitted !== undefined && source.meta_struct !== undefined) {
      span.meta[LLMOBS_SUBMITTED_TAG] = '1'
      if (options.submitted === 'strip') delete span.meta_struct
      else span.meta_struct = { _llmobs: { ...(source.meta_struct._llmobs as object), name: 'stale-copy' } }
    }
    return span
  })
}

/** A `/v0.4/traces` body: the structs as msgpack bytes, as on the wire. */
export function v04Body(
  chunks: readonly DecodedApmSpan[][],
  options: { referencePath?: boolean } = {},
): Uint8Array {
  return encodeV04Traces(
    chunks.map((spans) =>
      spans.map((span, i): ApmSpan => {
        const { meta_struct, ...rest } = span
        const out: ApmSpan = { ...rest }
        if (meta_struct !== undefined) {
          out.meta_struct = Object.fromEntries(Object.entries(meta_struct).map(([k, v]) => [k, encode(v)]))
        }
        // Host span links are left to the collector's reference decoder: this sends the body there.
        if (options.referencePath === true && i === 0) out.span_links = [{ trace_id: 1n, span_id: 2n }]
        return out
      }),
    ),
  )
}

/** A `/api/v0.2/traces` body (JSON). */
export function v02Body(chunks: readonly DecodedApmSpan[][]): string {
  return encodeV02TracesJson(chunks)
}

/**
 * The EVP span events (`/evp_proxy/v2/api/v2/llmobs`) of the named LLMObs spans, as the SDK's LLMObs
 * writer sends a rescued span: the same ids and times as its APM span. `rename` changes each name so a
 * test can tell which copy was stored.
 */
export function evpBody(
  trace: DemoTrace,
  names: ReadonlyArray<Exclude<SpanName, 'web'>>,
  options: { rename?: string; withoutApmTraceId?: boolean } = {},
): string {
  const spans: SpanEvent[] = names.map((name) => {
    const host = trace.spans[name]
    const struct = host.meta_struct?._llmobs as unknown as LLMObsStruct
    const { span: kind, ...meta } = struct.meta
    const tags = Object.entries(struct.tags ?? {}).map(([k, v]) => `${k}:${v}`)
    tags.push('error:0')
    return {
      trace_id: struct.trace_id,
      span_id: toDecimal(host.span_id),
      parent_id: struct.parent_id,
      name: options.rename === undefined ? name : `${options.rename}-${name}`,
      tags,
      start_ns: Number(host.start),
      duration: Number(host.duration),
      status: 'ok',
      meta: { ...meta, 'span.kind': kind.kind, input: meta.input ?? {}, output: meta.output ?? {} },
      metrics: struct.metrics ?? {},
      _dd: {
        span_id: toDecimal(host.span_id),
        trace_id: options.withoutApmTraceId === true ? '' : trace.apmTraceId,
        apm_trace_id: options.withoutApmTraceId === true ? '' : trace.apmTraceId,
        sample_rate: '1',
        sampling_decision: '1',
      },
    } as SpanEvent
  })
  return JSON.stringify(spans.map((span) => ({ '_dd.stage': 'raw', event_type: 'span', spans: [span] })))
}
