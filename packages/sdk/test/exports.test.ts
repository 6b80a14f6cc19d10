import { describe, expect, it } from 'vitest'

describe('public entry points', () => {
  it('@llmobs/sdk exports exactly these values (types aside)', async () => {
    const sdk = await import('@llmobs/sdk')
    expect(Object.keys(sdk).sort()).toEqual([
      'LLMObsError',
      'SDK_VERSION',
      'SPAN_KINDS',
      'createLLMObs',
      'llmobs',
    ])
  })

  it('@llmobs/sdk/testing exports exactly these values', async () => {
    const testing = await import('@llmobs/sdk/testing')
    expect(Object.keys(testing).sort()).toEqual(['TestExporter', 'createTestLLMObs', 'encodeSpanEvent'])
  })
})
