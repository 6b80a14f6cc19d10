import type * as Fs from 'node:fs'
import { builtin } from '../internal/builtins.js'
import { MAX_CGROUP_TEXT, parseCgroupFile } from './container-id.js'

/**
 * Headers that tell the agent which container sent a request, so it can tag the data with the
 * container's metadata (protocol §4; dd-trace sends them on every request to the agent):
 * - `Datadog-Container-ID: <id>` and `Datadog-Entity-ID: ci-<id>` when `/proc/self/cgroup` names a
 *   container;
 * - else `Datadog-Entity-ID: in-<inode>`, the inode of this process's cgroup directory, which the
 *   agent maps to a container itself (when a cgroup namespace hides the id from the path);
 * - else nothing (not Linux, not in a container, or nothing readable).
 *
 * The inode is chosen as the other Datadog tracers and libdatadog choose it: the cgroup v1 memory
 * controller's directory, else the cgroup v2 directory, and none in the host's cgroup namespace (there
 * the path would have named the container; an inode of a host cgroup means nothing to the agent).
 * dd-trace-js 5.132 instead stats the first line's path under `/sys/fs/cgroup`, which on a cgroup v1
 * or hybrid host is the tmpfs root (`in-1`): an inode no agent can map.
 */

/** How the headers read the system; tests pass their own. */
export interface CgroupReaders {
  /** The text of a file, or `undefined` when it cannot be read. Must not throw. */
  readText(path: string): string | undefined
  /** The inode of the file or directory a path names (links followed), or `undefined`. Must not throw. */
  inodeOf(path: string): bigint | undefined
}

const CGROUP_FILE = '/proc/self/cgroup'
const CGROUP_MOUNT = '/sys/fs/cgroup'
const CGROUP_NAMESPACE = '/proc/self/ns/cgroup'
/** Linux gives the initial (host) cgroup namespace this fixed inode (include/linux/proc_ns.h). */
export const HOST_CGROUP_NAMESPACE_INODE = 0xeffffffbn

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({})
let cached: Readonly<Record<string, string>> | undefined

/**
 * The container headers for this process: worked out on the first call (one small synchronous read
 * of `/proc/self/cgroup` and up to three `stat`s), then the same frozen object. Never throws.
 *
 * @example
 * const headers = { ...containerHeaders(), 'Content-Type': 'application/msgpack' }
 */
export function containerHeaders(): Readonly<Record<string, string>> {
  cached ??= containerHeadersFrom(systemReaders())
  return cached
}

/** The headers `readers` lead to, uncached. Never throws, whatever the readers do. */
export function containerHeadersFrom(readers: CgroupReaders): Readonly<Record<string, string>> {
  try {
    const text = readers.readText(CGROUP_FILE)
    if (typeof text !== 'string') return NO_HEADERS
    const { containerId, inodeDirectories } = parseCgroupFile(text)
    if (containerId !== undefined) {
      return Object.freeze({ 'Datadog-Container-ID': containerId, 'Datadog-Entity-ID': `ci-${containerId}` })
    }
    if (readers.inodeOf(CGROUP_NAMESPACE) === HOST_CGROUP_NAMESPACE_INODE) return NO_HEADERS
    for (const directory of inodeDirectories) {
      const inode = readers.inodeOf(directory === '' ? CGROUP_MOUNT : `${CGROUP_MOUNT}/${directory}`)
      if (typeof inode === 'bigint' && inode > 0n)
        return Object.freeze({ 'Datadog-Entity-ID': `in-${inode}` })
    }
    return NO_HEADERS
  } catch {
    return NO_HEADERS
  }
}

/** The real file system, through node:fs loaded on first use. */
export function systemReaders(): CgroupReaders {
  return {
    readText(path) {
      try {
        return fs().readFileSync(path, 'utf8').slice(0, MAX_CGROUP_TEXT)
      } catch {
        return undefined
      }
    },
    inodeOf(path) {
      try {
        // bigint: inodes are 64-bit, and a double would round the large ones.
        return fs().statSync(path, { bigint: true, throwIfNoEntry: false })?.ino
      } catch {
        return undefined
      }
    },
  }
}

function fs(): typeof Fs {
  // node:fs is not (yet) in builtins.ts's map, which this change leaves alone; adding
  // 'node:fs': typeof Fs there would make this cast unnecessary.
  return (builtin as (id: string) => unknown)('node:fs') as typeof Fs
}
