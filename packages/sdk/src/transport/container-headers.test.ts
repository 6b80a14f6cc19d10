import { describe, expect, it } from 'vitest'
import {
  containerHeaders,
  containerHeadersFrom,
  HOST_CGROUP_NAMESPACE_INODE,
  systemReaders,
  type CgroupReaders,
} from './container-headers.js'

const ID64 = 'cde7c2bab394630a42d73dc610b9c57415dced996106665d427f6d0566594411'

/** Readers over an in-memory file system; records the paths asked for. */
function fakeReaders(
  files: Record<string, string>,
  inodes: Record<string, bigint>,
): CgroupReaders & { asked: string[] } {
  const asked: string[] = []
  return {
    asked,
    readText: (path) => (asked.push(path), files[path]),
    inodeOf: (path) => (asked.push(path), inodes[path]),
  }
}

describe('containerHeadersFrom', () => {
  it('sends the container id and ci-<id> when the cgroup file names a container', () => {
    const readers = fakeReaders({ '/proc/self/cgroup': `0::/system.slice/docker-${ID64}.scope\n` }, {})
    expect(containerHeadersFrom(readers)).toEqual({
      'Datadog-Container-ID': ID64,
      'Datadog-Entity-ID': `ci-${ID64}`,
    })
    expect(readers.asked).toEqual(['/proc/self/cgroup'])
  })

  it('sends in-<inode> of the cgroup directory when a private cgroup namespace hides the id (v2)', () => {
    const readers = fakeReaders(
      { '/proc/self/cgroup': '0::/\n' },
      { '/proc/self/ns/cgroup': 4026532338n, '/sys/fs/cgroup': 1234n },
    )
    expect(containerHeadersFrom(readers)).toEqual({ 'Datadog-Entity-ID': 'in-1234' })
  })

  it('uses the v1 memory directory first, and the v2 one when it cannot be read', () => {
    const cgroup = '4:memory:/kube/x\n0::/kube/x\n'
    const both = fakeReaders(
      { '/proc/self/cgroup': cgroup },
      { '/sys/fs/cgroup/memory/kube/x': 9737n, '/sys/fs/cgroup/kube/x': 55n },
    )
    expect(containerHeadersFrom(both)).toEqual({ 'Datadog-Entity-ID': 'in-9737' })
    const v2Only = fakeReaders({ '/proc/self/cgroup': cgroup }, { '/sys/fs/cgroup/kube/x': 55n })
    expect(containerHeadersFrom(v2Only)).toEqual({ 'Datadog-Entity-ID': 'in-55' })
  })

  it('writes a 64-bit inode exactly', () => {
    const readers = fakeReaders(
      { '/proc/self/cgroup': '0::/\n' },
      { '/sys/fs/cgroup': 18446744073709551557n },
    )
    expect(containerHeadersFrom(readers)).toEqual({ 'Datadog-Entity-ID': 'in-18446744073709551557' })
  })

  it("sends no inode from the host's cgroup namespace, where the path would have named a container", () => {
    const readers = fakeReaders(
      { '/proc/self/cgroup': '0::/user.slice/session-2.scope\n' },
      {
        '/proc/self/ns/cgroup': HOST_CGROUP_NAMESPACE_INODE,
        '/sys/fs/cgroup/user.slice/session-2.scope': 77n,
      },
    )
    expect(containerHeadersFrom(readers)).toEqual({})
  })

  it('sends nothing without a readable cgroup file, a usable directory or a non-zero inode', () => {
    expect(containerHeadersFrom(fakeReaders({}, {}))).toEqual({})
    expect(
      containerHeadersFrom(fakeReaders({ '/proc/self/cgroup': '3:cpu:/\n' }, { '/sys/fs/cgroup': 5n })),
    ).toEqual({})
    expect(
      containerHeadersFrom(fakeReaders({ '/proc/self/cgroup': '0::/\n' }, { '/sys/fs/cgroup': 0n })),
    ).toEqual({})
  })

  it('never throws, whatever the readers do', () => {
    const throwing: CgroupReaders = {
      readText: () => {
        throw new Error('EACCES')
      },
      inodeOf: () => {
        throw new Error('EACCES')
      },
    }
    expect(containerHeadersFrom(throwing)).toEqual({})
    const odd = { readText: () => 42, inodeOf: () => 'x' } as unknown as CgroupReaders
    expect(containerHeadersFrom(odd)).toEqual({})
    const inodeThrows: CgroupReaders = { ...throwing, readText: () => '0::/\n' }
    expect(containerHeadersFrom(inodeThrows)).toEqual({})
  })

  it('returns frozen headers', () => {
    const readers = fakeReaders({ '/proc/self/cgroup': `1:cpu:/docker/${ID64}` }, {})
    expect(Object.isFrozen(containerHeadersFrom(readers))).toBe(true)
    expect(Object.isFrozen(containerHeadersFrom(fakeReaders({}, {})))).toBe(true)
  })
})

describe('systemReaders', () => {
  it('reads files and inodes, and answers undefined instead of throwing', () => {
    const readers = systemReaders()
    expect(readers.readText('/definitely/not/here')).toBeUndefined()
    expect(readers.inodeOf('/definitely/not/here')).toBeUndefined()
    expect(readers.readText('/')).toBeUndefined() // a directory
    expect(typeof readers.inodeOf('/')).toBe('bigint')
    expect(readers.readText(new URL(import.meta.url).pathname)).toContain('systemReaders')
  })
})

describe('containerHeaders', () => {
  it('works the headers out once and returns the same frozen object after', () => {
    const first = containerHeaders()
    expect(containerHeaders()).toBe(first)
    expect(Object.isFrozen(first)).toBe(true)
    // Whatever this machine is, the headers have one of the three shapes.
    const keys = Object.keys(first).sort()
    expect([[], ['Datadog-Entity-ID'], ['Datadog-Container-ID', 'Datadog-Entity-ID']]).toContainEqual(keys)
    const entity = first['Datadog-Entity-ID']
    if (entity !== undefined) expect(entity).toMatch(/^(ci-[0-9a-f_-]+|in-[1-9][0-9]*)$/)
  })
})
