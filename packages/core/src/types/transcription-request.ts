/** The audio of a transcription request: its bytes as uploaded, its name and media type, and its length where the gateway could read it from the file. */
export interface AudioUpload {
  readonly name: string;
  readonly type: string;
  readonly bytes: Uint8Array;
  /** Seconds of audio the file holds, read from its headers at the ingress; undefined for a format it cannot read. */
  readonly durationSeconds: number | undefined;
}

/**
 * The canonical transcription request: the form of OpenAI's `POST /v1/audio/transcriptions` (or of
 * `/v1/audio/translations`, with `task: "translate"`) — `file` the audio, every other form field as
 * sent (`model`, `language`, `prompt`, `response_format`, `temperature`,
 * `timestamp_granularities[]`…; a field sent more than once as a list), for the provider to send on
 * as a form again.
 */
export interface TranscriptionRequest {
  readonly model: string;
  readonly file: AudioUpload;
  /** The gateway's own, not a form field: `translate` for a transcript in English (`/v1/audio/translations`); else a transcript in the audio's language. */
  readonly task?: 'transcribe' | 'translate';
  readonly prompt?: string;
  readonly response_format?: string;
  readonly [field: string]: unknown;
}
