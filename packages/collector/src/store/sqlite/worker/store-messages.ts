import type { Store } from '../../store.js'

/** Messages between {@link WorkerStore} (the collector's thread) and the store worker. */

export type StoreMethod = keyof Store

export interface StoreRequest {
  id: number
  method: StoreMethod
  args: unknown[]
}

export type StoreResponse =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string }

/** The worker's first message: the database is open (or why it could not be). */
export type StoreReady = { ready: true } | { ready: false; message: string }

export interface StoreWorkerData {
  path: string
}
