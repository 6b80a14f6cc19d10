// The SDK benchmark's workload, the same for every tracer: a workflow span with three annotated llm
// child spans (messages in and out, token metrics). Each tracer plugs in through a small adapter.

export const SPANS_PER_ITERATION = 4

export const MESSAGES_IN = [
  { role: 'system', content: 'You are a helpful support agent. Answer briefly and cite the docs.' },
  { role: 'user', content: 'How do I rotate the API key of my workspace without downtime?' },
]
export const MESSAGES_OUT = [
  {
    role: 'assistant',
    content:
      'Create a second key, deploy it everywhere, check that traffic uses it, then revoke the first one.',
  },
]
export const METRICS = { inputTokens: 42, outputTokens: 24, totalTokens: 66 }

/** One iteration with the llmobs-style API shared by llmobs and dd-trace's `tracer.llmobs`. */
export function runIteration(sdk) {
  sdk.trace({ kind: 'workflow', name: 'answer-question' }, () => {
    for (let i = 0; i < 3; i++) {
      sdk.trace({ kind: 'llm', name: 'chat', modelName: 'gpt-4o', modelProvider: 'openai' }, () => {
        sdk.annotate({ inputData: MESSAGES_IN, outputData: MESSAGES_OUT, metrics: METRICS })
      })
    }
    sdk.annotate({ inputData: 'How do I rotate the API key?', outputData: 'Create a second key first.' })
  })
}
