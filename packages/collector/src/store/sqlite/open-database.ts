import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { Database as DatabaseHandle } from 'better-sqlite3'
import { applyMigrations } from './migrations.js'

/**
 * Opens (creating it and its folder if missing) the SQLite file at `path`, or an in-memory database
 * for `":memory:"`, tuned for one writer: WAL so readers never block the writer, `synchronous=NORMAL`
 * (a commit survives the process crashing; only a power cut can lose the last transactions), and
 * migrated to the current schema.
 */
export function openDatabase(path: string): DatabaseHandle {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('busy_timeout = 5000')
    db.pragma('temp_store = MEMORY')
    db.pragma('cache_size = -65536')
    applyMigrations(db)
  } catch (error) {
    db.close()
    throw error
  }
  return db
}
