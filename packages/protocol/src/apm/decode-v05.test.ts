import { encode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import { decodeV05Traces } from './decode-v05.js'

const pack = (value: unknown): Uint8Array => encode(value, { useBigInt64: true })

const table = ['', 'demo-svc', 'wf', 'web', 'env', 'dev', '_dd.top_level']
const span: unknown[] = [
  1,
  2,
  2,
  774591771944634912n,
  774591771944634912n,
  0,
  1795423257101033984n,
  5718262,
  0,
  { 4: 5 },
  { 6: 1 },
  3,
]

describe('decodeV05Traces', () => {
  it('resolves strings through the table', () => {
    const result = decodeV05Traces(pack([table, [[span]]]))
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value[0]?.[0]).toEqual({
      trace_id: 774591771944634912n,
      span_id: 774591771944634912n,
      parent_id: 0n,
      service: 'demo-svc',
      name: 'wf',
      resource: 'wf',
      type: 'web',
      start: 1795423257101033984n,
      duration: 5718262n,
      error: 0,
      meta: { env: 'dev' },
      metrics: { '_dd.top_level': 1 },
    })
  })

  it('names bad indexes and shapes', () => {
    const outOfTable = [...span]
    outOfTable[1] = 99
    expect(decodeV05Traces(pack([table, [[outOfTable]]]))).toEqual({
      ok: false,
      error: 'traces[0][0][1] is not an index into the string table',
    })
    const badMeta = [...span]
    badMeta[9] = { 4: 'dev' }
    expect(decodeV05Traces(pack([table, [[badMeta]]]))).toEqual({
      ok: false,
      error: 'traces[0][0][9] (meta) must map string-table indexes to indexes',
    })
    expect(decodeV05Traces(pack([table, [[span.slice(0, 11)]]]))).toEqual({
      ok: false,
      error: 'traces[0][0] must be a 12-element span array',
    })
    expect(decodeV05Traces(pack([[1], []]))).toEqual({
      ok: false,
      error: 'string_table must be an array of strings',
    })
    expect(decodeV05Traces(pack([[]]))).toEqual({
      ok: false,
      error: 'body must be a 2-element array [string_table, traces]',
    })
    expect(decodeV05Traces(new Uint8Array([0x92, 0x91])).ok).toBe(false)
  })
})
