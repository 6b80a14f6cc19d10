import { readFileSync } from 'node:fs'
import type { SpanEvent } from '@llmobs/protocol'
import { createTestLLMObs } from '@llmobs/sdk/testing'
import { describe, expect, it } from 'vitest'
import { normalizeEvents, spansOf } from './normalize-event.js'

const capture = JSON.parse(
  readFileSync(new URL('./captures/REF-llmobs-spans.kinds.json', import.meta.url), 'utf8'),
) as Array<{ spans: SpanEvent[] }>

/** The workload dd-trace ran for REF-llmobs-spans.kinds.json: one agent using every other kind. */
async function runKinds() {
  const { llmobs, exporter } = createTestLLMObs({
    mlApp: 'demo',
    service: 'demo-svc',
    env: 'dev',
    version: '1.0.0',
  })
  await llmobs.trace({ kind: 'agent', name: 'my-agent' }, async (agent) => {
    agent.annotate({ inputData: { q: 'weather?' }, metadata: { step: 1 } })
    await llmobs.trace({ kind: 'tool', name: 'get_weather' }, async (tool) => {
      await new Promise((resolve) => setTimeout(resolve, 10))
      tool.annotate({ inputData: { city: 'Paris' }, outputData: { tempC: 21 } })
    })
    llmobs.trace({ kind: 'retrieval', name: 'search' }, (span) =>
      span.annotate({
        inputData: 'paris weather',
        outputData: [{ text: 'doc text', name: 'doc1', id: 'd1', score: 0.9 }],
      }),
    )
    llmobs.trace(
      { kind: 'embedding', name: 'embed', modelName: 'text-embedding-3-small', modelProvider: 'openai' },
      (span) =>
        span.annotate({
          inputData: 'hello',
          outputData: '[1 embedding(s) returned with size 1536]',
          metrics: { inputTokens: 1 },
        }),
    )
    llmobs.trace(
      { kind: 'llm', name: 'chat-with-prompt', modelName: 'claude-x', modelProvider: 'anthropic' },
      (span) =>
        span.annotate({
          inputData: [
            { role: 'system', content: 'sys' },
            { role: 'user', content: 'Hi Bob' },
          ],
          outputData: [
            {
              role: 'assistant',
              content: '',
              toolCalls: [
                { name: 'get_weather', arguments: { city: 'Paris' }, toolId: 'call_1', type: 'function' },
              ],
            },
          ],
          prompt: { id: 'p1', version: '1', variables: { name: 'Bob' }, template: 'Hi {{name}}' },
          metadata: { temperature: 0, max_tokens: 100 },
          metrics: { inputTokens: 10, outputTokens: 4, totalTokens: 14, cacheReadTokens: 2 },
          tags: { ctx: 'yes' },
        }),
    )
    try {
      llmobs.trace({ kind: 'task', name: 'failing-task' }, () => {
        throw new TypeError('boom')
      })
    } catch {
      // expected
    }
    llmobs.wrap({ kind: 'task', name: 'wrapped-fn' }, (a: number, b: number) => a + b)(1, 2)
    agent.annotate({ outputData: 'sunny' })
  })
  return exporter
}

describe('golden: REF-llmobs-spans.kinds.json', () => {
  it('produces the same span events as dd-trace for every kind, field by field and in key order', async () => {
    const exporter = await runKinds()
    const expected = normalizeEvents(spansOf(capture))
    const actual = normalizeEvents(exporter.events)
    expect(actual.map((e) => e.name)).toEqual(expected.map((e) => e.name))
    for (let i = 0; i < actual.length; i++) {
      expect(actual[i], String(expected[i]?.name)).toEqual(expected[i])
      expect(JSON.stringify(actual[i])).toBe(JSON.stringify(expected[i]))
    }
  })
})
