const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

/**
 * A duration such as `500ms`, `30s`, `15m`, `12h`, `7d` or `2w`, in milliseconds; a bare number is
 * milliseconds. `undefined` when the text is not one.
 *
 * @example
 * parseDuration('7d') // 604800000
 */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h|d|w)?\s*$/i.exec(text)
  if (match === null) return undefined
  const value = Number(match[1]) * (UNITS[(match[2] ?? 'ms').toLowerCase()] ?? 1)
  return Number.isFinite(value) ? value : undefined
}

/**
 * A point in time for query filters, as epoch nanoseconds: an epoch number in ns, µs or ms (told
 * apart by magnitude), an ISO-8601 date, or a duration meaning "that long ago" (`1h`, `7d`).
 *
 * @example
 * parseTimeNs('1h', Date.now()) // one hour ago
 * parseTimeNs('2026-11-24T05:00:00Z', Date.now())
 */
export function parseTimeNs(text: string, nowMs: number): number | undefined {
  const t = text.trim()
  if (/^[0-9]+$/.test(t)) {
    const value = Number(t)
    if (value >= 1e17) return value
    if (value >= 1e14) return value * 1e3
    return value * 1e6
  }
  if (/^[0-9.]+\s*[a-z]+$/i.test(t)) {
    const ago = parseDuration(t)
    return ago === undefined ? undefined : (nowMs - ago) * 1e6
  }
  const date = Date.parse(t)
  return Number.isNaN(date) ? undefined : date * 1e6
}
