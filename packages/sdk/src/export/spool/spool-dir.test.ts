import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SpoolDir } from './spool-dir.js'
import { claimName, FOREIGN_CLAIM_STALE_MS } from './spool-names.js'

const frame = { stream: 'spans' as const, count: 1, body: Buffer.from('[]') }
let dirs: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'llmobs-spool-dir-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  dirs = []
})

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid as number
}

describe('SpoolDir', () => {
  it('lets exactly one of two processes claim a file', async () => {
    const path = tempDir()
    const writer = new SpoolDir(path, { owner: { host: 'h', pid: 1 } })
    const name = writer.writeSync([frame])
    const a = new SpoolDir(path, { owner: { host: 'h', pid: process.pid }, isAlive: () => true })
    const b = new SpoolDir(path, { owner: { host: 'h', pid: process.ppid }, isAlive: () => true })
    const claims = await Promise.all([a.claim(name), b.claim(name)])
    expect(claims.filter((c) => c !== undefined)).toHaveLength(1)
    // The claimed file belongs to a live process: neither sees it as claimable now.
    expect(await a.claimable()).toEqual([])
    expect(await b.claimable()).toEqual([])
  })

  it('takes over the claim of a process that died, once', async () => {
    const path = tempDir()
    const me = { host: 'h', pid: process.pid }
    const ready = new SpoolDir(path, { owner: me }).writeSync([frame])
    const dead = { host: 'h', pid: deadPid() }
    const abandoned = claimName(ready, dead)
    writeFileSync(join(path, abandoned), readFileSync(join(path, ready)))
    rmSync(join(path, ready))
    const dir = new SpoolDir(path, { owner: me })
    expect(await dir.claimable()).toEqual([abandoned])
    const claim = await dir.claim(abandoned)
    expect(claim?.ready).toBe(ready)
    expect(await dir.claimable()).toEqual([]) // held here now
    await dir.release(claim!)
    expect(readdirSync(path)).toEqual([ready])
  })

  it("leaves another host's claim alone until it is an hour old", async () => {
    const path = tempDir()
    const me = { host: 'here', pid: process.pid }
    const ready = new SpoolDir(path, { owner: me }).writeSync([frame])
    const foreign = claimName(ready, { host: 'there', pid: 12345 })
    writeFileSync(join(path, foreign), readFileSync(join(path, ready)))
    rmSync(join(path, ready))
    const dir = new SpoolDir(path, { owner: me, isAlive: () => false })
    expect(await dir.claimable()).toEqual([])
    const old = (Date.now() - FOREIGN_CLAIM_STALE_MS - 60_000) / 1000
    utimesSync(join(path, foreign), old, old)
    expect(await dir.claimable()).toEqual([foreign])
  })

  it('lists ready files oldest first and counts their bytes', async () => {
    const path = tempDir()
    const dir = new SpoolDir(path)
    const first = dir.writeSync([frame])
    await new Promise((resolve) => setTimeout(resolve, 5))
    const second = dir.writeSync([frame, frame])
    writeFileSync(join(path, 'unrelated.txt'), 'x'.repeat(1000))
    expect(await dir.claimable()).toEqual([first, second])
    expect(dir.usedBytesSync()).toBeLessThan(200)
  })
})
