import type { Outcome } from './outcome.js'
import { accept, reject } from './outcome.js'

const ACCEPTED = {
  json: ['application/json', 'text/plain', 'text/json'],
  msgpack: [
    'application/msgpack',
    'application/x-msgpack',
    'application/vnd.msgpack',
    'application/octet-stream',
  ],
} as const

/**
 * Checks a declared `Content-Type` against the format an endpoint reads. A missing type is accepted
 * (the endpoint decides the format); a different one is a 415, so a JSON body sent to a msgpack
 * endpoint is named as such instead of failing to decode.
 */
export function checkContentType(header: string | undefined, format: keyof typeof ACCEPTED): Outcome<void> {
  if (header === undefined || header === '') return accept(undefined)
  const type = (header.split(';')[0] ?? '').trim().toLowerCase()
  const list: readonly string[] = ACCEPTED[format]
  if (list.includes(type) || (format === 'json' && type.endsWith('+json'))) return accept(undefined)
  return reject(415, `Content-Type "${type}" is not accepted here: send ${list[0]}`)
}
