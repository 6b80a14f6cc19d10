import { describe, expect, it } from 'vitest'
import { normalizeMessages } from './normalize-messages.js'
import { recordingReport } from './test-report.test-helper.js'

describe('normalizeMessages', () => {
  it('accepts a bare string, a message, or a list of both', () => {
    const report = recordingReport()
    expect(normalizeMessages('hi', 'inputData', report)).toEqual([{ role: '', content: 'hi' }])
    expect(normalizeMessages({ role: 'user', content: 'hi' }, 'inputData', report)).toEqual([
      { role: 'user', content: 'hi' },
    ])
    expect(normalizeMessages(['a', { role: 'assistant', content: 'b' }], 'inputData', report)).toEqual([
      { role: '', content: 'a' },
      { role: 'assistant', content: 'b' },
    ])
    expect(report.calls).toEqual([])
  })

  it('maps camelCase tool calls and results to wire names, in wire key order', () => {
    const report = recordingReport()
    const out = normalizeMessages(
      [
        {
          role: 'assistant',
          content: null,
          toolCalls: [
            { name: 'get_weather', arguments: { city: 'Paris' }, toolId: 'call_1', type: 'function' },
          ],
        },
        {
          role: 'tool',
          content: '21C',
          toolId: 'call_1',
          toolResults: [{ result: { tempC: 21 }, toolId: 'call_1', type: 'function' }],
        },
        { role: 'assistant', tool_calls: [{ name: 'x', arguments: '{"q":1}', tool_id: 'c2' }] },
      ],
      'outputData',
      report,
    )
    expect(out).toEqual([
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { name: 'get_weather', arguments: { city: 'Paris' }, tool_id: 'call_1', type: 'function' },
        ],
      },
      {
        role: 'tool',
        content: '21C',
        tool_results: [{ result: '{"tempC":21}', tool_id: 'call_1', name: '', type: 'function' }],
        tool_id: 'call_1',
      },
      { role: 'assistant', content: '', tool_calls: [{ name: 'x', arguments: { q: 1 }, tool_id: 'c2' }] },
    ])
    expect(Object.keys(out?.[1] ?? {})).toEqual(['role', 'content', 'tool_results', 'tool_id'])
    expect(report.calls).toEqual([])
  })

  it('drops only the malformed message and names its field', () => {
    const report = recordingReport()
    const out = normalizeMessages(
      [
        { role: 'user', content: 'ok' },
        42,
        { role: 'user', content: { text: 'parts' } },
        { role: 7, content: 'x' },
        'kept',
      ],
      'inputData',
      report,
    )
    expect(out).toEqual([
      { role: 'user', content: 'ok' },
      { role: '', content: 'kept' },
    ])
    expect(report.calls.map((c) => c.message.split(' ')[0])).toEqual([
      'inputData[1]',
      'inputData[2].content',
      'inputData[3].role',
    ])
    expect(report.calls[1]?.message).toContain('inputData[2].content must be a string')
    expect(report.calls.every((c) => c.code === 'invalid_io_messages')).toBe(true)
  })

  it('drops a bad tool call but keeps its message', () => {
    const report = recordingReport()
    const out = normalizeMessages(
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ name: 'ok', arguments: {} }, { arguments: {} }, { name: 'bad', arguments: 'not json' }],
      },
      'outputData',
      report,
    )
    expect(out).toEqual([{ role: 'assistant', content: '', tool_calls: [{ name: 'ok', arguments: {} }] }])
    expect(report.calls.map((c) => c.message.split(' ')[0])).toEqual([
      'outputData.toolCalls[1].name',
      'outputData.toolCalls[2].arguments',
    ])
  })

  it('drops a bad toolId field only, and survives throwing getters', () => {
    const report = recordingReport()
    const hostile = Object.defineProperty({ role: 'user' }, 'content', {
      enumerable: true,
      get() {
        throw new Error('boom')
      },
    })
    expect(
      normalizeMessages([{ role: 'tool', content: 'r', toolId: 5 }, hostile], 'inputData', report),
    ).toEqual([{ role: 'tool', content: 'r' }])
    expect(report.calls.map((c) => c.message.split(' ')[0])).toEqual(['inputData[0].toolId', 'inputData[1]'])
  })

  it('returns undefined for nothing, or when nothing valid remains', () => {
    const report = recordingReport()
    expect(normalizeMessages(undefined, 'inputData', report)).toBeUndefined()
    expect(normalizeMessages(null, 'inputData', report)).toBeUndefined()
    expect(normalizeMessages([], 'inputData', report)).toBeUndefined()
    expect(normalizeMessages([1], 'inputData', report)).toBeUndefined()
  })
})
