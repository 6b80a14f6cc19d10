import type { Report } from '../internal/report.js'

/** A reporter that records what it is told, for asserting on diagnostics. */
export function recordingReport(): Report & { readonly calls: Array<{ code: string; message: string }> } {
  const calls: Array<{ code: string; message: string }> = []
  const report = (code: string, message: string): void => {
    calls.push({ code, message })
  }
  return Object.assign(report, { calls })
}
