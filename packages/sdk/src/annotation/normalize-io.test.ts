import { SPAN_KINDS } from '@llmobs/protocol'
import { describe, expect, it } from 'vitest'
import { deferredData } from './deferred-value.js'
import { normalizeInput, normalizeOutput } from './normalize-io.js'
import { recordingReport } from './test-report.test-helper.js'

describe('input/output per kind (protocol §2)', () => {
  const report = recordingReport()

  it('llm: messages in and out', () => {
    expect(normalizeInput('llm', 'hi', report)).toEqual({ messages: [{ role: '', content: 'hi' }] })
    expect(normalizeOutput('llm', { role: 'assistant', content: 'yo' }, report)).toEqual({
      messages: [{ role: 'assistant', content: 'yo' }],
    })
  })

  it('embedding: documents in, value out', () => {
    expect(normalizeInput('embedding', ['hello'], report)).toEqual({ documents: [{ text: 'hello' }] })
    expect(normalizeOutput('embedding', [[0.1, 0.2]], report)).toEqual({ value: '[[0.1,0.2]]' })
  })

  it('retrieval: value in, documents out', () => {
    expect(normalizeInput('retrieval', 'paris weather', report)).toEqual({ value: 'paris weather' })
    expect(normalizeOutput('retrieval', [{ text: 'doc' }], report)).toEqual({ documents: [{ text: 'doc' }] })
  })

  it('workflow, agent, task, tool: value in and out', () => {
    for (const kind of ['workflow', 'agent', 'task', 'tool'] as const) {
      expect(normalizeInput(kind, { q: 'weather?' }, report)).toEqual({ value: '{"q":"weather?"}' })
      expect(normalizeOutput(kind, 'sunny', report)).toEqual({ value: 'sunny' })
    }
  })

  it('treats undefined and null as no data for every kind', () => {
    for (const kind of SPAN_KINDS) {
      expect(normalizeInput(kind, undefined, report)).toBeUndefined()
      expect(normalizeOutput(kind, null, report)).toBeUndefined()
    }
    expect(report.calls).toEqual([])
  })

  it('value: strings kept as they are, other values JSON-stringified safely', () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    const value = (data: unknown) => normalizeInput('task', data, report)?.value
    expect(value('"quoted"')).toBe('"quoted"')
    expect(value(3)).toBe('3')
    expect(value(false)).toBe('false')
    expect(value('')).toBe('')
    expect(value(cyclic)).toBe('{"a":1,"self":"[Circular]"}')
    expect(value(10n)).toBe('"10"')
  })

  it('value of an object: a snapshot now, its JSON text written only when read', () => {
    const big = 'x'.repeat(10 * 1024 * 1024)
    const data = { doc: big, list: [1, 2] }
    const io = normalizeInput('tool', data, recordingReport())!
    data.list.push(3) // later changes to the user's object do not reach the span
    expect(deferredData(io)).toEqual({ doc: big, list: [1, 2] })
    expect((deferredData(io) as { doc: string }).doc).toBe(big) // not cut here: the export cuts
    expect(Object.keys(io)).toEqual(['value'])
    expect(JSON.parse(io.value!)).toEqual({ doc: big, list: [1, 2] })
    expect({ ...io }).toEqual({ value: io.value })
    expect(deferredData({ value: 'plain' })).toBeUndefined()
  })
})
