import type { Usage } from './usage.js';

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

/**
 * A transcription's usage as Tollgate counts it: a token-billed answer's tokens (the prompt's and the
 * audio's as input, their audio part apart; the transcript's as output), else the seconds of audio a
 * model billed by duration read — the answer's, or `fallbackSeconds` (the upload's own length) where
 * it reports none.
 */
export function transcriptionUsage(usage: TranscriptionResponse['usage'] | undefined, fallbackSeconds: number | undefined): Usage {
  if (usage?.type === 'tokens') {
    const audioTokens = usage.input_token_details?.audio_tokens;
    return {
      prompt_tokens: usage.input_tokens,
      completion_tokens: usage.output_tokens,
      total_tokens: usage.total_tokens,
      ...(audioTokens === undefined ? {} : { prompt_tokens_details: { audio_tokens: audioTokens } }),
    };
  }
  const seconds = usage?.type === 'duration' ? usage.seconds : fallbackSeconds;
  return { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, ...(seconds === undefined ? {} : { audio_seconds: seconds }) };
}
