import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { setup } from '../support.js'

describe('bindEmitter', () => {
  it('runs listeners added after binding in the binding context, whoever emits; the emitter stays the same', () => {
    const { llmobs } = setup()
    const emitter = new EventEmitter()
    const seen: Array<string | undefined> = []
    emitter.on('data', () => seen.push(`early:${llmobs.activeSpan()?.name}`))
    llmobs.trace({ kind: 'workflow', name: 'subscriber' }, () => {
      expect(llmobs.bindEmitter(emitter)).toBe(emitter)
      emitter.on('data', () => seen.push(`on:${llmobs.activeSpan()?.name}`))
      emitter.prependListener('data', () => seen.push(`prepend:${llmobs.activeSpan()?.name}`))
      emitter.once('data', () => seen.push(`once:${llmobs.activeSpan()?.name}`))
    })
    llmobs.trace({ kind: 'task', name: 'emitter' }, () => emitter.emit('data'))
    emitter.emit('data')
    expect(seen).toEqual([
      'prepend:subscriber',
      'early:emitter',
      'on:subscriber',
      'once:subscriber',
      'prepend:subscriber',
      'early:undefined',
      'on:subscriber',
    ])
    expect(emitter).toBeInstanceOf(EventEmitter)
  })

  it('removeListener / off with the original listener, once removal, listeners() shows the originals', () => {
    const { llmobs } = setup()
    const emitter = new EventEmitter()
    const calls: string[] = []
    const a = (): void => void calls.push('a')
    const b = (): void => void calls.push('b')
    const c = (): void => void calls.push('c')
    llmobs.trace({ kind: 'workflow', name: 'w' }, () => {
      llmobs.bindEmitter(emitter)
      emitter.on('x', a)
      emitter.addListener('x', b)
      emitter.once('x', c)
    })
    expect(emitter.listeners('x')).toEqual([a, b, c])
    emitter.removeListener('x', a)
    emitter.off('x', c)
    emitter.emit('x')
    expect(calls).toEqual(['b'])
    emitter.off('x', b)
    expect(emitter.listenerCount('x')).toBe(0)
    // A once listener that fired is gone.
    emitter.once('y', c)
    emitter.emit('y')
    emitter.emit('y')
    expect(calls).toEqual(['b', 'c'])
    expect(emitter.listenerCount('y')).toBe(0)
  })

  it('binding again moves later listeners to the new context; a frozen or non-emitter is reported', () => {
    const { llmobs, warnings } = setup()
    const emitter = new EventEmitter()
    const seen: Array<string | undefined> = []
    llmobs.trace({ kind: 'workflow', name: 'first' }, () => llmobs.bindEmitter(emitter))
    emitter.on('e', () => seen.push(llmobs.activeSpan()?.name))
    llmobs.trace({ kind: 'workflow', name: 'second' }, () => llmobs.bindEmitter(emitter))
    emitter.on('e', () => seen.push(llmobs.activeSpan()?.name))
    emitter.emit('e')
    expect(seen).toEqual(['first', 'second'])
    expect(llmobs.bindEmitter(Object.freeze(new EventEmitter()))).toBeInstanceOf(EventEmitter)
    expect(llmobs.bindEmitter({} as never)).toEqual({})
    expect(warnings().map((w) => /\[(\w+)\]$/.exec(w)?.[1])).toEqual(['invalid_emitter'])
    // The identical second report is held back and counted for the next one-a-minute report.
  })
})
