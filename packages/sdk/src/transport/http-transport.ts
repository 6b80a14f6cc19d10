import type http from 'node:http'
import { builtin } from '../internal/builtins.js'
import { parseRetryAfter } from './retry-after.js'
import type { Transport, TransportRequest, TransportResult } from './transport.js'

export interface HttpTransportOptions {
  /** Sockets per host and agent; bounds in-flight requests to one host. Default 4. */
  maxSockets?: number
  /** How long an idle keep-alive socket is kept before the client closes it. Default 4 s. */
  idleSocketMs?: number
}

const ERROR_BODY_LIMIT = 200

// Network errors worth another attempt; anything else (bad TLS certificate, invalid header) is final.
const PERMANENT_ERROR =
  /^(ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_INVALID|ERR_SSL|HOSTNAME_MISMATCH)/

/**
 * HTTP(S) over keep-alive sockets, one exchange per `send`, with a whole-exchange timeout. Results
 * are values: 2xx success; network errors, timeouts, 408, 429 and 5xx retryable (with `Retry-After`
 * when the server sent one); other statuses final failures.
 *
 * @example
 * const transport = new HttpTransport()
 * const result = await transport.send({ method: 'GET', url: new URL('http://127.0.0.1:8126/info'), headers: {}, timeoutMs: 1000, readBodyLimit: 65536 })
 * transport.destroy()
 */
export class HttpTransport implements Transport {
  readonly #agentOptions: http.AgentOptions
  // Made on first use, not at init: node:http (with node:net) loads with the first request and
  // node:https (with node:tls) only for an https URL (agentless), ~3 and ~2 ms of CPU at start-up.
  #http: http.Agent | undefined
  #https: http.Agent | undefined

  constructor(options: HttpTransportOptions = {}) {
    this.#agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets ?? 4,
      maxFreeSockets: options.maxSockets ?? 4,
      // Idle sockets close before a typical server's keep-alive timeout (Node's is 5 s) could race
      // our reuse; at one flush a second a busy exporter reuses them long before that.
      timeout: options.idleSocketMs ?? 4_000,
      scheduling: 'lifo',
    }
  }

  send(request: TransportRequest): Promise<TransportResult> {
    return new Promise<TransportResult>((resolve) => exchange(request, this.#agentFor(request.url), resolve))
  }

  destroy(): void {
    this.#http?.destroy()
    this.#https?.destroy()
  }

  #agentFor(url: URL): http.Agent {
    if (url.protocol === 'https:')
      return (this.#https ??= new (builtin('node:https').Agent)(this.#agentOptions))
    return (this.#http ??= new (builtin('node:http').Agent)(this.#agentOptions))
  }
}

/** `ClientRequest` as `http.request` calls it in Node 20 to 24 (`@types/node` declares two arguments). */
type ClientRequestWithOptions = new (
  url: URL,
  options: http.RequestOptions,
  onResponse: (res: http.IncomingMessage) => void,
) => http.ClientRequest

function exchange(request: TransportRequest, agent: http.Agent, resolve: (r: TransportResult) => void): void {
  const { url, timeoutMs, signal } = request
  let settled = false
  let req: http.ClientRequest | undefined
  const finish = (result: TransportResult): void => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
    resolve(result)
  }
  const onAbort = (): void => {
    finish({ status: 'failure', reason: 'aborted' })
    req?.destroy()
  }
  const timer = setTimeout(() => {
    finish({ status: 'retryable', reason: `no complete answer from ${url.host} within ${timeoutMs} ms` })
    req?.destroy()
  }, timeoutMs)
  timer.unref()
  if (signal?.aborted === true) return onAbort()
  signal?.addEventListener('abort', onAbort, { once: true })

  try {
    const headers: Record<string, string | number> = { ...request.headers }
    if (request.body !== undefined) {
      headers['Content-Length'] =
        typeof request.body === 'string' ? Buffer.byteLength(request.body) : request.body.byteLength
    }
    // `new ClientRequest` (what `http.request` and `https.request` return; the agent brings the
    // protocol and TLS) rather than those functions, which a host tracer wraps (dd-trace's http
    // plugin, OpenTelemetry's http instrumentation): through them every export request became an
    // `http.request` span of the app, with the tracer's headers injected. dd-trace keeps its own
    // requests out of its traces too (through a private context the SDK cannot reach, which also
    // silences its net plugin's `tcp.connect` spans; those remain, one per new socket).
    const ClientRequest = builtin('node:http').ClientRequest as unknown as ClientRequestWithOptions
    req = new ClientRequest(url, { method: request.method, headers, agent }, (res) => {
      const chunks: Buffer[] = []
      let kept = 0
      const status = res.statusCode ?? 0
      // Keep the start of an error answer: it usually says why ("invalid API key", ...).
      const limit = status >= 200 && status < 300 ? (request.readBodyLimit ?? 0) : ERROR_BODY_LIMIT
      res.on('data', (chunk: Buffer) => {
        // Always drain the body so the socket can be reused; keep only what was asked for.
        if (kept < limit) {
          chunks.push(chunk)
          kept += chunk.length
        }
      })
      res.on('end', () => {
        const body = limit > 0 ? Buffer.concat(chunks).subarray(0, limit).toString('utf8') : undefined
        finish(classify(res, url, body))
      })
      res.on('error', (err) => finish(networkFailure(err, url)))
      res.on('close', () => {
        if (!res.complete)
          finish({ status: 'retryable', reason: `${url.host} closed the connection mid-answer` })
      })
    })
    req.on('error', (err) => finish(networkFailure(err, url)))
    writeBody(req, request.body)
  } catch (err) {
    // Thrown synchronously for an invalid URL, method or header value: retrying cannot help.
    finish({ status: 'failure', reason: `invalid request to ${url.host}: ${message(err)}` })
  }
}

/**
 * Bodies above this are written one piece per turn of the event loop. Why: a 5 MiB body written at
 * once held the main thread ~10 ms inside one writev (the kernel copying it to a loopback socket);
 * 128 KiB pieces cost well under 1 ms each.
 */
const BODY_PIECE_BYTES = 128 * 1024

function writeBody(req: http.ClientRequest, body: TransportRequest['body']): void {
  if (body === undefined || typeof body === 'string' || body.byteLength <= BODY_PIECE_BYTES) {
    req.end(body)
    return
  }
  let offset = 0
  const next = (): void => {
    if (req.destroyed) return
    const end = Math.min(body.byteLength, offset + BODY_PIECE_BYTES)
    const piece = body.subarray(offset, end)
    offset = end
    if (offset === body.byteLength) req.end(piece)
    else if (req.write(piece)) setImmediate(next)
    else req.once('drain', next)
  }
  next()
}

function classify(res: http.IncomingMessage, url: URL, body: string | undefined): TransportResult {
  const statusCode = res.statusCode ?? 0
  if (statusCode >= 200 && statusCode < 300) return { status: 'success', statusCode, body }
  const said = body?.replace(/\s+/g, ' ').trim()
  const reason = `${url.host} answered HTTP ${statusCode}${said ? `: ${said}` : ''}`
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) {
    const retryAfterMs = parseRetryAfter(res.headers['retry-after'])
    return { status: 'retryable', reason, statusCode, retryAfterMs }
  }
  return { status: 'failure', reason, statusCode }
}

function networkFailure(err: Error, url: URL): TransportResult {
  const code = (err as NodeJS.ErrnoException).code ?? ''
  const reason = `cannot reach ${url.host}: ${code !== '' ? `${code} ` : ''}${err.message}`
  return PERMANENT_ERROR.test(code) ? { status: 'failure', reason } : { status: 'retryable', reason }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
