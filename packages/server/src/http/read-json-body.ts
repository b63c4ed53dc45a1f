import type { IncomingMessage } from 'node:http';
import { GatewayError } from '@tollgate/core';
import { readRawBody } from './read-raw-body.js';

const jsonContentType = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** A request body parsed once, with its bytes kept for the passthrough path. */
export interface JsonBody {
  readonly value: unknown;
  /** The bytes as received; undefined when a host app's body parser consumed them already. */
  readonly raw: Uint8Array | undefined;
}

/**
 * Reads and parses a JSON body: 415 for another content type, 413 over `limit` bytes (checked against
 * `content-length` before reading), 400 for malformed JSON or a body that is not a JSON object. When the host Express app already parsed
 * the body (`express.json()`), its result is used.
 */
export async function readJsonBody(req: IncomingMessage & { body?: unknown }, limit: number): Promise<JsonBody> {
  const contentType = req.headers['content-type'] ?? '';
  if (!jsonContentType.test(contentType)) {
    throw new GatewayError('TOLLGATE_UNSUPPORTED_MEDIA_TYPE', `The body must be JSON sent with \`content-type: application/json\`; got ${contentType === '' ? 'no content type' : `"${contentType}"`}.`);
  }
  if (req.body !== undefined && req.readableEnded) {
    if (Buffer.isBuffer(req.body)) return parse(req.body);
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'The request body must be a JSON object.');
    }
    return { value: req.body, raw: undefined };
  }
  return parse(await readRawBody(req, limit, () => tooLarge(limit)));
}

function parse(raw: Buffer): JsonBody {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new GatewayError('TOLLGATE_INVALID_JSON', `The request body is not valid JSON (${(error as Error).message}). Send a JSON object.`, { cause: error });
  }
  // Anything but an object cannot be a request; its fields are validated by the engine, after auth.
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'The request body must be a JSON object.');
  }
  return { value, raw };
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError('TOLLGATE_PAYLOAD_TOO_LARGE', `The request body is larger than this gateway's limit of ${limit} bytes. Send a smaller body, or raise \`server.bodyLimit\`.`);
}
