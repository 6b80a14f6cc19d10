#!/usr/bin/env node
// A committed launcher, so npm links the `llmobs` bin at install time even before `dist/` is built
// (npm skips bins whose target file does not exist yet). The CLI itself lives in dist/cli.js.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const cli = new URL('../dist/cli.js', import.meta.url)
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('llmobs: the collector is not built yet; run `npm run build` (or `npm start`) first\n')
  process.exit(2)
}
await import(cli.href)
