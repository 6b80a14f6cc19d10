// packages/sdk/README.md: "Node.js >= 20, ESM and CommonJS, TypeScript types included; no runtime
// dependency on any LLM client." Checked on the built package, loaded by real Node processes the way
// a user's app loads it (by name, from node_modules).
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureSdkBuilt, ROOT } from '../../../../test/e2e/context-helpers.js'

const run = promisify(execFile)
const PKG = join(ROOT, 'packages/sdk')
const manifest = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')) as {
  engines: { node: string }
  dependencies?: Record<string, string>
  exports: Record<string, string | Record<string, Record<string, string>>>
}

/** Prints what a program sees of both entry points. */
const PROBE = `typeof llmobs.trace + ' ' + typeof llmobs.init + ' ' + typeof testing.createTestLLMObs`

beforeAll(() => ensureSdkBuilt(), 120_000)

describe('@llmobs/sdk as a package', () => {
  it('loads with import (ESM)', async () => {
    const source = `import { llmobs } from '@llmobs/sdk'; import * as testing from '@llmobs/sdk/testing'; console.log(${PROBE})`
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', source], { cwd: ROOT })
    expect(stdout.trim()).toBe('function function function')
  })

  it('loads with require (CommonJS)', async () => {
    const source = `const { llmobs } = require('@llmobs/sdk'); const testing = require('@llmobs/sdk/testing'); console.log(${PROBE})`
    const { stdout } = await run(process.execPath, ['--input-type=commonjs', '-e', source], { cwd: ROOT })
    expect(stdout.trim()).toBe('function function function')
  })

  it('ships TypeScript types for both, for import and for require', () => {
    const typeFiles = Object.values(manifest.exports)
      .filter((entry): entry is Record<string, Record<string, string>> => typeof entry === 'object')
      .flatMap((entry) => [entry.import?.types, entry.require?.types])
    expect(typeFiles).toEqual([
      './dist/index.d.ts',
      './dist/index.d.cts',
      './dist/testing.d.ts',
      './dist/testing.d.cts',
    ])
    for (const file of typeFiles) expect(existsSync(join(PKG, file as string)), file).toBe(true)
  })

  it('asks for Node.js >= 20', () => {
    expect(manifest.engines.node).toBe('>=20')
  })

  it('depends on no LLM client, and its build imports nothing but Node built-ins and its dependencies', () => {
    const dependencies = Object.keys(manifest.dependencies ?? {})
    expect(dependencies).toEqual(['@msgpack/msgpack'])
    const imported = new Set<string>()
    for (const file of readdirSync(join(PKG, 'dist')).filter((f) => /\.(c?js)$/.test(f))) {
      const text = readFileSync(join(PKG, 'dist', file), 'utf8')
      for (const m of text.matchAll(/(?:from\s*|import\(\s*|require\(\s*)["']([^"'./][^"']*)["']/g))
        imported.add(m[1] as string)
    }
    const builtIn = (name: string): boolean => name.startsWith('node:') || builtinModules.includes(name)
    const foreign = [...imported].filter((name) => !builtIn(name) && !dependencies.includes(name))
    expect(foreign).toEqual([])
  })
})
