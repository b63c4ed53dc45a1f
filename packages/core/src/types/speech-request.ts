/**
 * The canonical speech request: the body of OpenAI's `POST /v1/audio/speech` — `input` read aloud by
 * `model` in `voice`. Only what the gateway reads is named; every other field goes to the upstream
 * as sent.
 */
export interface SpeechRequest {
  readonly model: string;
  /** The text to speak (OpenAI takes up to 4,096 characters). */
  readonly input: string;
  readonly voice?: unknown;
  /** How to read it (GPT-4o mini TTS): tone, pace, accent. */
  readonly instructions?: string;
  /** `mp3` (default), `opus`, `aac`, `flac`, `wav` or `pcm`. */
  readonly response_format?: string;
  /** `audio` (default: the audio's bytes) or `sse` (events carrying it in base64, and the usage). */
  readonly stream_format?: string;
  readonly [extension: string]: unknown;
}

/** The media type of each audio format OpenAI's speech API answers in. */
const mediaTypes: Readonly<Record<string, string>> = { mp3: 'audio/mpeg', opus: 'audio/ogg', aac: 'audio/aac', flac: 'audio/flac', wav: 'audio/wav', pcm: 'audio/pcm' };

/** The media type of a speech request's audio (`audio/mpeg` for the default `mp3`). */
export function speechMediaType(request: Pick<SpeechRequest, 'response_format'>): string {
  return mediaTypes[request.response_format ?? 'mp3'] ?? 'application/octet-stream';
}

/** The characters a speech request reads aloud, as models billed by the character count them (code points). */
export function speechCharacters(request: Pick<SpeechRequest, 'input'>): number {
  return [...request.input].length;
}
