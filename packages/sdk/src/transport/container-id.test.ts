import { describe, expect, it } from 'vitest'
import { MAX_CGROUP_TEXT, parseCgroupFile } from './container-id.js'

const ID64 = '3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860'
const OTHER64 = '38fac3e99302b3622be089dd41e7ccf38aff368a86cc339972075136ee2710ce'

const lines = (...text: string[]): string => text.join('\n') + '\n'

describe('parseCgroupFile: container ids', () => {
  it('finds a Docker id on cgroup v1, and the memory directory', () => {
    const info = parseCgroupFile(
      lines(
        `13:name=systemd:/docker/${ID64}`,
        `12:pids:/docker/${ID64}`,
        `11:hugetlb:/docker/${ID64}`,
        `4:memory:/docker/${ID64}`,
        `1:cpu,cpuacct:/docker/${ID64}`,
      ),
    )
    expect(info).toEqual({ containerId: ID64, inodeDirectories: [`memory/docker/${ID64}`] })
  })

  it('finds a Kubernetes container id after the pod UID (cgroupfs driver)', () => {
    const info = parseCgroupFile(
      `11:perf_event:/kubepods/besteffort/pod3d274242-8ee0-11e9-a8a6-1e68d864ef1a/${ID64}\n`,
    )
    expect(info.containerId).toBe(ID64)
  })

  it('finds ids inside systemd scope names: docker-, cri-containerd-, crio-, libpod-', () => {
    for (const prefix of ['docker-', 'cri-containerd-', 'crio-', 'libpod-']) {
      const text = `1:name=systemd:/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod2c48913c_b29f_11e7_9350_020c00000004.slice/${prefix}${ID64}.scope`
      expect(parseCgroupFile(text).containerId).toBe(ID64)
    }
  })

  it('finds the container (not the task) on ECS with EC2, and on Fargate 1.3', () => {
    expect(
      parseCgroupFile(`9:perf_event:/ecs/my-cluster/5a0d5ceddf6c44c1928d367a815d890f/${OTHER64}`).containerId,
    ).toBe(OTHER64)
    expect(
      parseCgroupFile(`11:hugetlb:/ecs/55091c13-b8cf-4801-b527-f4601742204d/${OTHER64}`).containerId,
    ).toBe(OTHER64)
  })

  it('finds the 32-hex-and-number task id of Fargate 1.4+', () => {
    const text = lines(
      '11:hugetlb:/ecs/34dc0b5e626f2c5c4c5170e34b10e765-1234567890',
      '10:pids:/ecs/34dc0b5e626f2c5c4c5170e34b10e765-1234567890',
    )
    expect(parseCgroupFile(text).containerId).toBe('34dc0b5e626f2c5c4c5170e34b10e765-1234567890')
  })

  it('finds a PCF/Garden id (8-4-4-4-4 hex groups) only at the end of the path', () => {
    expect(
      parseCgroupFile('1:name=systemd:/system.slice/garden.service/garden/6f265890-5165-7fab-6b52-18d1')
        .containerId,
    ).toBe('6f265890-5165-7fab-6b52-18d1')
  })

  it('finds a UUID id written with underscores', () => {
    expect(
      parseCgroupFile('1:cpu:/runtime/container_2f2c0e3f_7d1a_4b0e_9d65_6a7f1e2c3b4a.scope').containerId,
    ).toBe('2f2c0e3f_7d1a_4b0e_9d65_6a7f1e2c3b4a')
  })

  it('finds a Docker id on cgroup v2 (host cgroup namespace), and the v2 directory', () => {
    const info = parseCgroupFile(`0::/system.slice/docker-${ID64}.scope\n`)
    expect(info).toEqual({ containerId: ID64, inodeDirectories: [`system.slice/docker-${ID64}.scope`] })
  })

  it('takes the first line that names an id', () => {
    expect(
      parseCgroupFile(lines('3:cpu:/', `2:pids:/docker/${ID64}`, `1:memory:/docker/${OTHER64}`)).containerId,
    ).toBe(ID64)
  })

  it('finds no id where none is at the end of a path', () => {
    const noId = [
      '0::/', // cgroup v2 in a private cgroup namespace
      '0::/user.slice/user-1000.slice/session-2.scope', // a desktop session
      `0::/docker/${ID64}/init.scope`, // the id is not the last segment
      `4:memory:/docker/${ID64.toUpperCase()}`, // ids are lowercase
      '4:memory:/process_api/db33fa1ccf48498b66d18ae99c2e8ad8', // 32 hex digits alone are no id
      `4:memory:/docker/${ID64.slice(1)}`, // 63 digits
      '',
      'not a cgroup file',
      `docker/${ID64}`,
    ]
    for (const text of noId) expect(parseCgroupFile(text).containerId).toBeUndefined()
  })
})

describe('parseCgroupFile: inode directories', () => {
  it('lists the v1 memory directory first, then the v2 directory, as a hybrid host shows them', () => {
    const info = parseCgroupFile(
      lines(
        '9:name=systemd:/',
        '8:pids:/',
        '4:memory:/process_api/db33fa1ccf48498b66d18ae99c2e8ad8',
        '1:cpu:/',
        '0::/',
      ),
    )
    expect(info).toEqual({
      containerId: undefined,
      inodeDirectories: ['memory/process_api/db33fa1ccf48498b66d18ae99c2e8ad8', ''],
    })
  })

  it('gives the mount itself for cgroup v2 in a private namespace (0::/)', () => {
    expect(parseCgroupFile('0::/\n').inodeDirectories).toEqual([''])
    expect(parseCgroupFile('3:memory:/\n').inodeDirectories).toEqual(['memory'])
  })

  it('finds the memory controller mounted with others', () => {
    expect(parseCgroupFile('5:memory,hugetlb:/a/b\n').inodeDirectories).toEqual(['memory/a/b'])
  })

  it('leaves out a path that climbs out of the namespace', () => {
    expect(parseCgroupFile(lines('4:memory:/../../system.slice', '0::/../x')).inodeDirectories).toEqual([])
  })

  it('lists nothing for a file without memory or v2 lines', () => {
    expect(parseCgroupFile(lines('3:cpu:/a', '2:pids:/a')).inodeDirectories).toEqual([])
    expect(parseCgroupFile('').inodeDirectories).toEqual([])
  })
})

describe('parseCgroupFile: bounds', () => {
  it('scans a huge text quickly and only its first part', () => {
    const long = `0::/${'a'.repeat(100_000)}${ID64}\n`
    const started = performance.now()
    expect(parseCgroupFile(long).containerId).toBeUndefined()
    const padded = 'x'.repeat(MAX_CGROUP_TEXT) + `\n4:memory:/docker/${ID64}\n`
    expect(parseCgroupFile(padded).containerId).toBeUndefined()
    const digits = `0::/${'0'.repeat(32)}-${'1'.repeat(200_000)}`
    expect(parseCgroupFile(digits).containerId).toBeUndefined()
    expect(performance.now() - started).toBeLessThan(500)
  })

  it('handles Windows line endings and stray spaces', () => {
    expect(parseCgroupFile(`4:memory:/docker/${ID64}\r\n0::/\r\n`)).toEqual({
      containerId: ID64,
      inodeDirectories: [`memory/docker/${ID64}`, ''],
    })
  })
})
