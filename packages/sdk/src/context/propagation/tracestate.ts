import type { BudgetEntry } from './datadog-tags-budget.js'
import {
  HEADER_VALUE,
  HEX16,
  TAG,
  TAG_KEY,
  TAG_VALUE,
  TRACESTATE_KEY_FILTER,
  TRACESTATE_MAX_MEMBERS,
  TRACESTATE_VALUE_FILTER,
} from './tag-rules.js'

/**
 * W3C `tracestate` (https://www.w3.org/TR/trace-context/#tracestate-header) and its `dd` member,
 * `dd=s:<priority>;o:<origin>;p:<16 hex>;t.<tag>:<value>`, encoded as dd-trace does: `_dd.p.` →
 * `t.`, and in values '=' → '~' with ',', ';', '~' and non-printables → '_'.
 */

const MEMBER_KEY = /^(?:[a-z][a-z0-9_\-*/]{0,255}|[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13})$/
const MEMBER_VALUE = /^[\x20-\x2B\x2D-\x3C\x3E-\x7E]{0,255}[\x21-\x2B\x2D-\x3C\x3E-\x7E]$/
const INTEGER = /^-?[0-9]{1,10}$/
const TRAILING_SPACES = / +$/
/** Beyond this a header is not parsed at all (32 members of 512 characters is 16 KiB). */
const PARSE_LIMIT = 16 * 1024

export interface DatadogTracestate {
  samplingPriority?: number
  origin?: string
  /** `p:`, the last Datadog span id upstream, 16 lowercase hex. */
  lastParentId?: string
  /** `t.*` fields decoded back to `_dd.p.*` tags. */
  readonly tags: Map<string, string>
}

export interface ParsedTracestate {
  readonly dd: DatadogTracestate | undefined
  /** Other vendors' members (`key=value`), valid ones only, in order, at most 31. */
  readonly foreign: string[]
}

function decodeValue(text: string): string {
  return text.includes('~') ? text.replaceAll('~', '=') : text
}

function decodeDatadogMember(value: string, problems: string[]): DatadogTracestate {
  const dd: DatadogTracestate = { tags: new Map() }
  for (const field of value.split(';')) {
    const colon = field.indexOf(':')
    if (colon <= 0) continue
    const key = field.slice(0, colon)
    const text = field.slice(colon + 1)
    if (key === 's') {
      if (INTEGER.test(text)) dd.samplingPriority = Number(text)
      else problems.push(`tracestate dd s:${text.slice(0, 16)} ignored`)
    } else if (key === 'o') {
      if (text !== '') dd.origin = decodeValue(text)
    } else if (key === 'p') {
      const hex = text.toLowerCase()
      if (HEX16.test(hex)) dd.lastParentId = hex
      else problems.push(`tracestate dd p:${text.slice(0, 20)} ignored: not 16 hex digits`)
    } else if (key.startsWith('t.')) {
      const tag = '_dd.p.' + key.slice(2)
      const decoded = decodeValue(text)
      if (TAG_KEY.test(tag) && TAG_VALUE.test(decoded) && decoded !== '') dd.tags.set(tag, decoded)
      else problems.push(`tracestate dd field ${JSON.stringify(key.slice(0, 40))} ignored: malformed`)
    }
  }
  return dd
}

/**
 * Splits a `tracestate` into the `dd` member (wherever it is) and the valid members of other
 * vendors. Invalid or duplicate members are dropped with a reason, so they are never forwarded.
 */
export function parseTracestate(header: string, problems: string[]): ParsedTracestate {
  const foreign: string[] = []
  let dd: DatadogTracestate | undefined
  if (header.length > PARSE_LIMIT) {
    problems.push(`tracestate ignored: ${header.length} characters`)
    return { dd, foreign }
  }
  const seen = new Set<string>()
  for (const segment of header.split(',')) {
    const member = segment.trim()
    if (member === '') continue
    const equals = member.indexOf('=')
    const key = equals === -1 ? member : member.slice(0, equals)
    const value = equals === -1 ? '' : member.slice(equals + 1)
    if (!MEMBER_KEY.test(key) || !MEMBER_VALUE.test(value)) {
      problems.push(`tracestate member ${JSON.stringify(member.slice(0, 40))} ignored: malformed`)
      continue
    }
    if (seen.has(key)) {
      problems.push(`tracestate member ${key} repeated: the first one is kept`)
      continue
    }
    seen.add(key)
    if (key === 'dd') dd = decodeDatadogMember(value, problems)
    else if (foreign.length < TRACESTATE_MAX_MEMBERS - 1) foreign.push(member)
    else problems.push(`tracestate member ${key} dropped: over ${TRACESTATE_MAX_MEMBERS} members`)
  }
  return { dd, foreign }
}

