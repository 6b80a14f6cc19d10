import { createRequire } from 'node:module'
import type * as AsyncHooks from 'node:async_hooks'
import type * as Crypto from 'node:crypto'
import type * as Events from 'node:events'
import type * as Http from 'node:http'
import type * as Https from 'node:https'
import type * as Net from 'node:net'
import type * as PerfHooks from 'node:perf_hooks'
import type * as TimersPromises from 'node:timers/promises'
import type * as Util from 'node:util'
import type * as WorkerThreads from 'node:worker_threads'

type BuiltIns = {
  'node:async_hooks': typeof AsyncHooks
  'node:crypto': typeof Crypto
  'node:events': typeof Events
  'node:http': typeof Http
  'node:https': typeof Https
  'node:net': typeof Net
  'node:perf_hooks': typeof PerfHooks
  'node:timers/promises': typeof TimersPromises
  'node:util': typeof Util
  'node:worker_threads': typeof WorkerThreads
}

/**
 * Node's built-in modules as `require` returns them, not through ESM `import`. Why, measured on
 * Node 20 (CPU at start-up, see bench/cold-start.mjs):
 * - In the ESM build, `import { types } from 'node:util'` makes Node build that module's ESM facade,
 *   which reads every export, and reading some loads what Node otherwise keeps lazy (node:util's
 *   `MIMEType` and `parseArgs`, node:crypto's `webcrypto`, ...): ~6 ms for the modules below. The
 *   CommonJS exports object costs nothing extra.
 * - Modules only some programs need can load on first use instead of at import: https (agentless
 *   only), worker_threads (`workerData`/`runInWorker` only), http until the first request, crypto
 *   until the first span id.
 * `process.getBuiltinModule` exists from Node 20.16; before it, a `require` made here does the same
 * (any absolute path serves as its base: built-ins resolve before any file lookup).
 */
const load: (id: string) => unknown =
  typeof process.getBuiltinModule === 'function' ? (id) => process.getBuiltinModule(id) : createRequire('/')

export function builtin<ID extends keyof BuiltIns>(id: ID): BuiltIns[ID] {
  return load(id) as BuiltIns[ID]
}
