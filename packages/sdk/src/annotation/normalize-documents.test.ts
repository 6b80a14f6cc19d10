import { describe, expect, it } from 'vitest'
import { normalizeDocuments } from './normalize-documents.js'
import { recordingReport } from './test-report.test-helper.js'

describe('normalizeDocuments', () => {
  it('accepts strings, documents and lists of both', () => {
    const report = recordingReport()
    expect(normalizeDocuments('hello', 'inputData', report)).toEqual([{ text: 'hello' }])
    expect(
      normalizeDocuments(
        [{ text: 'doc text', name: 'doc1', id: 'd1', score: 0.9 }, 'x'],
        'outputData',
        report,
      ),
    ).toEqual([{ text: 'doc text', name: 'doc1', id: 'd1', score: 0.9 }, { text: 'x' }])
    expect(report.calls).toEqual([])
  })

  it('drops documents without text and bad fields, naming them', () => {
    const report = recordingReport()
    const out = normalizeDocuments(
      [{ name: 'no text' }, { text: 'a', score: 'high', name: 3, id: 7 }, null],
      'outputData',
      report,
    )
    expect(out).toEqual([{ text: 'a', id: '7' }])
    expect(report.calls.map((c) => c.message.split(' ')[0])).toEqual([
      'outputData[0].text',
      'outputData[1].name',
      'outputData[1].score',
      'outputData[2]',
    ])
    expect(report.calls.every((c) => c.code === 'invalid_io_documents')).toBe(true)
  })
})
