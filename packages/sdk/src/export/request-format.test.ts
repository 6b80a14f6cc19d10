import { describe, expect, it } from 'vitest'
import { EVALUATIONS_FORMAT, maxItemBytes, spanEventsFormat } from './request-format.js'

describe('request formats', () => {
  it('wraps each span event in its own envelope inside one JSON array', () => {
    const f = spanEventsFormat('1.2.3')
    const body = f.open + ['{"span_id":"1"}', '{"span_id":"2"}'].join(f.separator) + f.close
    expect(JSON.parse(body)).toEqual([
      { '_dd.stage': 'raw', '_dd.tracer_version': '1.2.3', event_type: 'span', spans: [{ span_id: '1' }] },
      { '_dd.stage': 'raw', '_dd.tracer_version': '1.2.3', event_type: 'span', spans: [{ span_id: '2' }] },
    ])
  })

  it('puts every evaluation of a batch into one payload', () => {
    const f = EVALUATIONS_FORMAT
    const body = f.open + ['{"label":"a"}', '{"label":"b"}'].join(f.separator) + f.close
    expect(JSON.parse(body)).toEqual({
      data: { type: 'evaluation_metric', attributes: { metrics: [{ label: 'a' }, { label: 'b' }] } },
    })
  })

  it('knows the largest item a request can hold', () => {
    const f = spanEventsFormat('0.1.0')
    expect(maxItemBytes(f, 1000)).toBe(1000 - Buffer.byteLength(f.open) - Buffer.byteLength(f.close))
  })
})
