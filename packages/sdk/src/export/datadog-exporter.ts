import type { ResolvedConfig } from '../config.js'
import type { Diagnostics } from '../internal/diagnostics.js'
import { EventExporter } from './event-exporter.js'
import type { Exporter } from './exporter.js'
import { spanEventJson } from './span-event-json.js'

/**
 * The exporter `init()` uses unless the user passes their own: LLM Observability span events and
 * evaluations over HTTP to the Datadog Agent's EVP proxy or the agentless intake, per `config.mode`.
 *
 * @example
 * const exporter = createDatadogExporter(config, diagnostics)
 * exporter.exportSpan(record)
 * await exporter.shutdown()
 */
export function createDatadogExporter(
  config: ResolvedConfig,
  diagnostics: Diagnostics,
): Exporter & Pick<EventExporter, 'stats'> {
  return new EventExporter({ config, diagnostics, spanJson: (record) => spanEventJson(record, config) })
}
