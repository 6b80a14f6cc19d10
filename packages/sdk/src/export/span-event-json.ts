import { hasModel, SPAN_KINDS } from '@llmobs/protocol'
import type { ResolvedConfig } from '../config.js'
import type { SpanRecord } from '../span/span-record.js'
import { appendIo, ioClosers } from './io-json.js'
import { appendMetrics, metricsClosers } from './metrics-json.js'
import { flat, isPlainText, jsonText, quoteJson } from './json-text.js'
import { encodeSpanEvent } from './span-event-encoder.js'
import { tagsJson } from './tags-json.js'

/**
 * The JSON text of a finished span's event, written straight from the record: exactly the text of
 * `JSON.stringify(encodeSpanEvent(record, config))`, member for member and in the same order
 * (`span-event-json.test.ts` compares both on thousands of random records).
 *
 * Why hand-written (measured on Node 20 with the benchmark's spans, see bench/README.md):
 * stringifying the event object took ~3 µs per span, a third of the SDK's per-span CPU, because
 * `JSON.stringify` pays ~70 ns per property and scans every character of every key and value
 * (~1.5 ns each). Here the skeleton (keys, punctuation, base tags, the sampling block) is constant
 * text, ids and names are checked with one regular expression each, and only user data (input,
 * output, metadata, metrics...) goes through `JSON.stringify`. Three things keep it fast:
 * - few pieces: every `+` of a long string makes a rope node that costs ~15 ns when the text is
 *   flattened into the request buffer, so constant runs are cached as whole strings (per trace:
 *   the trace id head and the `_dd` tail; per config: the tags);
 * - no string quoting by concatenation for ids: the quotes live in the constant text;
 * - no number formatting through template literals: V8 keeps those results in its number-string
 *   cache, which kept ~35 kB alive across every scavenge and promoted it (GC time up ~50%).
 *
 * A record that does not fit the fast path (a field not of its documented type, an id or name that
 * needs escaping: a processor may return anything) is encoded by the encoder and `JSON.stringify`,
 * so its text is exact too.
 *
 * @example
 * const json = spanEventJson(record, config)
 * JSON.parse(json).meta['span.kind'] // record.kind
 */
export function spanEventJson(record: SpanRecord, config: ResolvedConfig): string {
  return fastEventJson(record, config) ?? JSON.stringify(encodeSpanEvent(record, config))
}

/** Per kind: the text from `,"status":` to `"input":` for a span without and with an error. */
const STATUS_META_HEADS: Readonly<Record<string, readonly [string, string]>> = Object.assign(
  Object.create(null) as Record<string, readonly [string, string]>,
  Object.fromEntries(
    SPAN_KINDS.map((kind) => [
      kind,
      [
        flat(`,"status":"ok","meta":{"span.kind":"${kind}","input":`),
        flat(`,"status":"error","meta":{"span.kind":"${kind}","input":`),
      ],
    ]),
  ),
)

const INPUT_CLOSERS = ioClosers(',"output":')
const OUTPUT_CLOSERS = ioClosers('')
const METRICS_CLOSERS = metricsClosers(',"_dd":{"span_id":"')

/**
 * The fast path, appending piece by piece (each `+=` is one rope node); undefined when the record
 * does not fit it.
 */
