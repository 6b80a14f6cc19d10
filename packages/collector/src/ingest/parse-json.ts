import type { Outcome } from './outcome.js'
import { accept, reject } from './outcome.js'

/** Parses a JSON body; an empty or malformed body is a 400 that quotes the parser. */
export function parseJson(bytes: Buffer): Outcome<unknown> {
  if (bytes.length === 0) return reject(400, 'body is empty: expected JSON')
  try {
    return accept(JSON.parse(bytes.toString('utf8')) as unknown)
  } catch (error) {
    return reject(400, `body is not valid JSON: ${(error as Error).message}`)
  }
}
