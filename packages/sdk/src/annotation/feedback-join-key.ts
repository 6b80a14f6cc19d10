import { FEEDBACK_JOIN_KEY_TAG } from '@llmobs/protocol'
import { describeType, type Report } from '../internal/report.js'
import type { SpanTags } from './normalize-tags.js'

/** Longer keys are refused: a join key is an id (a conversation, a message), not a payload. */
export const MAX_FEEDBACK_JOIN_KEY_LENGTH = 256

/**
 * Records `key` as the span's feedback join key in `tags` (created when undefined) and returns the
 * tags; an invalid key is reported and `tags` returned unchanged.
 */
export function withFeedbackJoinKey(
  tags: SpanTags | undefined,
  key: unknown,
  report: Report,
): SpanTags | undefined {
  const problem = feedbackJoinKeyProblem(key)
  if (problem !== undefined) {
    report('invalid_feedback_join_key', `feedbackJoinKey ${problem}; it was not recorded.`)
    return tags
  }
  const into = tags ?? {}
  into[FEEDBACK_JOIN_KEY_TAG] = key as string
  return into
}

/** Why `key` cannot be a feedback join key, or undefined when it can. */
export function feedbackJoinKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || key === '') return `must be a non-empty string, got ${describeType(key)}`
  if (key.length > MAX_FEEDBACK_JOIN_KEY_LENGTH)
    return `must be at most ${MAX_FEEDBACK_JOIN_KEY_LENGTH} characters, got ${key.length}`
  return undefined
}
