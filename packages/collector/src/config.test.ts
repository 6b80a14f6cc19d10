import { describe, expect, it } from 'vitest'
import { resolveCollectorConfig } from './config.js'
import { parseDuration, parseTimeNs } from './duration.js'

describe('resolveCollectorConfig', () => {
  it('defaults to the agent port on loopback, a db under the cwd, 50 MiB bodies', () => {
    expect(resolveCollectorConfig({}, '/srv/app')).toEqual({
      ok: true,
      value: {
        port: 8126,
        host: '127.0.0.1',
        dbPath: '/srv/app/.llmobs/llmobs.db',
        apiKey: null,
        retentionMs: null,
        maxSpans: null,
        bodyLimit: 52428800,
        pruneIntervalMs: 60000,
        agentSampleRates: {},
      },
    })
  })

  it('parses retention and rejects wrong options with a message', () => {
    const ok = resolveCollectorConfig({ retention: '7d', maxSpans: 10, dbPath: ':memory:' }, '/')
    expect(ok.ok && ok.value).toMatchObject({ retentionMs: 604800000, maxSpans: 10, dbPath: ':memory:' })
    expect(resolveCollectorConfig({ retention: 'soon' }, '/')).toEqual({
      ok: false,
      error: 'retention must be a positive duration such as 7d or 12h, got soon',
    })
    expect(resolveCollectorConfig({ port: 70000 }, '/').ok).toBe(false)
    expect(resolveCollectorConfig({ maxSpans: 0 }, '/').ok).toBe(false)
  })
})

describe('durations and times', () => {
  it('parses durations', () => {
    expect(parseDuration('500ms')).toBe(500)
    expect(parseDuration('1.5s')).toBe(1500)
    expect(parseDuration('12h')).toBe(43200000)
    expect(parseDuration('2w')).toBe(1209600000)
    expect(parseDuration('250')).toBe(250)
    expect(parseDuration('7 days')).toBeUndefined()
  })

  it('reads times as ns, µs, ms, ISO dates or durations ago', () => {
    const now = 1_800_000_000_000
    expect(parseTimeNs('1795423257101034000', now)).toBe(1795423257101034000)
    expect(parseTimeNs('1795423257101034', now)).toBe(1795423257101034000)
    expect(parseTimeNs('1795423257101', now)).toBe(1795423257101000000)
    expect(parseTimeNs('1h', now)).toBe((now - 3_600_000) * 1e6)
    expect(parseTimeNs('2026-11-23T08:40:57.101Z', now)).toBe(Date.parse('2026-11-23T08:40:57.101Z') * 1e6)
    expect(parseTimeNs('whenever', now)).toBeUndefined()
  })
})
