/** Why a request's body is refused: the HTTP status and a message naming the problem. */
export interface Rejection {
  status: 400 | 413 | 415
  error: string
}

/** The result of one ingest step: failures are values until the route turns them into a reply. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; rejection: Rejection }

export function accept<T>(value: T): Outcome<T> {
  return { ok: true, value }
}

export function reject(status: Rejection['status'], error: string): { ok: false; rejection: Rejection } {
  return { ok: false, rejection: { status, error } }
}
