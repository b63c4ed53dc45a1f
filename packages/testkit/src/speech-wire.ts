/**
 * Speech answers as OpenAI's speech API documents them (`POST /v1/audio/speech`): the audio's bytes
 * in the asked format (`mp3` by default), sent in pieces as they are made, or with `stream_format:
 * "sse"` (GPT-4o mini TTS, not `tts-1`) `speech.audio.delta` events carrying them in base64 and a last
 * `speech.audio.done` with the usage — the text's tokens in, the audio's out. The mock's audio is
 * made of the text: `mockSpeechBytesPerCharacter` bytes a character.
 */
import { countWords } from './mock-server.js';

/** Bytes of the mock's audio per character read. */
export const mockSpeechBytesPerCharacter = 64;

/** Audio tokens the mock counts per character read, for GPT-4o mini TTS. */
export const mockSpeechTokensPerCharacter = 5;

/** Bytes of each piece the mock sends its audio in. */
const pieceBytes = 1024;

const mediaTypes: Readonly<Record<string, string>> = { mp3: 'audio/mpeg', opus: 'audio/ogg', aac: 'audio/aac', flac: 'audio/flac', wav: 'audio/wav', pcm: 'audio/pcm' };

/** The audio the mock makes of `input`: `mockSpeechBytesPerCharacter` bytes a character, each the character's code (mod 256). */
export function mockSpeechAudio(input: string): Buffer {
  const characters = [...input];
  const audio = Buffer.alloc(characters.length * mockSpeechBytesPerCharacter);
  characters.forEach((character, index) => audio.fill(character.codePointAt(0)! % 256, index * mockSpeechBytesPerCharacter, (index + 1) * mockSpeechBytesPerCharacter));
  return audio;
}

/** What the mock answers a speech request: a status, its media type, and its body in the pieces it sends. */
export interface SpeechAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly pieces: readonly (string | Buffer)[];
}

const refusal = (message: string, param: string | null): SpeechAnswer => ({
  status: 400,
  contentType: 'application/json',
  pieces: [JSON.stringify({ error: { message, type: 'invalid_request_error', param, code: null } })],
});

/** The mock's answer to a speech request. */
export function speechAnswer(body: Record<string, any>): SpeechAnswer {
  if (typeof body.input !== 'string' || body.input === '') return refusal("Missing required parameter: 'input'.", 'input');
  if (body.voice === undefined) return refusal("Missing required parameter: 'voice'.", 'voice');
  const model = String(body.model ?? '');
  const format = typeof body.response_format === 'string' ? body.response_format : 'mp3';
  const audio = mockSpeechAudio(body.input);
  const pieces: Buffer[] = [];
  for (let start = 0; start < audio.length; start += pieceBytes) pieces.push(audio.subarray(start, start + pieceBytes));
  if (body.stream_format !== 'sse') return { status: 200, contentType: mediaTypes[format] ?? 'application/octet-stream', pieces };
  if (model.startsWith('tts-1')) return refusal(`stream_format 'sse' is not supported for ${model}. Use 'audio' instead.`, 'stream_format');
  const inputTokens = countWords(body.input) + (typeof body.instructions === 'string' ? countWords(body.instructions) : 0);
  const outputTokens = [...body.input].length * mockSpeechTokensPerCharacter;
  const events = pieces.map((piece) => `data: ${JSON.stringify({ type: 'speech.audio.delta', audio: piece.toString('base64') })}\n\n`);
  events.push(`data: ${JSON.stringify({ type: 'speech.audio.done', usage: { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens } })}\n\n`);
  return { status: 200, contentType: 'text/event-stream; charset=utf-8', pieces: events };
}
