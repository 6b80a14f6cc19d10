import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SpoolDir } from './spool-dir.js'
import { decodeSpoolFile, type SpoolFrame } from './spool-file.js'
import { readyName } from './spool-names.js'
import { SpoolReplay, type FrameOutcome } from './spool-replay.js'

let dirs: string[] = []
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  dirs = []
})

const frame = (n: number): SpoolFrame => ({ stream: 'spans', count: n, body: Buffer.from(`[${n}]`) })

/** A replay over a real directory whose sends answer from `answers`, in order. */
function replay(answers: FrameOutcome[]) {
  const path = mkdtempSync(join(tmpdir(), 'llmobs-replay-'))
  dirs.push(path)
  const dir = new SpoolDir(path)
  const sent: string[] = []
  const reports: string[] = []
  const r = new SpoolReplay({
    dir,
    canSend: () => Promise.resolve(true),
    send: (f) => {
      sent.push(f.body.toString())
      return Promise.resolve(answers.shift() ?? 'sent')
    },
    report: (key, message) => reports.push(`${key}: ${message}`),
  })
  return { r, dir, path, sent, reports }
}

async function run(r: SpoolReplay): Promise<void> {
  r.start()
  await r.idle()
}

describe('SpoolReplay', () => {
  it('sends every file and removes each once all its requests are acknowledged', async () => {
    const { r, dir, path, sent } = replay([])
    dir.writeSync([frame(1), frame(2)])
    dir.writeSync([frame(3)])
    await run(r)
    expect(sent).toEqual(['[1]', '[2]', '[3]'])
    expect(r.delivered).toEqual({ spans: 6, evaluations: 0 })
    expect(readdirSync(path)).toEqual([])
  })

  it('gives a file back without what was acknowledged when the intake is unreachable', async () => {
    const { r, dir, path, sent, reports } = replay(['sent', 'keep'])
    const name = dir.writeSync([frame(1), frame(2), frame(3)])
    await run(r)
    expect(sent).toEqual(['[1]', '[2]'])
    expect(readdirSync(path)).toEqual([name])
    const left = decodeSpoolFile(readFileSync(join(path, name)))
    expect(left.ok && left.frames.map((f) => f.body.toString())).toEqual(['[2]', '[3]'])
    expect(reports.join('\n')).toContain('stay in the spool')
    // The next pass (or process) sends the rest, and only the rest.
    await run(r)
    expect(sent).toEqual(['[1]', '[2]', '[2]', '[3]'])
    expect(readdirSync(path)).toEqual([])
  })

  it('drops what the intake refuses for good, counting it, and goes on', async () => {
    const { r, dir, path } = replay(['rejected', 'sent'])
    dir.writeSync([frame(1), frame(2)])
    await run(r)
    expect(r.rejected).toEqual({ spans: 1, evaluations: 0 })
    expect(r.delivered).toEqual({ spans: 2, evaluations: 0 })
    expect(readdirSync(path)).toEqual([])
  })

  it('sets an unreadable file aside, reports it once and sends the others', async () => {
    const { r, dir, path, sent, reports } = replay([])
    const bad = readyName({ host: 'h', pid: 1 }, 1)
    writeFileSync(join(path, bad), 'garbage')
    dir.writeSync([frame(7)])
    await run(r)
    expect(sent).toEqual(['[7]'])
    expect(r.corruptFiles).toBe(1)
    expect(readdirSync(path)).toEqual([`${bad}.corrupt`])
    expect(reports.filter((m) => m.startsWith('spool-corrupt'))).toHaveLength(1)
    await run(r)
    expect(r.corruptFiles).toBe(1)
  })

  it('at exit gives back the file it was sending, without the acknowledged requests', async () => {
    const { path, dir } = replay([])
    let release: (() => void) | undefined
    const sent: string[] = []
    const r = new SpoolReplay({
      dir,
      canSend: () => Promise.resolve(true),
      send: (f) => {
        sent.push(f.body.toString())
        if (sent.length === 1) return Promise.resolve('sent')
        return new Promise<FrameOutcome>((resolve) => (release = () => resolve('sent')))
      },
      report: () => undefined,
    })
    const name = dir.writeSync([frame(1), frame(2)])
    r.start()
    while (release === undefined) await new Promise((resolve) => setTimeout(resolve, 5))
    r.releaseSync()
    expect(readdirSync(path)).toEqual([name])
    const left = decodeSpoolFile(readFileSync(join(path, name)))
    expect(left.ok && left.frames.map((f) => f.body.toString())).toEqual(['[2]'])
  })
})
