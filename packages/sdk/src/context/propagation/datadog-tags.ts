import type { BudgetEntry } from './datadog-tags-budget.js'
import { llmobsEntries } from './llmobs-entries.js'
import type { PropagationContext } from './propagation-context.js'
import {
  DATADOG_TAGS_MAX_LENGTH,
  DEDICATED_KEYS,
  HEX16,
  LLMOBS_KEYS,
  TAG,
  TAG_KEY,
  TAG_VALUE,
} from './tag-rules.js'

/** Beyond this a header is not parsed at all: a bound on work for hostile input. */
const PARSE_LIMIT = 8 * DATADOG_TAGS_MAX_LENGTH
/** `_dd.p.dm` is `-<mechanism>` (older tracers prefix a service hash); anything long is not one. */
const MAX_DECISION_MAKER_LENGTH = 64
const ZERO16 = '0'.repeat(16)

/**
 * The `_dd.p.*` entries of a context in the order dd-trace writes them: trace tags (`_dd.p.tid`,
 * `_dd.p.dm`, pass-through), then the LLMObs ones. `traceId` is the validated 32-hex APM trace id.
 */
export function propagationEntries(
  ctx: PropagationContext,
  traceId: string,
  problems: string[],
): BudgetEntry[] {
  const entries: BudgetEntry[] = []
  const high = traceId.slice(0, 16)
  // A 64-bit trace id has no high half to carry (dd-trace skips an all-zero tid too).
  if (high !== ZERO16) entries.push({ key: TAG.tid, value: high, trim: 'required' })

  const dm = ctx.decisionMaker
  if (dm !== undefined && dm !== '') {
    if (dm.length <= MAX_DECISION_MAKER_LENGTH && TAG_VALUE.test(dm))
      entries.push({ key: TAG.dm, value: dm, trim: 'required' })
    else problems.push(`${TAG.dm} not propagated: not a decision maker like "-0"`)
  }

  const tags = ctx.propagationTags
  if (tags !== undefined) {
    for (const key of Object.keys(tags)) {
      const value = tags[key]
      if (value === undefined || value === '' || DEDICATED_KEYS.has(key)) continue
      if (ctx.llmobs !== undefined && LLMOBS_KEYS.has(key)) continue
      if (!TAG_KEY.test(key) || !TAG_VALUE.test(value)) {
        problems.push(`propagation tag ${JSON.stringify(key)} not propagated: invalid key or value`)
        continue
      }
      entries.push({ key, value, trim: 'optional' })
    }
  }

  if (ctx.llmobs !== undefined) entries.push(...llmobsEntries(ctx.llmobs, problems))
  return entries
}

export function serializeDatadogTags(entries: readonly BudgetEntry[]): string {
  let header = ''
  for (const entry of entries) header += (header === '' ? '' : ',') + entry.key + '=' + entry.value
  return header
}

/**
 * Parses `x-datadog-tags`. Liberal where dd-trace is strict: one malformed entry is skipped with
 * a reason instead of discarding them all, and a header over 512 bytes (which dd-trace ignores)
 * is still read.
 */
export function parseDatadogTags(header: string, problems: string[]): Map<string, string> {
  const tags = new Map<string, string>()
  if (header.length > PARSE_LIMIT) {
    problems.push(`x-datadog-tags ignored: ${header.length} bytes`)
    return tags
  }
  if (header.length > DATADOG_TAGS_MAX_LENGTH) {
    problems.push(
      `x-datadog-tags is ${header.length} bytes, over the ${DATADOG_TAGS_MAX_LENGTH} dd-trace reads`,
    )
  }
  for (const segment of header.split(',')) {
    // Fetch's `Headers` joins repeated headers with ", ", so a key may follow a space.
    const entry = segment.trimStart()
    if (entry === '') continue
    const separator = entry.indexOf('=')
    const key = separator === -1 ? entry : entry.slice(0, separator)
    const value = separator === -1 ? '' : entry.slice(separator + 1)
    if (separator === -1 || !TAG_KEY.test(key) || !TAG_VALUE.test(value)) {
      problems.push(`x-datadog-tags entry ${JSON.stringify(entry.slice(0, 64))} ignored: malformed`)
      continue
    }
    if (key === TAG.tid) {
      const tid = value.toLowerCase()
      if (!HEX16.test(tid) || tid === ZERO16) {
        problems.push(`${TAG.tid}=${value} ignored: not 16 hex digits`)
        continue
      }
      tags.set(key, tid)
      continue
    }
    tags.set(key, value)
  }
  return tags
}
