import type { BudgetEntry } from './datadog-tags-budget.js'
import type { LlmobsPropagation } from './propagation-context.js'
import { LLMOBS_KEYS, TAG, TAG_VALUE, formatSampleRate } from './tag-rules.js'
import { llmobsTraceIdFromWire, llmobsTraceIdToWire, normalizeDecimalId } from './wire-ids.js'

/** The root's parent id, as the LLMObs span events and dd-trace write it. */
export const ROOT_PARENT_ID = 'undefined'

/** dd-trace's `agentNameWireSafe`: printable ASCII without ',' and at most 256 bytes. */
const MAX_AGENT_NAME_LENGTH = 256

function textEntry(key: string, value: string | undefined, problems: string[]): string | undefined {
  if (value === undefined || value === '') return undefined
  if (TAG_VALUE.test(value)) return value
  problems.push(`${key} not propagated: value has characters outside printable ASCII or a ','`)
  return undefined
}

/**
 * The `_dd.p.llmobs_*` entries for a context, in dd-trace's order, each validated: an entry that
 * would make a malformed header is left out with a reason rather than altered, so a downstream
 * service never continues under a mangled ml_app or session id.
 */
export function llmobsEntries(llmobs: LlmobsPropagation, problems: string[]): BudgetEntry[] {
  const entries: BudgetEntry[] = []
  const add = (key: string, value: string | undefined, trim: BudgetEntry['trim']): void => {
    if (value !== undefined) entries.push({ key, value, trim })
  }

  // 32 hex in memory; the decimal form is accepted too, for a context assembled from wire values.
  let traceId = llmobsTraceIdToWire(llmobs.traceId)
  if (traceId === undefined) {
    const hex = llmobsTraceIdFromWire(llmobs.traceId)
    if (hex !== undefined) traceId = llmobsTraceIdToWire(hex)
  }
  let parentId: string | undefined = ROOT_PARENT_ID
  if (traceId === undefined) {
    // A parent without its trace would be continued in a fresh trace downstream: neither goes.
    problems.push(`${TAG.llmobsTraceId} and ${TAG.llmobsParentId} not propagated: not a 128-bit trace id`)
    parentId = undefined
  } else if (llmobs.parentId !== undefined && llmobs.parentId !== ROOT_PARENT_ID) {
    parentId = normalizeDecimalId(llmobs.parentId)
    if (parentId === undefined) problems.push(`${TAG.llmobsParentId} not propagated: not a 64-bit decimal id`)
  }
  add(TAG.llmobsParentId, parentId, 'required')
  add(TAG.llmobsMlApp, textEntry(TAG.llmobsMlApp, llmobs.mlApp, problems), 'optional')
  add(TAG.llmobsSessionId, textEntry(TAG.llmobsSessionId, llmobs.sessionId, problems), 'optional')

  const rate = llmobs.sampleRate
  if (rate !== undefined) {
    if (Number.isFinite(rate) && rate >= 0 && rate <= 1)
      add(TAG.llmobsSampleRate, formatSampleRate(rate), 'optional')
    else problems.push(`${TAG.llmobsSampleRate} not propagated: ${String(rate)} is not in [0, 1]`)
  }
  const decision = llmobs.samplingDecision
  if (decision === 0 || decision === 1) add(TAG.llmobsSamplingDecision, String(decision), 'optional')
  else if (decision !== undefined) problems.push(`${TAG.llmobsSamplingDecision} not propagated: not 0 or 1`)

  add(TAG.llmobsTraceId, traceId, 'required')

  if (llmobs.agentSpanId !== undefined) {
    const agentSpanId = normalizeDecimalId(llmobs.agentSpanId)
    if (agentSpanId === undefined) problems.push(`${TAG.llmobsAgentSpanId} not propagated: not a decimal id`)
    add(TAG.llmobsAgentSpanId, agentSpanId, 'agent-span-id')
    let name = textEntry(TAG.llmobsAgentName, llmobs.agentName, problems)
    if (name !== undefined && name.length > MAX_AGENT_NAME_LENGTH) {
      problems.push(`${TAG.llmobsAgentName} not propagated: longer than ${MAX_AGENT_NAME_LENGTH} characters`)
      name = undefined
    }
    // Without its span id a name attributes nothing, so it only travels with one (as in dd-trace).
    if (agentSpanId !== undefined && name !== undefined) {
      entries.push({
        key: TAG.llmobsAgentName,
        value: name,
        trim: 'agent-name',
        requires: TAG.llmobsAgentSpanId,
      })
    }
  }
  return entries
}

