// The names the README's examples use without defining them (your app's own functions), defined
// here so the examples type-check and run as written.
export const question = 'Where is my order #1234?'

export interface FoundDocument {
  text: string
  score: number
}

export function search(query: string): Promise<FoundDocument[]> {
  return Promise.resolve([{ text: `Orders ship within 2 days (asked: ${query.length} chars)`, score: 0.91 }])
}

export function callModel(
  messages: Array<{ role: string; content: string }>,
  docs: FoundDocument[],
): Promise<{ text: string; usage: { input: number; output: number } }> {
  return Promise.resolve({
    text: `It ships within 2 days (from ${docs.length} document(s))`,
    usage: { input: messages.length * 10, output: 8 },
  })
}

export const db = {
  find: (id: string): Promise<{ id: string; status: string }> => Promise.resolve({ id, status: 'shipped' }),
}
