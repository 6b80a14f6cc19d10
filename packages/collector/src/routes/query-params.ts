import { parseDecimalId, traceIdToHex32 } from '@llmobs/protocol'
import { parseTimeNs } from '../duration.js'

/**
 * Query-string readers for the query API. Each returns the value, `undefined` when the parameter is
 * absent, or throws a {@link BadParam} that the route turns into a 400 naming the parameter.
 */
export class BadParam extends Error {}

export type QueryString = Record<string, string | string[] | undefined>

export const MAX_LIMIT = 1000

/**
 * The route config of a query endpoint: the query-string parameters it takes. `GET /api` lists them,
 * and a parameter not listed is a 400 (query-index.ts), so a typo (`mlapp=`) never silently widens
 * the answer.
 */
export interface QueryRouteConfig {
  queryParams: readonly string[]
}

/** Route options declaring the query-string parameters a query endpoint takes. */
export function takes(...queryParams: string[]): { config: QueryRouteConfig } {
  return { config: { queryParams } }
}

export function text(query: QueryString, name: string): string | undefined {
  const value = query[name]
  if (Array.isArray(value)) throw new BadParam(`${name} must be given once`)
  return value === '' ? undefined : value
}

export function limit(query: QueryString, fallback: number): number {
  const value = text(query, 'limit')
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT)
    throw new BadParam(`limit must be an integer from 1 to ${MAX_LIMIT}`)
  return n
}

export function bool(query: QueryString, name: string): boolean | undefined {
  const value = text(query, name)
  if (value === undefined) return undefined
  if (value === 'true' || value === '1') return true
  if (value === 'false' || value === '0') return false
  throw new BadParam(`${name} must be true or false`)
}

export function time(query: QueryString, name: string, nowMs: number): number | undefined {
  const value = text(query, name)
  if (value === undefined) return undefined
  const ns = parseTimeNs(value, nowMs)
  if (ns === undefined) {
    throw new BadParam(
      `${name} must be an epoch time (ns, µs or ms), an ISO date, or a duration ago such as 1h`,
    )
  }
  return ns
}

/** An LLMObs or APM trace id, 32 hex (decimal accepted), as stored. */
export function traceId(value: string | undefined, name: string): string {
  const id = value === undefined ? undefined : traceIdToHex32(value)
  if (id === undefined) throw new BadParam(`${name} must be a 128-bit trace id (32 hex characters)`)
  return id
}

/** A span id, decimal, as stored. */
export function spanId(value: string | undefined, name: string): string {
  const id = value === undefined ? undefined : parseDecimalId(value)
  if (id === undefined) throw new BadParam(`${name} must be a decimal 64-bit span id`)
  return id.toString()
}

/** Adds `key: value` to `target` when the value is defined (exactOptionalPropertyTypes-friendly). */
export function withDefined<T extends object>(target: T, values: { [K in keyof T]?: T[K] | undefined }): T {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value
  }
  return target
}
