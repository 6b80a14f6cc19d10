/**
 * Removes secrets from text before it reaches a log: every occurrence of each secret, and the
 * userinfo part of URLs. Diagnostics of the export pipeline pass through here, so an API key that
 * slipped into an error message or a URL is never printed.
 *
 * @example
 * redact('bad key abc123secret', ['abc123secret']) // 'bad key [redacted]'
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1[redacted]@')
  for (const secret of secrets) {
    // Very short "secrets" would shred ordinary words; an API key is never that short.
    if (secret === undefined || secret.length < 4) continue
    out = out.split(secret).join('[redacted]')
  }
  return out
}
