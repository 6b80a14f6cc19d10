import type { Database, Statement } from 'better-sqlite3'

/**
 * Prepared statements for queries whose SQL depends on which filters are set: each distinct SQL text
 * is prepared once. Bounded by the number of filter combinations, which is small and fixed.
 */
export function createStatementCache(db: Database): <R>(sql: string) => Statement<unknown[], R> {
  const cache = new Map<string, Statement<unknown[], unknown>>()
  return <R>(sql: string): Statement<unknown[], R> => {
    let statement = cache.get(sql)
    if (statement === undefined) {
      statement = db.prepare<unknown[], unknown>(sql)
      cache.set(sql, statement)
    }
    return statement as Statement<unknown[], R>
  }
}
