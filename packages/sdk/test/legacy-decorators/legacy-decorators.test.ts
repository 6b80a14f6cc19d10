import { describe, expect, it } from 'vitest'
import { setup, tick } from '../support.js'

// Compiled with `experimentalDecorators` (see tsconfig.json here): TypeScript/esbuild call the
// decorator as (prototype, key, descriptor) and install the descriptor it returns.
const { llmobs, exporter } = setup()

const probeCalls: unknown[][] = []
function probe(...args: unknown[]): void {
  probeCalls.push(args)
}

class Probe {
  @probe
  method(): void {}
}
void Probe

class Retriever {
  readonly index = ['paris', 'london']

  @llmobs.decorate({ kind: 'retrieval' })
  async search(query: string): Promise<Array<{ text: string }>> {
    await tick()
    return this.index.filter((city) => city.startsWith(query)).map((text) => ({ text }))
  }

  @llmobs.decorate({ kind: 'task', name: 'legacy-task' })
  double(a: number, b: number): number {
    return (a + b) * 2
  }
}

describe('decorate() with legacy experimentalDecorators', () => {
  it('is really compiled in legacy mode: the decorator got a descriptor', () => {
    expect(probeCalls).toHaveLength(1)
    expect(probeCalls[0]?.[1]).toBe('method')
    expect(typeof (probeCalls[0]?.[2] as PropertyDescriptor).value).toBe('function')
    const descriptor = Object.getOwnPropertyDescriptor(Retriever.prototype, 'double')
    expect(typeof descriptor?.value).toBe('function')
    // Legacy decorators keep the method name and arity through wrap().
    expect(Retriever.prototype.double.name).toBe('double')
    expect(Retriever.prototype.double.length).toBe(2)
  })

  it('traces decorated methods with this and arguments', async () => {
    const retriever = new Retriever()
    expect(await retriever.search('par')).toEqual([{ text: 'paris' }])
    expect(retriever.double(1, 2)).toBe(6)
    expect(exporter.findSpan('search')?.meta).toMatchObject({
      'span.kind': 'retrieval',
      input: { value: 'par' },
      output: {},
    })
    expect(exporter.findSpan('legacy-task')?.meta).toMatchObject({
      input: { value: '{"a":1,"b":2}' },
      output: { value: '6' },
    })
  })
})
