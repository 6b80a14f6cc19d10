import type { ResolvedConfig } from '../config.js'
import type { Diagnostics } from '../internal/diagnostics.js'
import type { Report } from '../internal/report.js'
import type { SpanRecord } from './span-record.js'

/** What an open span needs from the instance that started it. */
export interface SpanHost {
  readonly config: ResolvedConfig
  readonly diagnostics: Diagnostics
  /** Reports misuse from a public call: warns, or throws `LLMObsError` under `strict`. */
  readonly reportMisuse: Report
  /** Reports a problem found by internals after the user's call returned: only logs. */
  readonly reportLenient: Report
  /** Called once per span as it starts, so open spans can be reported. Never throws. */
  started(spanId: string, name: string): void
  /** Called once per span with its frozen record: runs the processor, then exports. Never throws. */
  finish(record: SpanRecord): void
}
