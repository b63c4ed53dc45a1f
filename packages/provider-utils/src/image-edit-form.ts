import type { ImageGenerationRequest } from '@tollgate/core';
import { requestForm } from './request-form.js';

/**
 * An image edit as the multipart form OpenAI's Images API takes (`POST /images/edits`): `model` (the
 * routed one), every other field as the client sent it (`task` and `files`, the gateway's own, left
 * out), and each uploaded image under the field it came in (`image`, `image[]`, `mask`), with its name
 * and media type, in the order sent.
 */
export function imageEditForm(request: ImageGenerationRequest, model: string): FormData {
  return requestForm(request, model, ['files', 'task'], request.files ?? []);
}
