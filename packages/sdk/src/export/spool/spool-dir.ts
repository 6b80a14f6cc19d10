import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import { encodeSpoolFile, type SpoolFrame } from './spool-file.js'
import {
  claimName,
  isProcessAlive,
  isStaleClaim,
  parseEntry,
  readyName,
  safeHost,
  type SpoolOwner,
} from './spool-names.js'

/** A file this process has claimed: `path` is its claimed name, `ready` the name it goes back to. */
export interface SpoolClaim {
  readonly path: string
  readonly ready: string
}

// Claims held by this process, whichever instance holds them: another instance on the same
// directory must not mistake them for the stale claim of a dead process with this pid.
const heldHere = new Set<string>()

/**
 * One spool directory on disk: writes ready files (synchronously, for the exit hook) and claims,
 * reads, rewrites, releases and removes them (asynchronously, off the app's path). Every change of a
 * file's state is one `rename` (see spool-names.ts), so a file is always either ready or claimed by
 * exactly one process, never both and never half-written.
 */
export class SpoolDir {
  readonly path: string
  readonly #owner: SpoolOwner
  readonly #isAlive: (pid: number) => boolean

  constructor(path: string, options: { owner?: SpoolOwner; isAlive?: (pid: number) => boolean } = {}) {
    // Resolved now: a later process.chdir() must not move the spool.
    this.path = resolve(path)
    this.#owner = options.owner ?? { host: safeHost(hostname()), pid: process.pid }
    this.#isAlive = options.isAlive ?? isProcessAlive
  }

  /**
   * Writes `frames` as one new ready file, synchronously: to a temporary name first, flushed to disk,
   * then renamed, so a reader never sees it half-written. Returns its name; throws on I/O errors.
   */
  writeSync(frames: readonly SpoolFrame[]): string {
    mkdirSync(this.path, { recursive: true })
    const name = readyName(this.#owner, Date.now())
    const temp = join(this.path, `${name}.tmp`)
    const bytes = encodeSpoolFile(frames)
    const fd = openSync(temp, 'w', 0o600)
    try {
      let at = 0
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, join(this.path, name))
    return name
  }

  /** Bytes held by ready and claimed files now (synchronous, for the exit hook's budget). */
  usedBytesSync(): number {
    let names: string[]
    try {
      names = readdirSync(this.path)
    } catch {
      return 0
    }
    let used = 0
    for (const name of names) {
      if (parseEntry(name) === undefined) continue
      try {
        used += statSync(join(this.path, name)).size
      } catch {
        // Sent and removed by another process meanwhile.
      }
    }
    return used
  }

  /** Names of the files this process may claim now (ready ones and stale claims), oldest first. */
  async claimable(): Promise<string[]> {
    let names: string[]
    try {
      names = await readdir(this.path)
    } catch {
      return []
    }
    const found: { name: string; ready: string }[] = []
    for (const name of names) {
      const entry = parseEntry(name)
      if (entry === undefined) continue
      if (entry.kind === 'ready') {
        found.push({ name, ready: name })
        continue
      }
      const ageMs = await this.#ageMs(name)
      if (ageMs === undefined) continue
      const heldHereNow = heldHere.has(join(this.path, name))
      if (isStaleClaim({ owner: entry.owner, ageMs, heldHere: heldHereNow }, this.#owner, this.#isAlive)) {
        found.push({ name, ready: entry.ready })
      }
    }
    return found.sort((a, b) => (a.ready < b.ready ? -1 : 1)).map((f) => f.name)
  }

  /**
   * Claims `name` (a ready file or a stale claim) by renaming it to this process's claimed name.
   * Undefined when another process renamed it first.
   */
  async claim(name: string): Promise<SpoolClaim | undefined> {
    const entry = parseEntry(name)
    if (entry === undefined) return undefined
    const ready = entry.kind === 'ready' ? entry.name : entry.ready
    const path = join(this.path, claimName(ready, this.#owner))
    try {
      await rename(join(this.path, name), path)
    } catch {
      return undefined // ENOENT: someone else has it (or it was sent and removed)
    }
    heldHere.add(path)
    return { path, ready }
  }

  read(claim: SpoolClaim): Promise<Buffer> {
    return readFile(claim.path)
  }

  /** Replaces a claimed file's content by `frames` (what is still to send), atomically. */
  async rewrite(claim: SpoolClaim, frames: readonly SpoolFrame[]): Promise<void> {
    const temp = `${claim.path}.tmp`
    await writeFile(temp, encodeSpoolFile(frames), { mode: 0o600 })
    await rename(temp, claim.path)
  }

  /** `rewrite`, synchronously (for the exit hook). */
  rewriteSync(claim: SpoolClaim, frames: readonly SpoolFrame[]): void {
    const temp = `${claim.path}.tmp`
    writeFileSync(temp, encodeSpoolFile(frames), { mode: 0o600 })
    renameSync(temp, claim.path)
  }

  /** Everything in it was delivered. */
  async remove(claim: SpoolClaim): Promise<void> {
    heldHere.delete(claim.path)
    await unlink(claim.path)
  }

  /** Gives the file back as ready, for this or a later process to send. */
  async release(claim: SpoolClaim): Promise<void> {
    await rename(claim.path, join(this.path, claim.ready))
    heldHere.delete(claim.path)
  }

  /** `release`, synchronously (for the exit hook). */
  releaseSync(claim: SpoolClaim): void {
    renameSync(claim.path, join(this.path, claim.ready))
    heldHere.delete(claim.path)
  }

  /** Moves a file that cannot be read out of the way (`.corrupt`), so it is reported and skipped once. */
  async setAside(claim: SpoolClaim): Promise<string> {
    const aside = join(this.path, `${claim.ready}.corrupt`)
    await rename(claim.path, aside)
    heldHere.delete(claim.path)
    return aside
  }

  async #ageMs(name: string): Promise<number | undefined> {
    try {
      return Date.now() - (await stat(join(this.path, name))).mtimeMs
    } catch {
      return undefined
    }
  }
}
