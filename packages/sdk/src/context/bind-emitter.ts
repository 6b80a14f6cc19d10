import type { ContextSnapshot } from './context-snapshot.js'
import type { ContextStorage } from './context-storage.js'

/** The subset of `EventEmitter` that `bindEmitter` patches. */
export interface EmitterLike {
  on(event: string | symbol, listener: (...args: any[]) => void): unknown
  removeListener(event: string | symbol, listener: (...args: any[]) => void): unknown
}

type Listener = (...args: unknown[]) => unknown
type Method = (this: unknown, event: string | symbol, listener: unknown) => unknown

interface Binding {
  storage: ContextStorage
  snapshot: ContextSnapshot | undefined
  /** The wrapper added for each listener given by the user (or by `once`, its once-wrapper). */
  readonly wrappers: WeakMap<Listener, Listener>
}

// `once`/`prependOnceListener` are left alone: Node implements them through `this.on` /
// `this.prependListener` with a once-wrapper, which then gets wrapped like any listener.
const ADDERS = ['on', 'addListener', 'prependListener'] as const
const REMOVERS = ['off', 'removeListener'] as const
const BINDING = Symbol('llmobs.emitterBinding')

/**
 * Makes listeners added to `emitter` from now on run in `snapshot` (or outside any context, when
 * undefined), whoever emits: connection pools, sockets and queues emit from wherever their I/O
 * completed, which is rarely the request that subscribed. The emitter keeps its identity; its adding
 * and removing methods are patched as own properties, so `removeListener(event, original)`, `off`,
 * `once`, `listeners()` (which shows the originals) and `removeAllListeners` keep working. Binding
 * again moves later listeners to the new context. Returns false when the emitter cannot be patched
 * (frozen, or not emitter-like).
 *
 * Listeners are wrapped explicitly, so their context never depends on where or how `emit()` runs
 * (tested on Node 20's async_hooks storage and Node 24's AsyncContextFrame alike).
 */
export function bindEmitter(
  emitter: object,
  storage: ContextStorage,
  snapshot: ContextSnapshot | undefined,
): boolean {
  const target = emitter as Record<PropertyKey, unknown> & { [BINDING]?: Binding }
  const existing = target[BINDING]
  if (existing !== undefined) {
    existing.storage = storage
    existing.snapshot = snapshot
    return true
  }
  if (typeof target.on !== 'function' || typeof target.removeListener !== 'function') return false
  if (!Object.isExtensible(emitter)) return false
  const binding: Binding = { storage, snapshot, wrappers: new WeakMap() }
  Object.defineProperty(emitter, BINDING, { value: binding, configurable: true })

  for (const name of ADDERS) {
    const original = target[name]
    if (typeof original !== 'function') continue
    defineOwn(emitter, name, function (this: unknown, event: string | symbol, listener: unknown): unknown {
      return (original as Method).call(this, event, wrap(binding, listener))
    })
  }
  for (const name of REMOVERS) {
    const original = target[name]
    if (typeof original !== 'function') continue
    defineOwn(emitter, name, function (this: unknown, event: string | symbol, listener: unknown): unknown {
      const wrapper = typeof listener === 'function' ? binding.wrappers.get(listener as Listener) : undefined
      // Removing what was added before binding (never wrapped) must keep working too.
      if (wrapper === undefined || !isListening(this, event, wrapper))
        return (original as Method).call(this, event, listener)
      return (original as Method).call(this, event, wrapper)
    })
  }
  return true
}

/**
 * The wrapper for `listener`. `once` hands `on` its own once-wrapper (with `.listener` set to the
 * user's function): the once-wrapper's `removeListener(wrapFn)` when it fires finds our wrapper
 * through the map, and the user's `removeListener(original)` finds it through `.listener`.
 */
function wrap(binding: Binding, listener: unknown): unknown {
  if (typeof listener !== 'function') return listener
  const fn = listener as Listener & { listener?: unknown }
  if (isWrapper(fn)) return fn
  const known = binding.wrappers.get(fn)
  if (known !== undefined && isCurrent(known, binding)) return known
  const { storage, snapshot } = binding
  const wrapper = storage.bind(fn, snapshot) as Listener & { listener?: unknown }
  wrappers.add(wrapper)
  snapshots.set(wrapper, snapshot)
  // Node's convention for wrapped listeners: `listeners()` and `removeListener` look through it.
  wrapper.listener = typeof fn.listener === 'function' ? fn.listener : fn
  binding.wrappers.set(fn, wrapper)
  return wrapper
}

const wrappers = new WeakSet<Listener>()
const snapshots = new WeakMap<Listener, ContextSnapshot | undefined>()

function isWrapper(fn: Listener): boolean {
  return wrappers.has(fn)
}

function isCurrent(wrapper: Listener, binding: Binding): boolean {
  return snapshots.get(wrapper) === binding.snapshot
}

function isListening(emitter: unknown, event: string | symbol, wrapper: Listener): boolean {
  const raw = (emitter as { rawListeners?: (event: string | symbol) => unknown[] }).rawListeners
  if (typeof raw !== 'function') return true
  try {
    return raw.call(emitter, event).includes(wrapper)
  } catch {
    return true
  }
}

function defineOwn(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false })
}
