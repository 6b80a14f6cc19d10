/** Small type guards for untrusted, already-parsed wire data (JSON or msgpack). */

/** A plain object: not null, not an array, not a byte array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  )
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

/** A JSON-ish description of a value's type for error messages: `string`, `array`, `null`, ... */
export function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (value instanceof Uint8Array) return 'bytes'
  return typeof value
}

/** Appends `key` to a path as `.key` or `["odd key"]` so error messages name fields unambiguously. */
export function pathKey(path: string, key: string): string {
  const segment = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
  return path === '' ? segment.replace(/^\./, '') : path + segment
}
