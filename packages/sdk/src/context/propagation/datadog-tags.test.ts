import { describe, expect, it } from 'vitest'
import { parseDatadogTags, propagationEntries, serializeDatadogTags } from './datadog-tags.js'

const TRACE = '6b03fc19000000007953b531107242bf'

describe('x-datadog-tags', () => {
  it('parses entries, splitting each on its first =', () => {
    const problems: string[] = []
    const tags = parseDatadogTags(
      '_dd.p.tid=6B03FC1900000000,_dd.p.dm=-0,_dd.p.usr.id=a=b==, _dd.p.x= spaced',
      problems,
    )
    expect([...tags]).toEqual([
      ['_dd.p.tid', '6b03fc1900000000'],
      ['_dd.p.dm', '-0'],
      ['_dd.p.usr.id', 'a=b=='],
      ['_dd.p.x', ' spaced'],
    ])
    expect(problems).toEqual([])
  })

  it('skips only the malformed entries (dd-trace would discard them all) and reports each', () => {
    const problems: string[] = []
    const tags = parseDatadogTags(
      '_dd.p.ok=1,nokey,other.tag=1,_dd.p.tid=xyz,_dd.p.tid=0000000000000000,_dd.p.bad=é,,_dd.p.sp ace=1,_dd.p.ok2=2',
      problems,
    )
    expect([...tags.keys()]).toEqual(['_dd.p.ok', '_dd.p.ok2'])
    expect(problems).toHaveLength(6)
  })

  it('reads a header over 512 bytes (noting it) but not an absurd one', () => {
    const problems: string[] = []
    expect(parseDatadogTags(`_dd.p.big=${'x'.repeat(600)}`, problems).get('_dd.p.big')).toHaveLength(600)
    expect(problems).toHaveLength(1)
    expect(parseDatadogTags(`_dd.p.big=${'x'.repeat(10_000)}`, []).size).toBe(0)
  })

  it('builds entries in dd-trace order, skipping a zero high half and invalid or owned pass-through tags', () => {
    const problems: string[] = []
    const entries = propagationEntries(
      {
        apmTraceId: TRACE,
        parentSpanId: '1',
        decisionMaker: '-0',
        propagationTags: {
          '_dd.p.usr.id': 'u',
          '_dd.p.tid': 'ffffffffffffffff',
          '_dd.p.llmobs_ml_app': 'stale',
          'not.propagated': 'x',
          '_dd.p.comma': 'a,b',
          '_dd.p.empty': '',
        },
        llmobs: { traceId: 'f'.repeat(32), parentId: '12', mlApp: 'app' },
      },
      TRACE,
      problems,
    )
    expect(serializeDatadogTags(entries)).toBe(
      `_dd.p.tid=6b03fc1900000000,_dd.p.dm=-0,_dd.p.usr.id=u,_dd.p.llmobs_parent_id=12,_dd.p.llmobs_ml_app=app,_dd.p.llmobs_trace_id=${(1n << 128n) - 1n}`,
    )
    expect(problems).toHaveLength(2)
    expect(
      propagationEntries(
        { apmTraceId: '0'.repeat(16) + 'a'.repeat(16), parentSpanId: '1' },
        '0'.repeat(16) + 'a'.repeat(16),
        [],
      ),
    ).toEqual([])
  })

  it('forwards upstream _dd.p.llmobs_* pass-through tags when there is no LLMObs context (as dd-trace forwards its trace tags)', () => {
    const entries = propagationEntries(
      { apmTraceId: TRACE, parentSpanId: '1', propagationTags: { '_dd.p.llmobs_ml_app': 'upstream' } },
      TRACE,
      [],
    )
    expect(serializeDatadogTags(entries)).toBe('_dd.p.tid=6b03fc1900000000,_dd.p.llmobs_ml_app=upstream')
  })

  it('drops a decision maker that is not one', () => {
    const problems: string[] = []
    const entries = propagationEntries(
      { apmTraceId: TRACE, parentSpanId: '1', decisionMaker: 'x'.repeat(100) },
      TRACE,
      problems,
    )
    expect(entries.map((e) => e.key)).toEqual(['_dd.p.tid'])
    expect(problems).toHaveLength(1)
  })
})
