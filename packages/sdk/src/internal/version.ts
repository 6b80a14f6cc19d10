/**
 * The SDK's version, sent as `ddtrace.version:<v>` on every span and evaluation. A constant rather
 * than a JSON import so the bundles carry no file read; `version.test.ts` keeps it in sync with
 * `package.json`.
 *
 * @example
 * import { SDK_VERSION } from '@llmobs/sdk'
 * console.log(`llmobs ${SDK_VERSION}`)
 */
export const SDK_VERSION = '0.1.0'