function fastEventJson(record: SpanRecord, config: ResolvedConfig): string | undefined {
  const { kind, name, spanId, parentId, traceId, apmTraceId, startNs, durationNs, sessionId, error } = record
  const statusMetaHeads = typeof kind === 'string' ? STATUS_META_HEADS[kind] : undefined
  // The name and parent id are checked by `identitySegment` (only when they change).
  if (
    statusMetaHeads === undefined ||
    !isPlainString(spanId) ||
    (sessionId !== undefined && typeof sessionId !== 'string') ||
    !Number.isFinite(startNs) ||
    !Number.isFinite(durationNs)
  ) {
    return undefined
  }
  const head = traceHead(traceId)
  const tags = tagsJson(record, config)
  if (head === undefined || tags === undefined || !ddTail(apmTraceId, record.sampling)) return undefined
  // Taken now: a getter in the user data below could end another span and move the caches.
  const tail = lastTail
  const tailClosed = lastTailClosed
  const segment = identitySegment(parentId, name, tags)
  if (segment === undefined) return undefined
  let out = head + spanId
  out += segment
  // Numbers through JSON.stringify, not a template: see the comment at the top.
  out += JSON.stringify(startNs)
  out += ',"duration":'
  out += JSON.stringify(durationNs)
  out += error === undefined ? statusMetaHeads[0] : statusMetaHeads[1]
  let next = appendIo(out, 'input', record.input, INPUT_CLOSERS)
  if (next === undefined) return undefined
  next = appendIo(next, 'output', record.output, OUTPUT_CLOSERS)
  if (next === undefined) return undefined
  next = appendMetaRest(next, record)
  if (next === undefined) return undefined
  out = appendMetrics(next, record.metrics, METRICS_CLOSERS)
  out += spanId
  const links = record.links
  const collectionErrors = record.collectionErrors
  const hasLinks = links.length > 0
  const hasErrors = collectionErrors !== undefined && collectionErrors.length > 0
  if (sessionId === undefined && !hasLinks && !hasErrors) return out + tailClosed
  out += tail
  if (sessionId !== undefined) out += `,"session_id":${quoteJson(sessionId)}`
  if (hasLinks) {
    const text = jsonText('span_links', links.slice())
    if (text === undefined) return undefined
    out += `,"span_links":${text}`
  }
  if (hasErrors) {
    const text = jsonText('collection_errors', collectionErrors.slice())
    if (text === undefined) return undefined
    out += `,"collection_errors":${text}`
  }
  return `${out}}`
}

/** The rest of `meta` after the output, its closing brace, and `,"metrics":`. */
function appendMetaRest(out: string, record: SpanRecord): string | undefined {
  const metadata = record.metadata
  const definitions = record.toolDefinitions
  const agent = record.agentAttribution
  const error = record.error
  const more =
    hasKeys(metadata) ||
    (definitions !== undefined && definitions.length > 0) ||
    agent !== undefined ||
    error !== undefined
  if (hasModel(record.kind)) {
    const model = modelJson(record.modelName ?? 'custom', record.modelProvider ?? 'custom', more)
    if (model === undefined) return undefined
    out += model
  }
  if (!more) return hasModel(record.kind) ? out : `${out}},"metrics":`
  if (hasKeys(metadata)) {
    const text = jsonText('metadata', metadata)
    if (text === undefined) return undefined
    out += `,"metadata":${text}`
  }
  if (definitions !== undefined && definitions.length > 0) {
    const text = jsonText('tool_definitions', definitions)
    if (text === undefined) return undefined
    out += `,"tool_definitions":${text}`
  }
  if (agent !== undefined) {
    const agentName = agent.name ?? null
    const agentSpanId = agent.spanId
    if ((agentName !== null && typeof agentName !== 'string') || typeof agentSpanId !== 'string')
      return undefined
    const nameText = agentName === null ? 'null' : quoteJson(agentName)
    out += `,"agent_attribution":{"pagent_name":${nameText},"pagent_span_id":${quoteJson(agentSpanId)}}`
  }
  if (error !== undefined) {
    const { message, type, stack } = error
    if (typeof message !== 'string' || typeof type !== 'string') return undefined
    if (stack !== undefined && typeof stack !== 'string') return undefined
    out += `,"error.message":${quoteJson(message)},"error.type":${quoteJson(type)}`
    if (stack !== undefined) out += `,"error.stack":${quoteJson(stack)}`
  }
  return `${out}},"metrics":`
}

function isPlainString(value: unknown): value is string {
  return typeof value === 'string' && isPlainText(value)
}

