/**
 * What `wrap` records as a function's input: one argument as itself, several as an object keyed by
 * the parameter names read from the function's source (cached per function), or as an array when
 * the names cannot be read (destructuring, native or bound functions, more arguments than names).
 */

/** Any function; only its source text and arity are read. */
export type AnyFunction = (...args: any[]) => unknown

const namesCache = new WeakMap<AnyFunction, readonly string[] | null>()
const IDENTIFIER = /^(?:\.\.\.)?[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u

export function functionArguments(fn: AnyFunction, args: readonly unknown[]): unknown {
  if (args.length === 0) return undefined
  if (args.length === 1) return args[0]
  let names = namesCache.get(fn)
  if (names === undefined) {
    names = parameterNames(fn)
    namesCache.set(fn, names)
  }
  if (names === null) return args.slice()
  const out: Record<string, unknown> = {}
  for (let i = 0; i < names.length && i < args.length; i++) {
    const name = names[i] as string
    if (name.startsWith('...')) {
      out[name.slice(3)] = args.slice(i)
      return out
    }
    out[name] = args[i]
  }
  return args.length > names.length ? args.slice() : out
}

/** The parameter names of a function from its source; null when they cannot all be named. */
export function parameterNames(fn: AnyFunction): readonly string[] | null {
  let source: string
  try {
    source = Function.prototype.toString.call(fn)
  } catch {
    return null
  }
  // Native and bound functions show no parameters in their source.
  if (source.endsWith('{ [native code] }')) return null
  const list = parameterList(source)
  if (list === null) return null
  const params = splitTopLevel(list)
  const names: string[] = []
  for (let i = 0; i < params.length; i++) {
    const param = params[i] as string
    const name = param.split('=', 1)[0]?.trim() ?? ''
    if (name === '' && i === params.length - 1 && param.trim() === '') break // trailing comma
    if (!IDENTIFIER.test(name)) return null
    names.push(name)
  }
  return names
}

/** The text between the parentheses of the parameter list, or the lone parameter of `x => ...`. */
function parameterList(source: string): string | null {
  let text = stripComments(source).trim()
  if (text.startsWith('class') && /^class\b/.test(text)) return null
  const async = /^async\b\s*/.exec(text)
  const afterAsync = async === null ? text : text.slice(async[0].length)
  const bareArrow = /^([\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*)\s*=>/u.exec(afterAsync)
  if (bareArrow !== null) return bareArrow[1] ?? null
  // A computed method name (`[Symbol.iterator](a) {}`) holds parentheses of its own: skip it.
  if (text.startsWith('[')) {
    const end = matchingClose(text, 0)
    if (end < 0) return null
    text = text.slice(end + 1)
  }
  const open = findOutsideStrings(text, '(')
  if (open < 0) return null
  const close = matchingClose(text, open)
  return close < 0 ? null : text.slice(open + 1, close)
}

function stripComments(source: string): string {
  let out = ''
  for (let i = 0; i < source.length; i++) {
    const char = source[i]
    const next = source[i + 1]
    if (char === '"' || char === "'" || char === '`') {
      const end = skipString(source, i)
      out += source.slice(i, end + 1)
      i = end
    } else if (char === '/' && next === '/') {
      const end = source.indexOf('\n', i)
      i = end < 0 ? source.length : end - 1
    } else if (char === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2)
      i = end < 0 ? source.length : end + 1
      out += ' '
    } else {
      out += char
    }
  }
  return out
}

/** Index of the closing quote of the string literal starting at `start`. */
function skipString(text: string, start: number): number {
  const quote = text[start]
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === quote) return i
  }
  return text.length - 1
}

function findOutsideStrings(text: string, target: string): number {
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === '"' || char === "'" || char === '`') i = skipString(text, i)
    else if (char === target) return i
  }
  return -1
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' }

/** Index of the bracket closing the one at `open`, skipping strings and nested brackets. */
function matchingClose(text: string, open: number): number {
  const stack: string[] = []
  for (let i = open; i < text.length; i++) {
    const char = text[i] as string
    if (char === '"' || char === "'" || char === '`') {
      i = skipString(text, i)
    } else if (char in OPENERS) {
      stack.push(OPENERS[char] as string)
    } else if (char === ')' || char === ']' || char === '}') {
      if (stack.pop() !== char) return -1
      if (stack.length === 0) return i
    }
  }
  return -1
}

/** Splits on commas that are outside brackets and strings. */
function splitTopLevel(list: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < list.length; i++) {
    const char = list[i] as string
    if (char === '"' || char === "'" || char === '`') i = skipString(list, i)
    else if (char === '(' || char === '[' || char === '{') depth++
    else if (char === ')' || char === ']' || char === '}') depth--
    else if (char === ',' && depth === 0) {
      parts.push(list.slice(start, i))
      start = i + 1
    }
  }
  parts.push(list.slice(start))
  return parts.length === 1 && parts[0]?.trim() === '' ? [] : parts
}
