import type { TranscriptionRequest } from '@tollgate/core';

/**
 * A transcription request as the multipart form OpenAI's audio API takes: `model` (the routed one),
 * every other field as the client sent it (a list as the same field repeated, as
 * `timestamp_granularities[]` is; `task`, the gateway's own, left out), and the audio as `file` with
 * its name and media type.
 */
export function transcriptionForm(request: TranscriptionRequest, model: string): FormData {
  const form = new FormData();
  form.append('model', model);
  for (const [name, value] of Object.entries(request)) {
    if (name === 'file' || name === 'model' || name === 'task' || value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) form.append(name, String(item));
    else form.append(name, String(value));
  }
  const file = request.file;
  form.append('file', new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }), file.name);
  return form;
}

/** Whether an upstream's JSON answer is a transcription (`json`, `verbose_json`): a string `text`. */
export function isTranscriptionResponse(value: unknown): boolean {
  return typeof (value as { text?: unknown } | null)?.text === 'string';
}
