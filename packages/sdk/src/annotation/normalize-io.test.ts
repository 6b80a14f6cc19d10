import { SPAN_KINDS } from '@llmobs/protocol'
import { describe, expect, it } from 'vitest'
import { normalizeInput, normalizeOutput, normalizeValue } from './normalize-io.js'
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
    expect(normalizeValue('"quoted"')).toBe('"quoted"')
    expect(normalizeValue(3)).toBe('3')
    expect(normalizeValue(false)).toBe('false')
    expect(normalizeValue('')).toBe('')
    expect(normalizeValue(cyclic)).toBe('{"a":1,"self":"[Circular]"}')
    expect(normalizeValue(10n)).toBe('"10"')
  })
})
