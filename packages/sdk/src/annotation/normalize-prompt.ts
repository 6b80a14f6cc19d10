import type { WirePrompt } from '@llmobs/protocol'
import { describeType, isRecord, type Report } from '../internal/report.js'
import { safeStringify } from '../internal/safe-json.js'

const CODE = 'invalid_prompt'
const DEFAULT_CONTEXT_KEYS = ['context']
const DEFAULT_QUERY_KEYS = ['question']

/** The tag dd-trace adds to a span whose prompt was annotated by hand. */
export const PROMPT_TRACKING_TAG = {
  key: 'prompt_tracking_instrumentation_method',
  value: 'annotated',
} as const

/**
 * The wire prompt of an llm span (protocol §2): `{id, version, variables, template | chat_template,
 * tags, _dd_context_variable_keys, _dd_query_variable_keys}`, with dd-trace's defaults for the id
 * (`<ml_app>_unnamed-prompt`) and the variable keys (`context`, `question`). A bad field is reported
 * and dropped (its default applies); a prompt that is not an object is reported and ignored.
 */
export function normalizePrompt(prompt: unknown, mlApp: string, report: Report): WirePrompt | undefined {
  if (!isRecord(prompt)) {
    report(
      CODE,
      `prompt must be an object ({ id, version, template, variables, ... }), got ${describeType(prompt)}; it was dropped.`,
    )
    return undefined
  }
  const out: WirePrompt = {}
  out.id = optionalString(prompt.id, 'prompt.id', report) ?? `${mlApp}_unnamed-prompt`
  const version = optionalString(prompt.version, 'prompt.version', report)
  if (version !== undefined) out.version = version
  const variables = stringRecord(prompt.variables, 'prompt.variables', report, true)
  if (variables !== undefined) out.variables = variables
  const { template } = prompt
  if (typeof template === 'string') out.template = template
  else if (Array.isArray(template)) {
    const chat = chatTemplate(template, 'prompt.template', report)
    if (chat.length > 0) out.chat_template = chat
  } else if (template !== undefined && template !== null) {
    report(
      CODE,
      `prompt.template must be a string or an array of { role, content } messages, got ${describeType(template)}; the field was dropped.`,
    )
  }
  if (prompt.chatTemplate !== undefined && prompt.chatTemplate !== null) {
    if (Array.isArray(prompt.chatTemplate)) {
      const chat = chatTemplate(prompt.chatTemplate, 'prompt.chatTemplate', report)
      if (chat.length > 0) out.chat_template = chat
    } else {
      report(
        CODE,
        `prompt.chatTemplate must be an array of { role, content } messages, got ${describeType(prompt.chatTemplate)}; the field was dropped.`,
      )
    }
  }
  const tags = stringRecord(prompt.tags, 'prompt.tags', report, false)
  if (tags !== undefined) out.tags = tags
  out._dd_context_variable_keys =
    stringList(prompt.contextVariableKeys ?? prompt.contextVariables, 'prompt.contextVariableKeys', report) ??
    DEFAULT_CONTEXT_KEYS.slice()
  out._dd_query_variable_keys =
    stringList(prompt.queryVariableKeys ?? prompt.queryVariables, 'prompt.queryVariableKeys', report) ??
    DEFAULT_QUERY_KEYS.slice()
  return out
}

function optionalString(value: unknown, path: string, report: Report): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  report(CODE, `${path} must be a string, got ${describeType(value)}; the field was dropped.`)
  return undefined
}

function stringRecord(
  value: unknown,
  path: string,
  report: Report,
  stringifyOthers: boolean,
): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined
  if (!isRecord(value) || value instanceof Map) {
    report(
      CODE,
      `${path} must be a plain object of strings, got ${describeType(value)}; the field was dropped.`,
    )
    return undefined
  }
  const out: Record<string, string> = {}
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'string') out[key] = entry
    else if (stringifyOthers && entry !== undefined) out[key] = safeStringify(entry)
    else if (entry !== undefined) {
      report(CODE, `${path}.${key} must be a string, got ${describeType(entry)}; the entry was dropped.`)
    }
  }
  return out
}

function chatTemplate(
  list: readonly unknown[],
  path: string,
  report: Report,
): Array<{ role: string; content: string }> {
  const out: Array<{ role: string; content: string }> = []
  list.forEach((item, i) => {
    if (isRecord(item) && typeof item.role === 'string' && typeof item.content === 'string') {
      out.push({ role: item.role, content: item.content })
    } else {
      report(CODE, `${path}[${i}] must be a { role, content } message of strings; it was dropped.`)
    }
  })
  return out
}

function stringList(value: unknown, path: string, report: Report): string[] | undefined {
  if (value === undefined || value === null) return undefined
  if (Array.isArray(value) && value.every((key) => typeof key === 'string')) return value.slice() as string[]
  report(CODE, `${path} must be an array of strings, got ${describeType(value)}; the default was used.`)
  return undefined
}
