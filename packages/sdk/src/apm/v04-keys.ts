import { LLMOBS_SUBMITTED_TAG, META_STRUCT_LLMOBS_KEY, MsgpackWriter } from '@llmobs/protocol'

/** Bytes written once, to be copied with `MsgpackWriter#raw`. */
export function encoded(write: (w: MsgpackWriter) => void): Uint8Array {
  const w = new MsgpackWriter(64)
  write(w)
  return w.bytes()
}

const key = (name: string): Uint8Array => encoded((w) => w.str(name))

/** The keys of APM span maps and of the `_llmobs` struct, each encoded once. */
export const KEY = {
  service: key('service'),
  type: key('type'),
  trace_id: key('trace_id'),
  span_id: key('span_id'),
  parent_id: key('parent_id'),
  name: key('name'),
  resource: key('resource'),
  type_llm: encoded((w) => {
    w.str('type')
    w.str('llm')
  }),
  error: key('error'),
  start: key('start'),
  duration: key('duration'),
  meta: key('meta'),
  metrics: key('metrics'),
  meta_struct: key('meta_struct'),
  llmobs: key(META_STRUCT_LLMOBS_KEY),
  tid: key('_dd.p.tid'),
  dm: key('_dd.p.dm'),
  submitted: key(LLMOBS_SUBMITTED_TAG),
  one: key('1'),
  top_level: key('_dd.top_level'),
  measured: key('_dd.measured'),
  process_id: key('process_id'),
  priority: key('_sampling_priority_v1'),
  tags: key('tags'),
  session_id: key('session_id'),
  _dd: key('_dd'),
  sample_rate: key('sample_rate'),
  sampling_decision: key('sampling_decision'),
  span_links: key('span_links'),
  collection_errors: key('collection_errors'),
  input: key('input'),
  output: key('output'),
  model_name: key('model_name'),
  model_provider: key('model_provider'),
  metadata: key('metadata'),
  tool_definitions: key('tool_definitions'),
  agent_attribution: key('agent_attribution'),
  error_message: key('error.message'),
  error_type: key('error.type'),
  error_stack: key('error.stack'),
}
