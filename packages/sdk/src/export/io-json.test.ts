import { describe, expect, it } from 'vitest'
import { appendIo, ioClosers, ioJson } from './io-json.js'

const closers = ioClosers(',"after":')

/** What `JSON.stringify` writes for `value` as the member `key`, or undefined when it leaves it out. */
function asMember(key: string, value: unknown): string | undefined {
  const wrapped = JSON.stringify({ [key]: value })
  return wrapped === '{}' ? undefined : wrapped.slice(JSON.stringify(key).length + 2, -1)
}

class Redacted {
  toJSON(key: string): string {
    return `[redacted ${key}]`
  }
}

describe('ioJson', () => {
  it('writes the shapes the normalisers make exactly as JSON.stringify does', () => {
    const shapes: unknown[] = [
      {},
      { value: 'plain' },
      { value: 'line\nbreak "quoted" \\ \ud800' },
      { messages: [{ role: 'system', content: 'Be brief.' }] },
      {
        messages: [
          { role: 'user', content: 'héllo 😀 "quotes"\n' },
          { role: '', content: '' },
          { role: 'assistant', content: '', tool_calls: [{ name: 'f', arguments: { a: 1 }, tool_id: 'c1' }] },
          { role: 'tool', content: 'sunny', tool_id: 'c1' },
        ],
      },
      { documents: [{ text: 'doc', name: 'd', id: '1', score: 0.5 }] },
      {
        value: 'rendered',
        prompt: { id: 'p', variables: { q: 'x' }, _dd_context_variable_keys: ['context'] },
      },
      {
        messages: [{ role: 'user', content: 'hi' }],
        prompt: { id: 'p', chat_template: [{ role: 'user', content: '{q}' }] },
      },
    ]
    for (const io of shapes) {
      expect(ioJson('input', io)).toBe(asMember('input', io))
      expect(appendIo('{"input":', 'input', io, closers)).toBe(`{"input":${asMember('input', io)},"after":`)
    }
  })

  it('appends the messages and value shapes in pieces, whatever their text needs', () => {
    const texts = ['plain', 'line\nbreak', 'say "hi"', 'héllo 😀', 'lone \ud800', '']
    for (const a of texts) {
      for (const b of texts) {
        const shapes: unknown[] = [
          { value: a },
          { messages: [{ role: 'user', content: a }] },
          {
            messages: [
              { role: 'system', content: a },
              { role: 'user', content: b },
              { role: 'assistant', content: a },
            ],
          },
          { messages: [{ role: b, content: a }] },
          { messages: [] },
          { messages: [{ role: 'user', content: a }], value: b },
        ]
        for (const io of shapes)
          expect(appendIo('>', 'output', io, closers)).toBe(`>${asMember('output', io)},"after":`)
      }
    }
  })

  it('defers to JSON.stringify for anything else a processor may put there', () => {
    const withGetter = {
      get role() {
        return 'user'
      },
      content: 'from a getter',
    }
    const inherited = Object.assign(Object.create({ extra: 'inherited' }) as object, {
      role: 'user',
      content: 'x',
    })
    const reversed = { content: 'x', role: 'user' }
    const arrayWithToJSON = Object.assign([{ role: 'user', content: 'x' }], { toJSON: () => 'array' })
    const odd: unknown[] = [
      undefined,
      null,
      'a string',
      42,
      [1, 2],
      new Redacted(),
      { toJSON: () => undefined },
      { value: new Redacted() },
      { value: undefined, other: 1 },
      { messages: 'not a list' },
      { messages: [reversed, withGetter, inherited, { role: 'user', content: 'x', extra: 1 }] },
      { messages: [{ role: 1, content: 'x' }, { role: 'user' }, null, undefined, () => 1, 'text', 7] },
      { messages: [new Redacted()] },
      { messages: arrayWithToJSON },
      { messages: [{ role: 'user', content: new Redacted() }] },
      Object.assign(Object.create(null) as object, { messages: [{ role: 'u', content: 'c' }] }),
      Object.assign(Object.create({ inherited: true }) as object, { value: 'x' }),
      { 'quoted "key"': 'v', '1': 'integer key first' },
    ]
    for (const io of odd) {
      expect(ioJson('output', io)).toBe(asMember('output', io))
      const member = asMember('output', io)
      expect(appendIo('>', 'output', io, closers)).toBe(
        member === undefined ? undefined : `>${member},"after":`,
      )
    }
  })

  it('throws where JSON.stringify throws', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => ioJson('input', { messages: [cyclic] })).toThrow(TypeError)
    expect(() => ioJson('input', { messages: [1n] })).toThrow(TypeError)
    expect(() => ioJson('input', { value: 1n })).toThrow(TypeError)
  })

  it('stays exact when Object.prototype gets an enumerable member', () => {
    const messages = [{ role: 'user', content: 'x' }, { role: 'user' }]
    const bare = Object.assign(Object.create(null) as object, { messages })
    const shapes: unknown[] = [{ value: 'x' }, { messages }, bare]
    const proto = Object.prototype as Record<string, unknown>
    try {
      proto.content = 'inherited'
      for (const io of shapes) {
        expect(ioJson('input', io)).toBe(asMember('input', io))
        expect(appendIo('', 'input', io, closers)).toBe(`${asMember('input', io)},"after":`)
      }
    } finally {
      delete proto.content
    }
  })

  it('stays exact when BigInt.prototype gets a toJSON (it is called with the array index)', () => {
    const bigint = BigInt.prototype as unknown as Record<string, unknown>
    try {
      bigint.toJSON = function (this: bigint, key: string) {
        return `${this} at ${key}`
      }
      const io = { messages: [{ role: 'user', content: 'x' }, 1n] }
      expect(ioJson('input', io)).toBe(asMember('input', io))
    } finally {
      delete bigint.toJSON
    }
  })
})
