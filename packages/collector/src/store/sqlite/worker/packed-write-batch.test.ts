import { describe, expect, it } from 'vitest'
import { apmSpan, batch, evaluation, llmSpan } from '../../store-test-data.js'
import { packWriteBatch, unpackWriteBatch } from './packed-write-batch.js'

describe('packWriteBatch / unpackWriteBatch', () => {
  it('round-trips every field of every row, links and nulls included', () => {
    const original = batch({
      llmSpans: [
        llmSpan({ spanId: '1' }),
        llmSpan({
          spanId: '2',
          parentId: '1',
          sessionId: 's',
          modelName: 'gpt-4o',
          modelProvider: 'openai',
          inputTokens: 3,
          outputTokens: 0,
          totalTokens: 3.5,
          status: 'error',
          links: [{ traceId: 'a'.repeat(32), spanId: '9', from: 'output', to: 'input' }],
        }),
      ],
      apmSpans: [
        apmSpan({ spanId: '1', error: true, llmobs: true, samplingPriority: -1 }),
        apmSpan({ spanId: '2' }),
      ],
      evaluations: [evaluation()],
    })
    const copied = structuredClone(packWriteBatch(original))
    expect(unpackWriteBatch(copied)).toStrictEqual(original)
  })

  it('sends arrays, not objects with their property names', () => {
    const packed = packWriteBatch(
      batch({ llmSpans: [llmSpan({ spanId: '1' })], apmSpans: [apmSpan({ spanId: '1' })] }),
    )
    expect(Array.isArray(packed.llm[0])).toBe(true)
    expect(packed.apm[0]).toHaveLength(5)
  })
})
