import type { IncomingMessage } from 'node:http';
import { GatewayError } from '@tollgate/core';
import { readRawBody } from './read-raw-body.js';

const formContentType = /^multipart\/form-data\s*;/i;

/** A file of a multipart form: the field it came in, its name, media type and bytes. */
export interface FormFile {
  readonly field: string;
  readonly name: string;
  readonly type: string;
  readonly bytes: Uint8Array;
}

/** A multipart form as read: its text fields (a field sent more than once, or named `…[]`, as a list) and its files in the order sent. */
export interface MultipartForm {
  readonly fields: Record<string, string | string[]>;
  readonly files: readonly FormFile[];
}

/**
 * Reads a request's multipart form (`POST /v1/audio/transcriptions`, `/v1/images/edits`, as OpenAI's
 * SDKs send them) whole, with the platform's `Response.formData()`: 415 for another content type
 * (`expected` says what the form should hold), 413 over `limit` bytes (`tooLarge` says why), 400 for a
 * form that cannot be parsed.
 */
export async function readMultipartForm(req: IncomingMessage, limit: number, expected: string, tooLarge: () => GatewayError): Promise<MultipartForm> {
  const contentType = req.headers['content-type'] ?? '';
  if (!formContentType.test(contentType)) {
    throw new GatewayError('TOLLGATE_UNSUPPORTED_MEDIA_TYPE', `The body must be a form sent with \`content-type: multipart/form-data\` (${expected}); got ${contentType === '' ? 'no content type' : `"${contentType}"`}.`);
  }
  const raw = await readRawBody(req, limit, tooLarge);
  let form: FormData;
  try {
    form = await new Response(raw as Uint8Array<ArrayBuffer>, { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `The request body is not a valid multipart form (${(error as Error).message}).`, { cause: error });
  }
  // No prototype: a field named `toString` or `__proto__` is a field like any other.
  const fields: Record<string, string | string[]> = Object.create(null);
  const files: FormFile[] = [];
  for (const [field, value] of form) {
    if (field === '__proto__') continue;
    if (typeof value !== 'string') {
      files.push({ field, name: value.name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) });
      continue;
    }
    const earlier = fields[field];
    if (earlier === undefined) fields[field] = field.endsWith('[]') ? [value] : value;
    else fields[field] = Array.isArray(earlier) ? [...earlier, value] : [earlier, value];
  }
  return { fields, files };
}
