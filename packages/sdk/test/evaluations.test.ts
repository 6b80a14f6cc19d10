import { describe, expect, it } from 'vitest'
import { setup } from './support.js'

describe('submitEvaluation()', () => {
  it('joins on a span handle with the span ml_app, an exported span, or a tag', () => {
    const { llmobs, exporter } = setup({ mlApp: 'config-app' })
    llmobs.trace({ kind: 'workflow', name: 'judged', mlApp: 'span-app' }, (span) => {
      llmobs.submitEvaluation(span, { label: 'by_handle', metricType: 'score', value: 1 })
      llmobs.submitEvaluation(llmobs.exportSpan(span)!, {
        label: 'by_export',
        metricType: 'boolean',
        value: true,
      })
    })
    llmobs.submitEvaluation(
      { tag: { key: 'msg', value: 'm1' } },
      { label: 'by_tag', metricType: 'json', value: { a: 1 } },
    )
    const event = exporter.findSpan('judged')!
    const [byHandle, byExport, byTag] = exporter.evaluations
    expect(byHandle).toMatchObject({
      join_on: { span: { span_id: event.span_id, trace_id: event.trace_id } },
      ml_app: 'span-app',
    })
    expect(byExport).toMatchObject({
      join_on: { span: { span_id: event.span_id, trace_id: event.trace_id } },
      ml_app: 'config-app',
    })
    expect(byTag).toMatchObject({
      join_on: { tag: { key: 'msg', value: 'm1' } },
      json_value: { a: 1 },
      ml_app: 'config-app',
    })
    expect(Math.abs((byTag?.timestamp_ms ?? 0) - Date.now())).toBeLessThan(60_000)
  })

  it('does not send an invalid evaluation, with one diagnostic per problem', () => {
    const { llmobs, exporter, warnings } = setup()
    llmobs.submitEvaluation(
      { spanId: '1', traceId: '6b03fc19000000007953b531107242bf' },
      {
        label: '',
        metricType: 'categorical',
        value: 3 as unknown as string,
        assessment: 'ok' as 'pass',
      },
    )
    expect(exporter.evaluations).toEqual([])
    expect(warnings()).toHaveLength(3)
    expect(
      warnings().every(
        (m) => m.startsWith('submitEvaluation(): ') && m.includes('The evaluation was not sent.'),
      ),
    ).toBe(true)
  })
})
