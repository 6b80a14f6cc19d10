/**
 * Builds workspace packages whose `dist` is missing or older than their sources, so an end-to-end test
 * run straight from vitest (without `npm test`, which builds first) still exercises current code.
 * Safe to call from many test processes at once.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')

export interface BuildTarget {
  /** e.g. `@llmobs/sdk` */
  readonly workspace: string
  /** A file the build writes last or nearly so, e.g. `packages/sdk/dist/index.js` (relative to ROOT). */
  readonly entry: string
  /** Folders whose non-test `.ts` files the build reads (relative to ROOT). */
  readonly sources: readonly string[]
}

// One lock for every build: the collector and the SDK both bundle the protocol's sources, and a
// build in progress has already written a fresh entry while its chunks are still missing, so even
// a staleness check waits for it. mkdir is atomic: exactly one process holds the lock.
const LOCK = join(tmpdir(), 'llmobs-workspace-build.lock')
const LOCK_WAIT_MS = 240_000
const STALE_LOCK_MS = 180_000

export async function ensureBuilt(targets: readonly BuildTarget[]): Promise<void> {
  await acquireLock()
  try {
    for (const target of targets) {
      if (!isStale(target)) continue
      const result = spawnSync('npm', ['run', 'build', '-w', target.workspace], {
        cwd: ROOT,
        encoding: 'utf8',
      })
      if (result.status !== 0) {
        throw new Error(`building ${target.workspace} failed:\n${result.stdout}\n${result.stderr}`)
      }
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
  }
}

async function acquireLock(): Promise<void> {
  for (const deadline = Date.now() + LOCK_WAIT_MS; ;) {
    try {
      mkdirSync(LOCK)
      return
    } catch {
      // A lock left behind by a killed process is taken over once it is old enough.
      const age = Date.now() - (existsSync(LOCK) ? statSync(LOCK).mtimeMs : Date.now())
      if (age > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true })
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${LOCK}`)
      await sleep(100)
    }
  }
}

function isStale(target: BuildTarget): boolean {
  const entry = join(ROOT, target.entry)
  if (!existsSync(entry)) return true
  const builtAt = statSync(entry).mtimeMs
  return target.sources.some((dir) => {
    const path = join(ROOT, dir)
    return existsSync(path) && newestSource(path) > builtAt
  })
}

/** Newest modification time (ms) of the non-test `.ts` sources below `dir`. */
function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path))
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs)
    }
  }
  return newest
}
