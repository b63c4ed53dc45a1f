import type { ImageGenerationRequest } from '@tollgate/core';

/** Appends a field as OpenAI's SDKs encode it: a list as the same field repeated, an object's keys bracketed (`svg[model]`). */
function appendField(form: FormData, name: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) for (const item of value) appendField(form, name, item);
  else if (typeof value === 'object') for (const [key, item] of Object.entries(value)) appendField(form, `${name}[${key}]`, item);
  else form.append(name, String(value));
}

/**
 * An image edit as the multipart form OpenAI's Images API takes (`POST /images/edits`): `model` (the
 * routed one), every other field as the client sent it (`task` and `files`, the gateway's own, left
 * out), and each uploaded image under the field it came in (`image`, `image[]`, `mask`), with its name
 * and media type, in the order sent.
 */
export function imageEditForm(request: ImageGenerationRequest, model: string): FormData {
  const form = new FormData();
  form.append('model', model);
  for (const [name, value] of Object.entries(request)) {
    if (name === 'files' || name === 'model' || name === 'task') continue;
    appendField(form, name, value);
  }
  for (const file of request.files ?? []) form.append(file.field, new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }), file.name);
  return form;
}
