import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

/**
 * A checker for the collector's API key: a request passes when it carries the key as `DD-API-KEY`
 * (what tracers send to an intake) or as `Authorization: Bearer <key>` (query API, viewer). Compared
 * in constant time on digests, so neither the key's content nor its length leaks through timing.
 */
export function createApiKeyCheck(apiKey: string): (headers: IncomingHttpHeaders) => boolean {
  const expected = digest(apiKey)
  const matches = (candidate: string | undefined): boolean =>
    candidate !== undefined && timingSafeEqual(digest(candidate), expected)
  return (headers) => {
    const header = headers['dd-api-key']
    const ddKey = Array.isArray(header) ? header[0] : header
    if (matches(ddKey)) return true
    const auth = headers.authorization
    const bearer =
      auth !== undefined && /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, '') : undefined
    return matches(bearer)
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}
