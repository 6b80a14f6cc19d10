import { isInteger, parse } from 'lossless-json'
import type { Outcome } from './outcome.js'
import { accept, reject } from './outcome.js'

/**
 * Every number as `JSON.parse` reads it, except integers beyond 2^53, which become bigints: APM ids
 * and nanosecond times are 64-bit, and rounding them would store another span.
 */
function exactNumber(text: string): number | bigint {
  const value = Number(text)
  return Number.isSafeInteger(value) || !isInteger(text) ? value : BigInt(text)
}

/**
 * Parses a JSON body without losing 64-bit integers (lossless-json; about 20 times slower than
 * `JSON.parse`, so the routes that need it bound their bodies more tightly). Duplicate keys keep the
 * last value, as `JSON.parse` does. An empty, malformed or absurdly nested body is a 400 that quotes
 * the parser.
 *
 * @example
 * parseLosslessJson(Buffer.from('[[{"span_id":18446744073709551615}]]')) // span_id: 18446744073709551615n
 */
export function parseLosslessJson(bytes: Buffer): Outcome<unknown> {
  if (bytes.length === 0) return reject(400, 'body is empty: expected JSON')
  try {
    return accept(
      parse(bytes.toString('utf8'), null, {
        parseNumber: exactNumber,
        onDuplicateKey: ({ newValue }) => newValue,
      }),
    )
  } catch (error) {
    // The parser recurses: nesting deep enough to exhaust the stack is the sender's fault too.
    const message = error instanceof RangeError ? 'it is nested too deeply' : (error as Error).message
    return reject(400, `body is not valid JSON: ${message}`)
  }
}
