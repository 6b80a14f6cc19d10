import type { FastifyReply, FastifyRequest } from 'fastify'
import { checkContentType } from '../ingest/content-type.js'
import { decodeBody } from '../ingest/decode-body.js'
import type { Outcome, Rejection } from '../ingest/outcome.js'
import { parseJson } from '../ingest/parse-json.js'

/**
 * The body of a JSON intake request: content type checked, decompressed, parsed (by `parse`:
 * `JSON.parse`, unless the route needs 64-bit integers read exactly).
 */
export function readJsonBody(
  request: FastifyRequest,
  limit: number,
  parse: (bytes: Buffer) => Outcome<unknown> = parseJson,
): Outcome<unknown> {
  const type = checkContentType(request.headers['content-type'], 'json')
  if (!type.ok) return type
  const bytes = decodeBody(request.body, request.headers['content-encoding'], limit)
  return bytes.ok ? parse(bytes.value) : bytes
}

/** The bytes of a msgpack intake request: content type checked, decompressed. */
export function readMsgpackBody(request: FastifyRequest, limit: number): Outcome<Buffer> {
  const type = checkContentType(request.headers['content-type'], 'msgpack')
  if (!type.ok) return type
  const bytes = decodeBody(request.body, request.headers['content-encoding'], limit)
  if (bytes.ok && bytes.value.length === 0) {
    return { ok: false, rejection: { status: 400, error: 'body is empty: expected msgpack' } }
  }
  return bytes
}

export function sendRejection(reply: FastifyReply, rejection: Rejection): FastifyReply {
  return reply.code(rejection.status).send({ error: rejection.error })
}
