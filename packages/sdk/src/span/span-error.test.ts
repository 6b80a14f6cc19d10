import vm from 'node:vm'
import { describe, expect, it } from 'vitest'
import { toSpanError } from './span-error.js'

describe('toSpanError', () => {
  it('reads message, type and stack of Errors', () => {
    const error = new TypeError('boom')
    expect(toSpanError(error)).toEqual({ message: 'boom', type: 'TypeError', stack: error.stack })
  })

  it('names subclasses that keep the inherited "Error" name by their class', () => {
    class QuotaExceeded extends Error {}
    class Named extends Error {
      override name = 'RateLimitError'
    }
    expect(toSpanError(new QuotaExceeded('q')).type).toBe('QuotaExceeded')
    expect(toSpanError(new Named('r')).type).toBe('RateLimitError')
    expect(toSpanError(new Error('plain')).type).toBe('Error')
  })

  it('handles errors from other realms and error-like objects', () => {
    const foreign = vm.runInNewContext('new RangeError("far")') as unknown
    expect(toSpanError(foreign)).toMatchObject({ message: 'far', type: 'RangeError' })
    expect(toSpanError({ name: 'ApiError', message: 'status 500' })).toEqual({
      message: 'status 500',
      type: 'ApiError',
      stack: undefined,
    })
  })

  it('handles non-Error throws', () => {
    expect(toSpanError('boom')).toEqual({ message: 'boom', type: 'string', stack: undefined })
    expect(toSpanError(42)).toEqual({ message: '42', type: 'number', stack: undefined })
    expect(toSpanError(undefined)).toEqual({ message: 'undefined', type: 'undefined', stack: undefined })
    expect(toSpanError({ code: 7 })).toEqual({ message: '{"code":7}', type: 'Object', stack: undefined })
    expect(toSpanError(null)).toEqual({ message: 'null', type: 'object', stack: undefined })
  })

  it('never throws, whatever the getters do', () => {
    const hostile = new Error('x')
    Object.defineProperty(hostile, 'message', {
      get() {
        throw new Error('no')
      },
    })
    expect(toSpanError(hostile)).toMatchObject({ message: '', type: 'Error' })
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap')
        },
      },
    )
    expect(toSpanError(proxy).type).toBe('Object')
  })
})
