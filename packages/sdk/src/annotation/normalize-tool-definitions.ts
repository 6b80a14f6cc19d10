import type { WireToolDefinition } from '@llmobs/protocol'
import { describeType, isRecord, type Report } from '../internal/report.js'
import { toJsonSafe } from '../internal/safe-json.js'

const CODE = 'invalid_tool_definitions'

/**
 * Tool definitions in their wire shape (`meta.tool_definitions`). A definition without a string
 * `name` is reported and dropped; a bad optional field is reported and dropped from its definition.
 */
export function normalizeToolDefinitions(value: unknown, report: Report): WireToolDefinition[] | undefined {
  if (!Array.isArray(value)) {
    report(
      CODE,
      `toolDefinitions must be an array of { name, description, schema, version }, got ${describeType(value)}; it was dropped.`,
    )
    return undefined
  }
  const out: WireToolDefinition[] = []
  value.forEach((item: unknown, i) => {
    const path = `toolDefinitions[${i}]`
    if (!isRecord(item) || typeof item.name !== 'string' || item.name === '') {
      report(CODE, `${path} must be an object with a non-empty string name; it was dropped.`)
      return
    }
    const definition: WireToolDefinition = { name: item.name }
    const { description, schema, version } = item
    if (typeof description === 'string') definition.description = description
    else if (description !== undefined)
      report(CODE, `${path}.description must be a string; the field was dropped.`)
    if (isRecord(schema)) definition.schema = toJsonSafe(schema) as Record<string, unknown>
    else if (schema !== undefined)
      report(CODE, `${path}.schema must be a plain object (a JSON schema); the field was dropped.`)
    if (typeof version === 'string') definition.version = version
    else if (version !== undefined) report(CODE, `${path}.version must be a string; the field was dropped.`)
    out.push(definition)
  })
  return out
}
