import { readFileSync } from 'node:fs'
import type { EvaluationMetric, SpanEvent } from '@llmobs/protocol'
import { createTestLLMObs } from '@llmobs/sdk/testing'
import { describe, expect, it } from 'vitest'
import { normalizeEvaluations, normalizeEvents, spansOf } from './normalize-event.js'

const capture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./captures/${name}`, import.meta.url), 'utf8'))

/**
 * The workload dd-trace ran for REF-llmobs-spans.demo.json and REF-eval-metric.demo.json, through
 * our SDK: a workflow "wf" with an llm child "chat", a background task started in "wf" that ends
 * after it, and evaluations of both spans.
 */
async function runDemo() {
  const { llmobs, exporter } = createTestLLMObs({
    mlApp: 'demo',
    service: 'demo-svc',
    env: 'dev',
    version: '1.0.0',
  })
  let background!: Promise<unknown>
  await llmobs.trace({ kind: 'workflow', name: 'wf', sessionId: 'sess-1' }, async (wf) => {
    await llmobs.trace(
      { kind: 'llm', name: 'chat', modelName: 'gpt-4o', modelProvider: 'openai' },
      async (chat) => {
        chat.annotate({
          inputData: [{ role: 'user', content: 'hi' }],
          outputData: [{ role: 'assistant', content: 'yo' }],
          metrics: { inputTokens: 3, outputTokens: 2 },
        })
        llmobs.submitEvaluation(llmobs.exportSpan(chat)!, {
          label: 'accuracy',
          metricType: 'score',
          value: 0.87,
          reasoning: 'close',
          metadata: { judge: 'gpt' },
          assessment: 'pass',
        })
      },
    )
    wf.annotate({
      inputData: 'question?',
      outputData: 'answer!',
      metadata: { temperature: 0.1 },
      tags: { team: 'x' },
    })
    llmobs.submitEvaluation(llmobs.exportSpan(wf)!, {
      label: 'sentiment',
      metricType: 'categorical',
      value: 'positive',
      tags: { evaluator: 'me' },
    })
    background = new Promise((resolve) => setTimeout(resolve, 20)).then(() =>
      llmobs.trace({ kind: 'task', name: 'bg-task' }, (task) =>
        task.annotate({ inputData: 'late', outputData: 'done' }),
      ),
    )
  })
  await background
  return exporter
}

describe('golden: REF-llmobs-spans.demo.json', () => {
  it('produces the same span events as dd-trace, field by field and in key order', async () => {
    const exporter = await runDemo()
    const expected = normalizeEvents(
      spansOf(capture('REF-llmobs-spans.demo.json') as Array<{ spans: SpanEvent[] }>),
    )
    const actual = normalizeEvents(exporter.events)
    expect(actual.map((e) => e.name)).toEqual(['chat', 'wf', 'bg-task'])
    expect(actual).toEqual(expected)
    for (let i = 0; i < actual.length; i++)
      expect(JSON.stringify(actual[i])).toBe(JSON.stringify(expected[i]))
  })

  it('produces the same evaluation metrics as dd-trace', async () => {
    const exporter = await runDemo()
    const payload = capture('REF-eval-metric.demo.json') as {
      data: { attributes: { metrics: EvaluationMetric[] } }
    }
    const expectedEvents = spansOf(capture('REF-llmobs-spans.demo.json') as Array<{ spans: SpanEvent[] }>)
    // The capture also holds a feedback metric (submitFeedback), which is not part of this API.
    const evaluations = payload.data.attributes.metrics.filter((m) => m.event_kind === 'evaluation')
    const expected = normalizeEvaluations(evaluations, expectedEvents)
    const actual = normalizeEvaluations(exporter.evaluations, exporter.events)
    const byLabel = (list: Record<string, any>[]) => Object.fromEntries(list.map((m) => [m.label, m]))
    expect(byLabel(actual)).toEqual(byLabel(expected))
    for (const metric of actual) {
      expect(JSON.stringify(metric)).toBe(JSON.stringify(byLabel(expected)[metric.label]))
    }
  })
})