export interface ReadLlmobsResult {
  readonly llmobs: LlmobsPropagation | undefined
  /** Keys the LLMObs context now owns; the rest stay pass-through tags. */
  readonly consumed: ReadonlySet<string>
}

const NOTHING: ReadLlmobsResult = { llmobs: undefined, consumed: new Set() }

function readSampleRate(text: string | undefined, problems: string[]): number | undefined {
  if (text === undefined) return undefined
  const rate = text.trim() === '' ? Number.NaN : Number(text)
  if (Number.isFinite(rate) && rate >= 0 && rate <= 1) return rate
  problems.push(`${TAG.llmobsSampleRate}=${text} ignored: not a rate in [0, 1]`)
  return undefined
}

/**
 * The LLMObs context in decoded `_dd.p.*` tags. It exists when upstream sent a trace id or a
 * parent id; without a trace id the APM trace id stands in, which is what tracers did before
 * `_dd.p.llmobs_trace_id` existed (their LLMObs trace id was the APM one).
 */
export function readLlmobs(
  tags: ReadonlyMap<string, string>,
  apmTraceId: string,
  problems: string[],
): ReadLlmobsResult {
  const rawTrace = tags.get(TAG.llmobsTraceId)
  const rawParent = tags.get(TAG.llmobsParentId)
  if (rawTrace === undefined && rawParent === undefined) return NOTHING

  let traceId = rawTrace === undefined ? undefined : llmobsTraceIdFromWire(rawTrace)
  if (rawTrace !== undefined && traceId === undefined) {
    problems.push(`${TAG.llmobsTraceId}=${rawTrace} ignored: not a hex or decimal 128-bit id`)
  }
  let parentId: string | undefined
  if (rawParent !== undefined && rawParent !== ROOT_PARENT_ID) {
    parentId = normalizeDecimalId(rawParent.trim())
    if (parentId === undefined)
      problems.push(`${TAG.llmobsParentId}=${rawParent} ignored: not a 64-bit decimal id`)
  }
  if (traceId === undefined) {
    if (parentId === undefined) return NOTHING
    traceId = apmTraceId
    problems.push(`${TAG.llmobsTraceId} absent: continuing the LLMObs trace under the APM trace id`)
  }

  const llmobs: LlmobsPropagation = { traceId, parentId }
  const mlApp = tags.get(TAG.llmobsMlApp)
  if (mlApp) llmobs.mlApp = mlApp
  const sessionId = tags.get(TAG.llmobsSessionId)
  if (sessionId) llmobs.sessionId = sessionId
  const sampleRate = readSampleRate(tags.get(TAG.llmobsSampleRate), problems)
  if (sampleRate !== undefined) llmobs.sampleRate = sampleRate
  const decision = tags.get(TAG.llmobsSamplingDecision)
  if (decision === '0' || decision === '1') llmobs.samplingDecision = decision === '1' ? 1 : 0
  else if (decision !== undefined)
    problems.push(`${TAG.llmobsSamplingDecision}=${decision} ignored: not 0 or 1`)
  const rawAgent = tags.get(TAG.llmobsAgentSpanId)
  const agentSpanId = rawAgent === undefined ? undefined : normalizeDecimalId(rawAgent.trim())
  if (agentSpanId !== undefined) {
    llmobs.agentSpanId = agentSpanId
    const agentName = tags.get(TAG.llmobsAgentName)
    if (agentName) llmobs.agentName = agentName
  } else if (rawAgent !== undefined) {
    problems.push(`${TAG.llmobsAgentSpanId}=${rawAgent} ignored: not a 64-bit decimal id`)
  }

  return { llmobs, consumed: LLMOBS_KEYS }
}
