import { describe, expect, it } from 'vitest'
import { datadogMemberEntries, foreignMembers, formatTracestate, parseTracestate } from './tracestate.js'

describe('tracestate', () => {
  it('finds the dd member anywhere and decodes it back to _dd.p.* tags', () => {
    const problems: string[] = []
    const parsed = parseTracestate(
      'congo=t61rcWkgMzE, dd=s:2;o:synthetics~x;p:0ABFE71CD4B34A20;t.dm:-4;t.usr.id:a~b;t.llmobs_sid:s~1__x;x:y ,rojo=00f067aa0ba902b7',
      problems,
    )
    expect(problems).toEqual([])
    expect(parsed.foreign).toEqual(['congo=t61rcWkgMzE', 'rojo=00f067aa0ba902b7'])
    expect(parsed.dd).toEqual({
      samplingPriority: 2,
      origin: 'synthetics=x',
      lastParentId: '0abfe71cd4b34a20',
      tags: new Map([
        ['_dd.p.dm', '-4'],
        ['_dd.p.usr.id', 'a=b'],
        ['_dd.p.llmobs_sid', 's=1__x'],
      ]),
    })
  })

  it('drops malformed and repeated members with a reason, and keeps at most 31 foreign ones', () => {
    const problems: string[] = []
    const members = Array.from({ length: 40 }, (_, i) => `v${i}=x`)
    const parsed = parseTracestate(
      ['UPPER=1', 'novalue', 'a=', 'b=x,', 'b=y', 'k=trailing ', ...members].join(','),
      problems,
    )
    expect(parsed.foreign[0]).toBe('b=x')
    expect(parsed.foreign).toHaveLength(31)
    expect(problems.some((p) => p.includes('UPPER=1'))).toBe(true)
    expect(problems.some((p) => p.includes('repeated'))).toBe(true)
    expect(problems.some((p) => p.includes('over 32 members'))).toBe(true)
  })

  it('a dd member over 256 characters is invalid W3C and is ignored', () => {
    const problems: string[] = []
    expect(parseTracestate(`dd=s:1;t.x:${'a'.repeat(260)}`, problems).dd).toBeUndefined()
    expect(problems).toHaveLength(1)
  })

  it('encodes values as dd-trace does: = → ~; , ; ~ and non-printables → _', () => {
    const entries = datadogMemberEntries(
      { samplingPriority: 1, origin: 'o=r;i,g~', parentIdHex: '00000000000000ff' },
      [
        { key: '_dd.p.tid', value: '6b03fc1900000000', trim: 'required' },
        { key: '_dd.p.llmobs_sid', value: 'sess=1;~x ', trim: 'optional' },
        { key: '_dd.p.we;ird', value: 'é', trim: 'optional' },
      ],
    )
    expect(formatTracestate(entries, ['other=1'])).toBe(
      'dd=s:1;o:o~r_i_g_;p:00000000000000ff;t.tid:6b03fc1900000000;t.llmobs_sid:sess~1__x_;t.we_ird:_,other=1',
    )
    // t.tid is redundant with traceparent: trimmed first here though required in x-datadog-tags.
    expect(entries.find((e) => e.key === 't.tid')?.trim).toBe('redundant')
    expect(entries.find((e) => e.key === 'o')?.trim).toBe('last-resort')
  })

  it('puts dd first, caps the header at 32 members, and omits an empty dd', () => {
    const foreign = Array.from({ length: 31 }, (_, i) => `v${i}=x`)
    const header = formatTracestate(
      [{ key: 'p', value: '00000000000000ff', trim: 'required' }],
      [...foreign, 'late=1'],
    )
    expect(header.split(',')).toHaveLength(32)
    expect(header.startsWith('dd=p:00000000000000ff,v0=x')).toBe(true)
    expect(formatTracestate([], ['a=1', 'b=2'])).toBe('a=1,b=2')
  })

  it('validates caller-supplied foreign members and replaces their dd member', () => {
    const problems: string[] = []
    expect(foreignMembers('a=1,dd=s:1,bad key=2,b=2', problems)).toEqual(['a=1', 'b=2'])
    expect(problems).toHaveLength(2)
    expect(foreignMembers('a=1\r\nx: y', [])).toEqual([])
    expect(foreignMembers(undefined, [])).toEqual([])
  })
})
