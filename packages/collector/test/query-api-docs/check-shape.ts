import type { Shapes, TypeExpr } from './parse-docs.js'

const describeValue = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value

/**
 * Where `value` differs from the documented `type`: a missing or undocumented field, or a value of
 * another type. Empty when it matches. Adds to `met` each named shape a value was checked against.
 */
export function checkShape(
  value: unknown,
  type: TypeExpr,
  shapes: Shapes,
  met: Set<string>,
  at = '$',
): string[] {
  switch (type.kind) {
    case 'name':
      switch (type.name) {
        case 'unknown':
          return []
        case 'null':
          return value === null ? [] : [`${at}: expected null, got ${describeValue(value)}`]
        case 'object':
          return describeValue(value) === 'object'
            ? []
            : [`${at}: expected an object, got ${describeValue(value)}`]
        default:
          return typeof value === type.name
            ? []
            : [`${at}: expected ${type.name}, got ${describeValue(value)}`]
      }
    case 'literal':
      return value === type.value ? [] : [`${at}: expected '${type.value}', got ${JSON.stringify(value)}`]
    case 'ref': {
      const shape = shapes.get(type.name)
      if (shape === undefined) return [`${at}: the README names an undefined shape ${type.name}`]
      const problems = checkShape(value, shape, shapes, met, at)
      if (problems.length === 0) met.add(type.name)
      return problems
    }
    case 'array':
      if (!Array.isArray(value)) return [`${at}: expected an array, got ${describeValue(value)}`]
      return value.flatMap((item, i) => checkShape(item, type.of, shapes, met, `${at}[${i}]`))
    case 'union': {
      const attempts = type.of.map((alternative) => {
        const trial = new Set<string>()
        return { problems: checkShape(value, alternative, shapes, trial, at), trial }
      })
      const match = attempts.find((a) => a.problems.length === 0)
      if (match === undefined) return attempts.flatMap((a) => a.problems)
      for (const name of match.trial) met.add(name)
      return []
    }
    case 'object': {
      if (describeValue(value) !== 'object') return [`${at}: expected an object, got ${describeValue(value)}`]
      const record = value as Record<string, unknown>
      const documented = new Set(type.fields.map((f) => f.name))
      const problems = Object.keys(record)
        .filter((key) => !documented.has(key))
        .map((key) => `${at}.${key}: not documented`)
      for (const field of type.fields) {
        if (!(field.name in record)) {
          if (!field.optional) problems.push(`${at}.${field.name}: documented but missing`)
          continue
        }
        problems.push(...checkShape(record[field.name], field.type, shapes, met, `${at}.${field.name}`))
      }
      return problems
    }
  }
}
