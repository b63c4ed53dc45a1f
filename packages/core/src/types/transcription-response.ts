/**
 * A transcription answer: OpenAI's JSON (`json`, `verbose_json`) with the transcript's `text` and the
 * usage the model bills by — `tokens` (GPT-4o transcribe models: input tokens, their audio part, and
 * output tokens) or `duration` (Whisper: seconds of audio) — or, for the plain formats (`text`, `srt`,
 * `vtt`), the upstream's text as `text` alone.
 */
export interface TranscriptionResponse {
  readonly text: string;
  readonly duration?: number;
  readonly usage?:
    | { readonly type: 'tokens'; readonly input_tokens: number; readonly output_tokens: number; readonly total_tokens: number; readonly input_token_details?: { readonly audio_tokens?: number; readonly text_tokens?: number } }
    | { readonly type: 'duration'; readonly seconds: number };
  readonly [extension: string]: unknown;
}
