import { randomBytes } from 'node:crypto'

/**
 * The names of the files in a spool directory; the state of a file is its name, so every change of
 * state is one atomic `rename`:
 *
 * - `<stamp>-<host>-<pid>-<random>.spool`: ready, waiting for a process to send it;
 * - `<ready name>.claim-<host>-<pid>`: being sent by that process (claimed by renaming the ready file,
 *   so of two processes that try at once exactly one wins);
 * - `<ready name>.tmp`: being written (never read);
 * - `<ready name>.corrupt`: could not be read, kept aside for a human.
 *
 * The stamp (milliseconds, zero-padded) makes the oldest file sort first.
 */

export interface SpoolOwner {
  readonly host: string
  readonly pid: number
}

export type SpoolEntry =
  | { readonly kind: 'ready'; readonly name: string }
  | { readonly kind: 'claimed'; readonly name: string; readonly ready: string; readonly owner: SpoolOwner }

const READY = /^\d{15}-[A-Za-z0-9_]+-\d+-[0-9a-f]+\.spool$/
const CLAIMED = /^(\d{15}-[A-Za-z0-9_]+-\d+-[0-9a-f]+\.spool)\.claim-([A-Za-z0-9_]+)-(\d+)$/

/** A host name as it may appear in a file name (letters, digits and `_` only). */
export function safeHost(host: string): string {
  return host.replace(/[^A-Za-z0-9]/g, '_').slice(0, 64) || 'host'
}

export function readyName(owner: SpoolOwner, nowMs: number): string {
  const stamp = String(Math.max(0, Math.floor(nowMs))).padStart(15, '0')
  return `${stamp}-${owner.host}-${owner.pid}-${randomBytes(4).toString('hex')}.spool`
}

export function claimName(ready: string, owner: SpoolOwner): string {
  return `${ready}.claim-${owner.host}-${owner.pid}`
}

/** What a directory entry is; undefined for anything else (temp files, set-aside files, strangers). */
export function parseEntry(name: string): SpoolEntry | undefined {
  if (READY.test(name)) return { kind: 'ready', name }
  const claimed = CLAIMED.exec(name)
  if (claimed === null) return undefined
  return {
    kind: 'claimed',
    name,
    ready: claimed[1] as string,
    owner: { host: claimed[2] as string, pid: Number(claimed[3]) },
  }
}

/** A claim is given up for good by another host's process only after this long untouched. */
export const FOREIGN_CLAIM_STALE_MS = 60 * 60 * 1000

/**
 * Whether a claimed file may be taken over: its owner on this host is gone (or is an earlier process
 * that had this process's pid, as in containers where every start is pid 1), or, on another host
 * sharing the directory, it has not been touched for an hour (that host's pids mean nothing here).
 */
export function isStaleClaim(
  claim: { readonly owner: SpoolOwner; readonly ageMs: number; readonly heldHere: boolean },
  me: SpoolOwner,
  isAlive: (pid: number) => boolean,
): boolean {
  if (claim.heldHere) return false
  if (claim.owner.host !== me.host) return claim.ageMs > FOREIGN_CLAIM_STALE_MS
  return claim.owner.pid === me.pid || !isAlive(claim.owner.pid)
}

/** Whether a process with this pid runs (one owned by another user counts as running). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
