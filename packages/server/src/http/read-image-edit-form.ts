import type { IncomingMessage } from 'node:http';
import { GatewayError, type ImageGenerationRequest, type ImageUpload } from '@tollgate/core';
import { imageSize } from 'image-size';
import { readMultipartForm, type FormFile } from './read-multipart-form.js';

/** The largest image edit read: OpenAI takes GPT Image inputs up to 50 MB each; the form's framing adds a little. */
export const imageEditBodyLimit = 51 * 1024 * 1024;

/** Fields OpenAI's SDKs send as numbers or booleans, which the form carries as text. */
const integerFields = new Set(['n', 'partial_images', 'output_compression', 'frame_count', 'frame_duration_ms']);

/** An upload with its size in pixels, read from its header (PNG, JPEG, WebP, GIF…; undefined for one `image-size` cannot read). */
function withSize(file: FormFile): ImageUpload {
  try {
    const { width, height } = imageSize(file.bytes);
    return { ...file, width, height };
  } catch {
    return { ...file, width: undefined, height: undefined };
  }
}

/**
 * Reads an image edit's multipart form (`POST /v1/images/edits`, as OpenAI's SDKs send it): 415 for
 * another content type, 413 over `limit` bytes, 400 for a form that cannot be parsed. Each text field
 * as sent (a field sent more than once as a list; `n`, `partial_images` and the like as numbers,
 * `stream` as a boolean, as a JSON body has them), each uploaded image (`image`, `image[]`, `mask`…)
 * in `files` with its size in pixels. Validated by the engine, after auth.
 */
export async function readImageEditForm(req: IncomingMessage, limit: number): Promise<Partial<ImageGenerationRequest>> {
  const form = await readMultipartForm(req, limit, 'the image to edit as its `image` field', () => tooLarge(limit));
  const fields: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(form.fields)) {
    if (name === 'task' || name === 'files') continue;
    if (typeof value === 'string' && integerFields.has(name) && /^\d+$/.test(value)) fields[name] = Number(value);
    else if (name === 'stream' && (value === 'true' || value === 'false')) fields[name] = value === 'true';
    else fields[name] = value;
  }
  return { ...fields, task: 'edit', files: form.files.map(withSize) };
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError('TOLLGATE_PAYLOAD_TOO_LARGE', `The image edit is larger than this gateway's limit of ${limit} bytes (OpenAI takes images up to 50 MB each). Send smaller images, or ask the operator to raise server.bodyLimit.`);
}
