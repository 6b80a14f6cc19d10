/** Something that has a last word to say, synchronously, as the process exits. */
export interface ExitReporter {
  reportAtExit(): void
}

// One 'exit' listener for every instance (tests create thousands); weak, so an instance that is
// dropped without shutdown() is not kept alive by this list.
const reporters = new Set<WeakRef<ExitReporter>>()

/** Registers `target` for the exit report; returns the handle to pass to `stopExitReport`. */
export function reportAtExit(target: ExitReporter): WeakRef<ExitReporter> {
  if (reporters.size === 0) process.on('exit', onExit)
  if (reporters.size >= 1_000) {
    for (const ref of reporters) if (ref.deref() === undefined) reporters.delete(ref)
  }
  const ref = new WeakRef(target)
  reporters.add(ref)
  return ref
}

export function stopExitReport(ref: WeakRef<ExitReporter>): void {
  if (!reporters.delete(ref)) return
  if (reporters.size === 0) process.off('exit', onExit)
}

function onExit(): void {
  for (const ref of reporters) {
    try {
      ref.deref()?.reportAtExit()
    } catch {
      // The process is exiting: a failed report must not change its exit code.
    }
  }
}
