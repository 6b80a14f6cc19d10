/**
 * What users may attach to a span, in the SDK's camelCase spelling. The wire spellings
 * (`tool_calls`, `tool_id`, ...) are accepted too. Everything is validated and normalised into the
 * wire shapes of protocol §2 when it is annotated; a malformed part is reported and dropped, the
 * rest is kept.
 */

export interface ToolCall {
  name: string
  /** An object, or a string holding a JSON object (as LLM APIs return it). */
  arguments?: Record<string, unknown> | string | undefined
  toolId?: string | undefined
  type?: string | undefined
}

export interface ToolResult {
  /** A string is kept; anything else is JSON-stringified. */
  result: unknown
  toolId?: string | undefined
  name?: string | undefined
  type?: string | undefined
}

/** An LLM message. A bare string stands for `{ role: '', content: text }`. */
export interface Message {
  role?: string | undefined
  content?: string | null | undefined
  toolCalls?: readonly ToolCall[] | undefined
  toolResults?: readonly ToolResult[] | undefined
  /** The tool call this message answers (on `tool` messages). */
  toolId?: string | undefined
}

/** A retrieved or embedded document. A bare string stands for `{ text }`. */
export interface Document {
  text: string
  name?: string | undefined
  id?: string | undefined
  score?: number | undefined
}

export interface ChatTemplateMessage {
  role: string
  content: string
}

/** The prompt template an llm span was rendered from (llm spans only). */
export interface Prompt {
  /** Defaults to `<ml_app>_unnamed-prompt`. */
  id?: string | undefined
  version?: string | undefined
  /** Template variables; non-string values are JSON-stringified. */
  variables?: Record<string, unknown> | undefined
  /** A text template, or a chat template given as messages. */
  template?: string | readonly ChatTemplateMessage[] | undefined
  chatTemplate?: readonly ChatTemplateMessage[] | undefined
  tags?: Record<string, string> | undefined
  /** Variables that hold retrieved context (for hallucination checks). Default `['context']`. */
  contextVariableKeys?: readonly string[] | undefined
  /** Variables that hold the user's question. Default `['question']`. */
  queryVariableKeys?: readonly string[] | undefined
}

export interface ToolDefinition {
  name: string
  description?: string | undefined
  /** A JSON schema of the tool's arguments. */
  schema?: Record<string, unknown> | undefined
  version?: string | undefined
}

/** A tag value; an array fans out into one `key:value` tag per element. */
export type TagValue = string | number | boolean | readonly (string | number | boolean)[]

/**
 * Data attached to a span with `llmobs.annotate()` or `span.annotate()`. Later annotations replace
 * input, output, prompt and tool definitions, and merge into metadata, metrics and tags.
 *
 * `inputData` / `outputData` depend on the span kind (protocol §2):
 * - `llm`: messages in and out: `Message | string | Array<Message | string>`;
 * - `embedding`: documents in (`Document | string | Array<...>`), any value out;
 * - `retrieval`: any value in, documents out;
 * - `workflow`, `agent`, `task`, `tool`: any value (strings are kept, anything else is JSON-stringified).
 */
export interface Annotation {
  inputData?: unknown
  outputData?: unknown
  /** Merged shallowly into the span's metadata. */
  metadata?: Record<string, unknown> | undefined
  /** Numbers; `inputTokens`, `outputTokens`, `totalTokens`, `cacheReadTokens`, ... map to wire names. */
  metrics?: Record<string, number> | undefined
  tags?: Record<string, TagValue> | undefined
  prompt?: Prompt | undefined
  toolDefinitions?: readonly ToolDefinition[] | undefined
  /**
   * A key (a conversation or message id the app already has) that `llmobs.submitFeedback({
   * feedbackJoinKey })` can name later, from anywhere, to attach user feedback to this span. Sent as
   * the span tag `feedback_join_key:<key>`; at most 256 characters.
   */
  feedbackJoinKey?: string | undefined
}
