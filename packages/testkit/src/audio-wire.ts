/**
 * Transcription answers as OpenAI's audio API documents them (`POST /v1/audio/transcriptions`, and
 * `/v1/audio/translations` — Whisper's, the transcript in English —, a multipart form): `json` — `{ text, usage }` —, `verbose_json` (Whisper: `task`, `language`,
 * `duration`, `segments`), or the plain text of `text`, `srt` and `vtt`. Whisper bills by the second
 * (`usage: { type: "duration", seconds }`); GPT-4o transcribe models by tokens (`usage: { type:
 * "tokens", input_tokens, input_token_details: { text_tokens, audio_tokens }, output_tokens,
 * total_tokens }`), which take `json` and `text` only and with `stream=true` answer SSE: a
 * `transcript.text.delta` event a word, then `transcript.text.done` with the text and usage (Whisper
 * ignores `stream`). The mock reads WAV files only (their header
 * gives their length): anything else is refused as OpenAI refuses a file it cannot decode.
 */
import { countWords } from './mock-server.js';

/** Audio tokens the mock counts per second of audio for GPT-4o transcribe models. */
export const mockAudioTokensPerSecond = 10;

/** A WAV file of `seconds` of silence: 16 kHz, mono, 16-bit PCM. */
export function silentWav(seconds: number, sampleRate = 16_000): Uint8Array {
  const dataBytes = Math.round(seconds * sampleRate) * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28); // bytes per second
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  return new Uint8Array(wav.buffer, wav.byteOffset, wav.byteLength);
}

/** The seconds a WAV file holds (its data chunk's size over its byte rate); undefined for anything else. */
export function wavSeconds(bytes: Uint8Array): number | undefined {
  const wav = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (wav.length < 44 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') return undefined;
  const byteRate = wav.readUInt32LE(28);
  return byteRate === 0 ? undefined : wav.readUInt32LE(40) / byteRate;
}

/** What the mock answers a transcription: a status, its media type and its body (a stream's: its events, in order). */
export interface TranscriptionAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly events?: readonly string[];
}

const json = (status: number, value: unknown): TranscriptionAnswer => ({ status, contentType: 'application/json', body: JSON.stringify(value) });
const refusal = (message: string, param: string | null) => json(400, { error: { message, type: 'invalid_request_error', param, code: null } });

/** `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (VTT) of `seconds`. */
function timestamp(seconds: number, separator: ',' | '.'): string {
  const ms = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
}

/** The mock's answer to a transcription form, or to a translation's (Whisper only: the transcript in English). */
export async function transcriptionAnswer(bodyBytes: Buffer, contentType: string, task: 'transcribe' | 'translate'): Promise<TranscriptionAnswer> {
  let form: FormData;
  try {
    form = await new Response(bodyBytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return refusal('Could not parse multipart form', null);
  }
  const model = form.get('model');
  const file = form.get('file');
  if (typeof model !== 'string' || model === '') return refusal('you must provide a model parameter', 'model');
  if (file === null || typeof file === 'string') return refusal("Missing required parameter: 'file'.", 'file');
  const seconds = wavSeconds(new Uint8Array(await file.arrayBuffer()));
  if (seconds === undefined) return refusal("Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']", 'file');
  const format = typeof form.get('response_format') === 'string' ? String(form.get('response_format')) : 'json';
  const tokenBilled = model.startsWith('gpt-4o');
  if (task === 'translate' && tokenBilled) return refusal(`Model '${model}' does not support translations. Use 'whisper-1'.`, 'model');
  if (tokenBilled && format !== 'json' && format !== 'text') return refusal(`response_format '${format}' is not compatible with model '${model}'. Use 'json' or 'text' instead.`, 'response_format');
  const text = task === 'translate' ? `Mock English translation of ${seconds} seconds of audio.` : `Mock transcript of ${seconds} seconds of audio.`;
  if (format === 'text') return { status: 200, contentType: 'text/plain; charset=utf-8', body: `${text}\n` };
  if (format === 'srt') return { status: 200, contentType: 'text/plain; charset=utf-8', body: `1\n${timestamp(0, ',')} --> ${timestamp(seconds, ',')}\n${text}\n\n` };
  if (format === 'vtt') return { status: 200, contentType: 'text/plain; charset=utf-8', body: `WEBVTT\n\n${timestamp(0, '.')} --> ${timestamp(seconds, '.')}\n${text}\n\n` };
  const prompt = form.get('prompt');
  const textTokens = typeof prompt === 'string' ? countWords(prompt) : 0;
  const audioTokens = Math.ceil(seconds * mockAudioTokensPerSecond);
  const outputTokens = countWords(text);
  const usage = tokenBilled
    ? { type: 'tokens', input_tokens: textTokens + audioTokens, input_token_details: { text_tokens: textTokens, audio_tokens: audioTokens }, output_tokens: outputTokens, total_tokens: textTokens + audioTokens + outputTokens }
    : { type: 'duration', seconds: Math.ceil(seconds) };
  if (form.get('stream') === 'true' && tokenBilled) {
    // A word a delta, then the whole text with its usage.
    const deltas = text.split(/(?<= )/).map((delta) => `data: ${JSON.stringify({ type: 'transcript.text.delta', delta })}\n\n`);
    const events = [...deltas, `data: ${JSON.stringify({ type: 'transcript.text.done', text, usage })}\n\n`];
    return { status: 200, contentType: 'text/event-stream; charset=utf-8', body: events.join(''), events };
  }
  if (format === 'verbose_json') {
    return json(200, { task, language: 'english', duration: seconds, text, segments: [{ id: 0, seek: 0, start: 0, end: seconds, text, tokens: [], temperature: 0, avg_logprob: -0.2, compression_ratio: 1, no_speech_prob: 0.01 }], usage });
  }
  return json(200, { text, usage });
}
