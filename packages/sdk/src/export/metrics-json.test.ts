import { describe, expect, it } from 'vitest'
import { appendMetrics, metricsClosers } from './metrics-json.js'

const closers = metricsClosers(',"next":')

/** What the encoder writes: `JSON.stringify({ ...metrics })`. */
const expected = (metrics: unknown): string => `${JSON.stringify({ ...(metrics as object) })},"next":`

describe('appendMetrics', () => {
  it('writes exactly JSON.stringify({ ...metrics }) for numbers of every kind', () => {
    const values = [0, -0, 1, 42, 4095, 4096, 65_536, -1, 0.5, 1e21, 1.5e-7, 2 ** 53 + 2, Number.MAX_VALUE]
    for (const value of values) {
      expect(appendMetrics('', { input_tokens: value }, closers)).toBe(expected({ input_tokens: value }))
    }
    for (let n = 0; n < 5000; n += 7) {
      const metrics = { input_tokens: n, output_tokens: n * 3, total_tokens: n * 4, cost: n / 1000 }
      expect(appendMetrics('x', metrics, closers)).toBe(`x${expected(metrics)}`)
    }
  })

  it('matches it for anything else a processor may put there', () => {
    class Counts {
      toJSON(): string {
        return 'counts'
      }
    }
    const odd: unknown[] = [
      {},
      undefined,
      null,
      { a: Number.NaN, b: 1 },
      { a: Number.POSITIVE_INFINITY },
      { a: '12' },
      { a: 1, b: undefined },
      { '2': 2, '1': 1, z: 0, 'quoted "name"': 3 },
      { toJSON: () => 'own toJSON is copied by the spread' },
      new Counts(),
      Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 }),
      Object.assign(Object.create(null) as object, { bare: 1 }),
      { [Symbol('s')]: 1, kept: 2 },
      {
        get computed() {
          return 7
        },
      },
      [1, 2],
    ]
    for (const metrics of odd) expect(appendMetrics('', metrics, closers)).toBe(expected(metrics))
  })

  it('stays exact when Object.prototype gets an enumerable member', () => {
    const proto = Object.prototype as Record<string, unknown>
    try {
      proto.leaked = 1
      expect(appendMetrics('', { a: 1 }, closers)).toBe(expected({ a: 1 }))
    } finally {
      delete proto.leaked
    }
  })
})
