import type { TranscriptionRequest } from '@tollgate/core';
import { requestForm } from './request-form.js';

/**
 * A transcription request as the multipart form OpenAI's audio API takes: `model` (the routed one),
 * every other field as the client sent it (a list as the same field repeated, as
 * `timestamp_granularities[]` is; `task`, the gateway's own, left out), and the audio as `file` with
 * its name and media type.
 */
export function transcriptionForm(request: TranscriptionRequest, model: string): FormData {
  return requestForm(request, model, ['file', 'task'], [{ field: 'file', ...request.file }]);
}

/** Whether an upstream's JSON answer is a transcription (`json`, `verbose_json`): a string `text`. */
export function isTranscriptionResponse(value: unknown): boolean {
  return typeof (value as { text?: unknown } | null)?.text === 'string';
}
