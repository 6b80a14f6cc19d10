import { describe, expect, it } from 'vitest'
import { CIRCULAR, safeStringify, toJsonSafe, TRUNCATED } from './safe-json.js'

describe('toJsonSafe / safeStringify', () => {
  it('keeps plain JSON as JSON.stringify would', () => {
    const value = { a: 1, b: 'x', c: [true, null, { d: 2.5 }], e: undefined }
    expect(safeStringify(value)).toBe(JSON.stringify(value))
  })

  it('marks cycles but repeats shared (non-cyclic) references', () => {
    const shared = { s: 1 }
    const a: Record<string, unknown> = { shared, again: shared }
    a.self = a
    const list: unknown[] = [1]
    list.push(list)
    expect(toJsonSafe(a)).toEqual({ shared: { s: 1 }, again: { s: 1 }, self: CIRCULAR })
    expect(toJsonSafe(list)).toEqual([1, CIRCULAR])
  })

  it('writes BigInt as decimal text, non-finite numbers as text', () => {
    expect(toJsonSafe({ big: 12345678901234567890n, nan: NaN, inf: -Infinity })).toEqual({
      big: '12345678901234567890',
      nan: 'NaN',
      inf: '-Infinity',
    })
  })

  it('summarises binary data, bounded', () => {
    const out = toJsonSafe({
      buffer: Buffer.alloc(10_000_000),
      floats: new Float32Array([0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
      bytes: new ArrayBuffer(16),
      view: new DataView(new ArrayBuffer(4)),
      bigs: new BigInt64Array([1n, 2n]),
    }) as Record<string, string>
    expect(out.buffer).toBe('[Buffer: 10000000 bytes]')
    expect(out.floats).toBe('[Float32Array(10): 0.5, 1, 2, 3, 4, 5, 6, 7, …]')
    expect(out.bytes).toBe('[ArrayBuffer: 16 bytes]')
    expect(out.view).toBe('[DataView: 4 bytes]')
    expect(out.bigs).toBe('[BigInt64Array(2): 1, 2]')
  })

  it('converts Maps, Sets, Dates, RegExps, Errors, boxed primitives', () => {
    const error = new TypeError('bad', { cause: new Error('root') }) as TypeError & { code?: string }
    error.code = 'E_BAD'
    const out = toJsonSafe({
      map: new Map<unknown, unknown>([
        ['k', 1],
        [{ id: 2 }, 'obj-key'],
      ]),
      set: new Set([1, 'two']),
      date: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      invalidDate: new Date(NaN),
      regexp: /a+b/gi,
      error,
      boxed: Object('text'),
    }) as Record<string, unknown>
    expect(out.map).toEqual({ k: 1, '{"id":2}': 'obj-key' })
    expect(out.set).toEqual([1, 'two'])
    expect(out.date).toBe('2024-01-02T03:04:05.000Z')
    expect(out.invalidDate).toBe('Invalid Date')
    expect(out.regexp).toBe('/a+b/gi')
    expect(out.boxed).toBe('text')
    const err = out.error as Record<string, unknown>
    expect(err.name).toBe('TypeError')
    expect(err.message).toBe('bad')
    expect(err.code).toBe('E_BAD')
    expect(typeof err.stack).toBe('string')
    expect((err.cause as Record<string, unknown>).message).toBe('root')
  })

  it('walks class instances, marks functions and symbols, skips symbol keys', () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
      norm(): number {
        return Math.hypot(this.x, this.y)
      }
    }
    const out = toJsonSafe({
      p: new Point(3, 4),
      fn: function named() {},
      anon: () => 1,
      sym: Symbol('s'),
      [Symbol('k')]: 1,
    })
    expect(out).toEqual({
      p: { x: 3, y: 4 },
      fn: '[Function: named]',
      anon: '[Function: anon]',
      sym: 'Symbol(s)',
    })
    expect(toJsonSafe(() => 1)).toBe('[Function: anonymous]')
  })

  it('survives throwing getters, throwing toJSON, revoked proxies and hostile proxies', () => {
    const getter = Object.defineProperty({ ok: 1 }, 'boom', {
      enumerable: true,
      get() {
        throw new Error('nope')
      },
    })
    const throwingToJSON = {
      a: 1,
      toJSON() {
        throw new Error('no json')
      },
    }
    const { proxy: revoked, revoke } = Proxy.revocable({}, {})
    revoke()
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('keys')
        },
      },
    )
    const out = toJsonSafe({ getter, throwingToJSON, revoked, hostile }) as Record<string, unknown>
    expect(out.getter).toEqual({ ok: 1, boom: '[Unreadable: nope]' })
    expect(out.throwingToJSON).toEqual({ a: 1, toJSON: '[Function: toJSON]' })
    expect(String(out.revoked)).toMatch(/^\[Unserializable/)
    expect(out.hostile).toBe('[Unserializable: keys]')
  })

  it('uses a working toJSON, and bounds one that returns itself', () => {
    expect(toJsonSafe({ when: { toJSON: () => 'custom' } })).toEqual({ when: 'custom' })
    const selfish: Record<string, unknown> = {}
    selfish.toJSON = () => selfish
    expect(toJsonSafe(selfish)).toBe(CIRCULAR)
  })

  it('bounds depth, breadth, string length and node count with markers', () => {
    let deep: Record<string, unknown> = { leaf: 1 }
    for (let i = 0; i < 30; i++) deep = { next: deep }
    let walk = toJsonSafe(deep, { maxDepth: 3 }) as Record<string, unknown>
    expect(JSON.stringify(walk)).toBe('{"next":{"next":{"next":"[Object]"}}}')
    walk = toJsonSafe({ list: Array.from({ length: 5 }, (_, i) => i) }, { maxBreadth: 3 }) as Record<
      string,
      unknown
    >
    expect(walk.list).toEqual([0, 1, 2, '[… 2 more items]'])
    const wide = toJsonSafe(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, i])), {
      maxBreadth: 2,
    })
    expect(wide).toEqual({ k0: 0, k1: 1, '…': '3 more keys' })
    expect(toJsonSafe('x'.repeat(20), { maxStringLength: 5 })).toBe('xxxxx…[15 more chars]')
    const many = toJsonSafe(
      Array.from({ length: 10 }, (_, i) => i),
      { maxNodes: 4 },
    )
    expect(many).toEqual([
      0,
      1,
      2,
      TRUNCATED,
      TRUNCATED,
      TRUNCATED,
      TRUNCATED,
      TRUNCATED,
      TRUNCATED,
      TRUNCATED,
    ])
  })

  it('handles a __proto__ key without touching prototypes', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object
    const out = toJsonSafe(parsed) as Record<string, unknown>
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true},"a":1}')
  })

  it('describes promises, weak collections, undefined and top-level primitives', () => {
    expect(toJsonSafe({ p: Promise.resolve(1), w: new WeakMap() })).toEqual({
      p: '[Promise]',
      w: '[WeakMap]',
    })
    expect(safeStringify(undefined)).toBe('null')
    expect(safeStringify([undefined, () => 1])).toBe('[null,"[Function: anonymous]"]')
    expect(safeStringify('text')).toBe('"text"')
    expect(safeStringify(3)).toBe('3')
  })
})
