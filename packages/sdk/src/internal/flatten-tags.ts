/**
 * `key:value` strings from ordered tags: an array value fans out into one `key:v` per element, and
 * an empty array still emits `key:` (as dd-trace does, so references to the key keep a wire entry).
 */
export function flattenTags(map: ReadonlyMap<string, string | readonly string[]>): string[] {
  const out: string[] = []
  for (const [key, value] of map) {
    if (typeof value === 'string') out.push(`${key}:${value}`)
    else if (value.length === 0) out.push(`${key}:`)
    else for (const item of value) out.push(`${key}:${item}`)
  }
  return out
}
