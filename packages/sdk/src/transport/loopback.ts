import { builtin } from '../internal/builtins.js'

/**
 * Whether a URL hostname names this machine: `localhost`, 127.0.0.0/8, `::1` or an IPv4-mapped
 * loopback address. Only such hosts may receive the API key over plain http.
 *
 * @example
 * isLoopbackHost(new URL('http://[::1]:8126').hostname) // true
 * isLoopbackHost('intake.example.com') // false
 */
export function isLoopbackHost(hostname: string): boolean {
  const { isIPv4, isIPv6 } = builtin('node:net')
  let host = hostname.toLowerCase()
  if (host.endsWith('.')) host = host.slice(0, -1)
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1)
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (isIPv4(host)) return host.startsWith('127.')
  if (!isIPv6(host)) return false
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true
  // IPv4-mapped: URL normalises ::ffff:127.0.0.1 to ::ffff:7f00:1.
  const mapped = /^::ffff:(.+)$/.exec(host)?.[1]
  if (mapped === undefined) return false
  if (isIPv4(mapped)) return mapped.startsWith('127.')
  const high = mapped.split(':')[0] ?? ''
  return high.length === 4 && high.startsWith('7f')
}
