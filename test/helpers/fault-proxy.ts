// A fault-injecting HTTP proxy for end-to-end tests: it sits in front of a real collector and, per
// request, forwards it, answers it itself, stalls, drops the connection, or forwards it and then
// drops the answer (the request arrived, the client never learns it). What it did is recorded.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export type Fault =
  /** Forward and relay the answer. */
  | { readonly kind: 'forward' }
  /** Answer without forwarding. */
  | { readonly kind: 'answer'; readonly status: number; readonly headers?: Record<string, string> }
  /** Never answer (the client's timeout fires); the request is not forwarded. */
  | { readonly kind: 'stall' }
  /** Destroy the connection without an answer; not forwarded. */
  | { readonly kind: 'drop' }
  /** Forward (the target stores it), then destroy the connection instead of relaying the answer. */
  | { readonly kind: 'forward-drop-answer' }

export interface ProxiedRequest {
  readonly method: string
  readonly url: string
  readonly fault: Fault['kind']
  readonly status?: number
}

/** A request sent on to the target: what was sent and what the target said (the client may not hear it). */
export interface ForwardedExchange {
  readonly method: string
  readonly url: string
  readonly body: Buffer
  readonly fault: 'forward' | 'forward-drop-answer'
  /**
   * Undefined when the target gave no answer: it was down (nothing stored) or died during the
   * request (it may have stored it or not).
   */
  readonly status: number | undefined
  readonly answer: Buffer | undefined
}

export interface FaultProxy {
  readonly url: string
  readonly requests: ProxiedRequest[]
  /**
   * Chooses the fault for each request; replace it at any time. `body` is the whole request body, so
   * a plan can tell a retry (same bytes) from a new request.
   */
  decide: (request: { method: string; url: string; body: Buffer }) => Fault
  /** Called for every request forwarded, once the target answered (before that answer is relayed or dropped) or failed. */
  onForwarded: ((exchange: ForwardedExchange) => void) | undefined
  /** Where requests are forwarded; change it when the target restarts on another port. */
  target: string
  close(): Promise<void>
}

export const FORWARD: Fault = Object.freeze({ kind: 'forward' })

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const stalled = new Set<http.ServerResponse>()
  const proxy: FaultProxy = {
    url: '',
    requests: [],
    decide: () => FORWARD,
    onForwarded: undefined,
    target,
    close: async () => {
      for (const res of stalled) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const method = req.method ?? 'GET'
      const url = req.url ?? '/'
      const body = Buffer.concat(chunks)
      let fault: Fault
      try {
        fault = proxy.decide({ method, url, body })
      } catch {
        fault = FORWARD
      }
      const record = (status?: number) =>
        proxy.requests.push({ method, url, fault: fault.kind, ...(status !== undefined ? { status } : {}) })
      if (fault.kind === 'answer') {
        record(fault.status)
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers })
        res.end('{}')
        return
      }
      if (fault.kind === 'stall') {
        record()
        stalled.add(res)
        res.on('close', () => stalled.delete(res))
        return
      }
      if (fault.kind === 'drop') {
        record()
        req.socket.destroy()
        return
      }
      const headers = {
        ...req.headers,
        host: new URL(proxy.target).host,
        'content-length': String(body.length),
      }
      let observed = false
      const observe = (status: number | undefined, answer: Buffer | undefined): void => {
        if (observed) return
        observed = true
        try {
          proxy.onForwarded?.({
            method,
            url,
            body,
            fault: fault.kind as ForwardedExchange['fault'],
            status,
            answer,
          })
        } catch {
          // An observer's bug must not change what the client sees.
        }
      }
      const targetFailed = (): void => {
        if (observed) return
        // The target is down (killed in a test): the client sees a dropped connection, as it would.
        record(undefined)
        observe(undefined, undefined)
        req.socket.destroy()
      }
      const upstream = http.request(new URL(url, proxy.target), { method, headers }, (answer) => {
        const parts: Buffer[] = []
        // The target died while answering.
        answer.on('error', targetFailed)
        answer.on('data', (chunk: Buffer) => parts.push(chunk))
        answer.on('end', () => {
          record(answer.statusCode)
          observe(answer.statusCode ?? 0, Buffer.concat(parts))
          if (fault.kind === 'forward-drop-answer') {
            req.socket.destroy()
            return
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          res.end(Buffer.concat(parts))
        })
      })
      upstream.on('error', targetFailed)
      upstream.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  ;(proxy as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return proxy
}
