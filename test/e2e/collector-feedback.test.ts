import { createLLMObs } from '@llmobs/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'

interface FeedbackView {
  label: string
  kind: string
  value: unknown
  submitter: { id: string; type?: string } | null
  joinOn: Record<string, unknown>
}
interface TraceView {
  spans: Array<{ name: string; evaluations: FeedbackView[] }>
  evaluations: FeedbackView[]
}

describe('user feedback: SDK → real collector → query API', () => {
  let collector: CollectorProcess
  beforeAll(async () => {
    collector = await startCollectorProcess()
  })
  afterAll(async () => {
    await collector.stop()
  })

  it('joins feedback of all four kinds to its span, trace and session, whichever arrives first', async () => {
    const llmobs = createLLMObs({
      mlApp: 'fb-e2e',
      agentUrl: collector.url,
      mode: 'agent-proxy',
      logLevel: 'warn',
    })
    const user = { id: 'user-42', type: 'human' }
    const key = `conv-1:msg-${process.pid}`
    const session = `session-fb-${process.pid}`

    // Feedback naming the join key is stored before any span carries the key.
    llmobs.submitFeedback(
      { feedbackJoinKey: key },
      { label: 'early', metricType: 'boolean', value: false, submitter: user },
    )
    expect((await llmobs.flush()).evaluations).toEqual({ sent: 1, failed: 0, dropped: 0 })

    const ids = await llmobs.trace(
      { kind: 'workflow', name: 'chat-turn', sessionId: session },
      async (turn) => {
        await llmobs.trace({ kind: 'llm', name: 'answer', modelName: 'm' }, async (llm) => {
          llm.annotate({ inputData: 'capital of France?', outputData: 'Lyon', feedbackJoinKey: key })
        })
        llmobs.submitFeedback(turn, { label: 'thumbs', metricType: 'boolean', value: true, submitter: user })
        return llmobs.exportSpan(turn)!
      },
    )
    const second = await llmobs.flush()
    expect([second.spans.sent, second.evaluations.sent]).toEqual([2, 1])

    llmobs.submitFeedback(
      { feedbackJoinKey: key },
      { label: 'correction', metricType: 'text', value: 'Paris', submitter: user },
    )
    llmobs.submitFeedback(
      { traceId: ids.traceId },
      { label: 'solved', metricType: 'categorical', value: 'yes', submitter: user },
    )
    llmobs.submitFeedback(
      { sessionId: session },
      { label: 'nps', metricType: 'score', value: 9, submitter: user },
    )
    const done = await llmobs.shutdown()
    expect(done.evaluations).toEqual({ sent: 3, failed: 0, dropped: 0 })

    const trace = await collector.waitFor<TraceView>(
      `/api/traces/${ids.traceId}`,
      (t) => t.spans.length === 2 && t.evaluations.length === 1,
    )
    const labels = (name: string) => trace.spans.find((s) => s.name === name)?.evaluations.map((e) => e.label)
    expect(labels('answer')).toEqual(['early', 'correction'])
    expect(labels('chat-turn')).toEqual(['thumbs'])
    expect(trace.evaluations).toMatchObject([
      { label: 'solved', kind: 'feedback', value: 'yes', submitter: user },
    ])
    const correction = trace.spans.find((s) => s.name === 'answer')?.evaluations[1]
    expect(correction).toMatchObject({
      kind: 'feedback',
      value: 'Paris',
      submitter: user,
      joinOn: { feedbackJoinKey: key },
    })

    const sessionDetail = await collector.query<{ evaluations: FeedbackView[] }>(`/api/sessions/${session}`)
    expect(sessionDetail.evaluations).toMatchObject([
      { label: 'nps', kind: 'feedback', value: 9, submitter: user },
    ])

    const listed = await collector.query<{ evaluations: FeedbackView[] }>(
      `/api/evaluations?traceId=${ids.traceId}`,
    )
    expect(listed.evaluations.map((e) => e.label).sort()).toEqual(['correction', 'early', 'solved', 'thumbs'])
  })
})
