import { describe, expect, it } from 'vitest'
import { setup, tick } from './support.js'

// This file is compiled with TypeScript 5 standard (TC39) decorators; see legacy-decorators/ for
// `experimentalDecorators`.
const { llmobs, exporter, warnings } = setup()

class Agent {
  prefix = 'answer:'

  @llmobs.decorate({ kind: 'agent' })
  async run(question: string, depth: number): Promise<string> {
    await tick()
    return `${this.prefix}${question}@${depth}`
  }

  @llmobs.decorate({ kind: 'tool', name: 'custom-name' })
  lookup(id: string): string {
    return this.prefix + id
  }

  @llmobs.decorate({ kind: 'task' })
  #secret(): number {
    return 42
  }

  callSecret(): number {
    return this.#secret()
  }
}

describe('decorate() with TC39 decorators', () => {
  it('traces methods with their name, this and arguments', async () => {
    const agent = new Agent()
    expect(await agent.run('q', 2)).toBe('answer:q@2')
    expect(agent.lookup('x')).toBe('answer:x')
    expect(agent.callSecret()).toBe(42)
    expect(exporter.findSpan('run')?.meta).toMatchObject({
      'span.kind': 'agent',
      input: { value: '{"question":"q","depth":2}' },
      output: { value: 'answer:q@2' },
    })
    expect(exporter.findSpan('custom-name')?.meta['span.kind']).toBe('tool')
    expect(exporter.findSpan('#secret')?.meta.output).toEqual({ value: '42' })
    expect(Agent.prototype.run.name).toBe('run')
  })

  it('reports use on something that is not a method, and leaves it unchanged', () => {
    const decorator = llmobs.decorate({ kind: 'task' }) as unknown as (
      value: unknown,
      context: object,
    ) => unknown
    expect(decorator(undefined, { kind: 'field', name: 'x' })).toBeUndefined()
    expect(warnings().some((m) => m.includes('only decorates methods') && m.includes('field'))).toBe(true)
  })
})
