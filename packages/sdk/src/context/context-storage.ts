import { builtin } from '../internal/builtins.js'
import type { ContextSnapshot } from './context-snapshot.js'

const { AsyncLocalStorage } = builtin('node:async_hooks')

/**
 * One AsyncLocalStorage per LLMObs instance, holding immutable `ContextSnapshot`s. Two instances
 * never see each other's spans. Only `run` changes the active snapshot (no `enterWith`), so a
 * snapshot never leaks out of the scope that set it.
 */
export class ContextStorage {
  readonly #storage = new AsyncLocalStorage<ContextSnapshot>()

  /** The snapshot of the current async scope, if any. */
  active(): ContextSnapshot | undefined {
    return this.#storage.getStore()
  }

  /** Runs `fn(...args)` with `snapshot` active in it and in every async continuation it creates. */
  run<R, A extends unknown[]>(snapshot: ContextSnapshot, fn: (...args: A) => R, ...args: A): R {
    return this.#storage.run(snapshot, fn, ...args)
  }

  /** Like `run`, and with no snapshot runs `fn` outside any context (not in the caller's). */
  runIn<R, A extends unknown[]>(snapshot: ContextSnapshot | undefined, fn: (...args: A) => R, ...args: A): R {
    return snapshot === undefined ? this.#storage.exit(fn, ...args) : this.#storage.run(snapshot, fn, ...args)
  }

  /**
   * `fn` bound to a snapshot (default: the current one, or none): it runs in that context wherever
   * it is called from later (callbacks, event handlers, queued work, pools). Bound to no context, it
   * runs outside any span rather than under whichever span happens to call it.
   */
  bind<A extends unknown[], R>(
    fn: (...args: A) => R,
    snapshot: ContextSnapshot | undefined = this.active(),
  ): (...args: A) => R {
    const storage = this.#storage
    if (snapshot === undefined) {
      return function (this: unknown, ...args: A): R {
        return storage.exit(Reflect.apply, fn, this, args) as R
      }
    }
    return function (this: unknown, ...args: A): R {
      return storage.run(snapshot, Reflect.apply, fn, this, args) as R
    }
  }

  /** Stops tracking (after shutdown); active() then returns undefined. */
  disable(): void {
    this.#storage.disable()
  }
}
