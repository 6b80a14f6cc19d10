/**
 * Reads the query API reference out of packages/collector/README.md: one `### \`GET <path>\`` section
 * per endpoint (a parameter table, `Answers \`200\` with \`<Shape>\``, `Errors: \`400\` ...`), and the
 * answer shapes, written as TypeScript interfaces in the ts block under `### Answer shapes`.
 */

export type TypeExpr =
  | { kind: 'name'; name: string } // string, number, boolean, null, object, unknown
  | { kind: 'ref'; name: string } // a documented shape
  | { kind: 'literal'; value: string }
  | { kind: 'array'; of: TypeExpr }
  | { kind: 'union'; of: TypeExpr[] }
  | { kind: 'object'; fields: Field[] }

export interface Field {
  name: string
  optional: boolean
  type: TypeExpr
}

export type Shapes = Map<string, TypeExpr>

export interface DocumentedParam {
  name: string
  in: 'query' | 'path'
  type: string
  default: string
}

export interface DocumentedEndpoint {
  method: string
  path: string
  params: DocumentedParam[]
  /** The shape of the 200 answer. */
  response: string
  /** Statuses named after `Errors:`. */
  errors: number[]
}

export interface QueryDocs {
  endpoints: DocumentedEndpoint[]
  shapes: Shapes
}

export const PRIMITIVES = new Set(['string', 'number', 'boolean', 'null', 'object', 'unknown'])

const unquote = (cell: string): string => cell.trim().replace(/^`(.*)`$/, '$1')

function parseEndpoint(heading: RegExpExecArray, body: string): DocumentedEndpoint {
  const [, method, path] = heading as unknown as [string, string, string]
  const params: DocumentedParam[] = []
  for (const row of body.matchAll(/^\|\s*`(\w+)`\s*\|([^\n]*)\|\s*$/gm)) {
    const cells = (row[2] as string).split('|').map(unquote)
    const [where, type, fallback] = cells
    if (where !== 'query' && where !== 'path')
      throw new Error(`${path}: parameter ${row[1]} is in "${where}"`)
    params.push({ name: row[1] as string, in: where, type: type ?? '', default: fallback ?? '' })
  }
  const response = /Answers `200` with `(\w+)`/.exec(body)?.[1]
  if (response === undefined) throw new Error(`README: ${method} ${path} does not say what it answers`)
  const errorsText = /Errors:([^\n]*(?:\n(?!\n)[^\n]*)*)/.exec(body)?.[1] ?? ''
  const errors = [...errorsText.matchAll(/`(\d{3})`/g)].map((m) => Number(m[1]))
  return { method, path, params, response, errors }
}

export function parseQueryDocs(readme: string): QueryDocs {
  const start = readme.indexOf('\n## Query API\n')
  if (start < 0) throw new Error('README has no "## Query API" section')
  const next = readme.indexOf('\n## ', start + 1)
  const section = readme.slice(start, next < 0 ? undefined : next)

  const endpoints: DocumentedEndpoint[] = []
  const headings = [...section.matchAll(/^### `(GET|POST|PUT|DELETE) (\/\S*)`$/gm)]
  headings.forEach((heading, i) => {
    const from = (heading.index ?? 0) + heading[0].length
    const to = headings[i + 1]?.index ?? section.indexOf('\n### Answer shapes')
    endpoints.push(parseEndpoint(heading as RegExpExecArray, section.slice(from, to)))
  })

  const block = /### Answer shapes[\s\S]*?```ts\n([\s\S]*?)```/.exec(section)?.[1]
  if (block === undefined) throw new Error('README has no ts block under "### Answer shapes"')
  return { endpoints, shapes: parseInterfaces(block) }
}

/** `interface Name { field?: type ... }` declarations; `//` comments are ignored. */
export function parseInterfaces(source: string): Shapes {
  const tokens = source.replace(/\/\/[^\n]*/g, '').match(/\{|\}|\[\]|\||:|\?|;|,|'[^']*'|[A-Za-z_]\w*|\S/g)
  if (tokens === null) return new Map()
  let at = 0
  const peek = (): string | undefined => tokens[at]
  const take = (expected?: string): string => {
    const token = tokens[at++]
    if (token === undefined || (expected !== undefined && token !== expected))
      throw new Error(`shapes: expected ${expected ?? 'a token'} at token ${at}, found ${token ?? 'the end'}`)
    return token
  }

  function fields(): Field[] {
    take('{')
    const out: Field[] = []
    while (peek() !== '}') {
      if (peek() === ';' || peek() === ',') {
        take()
        continue
      }
      const name = take()
      const optional = peek() === '?'
      if (optional) take('?')
      take(':')
      out.push({ name, optional, type: union() })
    }
    take('}')
    return out
  }
  function primary(): TypeExpr {
    const token = peek()
    if (token === '{') return { kind: 'object', fields: fields() }
    take()
    if (token === undefined) throw new Error('shapes: a type is missing')
    if (token.startsWith("'")) return { kind: 'literal', value: token.slice(1, -1) }
    if (!/^[A-Za-z_]\w*$/.test(token)) throw new Error(`shapes: unexpected ${token}`)
    return PRIMITIVES.has(token) ? { kind: 'name', name: token } : { kind: 'ref', name: token }
  }
  function postfix(): TypeExpr {
    let type = primary()
    while (peek() === '[]') {
      take()
      type = { kind: 'array', of: type }
    }
    return type
  }
  function union(): TypeExpr {
    const of = [postfix()]
    while (peek() === '|') {
      take()
      of.push(postfix())
    }
    return of.length === 1 ? (of[0] as TypeExpr) : { kind: 'union', of }
  }

  const shapes: Shapes = new Map()
  while (at < tokens.length) {
    take('interface')
    const name = take()
    shapes.set(name, { kind: 'object', fields: fields() })
  }
  return shapes
}
