import { describe, expect, it } from 'vitest'
import { isLoopbackHost } from './loopback.js'

const host = (url: string): string => new URL(url).hostname

describe('isLoopbackHost', () => {
  it.each([
    'http://localhost:8126',
    'http://LOCALHOST',
    'http://127.0.0.1:1',
    'http://127.255.3.4',
    'http://[::1]:8126',
    'http://[::ffff:127.0.0.1]:80',
    'http://app.localhost',
  ])('%s is loopback', (url) => expect(isLoopbackHost(host(url))).toBe(true))

  it.each([
    'http://intake.example.com',
    'http://10.0.0.1',
    'http://128.0.0.1',
    'http://[::2]',
    'http://[::ffff:10.0.0.1]',
    'http://localhost.example.com',
    'http://127.0.0.1.nip.io',
  ])('%s is not loopback', (url) => expect(isLoopbackHost(host(url))).toBe(false))
})
