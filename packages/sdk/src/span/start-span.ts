import { isSpanKind, SPAN_KINDS, type SpanKind } from '@llmobs/protocol'
import { withFeedbackJoinKey } from '../annotation/feedback-join-key.js'
import { mergeTags, type SpanTags } from '../annotation/normalize-tags.js'
import type { ContextSnapshot } from '../context/context-snapshot.js'
import { describeType, isRecord, type Report } from '../internal/report.js'
import { LiveSpan } from './live-span.js'
import type { SpanHost } from './span-host.js'

/** Span options after validation: every field has its final value or is undefined. */
export interface ValidSpanOptions {
  readonly kind: SpanKind
  readonly name: string
  readonly mlApp: string | undefined
  readonly sessionId: string | undefined
  readonly modelName: string | undefined
  readonly modelProvider: string | undefined
  readonly tags: SpanTags | undefined
}

/**
 * Validates span options. Misuse is reported through `report` (a strict instance throws from here,
 * before the user's function runs); a bad field falls back to its default: an invalid kind is
 * recorded as `task`, a missing name becomes `fallbackName` (the function's name), then the kind.
 */
export function validateSpanOptions(
  options: unknown,
  fallbackName: string | undefined,
  report: Report,
): ValidSpanOptions {
  if (!isRecord(options)) {
    report(
      'invalid_span_options',
      `span options must be an object like { kind: 'task', name: 'step' }, got ${describeType(options)}; a "task" span was recorded.`,
    )
    return validOptions('task', fallbackName || 'task', undefined, undefined, undefined, undefined, undefined)
  }
  const { kind: rawKind, name: rawName } = options
  let kind: SpanKind
  if (isSpanKind(rawKind)) {
    kind = rawKind
  } else {
    report(
      'invalid_span_kind',
      `kind must be one of ${SPAN_KINDS.join(', ')}, got ${JSON.stringify(rawKind) ?? 'undefined'}; pass e.g. { kind: 'task' }. The span was recorded as a "task" span.`,
    )
    kind = 'task'
  }
  let name: string
  if (typeof rawName === 'string' && rawName !== '') {
    name = rawName
  } else {
    if (rawName !== undefined && rawName !== '') {
      report(
        'invalid_span_name',
        `name must be a non-empty string, got ${describeType(rawName)}; the default name was used.`,
      )
    }
    name = fallbackName || kind
  }
  let tags: SpanTags | undefined
  if (options.tags !== undefined) {
    tags = {}
    mergeTags(tags, options.tags, 'tags', report)
  }
  if (options.feedbackJoinKey !== undefined) tags = withFeedbackJoinKey(tags, options.feedbackJoinKey, report)
  return validOptions(
    kind,
    name,
    optionalString(options.mlApp, 'mlApp', report),
    optionalString(options.sessionId, 'sessionId', report),
    optionalString(options.modelName, 'modelName', report),
    optionalString(options.modelProvider, 'modelProvider', report),
    tags,
  )
}

function validOptions(
  kind: SpanKind,
  name: string,
  mlApp: string | undefined,
  sessionId: string | undefined,
  modelName: string | undefined,
  modelProvider: string | undefined,
  tags: SpanTags | undefined,
): ValidSpanOptions {
  return { kind, name, mlApp, sessionId, modelName, modelProvider, tags }
}

/**
 * Starts a span from validated options under `parent`. `shareTags` is true when `options` is reused
 * across spans (wrap, decorate): the span then gets its own copy of the tags to annotate into.
 */
export function startLiveSpan(
  host: SpanHost,
  options: ValidSpanOptions,
  parent: ContextSnapshot | undefined,
  shareTags = false,
): LiveSpan {
  const tags = shareTags && options.tags !== undefined ? { ...options.tags } : options.tags
  return new LiveSpan(
    host,
    options.kind,
    options.name,
    parent,
    options.mlApp,
    options.sessionId,
    options.modelName,
    options.modelProvider,
    tags,
  )
}

function optionalString(value: unknown, field: string, report: Report): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string' && value !== '') return value
  report(
    'invalid_span_options',
    `${field} must be a non-empty string, got ${describeType(value)}; it was ignored.`,
  )
  return undefined
}
