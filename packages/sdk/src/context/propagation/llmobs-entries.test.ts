import { describe, expect, it } from 'vitest'
import { llmobsEntries, readLlmobs } from './llmobs-entries.js'

const TRACE = '6b03fc1900000000a1b2c3d4e5f60718'
const APM = '6b03fc19000000007953b531107242bf'

describe('LLMObs entries', () => {
  it('encodes in dd-trace order with trim classes, the agent name tied to its span id', () => {
    const entries = llmobsEntries(
      {
        traceId: TRACE,
        parentId: '0155',
        mlApp: 'app',
        sessionId: 's',
        sampleRate: 1 / 3,
        samplingDecision: 0,
        agentSpanId: '9',
        agentName: 'planner',
      },
      [],
    )
    expect(entries).toEqual([
      { key: '_dd.p.llmobs_parent_id', value: '155', trim: 'required' },
      { key: '_dd.p.llmobs_ml_app', value: 'app', trim: 'optional' },
      { key: '_dd.p.llmobs_sid', value: 's', trim: 'optional' },
      { key: '_dd.p.llmobs_sr', value: '0.333333', trim: 'optional' },
      { key: '_dd.p.llmobs_sd', value: '0', trim: 'optional' },
      { key: '_dd.p.llmobs_trace_id', value: BigInt('0x' + TRACE).toString(10), trim: 'required' },
      { key: '_dd.p.llmobs_pagent_span_id', value: '9', trim: 'agent-span-id' },
      {
        key: '_dd.p.llmobs_pagent_name',
        value: 'planner',
        trim: 'agent-name',
        requires: '_dd.p.llmobs_pagent_span_id',
      },
    ])
  })

  it('formats sample rates as dd-trace does', () => {
    const rate = (sampleRate: number): string | undefined =>
      llmobsEntries({ traceId: TRACE, parentId: undefined, sampleRate }, []).find(
        (e) => e.key === '_dd.p.llmobs_sr',
      )?.value
    expect([rate(1), rate(0), rate(0.5), rate(0.1234567), rate(0.000001)]).toEqual([
      '1',
      '0',
      '0.5',
      '0.123457',
      '0.000001',
    ])
  })

  it('sends no agent name without a valid agent span id', () => {
    const problems: string[] = []
    const entries = llmobsEntries(
      { traceId: TRACE, parentId: '1', agentSpanId: 'x', agentName: 'planner' },
      problems,
    )
    expect(entries.map((e) => e.key)).toEqual(['_dd.p.llmobs_parent_id', '_dd.p.llmobs_trace_id'])
    expect(problems).toHaveLength(1)
  })

  it('decodes, dropping each invalid value with a reason', () => {
    const problems: string[] = []
    const { llmobs } = readLlmobs(
      new Map([
        ['_dd.p.llmobs_trace_id', TRACE],
        ['_dd.p.llmobs_parent_id', '12'],
        ['_dd.p.llmobs_sr', 'abc'],
        ['_dd.p.llmobs_sd', '2'],
        ['_dd.p.llmobs_pagent_span_id', '-1'],
        ['_dd.p.llmobs_pagent_name', 'orphan'],
        ['_dd.p.llmobs_ml_app', ''],
      ]),
      APM,
      problems,
    )
    expect(llmobs).toEqual({ traceId: TRACE, parentId: '12' })
    expect(problems).toHaveLength(3)
  })

  it('treats an unreadable trace id with no parent as no LLMObs context', () => {
    const problems: string[] = []
    const result = readLlmobs(new Map([['_dd.p.llmobs_trace_id', 'zzz']]), APM, problems)
    expect(result.llmobs).toBeUndefined()
    expect(problems).toHaveLength(1)
  })
})
