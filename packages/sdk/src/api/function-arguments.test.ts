import { describe, expect, it } from 'vitest'
import { functionArguments, parameterNames } from './function-arguments.js'

describe('parameterNames', () => {
  it('reads the parameters of every kind of function source', () => {
    expect(
      parameterNames(function add(a: number, b: number) {
        return a + b
      }),
    ).toEqual(['a', 'b'])
    expect(parameterNames((a: number, b: number) => a + b)).toEqual(['a', 'b'])
    expect(parameterNames(async (query: string, limit = 10) => [query, limit])).toEqual(['query', 'limit'])
    expect(parameterNames((x: number) => x)).toEqual(['x'])
    expect(parameterNames(new Function('x', 'return x') as (x: unknown) => unknown)).toEqual(['x'])
    const bare = eval('(value => value)') as (v: unknown) => unknown
    expect(parameterNames(bare)).toEqual(['value'])
    const asyncBare = eval('(async value => value)') as (v: unknown) => unknown
    expect(parameterNames(asyncBare)).toEqual(['value'])
    class C {
      method(first: string, second: string): string {
        return first + second
      }
      async *gen(a: number) {
        yield a
      }
      [Symbol.for('computed(x)')](a: number, b: number): number {
        return a + b
      }
    }
    expect(parameterNames(C.prototype.method)).toEqual(['first', 'second'])
    expect(parameterNames(C.prototype.gen)).toEqual(['a'])
    expect(
      parameterNames((C.prototype as unknown as Record<symbol, () => number>)[Symbol.for('computed(x)')]!),
    ).toEqual(['a', 'b'])
  })

  it('skips defaults (even with brackets and strings), comments and trailing commas; reads rest', () => {
    const fn = eval(`(function (a /* first ) */, b = call(1, ')'), // note
      c = { x: [1, 2] }, ...rest) {})`) as (...args: unknown[]) => unknown
    expect(parameterNames(fn)).toEqual(['a', 'b', 'c', '...rest'])
    const trailing = eval('(function (a, b,) {})') as (...args: unknown[]) => unknown
    expect(parameterNames(trailing)).toEqual(['a', 'b'])
  })

  it('gives null for destructuring, native and bound functions', () => {
    expect(parameterNames(({ a }: { a: number }, b: number) => a + b)).toBeNull()
    expect(parameterNames(Math.max)).toBeNull()
    expect(
      parameterNames(
        function f(this: unknown, a: number, b: number) {
          return a + b
        }.bind(null),
      ),
    ).toBeNull()
    expect(parameterNames(class A {} as unknown as () => void)).toBeNull()
  })
})

describe('functionArguments', () => {
  const add = (a: number, b: number) => a + b
  it('is undefined without arguments and the value itself with one', () => {
    expect(functionArguments(add, [])).toBeUndefined()
    expect(functionArguments(add, [{ q: 1 }])).toEqual({ q: 1 })
  })

  it('keys several arguments by parameter name, rest as an array', () => {
    expect(functionArguments(add, [1, 2])).toEqual({ a: 1, b: 2 })
    const withRest = (first: string, ...others: string[]) => [first, ...others]
    expect(functionArguments(withRest, ['a', 'b', 'c'])).toEqual({ first: 'a', others: ['b', 'c'] })
  })

  it('falls back to an array when names are unknown or too few', () => {
    expect(functionArguments(Math.max, [1, 2])).toEqual([1, 2])
    expect(functionArguments(add, [1, 2, 3])).toEqual([1, 2, 3])
  })
})
