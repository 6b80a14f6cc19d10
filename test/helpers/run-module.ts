import { spawn } from 'node:child_process'
import { ROOT } from './ensure-built.js'

/**
 * Runs `source` as an ES module in a new Node process at the repository root (so `@llmobs/sdk`
 * resolves as it does for a user) and resolves with its exit code and stderr.
 */
export function runModule(
  source: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stderr }))
  })
}
