import type { Report } from '../internal/report.js'
import type { ContextSnapshot } from './context-snapshot.js'
import { restoreContext } from './restore-context.js'

const PARENT = Object.freeze({ what: 'parent', outcome: 'it was ignored', code: 'invalid_parent' })

/**
 * The snapshot an explicit `parent` option stands for: a local span's own snapshot (also after it
 * ended, or from another async context), or one built from an exported span, a captured plain
 * context or extracted headers (see `restoreContext`). Undefined (after a report) when unusable.
 */
export function resolveParent(parent: unknown, report: Report): ContextSnapshot | undefined {
  return restoreContext(parent, report, PARENT)
}
