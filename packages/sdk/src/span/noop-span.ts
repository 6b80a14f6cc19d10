import type { Span } from './span.js'

/**
 * The span handle of an instance that is not initialised (or shut down): the traced function runs
 * unchanged and nothing is recorded.
 */
export const NOOP_SPAN: Span = Object.freeze({
  kind: 'task',
  name: '',
  spanId: '0',
  traceId: '00000000000000000000000000000000',
  parentId: undefined,
  mlApp: '',
  sessionId: undefined,
  ended: true,
  annotate(): void {},
  setError(): void {},
  keepTrace(): void {},
  dropTrace(): void {},
  end(): void {},
})