// Single-entry caches: the spans of one trace usually end one after another, with the same model.
// Each starts consistent with its key ('' and NaN), so a lookup never returns text of another key.
let lastTraceId = ''
let lastTraceHead = '{"trace_id":"","span_id":"'
let lastApmTraceId = ''
let lastRate = Number.NaN
let lastDecision = Number.NaN
let lastTail = ''
let lastTailClosed = ''
let lastModelName = ''
let lastModelProvider = ''
let lastModelText = ',"model_name":"","model_provider":""'
let lastModelClosed = ',"model_name":"","model_provider":""},"metrics":'
let lastParentId: string | undefined
let lastName = ''
let lastTags = ''
let lastSegment = '","parent_id":"undefined","name":"","tags":,"start_ns":'

/** `{"trace_id":"<trace id>","span_id":"` */
function traceHead(traceId: unknown): string | undefined {
  if (traceId !== lastTraceId) {
    if (!isPlainString(traceId)) return undefined
    lastTraceHead = flat(`{"trace_id":"${traceId}","span_id":"`)
    lastTraceId = traceId
  }
  return lastTraceHead
}

/**
 * Makes `lastTail` the text `","trace_id":"<apm>","sample_rate":"<rate>","sampling_decision":
 * "<decision>","apm_trace_id":"<apm>"}` for this span (and `lastTailClosed` that plus the event's
 * closing brace); false when the values do not fit the fast path.
 */
function ddTail(apmTraceId: unknown, sampling: SpanRecord['sampling']): boolean {
  const { rate, decision } = sampling
  if (apmTraceId !== lastApmTraceId || rate !== lastRate || decision !== lastDecision) {
    if (!isPlainString(apmTraceId) || typeof rate !== 'number' || typeof decision !== 'number') return false
    lastTail =
      `","trace_id":"${apmTraceId}","sample_rate":${quoteJson(String(rate))}` +
      `,"sampling_decision":${quoteJson(String(decision))},"apm_trace_id":"${apmTraceId}"}`
    lastTail = flat(lastTail)
    lastTailClosed = flat(`${lastTail}}`)
    lastApmTraceId = apmTraceId
    lastRate = rate
    lastDecision = decision
  }
  return true
}

/**
 * `","parent_id":"<parent>","name":"<name>","tags":<tags>,"start_ns":` (siblings share it);
 * undefined when the parent id or name does not fit the fast path (checked only when they change).
 */
function identitySegment(parentId: unknown, name: unknown, tags: string): string | undefined {
  if (parentId !== lastParentId || name !== lastName || tags !== lastTags) {
    if (!isPlainString(name) || (parentId !== undefined && !isPlainString(parentId))) return undefined
    lastSegment = flat(
      `","parent_id":"${parentId ?? 'undefined'}","name":"${name}","tags":${tags},"start_ns":`,
    )
    lastParentId = parentId
    lastName = name
    lastTags = tags
  }
  return lastSegment
}

/**
 * `,"model_name":...,"model_provider":...` (the provider lowercased, as dd-trace sends it), and
 * when nothing else follows in `meta` (`more` false), its closing brace and `,"metrics":` too.
 */
function modelJson(modelName: unknown, modelProvider: unknown, more: boolean): string | undefined {
  if (modelName !== lastModelName || modelProvider !== lastModelProvider) {
    if (typeof modelName !== 'string' || typeof modelProvider !== 'string') return undefined
    lastModelText = `,"model_name":${quoteJson(modelName)},"model_provider":${quoteJson(modelProvider.toLowerCase())}`
    lastModelText = flat(lastModelText)
    lastModelClosed = flat(`${lastModelText}},"metrics":`)
    lastModelName = modelName
    lastModelProvider = modelProvider
  }
  return more ? lastModelText : lastModelClosed
}

function hasKeys(object: object): boolean {
  for (const _ in object) return true
  return false
}
