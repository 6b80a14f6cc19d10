// The commands the README tells you to run: `npm start`, `npm test`, `npm run bench`, and the
// `llmobs` CLI through npx. The scripts are checked for what the README says they do, and the
// commands that start processes are run for real.
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveCollectorConfig } from '../../packages/collector/src/config.js'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { ensureCollectorBuilt, startCollectorProcess } from '../helpers/collector-process.js'
import { ROOT } from '../helpers/ensure-built.js'

const run = promisify(execFile)
const scripts = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts

let collector: CollectorProcess
let dir: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmobs-readme-commands-'))
  await ensureCollectorBuilt()
  collector = await startCollectorProcess()
}, 120_000)
afterAll(async () => {
  await collector?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** Runs `command` until it prints `until`, then stops it; resolves with its output. */
function runUntil(command: string, args: string[], until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    // Its own process group, so that stopping it stops what it started (npx runs the CLI as a child).
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    const stop = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-(child.pid as number), signal)
      } catch {
        // already gone
      }
    }
    let output = ''
    const timer = setTimeout(() => {
      stop('SIGKILL')
      reject(new Error(`"${command} ${args.join(' ')}" did not print ${String(until)}:\n${output}`))
    }, 20_000)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      if (until.test(output)) {
        clearTimeout(timer)
        stop('SIGTERM')
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('close', () => {
      clearTimeout(timer)
      resolve(output)
    })
  })
}

describe('README commands', () => {
  it('npm start builds, then runs the local collector, by default on http://127.0.0.1:8126', async () => {
    const [build, start, ...rest] = scripts.start?.split(' && ') ?? []
    expect(build).toBe('npm run build')
    expect(rest).toEqual([])
    expect(start).toBe('node packages/collector/dist/cli.js collector')
    // The default address (binding 8126 itself here would collide with whatever else runs on it).
    expect(resolveCollectorConfig({}, ROOT)).toMatchObject({
      ok: true,
      value: { host: '127.0.0.1', port: 8126 },
    })
    // What npm start runs after the build, on a free port.
    const [node, ...args] = (start as string).replace(/^node /, `${process.execPath} `).split(' ')
    const output = await runUntil(
      node as string,
      [...args, '--port', '0', '--db', join(dir, 'start.db')],
      /listening on http:\/\/127\.0\.0\.1:\d+/,
    )
    expect(output).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/)
  })

  it('npm test lints, type-checks, builds, runs every test, then the SDK, protocol and e2e tests on Node 24', () => {
    expect(scripts.test?.split(' && ')).toEqual([
      'npm run lint',
      'npm run typecheck',
      'npm run build',
      'vitest run',
      'npm run test:node24',
    ])
    expect(scripts.lint).toBe('eslint . && prettier --check .')
    expect(scripts['test:node24']).toMatch(/^node scripts\/test-node24\.mjs --node node@24$/)
    // On Node 24: the SDK, the protocol and the end-to-end tests (the collector's own tests need the
    // better-sqlite3 build of this machine's Node).
    const node24 = readFileSync(join(ROOT, 'scripts/test-node24.mjs'), 'utf8')
    expect(node24).toContain("['packages/protocol', 'packages/sdk', 'test/e2e']")
  })

  it('npm run bench builds and runs bench/run.js, which takes --quick; results are in bench/README.md; bench/big-payloads.mjs exists', () => {
    expect(scripts.bench).toBe('npm run build && node bench/run.js')
    expect(readFileSync(join(ROOT, 'bench/run.js'), 'utf8')).toContain("process.argv.includes('--quick')")
    expect(existsSync(join(ROOT, 'bench/README.md'))).toBe(true)
    // "Figures: `node bench/big-payloads.mjs`" (the large-values section).
    expect(existsSync(join(ROOT, 'bench/big-payloads.mjs'))).toBe(true)
  })

  it('npx llmobs runs the collector CLI: llmobs traces prints from a running collector', async () => {
    const { stdout } = await run('npx', ['--no-install', 'llmobs', 'traces', '--url', collector.url], {
      cwd: ROOT,
      timeout: 30_000,
    })
    expect(stdout.trim()).toBe('no traces yet')
  })

  it('npx llmobs collector --port --db starts a collector storing into that file', async () => {
    const db = join(dir, 'npx.db')
    const output = await runUntil(
      'npx',
      ['--no-install', 'llmobs', 'collector', '--port', '0', '--db', db],
      /listening on http:\/\/127\.0\.0\.1:\d+/,
    )
    expect(output).toContain(db)
    expect(existsSync(db)).toBe(true)
  })
})
