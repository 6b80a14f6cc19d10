import { LLMObsError } from './diagnostics.js'

/**
 * How normalisers report a problem with user input: a stable code and a message that names the
 * field and the fix. Public entry points pass `diagnostics.misuse` (which throws under `strict`);
 * internal paths that run after the user's call returned pass a reporter that only logs.
 */
export type Report = (code: string, message: string) => void

/** A short description of a value's type for messages: `null`, `array`, `object`, `number`... */
export function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

/** True for `{}`-like objects: not null, not an array. Class instances count (we read own keys). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A strict-mode `LLMObsError` must reach the caller; any other failure to read user data is reported. */
export function isStrictError(error: unknown): error is LLMObsError {
  return error instanceof LLMObsError
}
