/**
 * Fitting propagation entries into a length budget (512 for `x-datadog-tags`, 256 for the
 * tracestate `dd` member) by leaving out optional entries, never the whole header.
 *
 * dd-trace drops the `pagent` entries and then, still over, the whole header, `_dd.p.tid` with it
 * (protocol §5). Here entries go in a fixed order instead: redundant ones (`t.tid`), the agent
 * name, the agent span id, then the remaining optional entries longest first (so a 420-character
 * ml_app goes, and the small sampling entries stay), then last-resort ones; then whatever fits
 * again is put back, and an entry whose companion is gone follows it. Required entries are
 * always kept.
 */

/** When an entry may be left out: lower goes first; `required` never. */
export type TrimClass = 'redundant' | 'agent-name' | 'agent-span-id' | 'optional' | 'last-resort' | 'required'

export interface BudgetEntry {
  /** The key as written (`_dd.p.llmobs_sid`, `t.llmobs_sid`, `s`, ...). */
  readonly key: string
  readonly value: string
  readonly trim: TrimClass
  /** Key of an entry without which this one means nothing (the agent name needs its span id). */
  readonly requires?: string
}

export interface BudgetResult {
  /** The entries that fit, in their original order. */
  readonly kept: readonly BudgetEntry[]
  /** Keys left out, in the order they were cut. */
  readonly trimmed: readonly string[]
  /** Set when the required entries alone exceed the budget (they are kept regardless). */
  readonly overBudget: boolean
}

const ORDER: Record<TrimClass, number> = {
  redundant: 0,
  'agent-name': 1,
  'agent-span-id': 2,
  optional: 3,
  'last-resort': 4,
  required: 5,
}

/** `key<pair>value` joined by a one-character separator: both layouts measure the same. */
export function entryLength(entry: BudgetEntry): number {
  return entry.key.length + 1 + entry.value.length
}

export function joinedLength(entries: readonly BudgetEntry[]): number {
  let total = entries.length > 0 ? entries.length - 1 : 0
  for (const entry of entries) total += entryLength(entry)
  return total
}

/**
 * Keeps as many entries as fit in `maxLength` characters. The common case (everything fits)
 * costs one pass and no allocation beyond the result.
 */
export function fitBudget(entries: readonly BudgetEntry[], maxLength: number): BudgetResult {
  let length = joinedLength(entries)
  if (length <= maxLength) return { kept: entries, trimmed: [], overBudget: false }

  const candidates = entries
    .filter((entry) => entry.trim !== 'required')
    .sort((a, b) => ORDER[a.trim] - ORDER[b.trim] || entryLength(b) - entryLength(a))
  const dropped: BudgetEntry[] = []
  for (const entry of candidates) {
    if (length <= maxLength) break
    dropped.push(entry)
    length -= entryLength(entry) + 1
  }
  // Cutting a long entry can free room for a short one cut before it (the agent entries before a
  // 420-character ml_app): put back what fits, the most important first.
  const droppedKeys = new Set(dropped.map((entry) => entry.key))
  for (let index = dropped.length - 1; index >= 0; index--) {
    const entry = dropped[index] as BudgetEntry
    if (entry.requires !== undefined && droppedKeys.has(entry.requires)) continue
    if (length + entryLength(entry) + 1 <= maxLength) {
      length += entryLength(entry) + 1
      dropped.splice(index, 1)
      droppedKeys.delete(entry.key)
    }
  }
  // An entry whose companion is gone is dead weight on the wire.
  for (const entry of entries) {
    if (entry.requires !== undefined && droppedKeys.has(entry.requires) && !droppedKeys.has(entry.key)) {
      dropped.push(entry)
      droppedKeys.add(entry.key)
      length -= entryLength(entry) + 1
    }
  }
  const droppedSet = new Set(dropped)
  return {
    kept: entries.filter((entry) => !droppedSet.has(entry)),
    trimmed: dropped.map((entry) => entry.key),
    overBudget: length > maxLength,
  }
}
