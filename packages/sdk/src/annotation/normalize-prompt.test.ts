import { describe, expect, it } from 'vitest'
import { normalizePrompt } from './normalize-prompt.js'
import { recordingReport } from './test-report.test-helper.js'

describe('normalizePrompt', () => {
  it('builds the wire prompt in dd-trace key order with its default variable keys', () => {
    const report = recordingReport()
    const out = normalizePrompt(
      { id: 'p1', version: '1', variables: { name: 'Bob' }, template: 'Hi {{name}}' },
      'demo',
      report,
    )
    expect(out).toEqual({
      id: 'p1',
      version: '1',
      variables: { name: 'Bob' },
      template: 'Hi {{name}}',
      _dd_context_variable_keys: ['context'],
      _dd_query_variable_keys: ['question'],
    })
    expect(Object.keys(out ?? {})).toEqual([
      'id',
      'version',
      'variables',
      'template',
      '_dd_context_variable_keys',
      '_dd_query_variable_keys',
    ])
    expect(report.calls).toEqual([])
  })

  it('maps chatTemplate, tags and the variable keys; defaults the id from ml_app', () => {
    const report = recordingReport()
    expect(
      normalizePrompt(
        {
          chatTemplate: [{ role: 'system', content: 'Be {{tone}}' }],
          tags: { team: 'a' },
          variables: { tone: 'brief', n: 3 },
          contextVariableKeys: ['docs'],
          queryVariableKeys: ['q'],
        },
        'demo',
        report,
      ),
    ).toEqual({
      id: 'demo_unnamed-prompt',
      variables: { tone: 'brief', n: '3' },
      chat_template: [{ role: 'system', content: 'Be {{tone}}' }],
      tags: { team: 'a' },
      _dd_context_variable_keys: ['docs'],
      _dd_query_variable_keys: ['q'],
    })
    expect(
      normalizePrompt({ template: [{ role: 'user', content: 'x' }] }, 'demo', report)?.chat_template,
    ).toEqual([{ role: 'user', content: 'x' }])
    expect(report.calls).toEqual([])
  })

  it('reports and drops bad fields, and ignores a prompt that is not an object', () => {
    const report = recordingReport()
    const out = normalizePrompt(
      { id: 5, template: 7, tags: { a: 1 }, queryVariableKeys: 'q' },
      'demo',
      report,
    )
    expect(out).toEqual({
      id: 'demo_unnamed-prompt',
      tags: {},
      _dd_context_variable_keys: ['context'],
      _dd_query_variable_keys: ['question'],
    })
    expect(report.calls.map((c) => c.message.split(' ')[0])).toEqual([
      'prompt.id',
      'prompt.template',
      'prompt.tags.a',
      'prompt.queryVariableKeys',
    ])
    expect(normalizePrompt('Hi', 'demo', report)).toBeUndefined()
    expect(report.calls.at(-1)?.code).toBe('invalid_prompt')
  })
})
