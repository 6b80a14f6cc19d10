import { describe, expect, it } from 'vitest'
import { createSnapshot } from './context-snapshot.js'
import { fromPlainContext, toPlainContext } from './plain-context.js'

describe('plain contexts', () => {
  it('round-trips a snapshot through JSON', () => {
    const snapshot = createSnapshot(
      undefined,
      '774591771944634912',
      '6b03fc19000000007953b531107242bf',
      '6b03fc19000000000abfe71cd4b34a20',
      'demo',
      'sess-1',
      { rate: 0.5, decision: 1 },
      { name: 'my-agent', spanId: '1852624582868922767' },
    )
    expect(Object.isFrozen(snapshot)).toBe(true)
    const plain = JSON.parse(JSON.stringify(toPlainContext(snapshot))) as unknown
    expect(plain).toEqual({
      spanId: '774591771944634912',
      traceId: '6b03fc19000000007953b531107242bf',
      apmTraceId: '6b03fc19000000000abfe71cd4b34a20',
      mlApp: 'demo',
      sessionId: 'sess-1',
      sampling: { rate: 0.5, decision: 1 },
      agent: { name: 'my-agent', spanId: '1852624582868922767' },
    })
    const { snapshot: restored, problems } = fromPlainContext(plain)
    expect(problems).toEqual([])
    expect(restored).toEqual(snapshot)
  })

  it('leaves out fields of the wrong shape and names each one', () => {
    const { snapshot, problems } = fromPlainContext({
      spanId: '0',
      traceId: 'XYZ',
      mlApp: '',
      sampling: { rate: 2, decision: 1 },
      sessionId: 's',
    })
    expect(snapshot.spanId).toBeUndefined()
    expect(snapshot.traceId).toBeUndefined()
    expect(snapshot.sessionId).toBe('s')
    expect(problems).toHaveLength(4)
    expect(fromPlainContext('nope').problems).toEqual(['context must be an object'])
  })
})
