import type { WireMessage, WireToolCall, WireToolResult } from '@llmobs/protocol'
import { describeType, isRecord, type Report } from '../internal/report.js'
import { normalizeList, pathOf, type ListItemReader } from './normalize-list.js'
import { safeStringify, toJsonSafe } from '../internal/safe-json.js'

const CODE = 'invalid_io_messages'

/**
 * LLM messages in their wire shape. Accepts a message, a bare string (`{role: "", content}`) or an
 * array of them, in camelCase or wire spelling. A malformed message, tool call or tool result is
 * reported under its path (`inputData[2].content`) and dropped; the rest is kept. Returns undefined
 * when nothing valid remains.
 */
export function normalizeMessages(data: unknown, field: string, report: Report): WireMessage[] | undefined {
  return normalizeList(data, field, report, READER)
}

const READER: ListItemReader<WireMessage> = {
  code: CODE,
  expected: 'a message object ({ role, content })',
  fromString: (text) => ({ role: '', content: text }),
  fromRecord: normalizeMessage,
}

function normalizeMessage(
  item: Record<string, unknown>,
  field: string,
  index: number,
  report: Report,
): WireMessage | undefined {
  const role = item.role ?? ''
  if (typeof role !== 'string') {
    report(
      CODE,
      `${pathOf(field, index)}.role must be a string (e.g. "user"), got ${describeType(role)}; the message was dropped.`,
    )
    return undefined
  }
  const content = item.content ?? ''
  if (typeof content !== 'string') {
    report(
      CODE,
      `${pathOf(field, index)}.content must be a string, got ${describeType(content)}; join text parts into one string. The message was dropped.`,
    )
    return undefined
  }
  const message: WireMessage = { role, content }
  const toolCalls = item.toolCalls ?? item.tool_calls
  if (toolCalls !== undefined && toolCalls !== null) {
    const calls = normalizeEach(toolCalls, `${pathOf(field, index)}.toolCalls`, report, normalizeToolCall)
    if (calls.length > 0) message.tool_calls = calls
  }
  const toolResults = item.toolResults ?? item.tool_results
  if (toolResults !== undefined && toolResults !== null) {
    const results = normalizeEach(
      toolResults,
      `${pathOf(field, index)}.toolResults`,
      report,
      normalizeToolResult,
    )
    if (results.length > 0) message.tool_results = results
  }
  const toolId = item.toolId ?? item.tool_id
  if (toolId !== undefined && toolId !== null) {
    if (typeof toolId === 'string') message.tool_id = toolId
    else {
      report(
        CODE,
        `${pathOf(field, index)}.toolId must be a string, got ${describeType(toolId)}; the field was dropped.`,
      )
    }
  }
  return message
}

function normalizeEach<T>(
  value: unknown,
  path: string,
  report: Report,
  normalizeOne: (item: unknown, path: string, report: Report) => T | undefined,
): T[] {
  const isList = Array.isArray(value)
  const list: readonly unknown[] = isList ? value : [value]
  const out: T[] = []
  for (let i = 0; i < list.length; i++) {
    const normalized = normalizeOne(list[i], isList ? `${path}[${i}]` : path, report)
    if (normalized !== undefined) out.push(normalized)
  }
  return out
}

function normalizeToolCall(item: unknown, path: string, report: Report): WireToolCall | undefined {
  if (!isRecord(item)) {
    report(
      CODE,
      `${path} must be an object ({ name, arguments, toolId, type }), got ${describeType(item)}; it was dropped.`,
    )
    return undefined
  }
  const { name, type } = item
  if (typeof name !== 'string') {
    report(CODE, `${path}.name must be a string, got ${describeType(name)}; the tool call was dropped.`)
    return undefined
  }
  const args = toolArguments(item.arguments)
  if (args === undefined) {
    report(
      CODE,
      `${path}.arguments must be an object or a string holding a JSON object, got ${describeType(item.arguments)}; the tool call was dropped.`,
    )
    return undefined
  }
  const call: WireToolCall = { name, arguments: args }
  const toolId = item.toolId ?? item.tool_id
  if (typeof toolId === 'string') call.tool_id = toolId
  else if (toolId !== undefined && toolId !== null) {
    report(CODE, `${path}.toolId must be a string, got ${describeType(toolId)}; the field was dropped.`)
  }
  if (typeof type === 'string') call.type = type
  else if (type !== undefined && type !== null) {
    report(CODE, `${path}.type must be a string, got ${describeType(type)}; the field was dropped.`)
  }
  return call
}

function toolArguments(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return {}
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value)
      return isRecord(parsed) ? parsed : undefined
    } catch {
      return undefined
    }
  }
  if (!isRecord(value)) return undefined
  const safe = toJsonSafe(value)
  return isRecord(safe) ? safe : undefined
}

function normalizeToolResult(item: unknown, path: string, report: Report): WireToolResult | undefined {
  if (!isRecord(item)) {
    report(
      CODE,
      `${path} must be an object ({ result, toolId, name, type }), got ${describeType(item)}; it was dropped.`,
    )
    return undefined
  }
  const { result, name, type } = item
  const toolResult: WireToolResult = {
    result: typeof result === 'string' ? result : result === undefined ? '' : safeStringify(result),
  }
  const toolId = item.toolId ?? item.tool_id
  if (typeof toolId === 'string') toolResult.tool_id = toolId
  else if (toolId !== undefined && toolId !== null) {
    report(CODE, `${path}.toolId must be a string, got ${describeType(toolId)}; the field was dropped.`)
  }
  if (typeof name === 'string') toolResult.name = name
  else if (name !== undefined && name !== null) {
    report(CODE, `${path}.name must be a string, got ${describeType(name)}; the field was dropped.`)
  } else toolResult.name = ''
  if (typeof type === 'string') toolResult.type = type
  else if (type !== undefined && type !== null) {
    report(CODE, `${path}.type must be a string, got ${describeType(type)}; the field was dropped.`)
  }
  return toolResult
}
