// Runs the SDK's tests (context above all) on Node 24, where AsyncLocalStorage is built on
// AsyncContextFrame and behaves differently at some async boundaries. Node 24 comes from the npm
// registry. The collector process those tests start keeps running on this Node (LLMOBS_COLLECTOR_NODE),
// because better-sqlite3 is compiled for this Node's ABI.
import { spawnSync } from 'node:child_process'

const suites = process.argv.slice(2)
const targets = suites.length > 0 ? suites : ['packages/protocol', 'packages/sdk', 'test/e2e']
const result = spawnSync(
  'npx',
  ['-y', '-p', 'node@24', '--', 'node', 'node_modules/vitest/vitest.mjs', 'run', ...targets],
  {
    stdio: 'inherit',
    env: { ...process.env, LLMOBS_COLLECTOR_NODE: process.execPath, LLMOBS_TEST_NODE_LABEL: 'node24' },
  },
)
process.exit(result.status ?? 1)
