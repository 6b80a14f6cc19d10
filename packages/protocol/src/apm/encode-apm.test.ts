import { Decoder, encode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import type { ApmSpan, LLMObsStruct } from '../apm.js'
import { decodeV04Traces } from './decode-v04.js'
import { decodeV05Traces } from './decode-v05.js'
import { encodeV04Traces } from './encode-v04.js'
import { encodeV05Traces } from './encode-v05.js'

// The demo trace's root and chat spans as dd-trace 5.132.0 sent them (REF-v04-traces.demo), ids at
// the top of the uint64 range included so both halves of the encoding are exercised.
const root: ApmSpan = {
  trace_id: 774591771944634912n,
  span_id: 774591771944634912n,
  parent_id: 0n,
  name: 'wf',
  resource: 'wf',
  service: 'demo-svc',
  error: 0,
  start: 1795423257101033984n,
  duration: 5718262n,
  meta: { '_dd.p.tid': '6b03fc1900000000', '_dd.p.dm': '-0', env: 'dev', language: 'javascript' },
  metrics: { '_dd.top_level': 1, _sampling_priority_v1: 1, process_id: 8138, '_dd.agent_psr': 0.5 },
}
const struct: LLMObsStruct = {
  name: 'chat',
  trace_id: '6b03fc19000000007953b531107242bf',
  parent_id: '774591771944634912',
  ml_app: 'demo',
  meta: {
    span: { kind: 'llm' },
    model_name: 'gpt-4o',
    input: { messages: [{ role: 'user', content: 'hi 😀' }] },
    output: { messages: [{ role: 'assistant', content: 'yo' }] },
  },
  metrics: { input_tokens: 3, output_tokens: 2 },
}
const chat: ApmSpan = {
  trace_id: 774591771944634912n,
  span_id: 18446744073709551615n,
  parent_id: 774591771944634912n,
  name: 'chat',
  resource: 'chat',
  service: 'demo-svc',
  type: 'llm',
  error: 1,
  start: 1795423257102000000n,
  duration: 1200n,
  meta: { 'error.message': 'boom', 'error.type': 'Error' },
  metrics: {},
  meta_struct: { _llmobs: encode(struct) },
}

describe('encodeV04Traces', () => {
  it('round-trips through the collector decoder, meta_struct as msgpack bin', () => {
    const body = encodeV04Traces([[root, chat]])
    const decoded = decodeV04Traces(body)
    expect(decoded.ok).toBe(true)
    if (!decoded.ok) return
    const [decodedRoot, decodedChat] = decoded.value[0]!
    expect(decodedRoot).toEqual(root)
    expect(decodedChat).toEqual({ ...chat, meta_struct: { _llmobs: struct } })
  })

  it("writes dd-trace's key order, ids as uint64 and the struct as bin", () => {
    const body = encodeV04Traces([[chat]])
    // fixarray(1) fixarray(1) map(13): the first key is trace_id.
    expect([...body.subarray(0, 3)]).toEqual([0x91, 0x91, 0x8d])
    const text = Buffer.from(body).toString('latin1')
    const order = [
      'trace_id',
      'span_id',
      'parent_id',
      'name',
      'resource',
      'service',
      'type',
      'error',
      'start',
      'duration',
      'meta',
      'metrics',
      'meta_struct',
    ]
    const at = order.map((key) => text.indexOf(key))
    expect(at.every((i) => i > 0)).toBe(true)
    expect([...at].sort((a, b) => a - b)).toEqual(at)
    // span_id 2^64-1 as uint64 (0xcf + 8 bytes of 0xff)
    expect(text).toContain('\xcf\xff\xff\xff\xff\xff\xff\xff\xff')
    // meta_struct._llmobs as bin (0xc4/0xc5) holding the struct's own msgpack bytes
    const packed = Buffer.from(encode(struct)).toString('latin1')
    expect(text).toContain(packed)
    const length = packed.length
    const header = length < 256 ? [0xc4, length] : [0xc5, length >> 8, length & 0xff]
    const start = text.indexOf(packed) - header.length
    expect([...text.slice(start, start + header.length)].map((c) => c.charCodeAt(0))).toEqual(header)
  })
})

describe('encodeV05Traces', () => {
  it('round-trips through the collector decoder with one string table', () => {
    const second: ApmSpan = { ...root, span_id: 9n, parent_id: root.span_id, name: 'step', resource: 'step' }
    const body = encodeV05Traces([[root, second]])
    const decoded = decodeV05Traces(body)
    expect(decoded.ok).toBe(true)
    if (!decoded.ok) return
    expect(decoded.value[0]).toEqual([
      { ...root, type: '' },
      { ...second, type: '' },
    ])
  })

  it('writes meta and metrics keys as integer indexes, as the Agent reads them', () => {
    const body = encodeV05Traces([[{ ...root, meta: { env: 'dev' }, metrics: { '_dd.top_level': 1 } }]])
    const raw = new Decoder({ useBigInt64: true }).decode(body) as [string[], unknown[][][]]
    const [table, chunks] = raw
    const span = chunks[0]![0]!
    // The meta map's key is an index into the table; a string key would be "2" here.
    const metaBytes = Buffer.from(body).toString('latin1')
    expect(table[Number(Object.keys(span[9] as object)[0])]).toBe('env')
    expect(metaBytes).not.toContain('\xa1' + String(table.indexOf('env')))
    expect(span).toHaveLength(12)
  })

  it('refuses a span that carries meta_struct: LLM data rides v0.4 only', () => {
    expect(() => encodeV05Traces([[chat]])).toThrow(/meta_struct, which v0\.5 cannot hold: use v0\.4/)
  })
})
