import { afterEach, describe, expect, it, vi } from 'vitest'
import { Diagnostics } from './diagnostics.js'

function recordingLogger(): { lines: string[]; warn(message: string): void } {
  const lines: string[] = []
  return { lines, warn: (message: string) => lines.push(message) }
}

describe('Diagnostics', () => {
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })

  it('reports a kind of misuse the first time, then at most once a minute with the count held back', () => {
    vi.useFakeTimers()
    const logger = recordingLogger()
    const diagnostics = new Diagnostics({ logger })
    for (let i = 0; i < 9; i++) diagnostics.misuse('invalid_span_kind', 'unknown span kind')
    expect(logger.lines).toEqual(['[llmobs] unknown span kind [invalid_span_kind]'])

    vi.advanceTimersByTime(60_000)
    diagnostics.misuse('invalid_span_kind', 'unknown span kind')
    expect(logger.lines[1]).toBe(
      '[llmobs] unknown span kind (8 more since the last report) [invalid_span_kind]',
    )

    diagnostics.misuse('other_code', 'another problem')
    expect(logger.lines).toHaveLength(3)
  })

  it('applies the same rule to repeated internal warnings', () => {
    vi.useFakeTimers()
    const logger = recordingLogger()
    const diagnostics = new Diagnostics({ logger })
    for (let i = 0; i < 20; i++) diagnostics.warnOnce('trimmed', 'span trimmed')
    expect(logger.lines).toEqual(['[llmobs] span trimmed'])
    vi.advanceTimersByTime(61_000)
    diagnostics.warnOnce('trimmed', 'span trimmed')
    expect(logger.lines[1]).toBe('[llmobs] span trimmed (19 more since the last report)')
  })

  it('falls back to stderr when the configured logger throws, and says so once', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const diagnostics = new Diagnostics({
      logger: {
        warn() {
          throw new Error('logger down')
        },
      },
    })
    diagnostics.warn('first problem')
    diagnostics.warn('second problem')
    const written = stderr.mock.calls.map((call) => String(call[0]))
    expect(written).toEqual([
      '[llmobs] first problem\n',
      '[llmobs] the configured logger threw (Error: logger down); diagnostics go to stderr\n',
      '[llmobs] second problem\n',
    ])
  })
})