// Anything `encodeValue` would change: most values have none, and skip three replaces.
const NEEDS_ENCODING = /[^\x20-\x2B\x2D-\x3A\x3C\x3E-\x7D]| $/
const NEEDS_KEY_ENCODING = /[^\x21-\x2B\x2D-\x39\x3C\x3E-\x7E]/

function encodeValue(value: string): string {
  if (!NEEDS_ENCODING.test(value)) return value
  // A member value may not end in a space (W3C `nblk-chr`), and any field may end up last.
  return value
    .replace(TRACESTATE_VALUE_FILTER, '_')
    .replaceAll('=', '~')
    .replace(TRAILING_SPACES, (s) => '_'.repeat(s.length))
}

export interface DatadogMemberFields {
  readonly samplingPriority: number | undefined
  readonly origin: string | undefined
  /** 16 hex: the span injection happens under. */
  readonly parentIdHex: string
}

/**
 * The `dd` member's fields, each with its trim class for the 256-character budget. `t.tid` goes
 * first: `traceparent`, always sent with it, carries the whole trace id (and dd-trace ignores
 * `t.tid` on read). The origin goes last, since `x-datadog-origin` carries it too.
 */
export function datadogMemberEntries(
  fields: DatadogMemberFields,
  tags: readonly BudgetEntry[],
): BudgetEntry[] {
  const entries: BudgetEntry[] = []
  if (fields.samplingPriority !== undefined) {
    entries.push({ key: 's', value: String(fields.samplingPriority), trim: 'required' })
  }
  if (fields.origin !== undefined) {
    const origin = encodeValue(fields.origin)
    if (origin !== '') entries.push({ key: 'o', value: origin, trim: 'last-resort' })
  }
  entries.push({ key: 'p', value: fields.parentIdHex, trim: 'required' })
  for (const tag of tags) {
    const name = tag.key.slice(6)
    const key = 't.' + (NEEDS_KEY_ENCODING.test(name) ? name.replace(TRACESTATE_KEY_FILTER, '_') : name)
    const value = encodeValue(tag.value)
    if (value === '') continue
    const trim = tag.key === TAG.tid ? 'redundant' : tag.trim
    if (tag.requires === undefined) entries.push({ key, value, trim })
    else
      entries.push({
        key,
        value,
        trim,
        requires: 't.' + tag.requires.slice(6).replace(TRACESTATE_KEY_FILTER, '_'),
      })
  }
  return entries
}

/** The header: the `dd` member first (when there is one), then the foreign members, 32 at most. */
export function formatTracestate(dd: readonly BudgetEntry[], foreign: readonly string[]): string {
  let value = ''
  for (const entry of dd) value += (value === '' ? '' : ';') + entry.key + ':' + entry.value
  const members = value === '' ? [] : ['dd=' + value]
  for (const member of foreign) {
    if (members.length >= TRACESTATE_MAX_MEMBERS) break
    members.push(member)
  }
  return members.join(',')
}

/** Validates caller-supplied foreign members before they are forwarded: never a malformed header. */
export function foreignMembers(text: string | undefined, problems: string[]): string[] {
  if (text === undefined || text === '') return []
  if (!HEADER_VALUE.test(text)) {
    problems.push('foreignTracestate not propagated: not a valid header value')
    return []
  }
  const parsed = parseTracestate(text, problems)
  if (parsed.dd !== undefined) problems.push('foreignTracestate: its dd member is replaced by this context')
  return parsed.foreign
}
