// House rule: no import cycles inside a package (type-only imports included), so each file's
// dependencies read as a tree. Walks the relative imports of every source file.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/ensure-built.js'

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\s*['"](\.{1,2}\/[^'"]+)['"]/g

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : []
  })
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(IMPORT)].map((m) =>
    resolve(dirname(file), (m[1] ?? m[2]) as string).replace(/\.js$/, '.ts'),
  )
}

/** Every cycle found by a depth-first walk, as a list of files relative to the repo. */
function findCycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((to) => files.includes(to))]))
  const cycles: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (file: string): void => {
    state.set(file, 'open')
    stack.push(file)
    for (const to of graph.get(file) ?? []) {
      if (state.get(to) === 'open')
        cycles.push([...stack.slice(stack.indexOf(to)), to].map((f) => relative(ROOT, f)))
      else if (!state.has(to)) visit(to)
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const file of files) if (!state.has(file)) visit(file)
  return cycles
}

describe('import cycles', () => {
  for (const pkg of ['protocol', 'sdk', 'collector']) {
    it(`packages/${pkg}/src has none`, () => {
      expect(findCycles(sourceFiles(join(ROOT, 'packages', pkg, 'src')))).toEqual([])
    })
  }
})
