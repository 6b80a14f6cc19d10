// Runs the SDK's tests (context above all) on Node 24, where AsyncLocalStorage is built on
// AsyncContextFrame and behaves differently at some async boundaries. Node 24 comes from the npm
// registry. The collector process those tests start keeps running on this Node (LLMOBS_COLLECTOR_NODE),
// because better-sqlite3 is compiled for this Node's ABI.
import { spawnSync } from 'node:child_process'

// `--node node@24` (package.json names the version, so it is visible where the test command lives).
const args = process.argv.slice(2)
const at = args.indexOf('--node')
const nodeSpec = at >= 0 ? (args.splice(at, 2)[1] ?? 'node@24') : 'node@24'
const suites = args
const targets = suites.length > 0 ? suites : ['packages/protocol', 'packages/sdk', 'test/e2e']
const result = spawnSync(
  'npx',
  ['-y', '-p', nodeSpec, '--', 'node', 'node_modules/vitest/vitest.mjs', 'run', ...targets],
  {
    stdio: 'inherit',
    env: { ...process.env, LLMOBS_COLLECTOR_NODE: process.execPath, LLMOBS_TEST_NODE_LABEL: 'node24' },
  },
)
process.exit(result.status ?? 1)
