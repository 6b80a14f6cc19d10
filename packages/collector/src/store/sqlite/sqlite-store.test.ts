import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { describeStoreContract } from '../store-contract-suite.js'
import { batch, llmSpan } from '../store-test-data.js'
import { SCHEMA_VERSION } from './migrations.js'
import { openDatabase } from './open-database.js'
import { openSqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'llmobs-store-'))
let n = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describeStoreContract('SqliteStore (file)', () => openSqliteStore(join(dir, `contract-${n++}.db`)))
describeStoreContract('SqliteStore (:memory:)', () => openSqliteStore(':memory:'))

describe('SqliteStore specifics', () => {
  it('creates the folder, uses WAL, and keeps data across reopen', async () => {
    const path = join(dir, 'nested', 'deeper', 'x.db')
    const store = openSqliteStore(path)
    await store.write(batch({ llmSpans: [llmSpan({ spanId: '1' })] }))
    await store.close()
    const db = openDatabase(path)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    db.close()
    const again = openSqliteStore(path)
    expect((await again.counts()).llmSpans).toBe(1)
    await again.close()
  })

  it('refuses a database written by a newer schema', () => {
    const path = join(dir, 'future.db')
    const db = openDatabase(path)
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    db.close()
    expect(() => openSqliteStore(path)).toThrow(/newer than this collector understands/)
  })

  it('closes idempotently', async () => {
    const store = openSqliteStore(':memory:')
    await store.close()
    await store.close()
  })
})
