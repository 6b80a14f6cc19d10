/**
 * What `/proc/self/cgroup` says about the container this process runs in, read the way Datadog
 * tracers read it. Each line is `<hierarchy>:<controllers>:<path>`: cgroup v1 has one line per
 * controller (`4:memory:/docker/<id>`), cgroup v2 has one line `0::<path>`.
 *
 * The container id is found as dd-trace-js finds it: the first line whose path ends in an id, in the
 * last path segment, after any prefix (`docker-`, `cri-containerd-`, `crio-`, `libpod-`...) and
 * before an optional `.scope`. An id is 64 hex digits (Docker, containerd, CRI-O, Kubernetes), a
 * UUID with `-` or `_` (some runtimes), 32 hex digits `-` a number (ECS Fargate 1.4+) or PCF/Garden's
 * 8-4-4-4-4 hex groups.
 */

export interface CgroupInfo {
  /** The container id, or `undefined` when no line names one. */
  readonly containerId: string | undefined
  /**
   * Directories under the cgroup mount whose inode names this process's cgroup, in the order the
   * agent's other tracers try them (memory controller on cgroup v1, then the v2 path), relative to
   * `/sys/fs/cgroup`; `''` is the mount itself.
   */
  readonly inodeDirectories: readonly string[]
}

const UUID = '[0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}'
// PCF/Garden, only at the very end: anchoring it keeps it from matching a Kubernetes pod UID prefix.
const GARDEN = '[0-9a-f]{8}(?:-[0-9a-f]{4}){4}$'
const CONTAINER = '[0-9a-f]{64}'
const ECS_TASK = '[0-9a-f]{32}-\\d+'
const ID_AT_END = new RegExp(`(${UUID}|${GARDEN}|${CONTAINER}|${ECS_TASK})(?:\\.scope)?$`)
const LINE = /^\d+:([^:]*):(.+)$/

/** A path segment is at most NAME_MAX (255) bytes on any Linux filesystem: longer is not a cgroup. */
const MAX_SEGMENT_LENGTH = 255
/** `/proc/self/cgroup` is a few lines; a longer text is not one, and is cut before it is scanned. */
export const MAX_CGROUP_TEXT = 64 * 1024

/** Reads the text of `/proc/self/cgroup`. Pure; never throws. */
export function parseCgroupFile(text: string): CgroupInfo {
  let containerId: string | undefined
  let memoryPath: string | undefined
  let unifiedPath: string | undefined
  for (const line of text.slice(0, MAX_CGROUP_TEXT).split('\n')) {
    const match = LINE.exec(line.trim())
    if (match === null) continue
    const controllers = match[1] ?? ''
    const path = match[2] ?? ''
    containerId ??= containerIdIn(path)
    if (controllers === '') unifiedPath ??= path
    else if (controllers.split(',').includes('memory')) memoryPath ??= path
  }
  const inodeDirectories: string[] = []
  const memory = memoryPath === undefined ? undefined : relativeDirectory(memoryPath)
  if (memory !== undefined) inodeDirectories.push(memory === '' ? 'memory' : `memory/${memory}`)
  const unified = unifiedPath === undefined ? undefined : relativeDirectory(unifiedPath)
  if (unified !== undefined) inodeDirectories.push(unified)
  return { containerId, inodeDirectories }
}

function containerIdIn(path: string): string | undefined {
  const segment = path.slice(path.lastIndexOf('/') + 1)
  if (segment.length > MAX_SEGMENT_LENGTH) return undefined
  return ID_AT_END.exec(segment)?.[1]
}

/**
 * The path without its outer slashes, or `undefined` when it climbs out of the mount: inside a cgroup
 * namespace, a cgroup outside it shows as `/../..`, which names no directory below the mount.
 */
function relativeDirectory(path: string): string | undefined {
  const trimmed = path.replace(/^\/+|\/+$/g, '')
  return trimmed.split('/').some((segment) => segment === '..' || segment === '.') ? undefined : trimmed
}
