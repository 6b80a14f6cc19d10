import { describe, expect, it } from 'vitest'
import { compileGlob } from './glob-pattern.js'

/** The subject is lowercased by the caller (the sampler caches it); tests do the same. */
const matches = (pattern: string, subject: string): boolean => compileGlob(pattern)(subject.toLowerCase())

describe('compileGlob', () => {
  it('matches literal patterns exactly, ignoring case', () => {
    expect(matches('my-service', 'my-service')).toBe(true)
    expect(matches('My-Service', 'my-SERVICE')).toBe(true)
    expect(matches('my-service', 'my-service-2')).toBe(false)
    expect(matches('my-service', 'my-servic')).toBe(false)
  })

  it('lets * stand for any run of characters, the empty run included', () => {
    expect(matches('web-*', 'web-')).toBe(true)
    expect(matches('web-*', 'web-api')).toBe(true)
    expect(matches('*-api', 'billing-api')).toBe(true)
    expect(matches('a*b*c', 'abc')).toBe(true)
    expect(matches('a*b*c', 'aXXbYYc')).toBe(true)
    expect(matches('a*b*c', 'aXXbYY')).toBe(false)
    expect(matches('*a', 'banana')).toBe(true)
    expect(matches('*an*na', 'banana')).toBe(true)
    expect(matches('*x*', 'banana')).toBe(false)
    expect(matches('a**', 'a')).toBe(true)
  })

  it('lets ? stand for exactly one character', () => {
    expect(matches('svc-?', 'svc-1')).toBe(true)
    expect(matches('svc-?', 'svc-')).toBe(false)
    expect(matches('svc-?', 'svc-12')).toBe(false)
    expect(matches('??', 'ab')).toBe(true)
    expect(matches('?*', 'a')).toBe(true)
    expect(matches('*?', 'abc')).toBe(true)
  })

  it('treats regular-expression characters literally', () => {
    expect(matches('a.b', 'a.b')).toBe(true)
    expect(matches('a.b', 'axb')).toBe(false)
    expect(matches('(x)+[y]', '(x)+[y]')).toBe(true)
  })

  it('matches an empty subject only with a pattern of stars, as dd-trace does', () => {
    expect(matches('*', '')).toBe(true)
    expect(matches('***', '')).toBe(true)
    expect(matches('*?', '')).toBe(false)
    expect(matches('', '')).toBe(false)
    expect(matches('', 'a')).toBe(false)
  })

  it('stays fast on a pattern that makes naive backtracking explode', () => {
    const pattern = '*a'.repeat(40) + 'b'
    const subject = 'a'.repeat(2000)
    const started = performance.now()
    expect(matches(pattern, subject)).toBe(false)
    expect(performance.now() - started).toBeLessThan(500)
  })
})
