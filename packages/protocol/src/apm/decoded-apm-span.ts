import type { ApmSpan } from '../apm.js'

/**
 * An APM span as decoded from a v0.4 or v0.5 payload: like {@link ApmSpan}, but each `meta_struct`
 * value is already decoded from its msgpack bytes into a plain value (senders that use JSON send a
 * plain object in the first place).
 */
export interface DecodedApmSpan extends Omit<ApmSpan, 'meta_struct'> {
  meta_struct?: Record<string, unknown>
}

/** A decoded payload: traces (chunks), each an array of spans. */
export type DecodedApmTraces = DecodedApmSpan[][]
