/** A count per stream. */
export interface StreamTally {
  spans: number
  evaluations: number
}

/** What became of the undelivered items at one spool write. */
export interface SpoolOutcome {
  readonly dir: string
  readonly spooled: Readonly<StreamTally>
  /** Did not fit `spoolMaxBytes` (or could not be written): lost. */
  readonly lost: Readonly<StreamTally>
  /** Why nothing could be written, if so. */
  readonly error?: string
}

/** `status().spool`: what this process took from and gave to the spool directory. */
export interface SpoolStats {
  readonly dir: string
  /** Items from earlier processes' spool files delivered by this one. */
  readonly delivered: Readonly<StreamTally>
  /** Items this process wrote to the spool for a later process. */
  readonly written: Readonly<StreamTally>
  /** Items that did not fit `spoolMaxBytes` and were lost. */
  readonly lost: Readonly<StreamTally>
  /** Spool files that could not be read and were set aside (`.corrupt`). */
  readonly corruptFiles: number
}
