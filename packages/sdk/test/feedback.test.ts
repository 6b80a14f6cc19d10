import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { validateEvaluationsBody } from '@llmobs/protocol'
import { describe, expect, it } from 'vitest'
import { setup } from './support.js'

// The capture of dd-trace 5.132.0's eval-metric request, committed beside the golden tests.
const REFERENCE = fileURLToPath(new URL('./golden/captures/REF-eval-metric.demo.json', import.meta.url))

/** The feedback dd-trace 5.132 sent in the reference capture (protocol §3). */
function referenceFeedback(): Record<string, unknown> {
  const payload = JSON.parse(readFileSync(REFERENCE, 'utf8')) as {
    data: { attributes: { metrics: Array<Record<string, unknown>> } }
  }
  const found = payload.data.attributes.metrics.find((m) => m.event_kind === 'feedback')
  if (found === undefined) throw new Error('the reference capture has no feedback')
  return found
}

const submitter = { id: 'user-42', type: 'human' }

describe('submitFeedback()', () => {
  it('names exactly one target: a span, a trace, a session or a feedback join key', () => {
    const { llmobs, exporter } = setup({ mlApp: 'config-app' })
    let exported: { spanId: string; traceId: string } | undefined
    llmobs.trace({ kind: 'workflow', name: 'answer', mlApp: 'span-app', sessionId: 's-1' }, (span) => {
      exported = llmobs.exportSpan(span)
      llmobs.submitFeedback(span, { label: 'thumbs', metricType: 'boolean', value: true, submitter })
    })
    const ids = exported!
    llmobs.submitFeedback(ids, { label: 'stars', metricType: 'score', value: 4, submitter })
    llmobs.submitFeedback(
      { spanId: ids.spanId },
      { label: 'tone', metricType: 'categorical', value: 'rude', submitter },
    )
    llmobs.submitFeedback(
      { traceId: ids.traceId },
      { label: 'solved', metricType: 'json', value: { ok: 1 }, submitter },
    )
    llmobs.submitFeedback({ sessionId: 's-1' }, { label: 'nps', metricType: 'score', value: 9, submitter })
    llmobs.submitFeedback(
      { feedbackJoinKey: 'msg-7' },
      { label: 'correction', metricType: 'text', value: 'Paris, not Lyon', submitter: { id: 'u' } },
    )
    const [handle, exportedSpan, bySpanId, byTrace, bySession, byKey] = exporter.feedback
    expect(handle).toMatchObject({
      event_kind: 'feedback',
      span_id: ids.spanId,
      ml_app: 'span-app',
      boolean_value: true,
    })
    expect(exportedSpan).toMatchObject({ span_id: ids.spanId, ml_app: 'config-app', score_value: 4 })
    expect(exportedSpan).not.toHaveProperty('trace_id')
    expect(bySpanId).toMatchObject({ span_id: ids.spanId, categorical_value: 'rude' })
    expect(byTrace).toMatchObject({ trace_id: ids.traceId, json_value: { ok: 1 } })
    expect(bySession).toMatchObject({ session_id: 's-1', score_value: 9 })
    expect(byKey).toMatchObject({
      feedback_join_key: 'msg-7',
      text_value: 'Paris, not Lyon',
      submitter: { id: 'u' },
    })
    // Each names one target, and the collector's validator accepts them all.
    for (const metric of exporter.feedback) {
      const targets = ['span_id', 'trace_id', 'session_id', 'feedback_join_key'].filter((k) => k in metric)
      expect(targets).toHaveLength(1)
    }
    const body = { data: { type: 'evaluation_metric', attributes: { metrics: exporter.feedback } } }
    expect(validateEvaluationsBody(body).ok).toBe(true)
    expect(exporter.evaluations).toEqual([])
  })

  it("writes dd-trace's fields in dd-trace's order", () => {
    const { llmobs, exporter } = setup({ mlApp: 'demo' })
    const reference = referenceFeedback()
    llmobs.submitFeedback(
      { spanId: reference.span_id as string },
      {
        label: 'thumbs',
        metricType: 'boolean',
        value: true,
        submitter,
        timestampMs: reference.timestamp_ms as number,
      },
    )
    const [sent] = exporter.feedback
    expect(Object.keys(sent!)).toEqual(Object.keys(reference))
    expect({ ...sent, tags: [] }).toEqual({ ...reference, tags: [] })
    expect(sent!.tags).toContain('ml_app:demo')
  })

  it('keeps reasoning, assessment, metadata and tags', () => {
    const { llmobs, exporter } = setup()
    llmobs.submitFeedback(
      { sessionId: 's' },
      {
        label: 'helpful',
        metricType: 'categorical',
        value: 'yes',
        submitter,
        reasoning: 'answered at once',
        assessment: 'pass',
        metadata: { channel: 'widget' },
        tags: { plan: 'pro' },
      },
    )
    expect(exporter.findFeedback('helpful')[0]).toMatchObject({
      reasoning: 'answered at once',
      assessment: 'pass',
      metadata: { channel: 'widget' },
    })
    expect(exporter.findFeedback('helpful')[0]?.tags).toContain('plan:pro')
  })

  it('does not send invalid feedback, with one clear diagnostic per problem', () => {
    const { llmobs, exporter, warnings } = setup()
    const ids = { spanId: '1', traceId: '6b03fc19000000007953b531107242bf' }
    const cases: Array<[unknown, unknown, RegExp]> = [
      [ids, { label: 'x', metricType: 'boolean', value: true }, /submitter must be \{ id: string/],
      [ids, { label: 'x', metricType: 'boolean', value: true, submitter: { id: '' } }, /submitter must be/],
      [
        { sessionId: 's', feedbackJoinKey: 'k' },
        { label: 'x', metricType: 'text', value: 't', submitter },
        /exactly one of .* it names sessionId and feedbackJoinKey/,
      ],
      [{}, { label: 'x', metricType: 'text', value: 't', submitter }, /has none of these fields/],
      [
        { traceId: 'nope' },
        { label: 'x', metricType: 'text', value: 't', submitter },
        /traceId must be an LLMObs trace id/,
      ],
      [
        { feedbackJoinKey: 'k'.repeat(300) },
        { label: 'x', metricType: 'text', value: 't', submitter },
        /at most 256 characters/,
      ],
      [ids, { label: 'a.b', metricType: 'text', value: 't', submitter }, /must not contain "\."/],
      [
        ids,
        { label: 'x', metricType: 'text', value: 3, submitter },
        /value must be a string for a text metric/,
      ],
      [
        ids,
        { label: 'x', metricType: 'stars', value: 3, submitter },
        /metricType must be one of categorical, score, boolean, json, text/,
      ],
      [
        ids,
        'thumbs up',
        /submitFeedback\(\) needs options \{ label, metricType, value, submitter: \{ id \} \}/,
      ],
    ]
    for (const [target, options, expected] of cases) {
      const before = warnings().length
      llmobs.submitFeedback(target as never, options as never)
      const said = warnings().slice(before)
      expect(said.length, String(expected)).toBeGreaterThan(0)
      expect(said.join('\n')).toMatch(expected)
      for (const m of said)
        expect(m).toMatch(/^submitFeedback\(\): .* The feedback was not sent\. \[invalid_\w+\]$/)
    }
    expect(exporter.feedback).toEqual([])
  })

  it('throws in strict mode instead, naming every problem', () => {
    const { llmobs } = setup({ strict: true })
    expect(() =>
      llmobs.submitFeedback({ sessionId: 's' }, { label: 'x', metricType: 'text', value: 1 } as never),
    ).toThrow(/value must be a string for a text metric.*submitter must be/)
  })
})

describe('feedback join key on spans', () => {
  it('travels as the span tag feedback_join_key, from annotate() or the span options', () => {
    const { llmobs, exporter, warnings } = setup()
    llmobs.trace({ kind: 'llm', name: 'by-option', feedbackJoinKey: 'msg-1' }, () => 1)
    llmobs.trace({ kind: 'llm', name: 'by-annotate' }, (span) => span.annotate({ feedbackJoinKey: 'msg-2' }))
    llmobs.trace({ kind: 'task', name: 'bad', tags: { team: 'a' } }, (span) =>
      span.annotate({ feedbackJoinKey: 42 as unknown as string }),
    )
    expect(exporter.findSpan('by-option')?.tags).toContain('feedback_join_key:msg-1')
    expect(exporter.findSpan('by-annotate')?.tags).toContain('feedback_join_key:msg-2')
    expect(exporter.findSpan('bad')?.tags.some((t) => t.startsWith('feedback_join_key:'))).toBe(false)
    expect(exporter.findSpan('bad')?.tags).toContain('team:a')
    expect(warnings().join('\n')).toMatch(
      /feedbackJoinKey must be a non-empty string, got number; it was not recorded/,
    )
  })
})
