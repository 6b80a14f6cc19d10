import type { SpoolOutcome } from './spool-stats.js'

/** One line on what a spool write kept and lost, for the exit report and `abandon`. */
export function describeSpooled({ dir, spooled, lost, error }: SpoolOutcome): string {
  const kept =
    `${spooled.spans} span event(s) and ${spooled.evaluations} evaluation(s) were written to the spool ${dir} ` +
    'for the next process started with it to send'
  const lostText =
    lost.spans + lost.evaluations === 0
      ? ''
      : `; ${lost.spans} span event(s) and ${lost.evaluations} evaluation(s) ` +
        (error === undefined ? 'did not fit spoolMaxBytes and were lost' : `were lost (${error})`)
  return `${kept}${lostText}.`
}
