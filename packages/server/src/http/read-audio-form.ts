import type { IncomingMessage } from 'node:http';
import { GatewayError, type TranscriptionRequest } from '@tollgate/core';
import { readMultipartForm } from './read-multipart-form.js';

/** The largest audio upload read: OpenAI's audio API takes files up to 25 MB; the form's framing adds a little. */
export const audioBodyLimit = 26 * 1024 * 1024;

/**
 * The seconds of audio a file holds, read from its headers (WAV, MP3, M4A, FLAC, OGG, WebM…, with
 * `music-metadata`, loaded at the first upload: a gateway that transcribes nothing never loads it);
 * undefined for a format it cannot read or a file that says nothing of it.
 */
async function durationOf(bytes: Uint8Array, mimeType: string): Promise<number | undefined> {
  try {
    const { parseBuffer } = await import('music-metadata');
    const metadata = await parseBuffer(bytes, { mimeType: mimeType === '' ? undefined : mimeType, size: bytes.byteLength }, { duration: true, skipCovers: true });
    const seconds = metadata.format.duration;
    return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a transcription request's multipart form (`POST /v1/audio/transcriptions`, or a translation's,
 * as OpenAI's SDKs send them; `task` says which): 415 for another content type, 413 over `limit` bytes, 400 for a form that cannot be parsed.
 * Each field as sent (a field given more than once as a list), the audio as `file` with its bytes and
 * its length in seconds where its headers give it. Validated by the engine, after auth.
 */
export async function readAudioForm(req: IncomingMessage, limit: number, task: 'transcribe' | 'translate'): Promise<Partial<TranscriptionRequest>> {
  const form = await readMultipartForm(req, limit, 'the audio as its `file` field', () => tooLarge(limit));
  // `task` is the gateway's own; `file` only as an upload.
  const { task: _task, file: _file, ...fields } = form.fields;
  const file = form.files.find((upload) => upload.field === 'file');
  const audio = file === undefined ? {} : { file: { name: file.name, type: file.type, bytes: file.bytes, durationSeconds: await durationOf(file.bytes, file.type) } };
  return { ...fields, task, ...audio } as Partial<TranscriptionRequest>;
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError('TOLLGATE_PAYLOAD_TOO_LARGE', `The audio upload is larger than this gateway's limit of ${limit} bytes (OpenAI's audio API takes files up to 25 MB). Send a shorter or more compressed file.`);
}
