import { GatewayError, type StreamSummary } from '@tollgate/core';
import { forwardSseEvents, type InspectedEvents } from './forward-sse-events.js';
import { dataOf } from './tap-openai-compatible-sse.js';

/** Options of {@link tapSpeechSse}. */
export interface SpeechTapOptions {
  readonly summary: StreamSummary;
  readonly provider: string;
  /** Hand out the audio the events carry (decoded from base64) instead of the events themselves. */
  readonly decode: boolean;
  /** The error an `error` event stands for, given as its data (an OpenAI error body). */
  readonly toStreamError: (errorBody: string) => Error;
}

/** One speech event's data: `speech.audio.delta` with base64 `audio`, `speech.audio.done` with `usage`, or an error. */
interface SpeechEvent {
  readonly type?: unknown;
  readonly audio?: unknown;
  readonly usage?: { readonly input_tokens?: unknown; readonly output_tokens?: unknown; readonly total_tokens?: unknown };
  readonly error?: unknown;
}

/**
 * Relays OpenAI's speech events (`stream_format: "sse"`) as they come — as the events, or (`decode`)
 * as the audio they carry, so a client that asked for audio gets its bytes while the gateway reads the
 * usage only the events report — tapping the tokens of `speech.audio.done` into `summary`. Ends with an
 * error, after what came before it, at an error event, or when the stream stops before its last event.
 */
export function tapSpeechSse(body: AsyncIterable<Buffer>, options: SpeechTapOptions): AsyncIterableIterator<Uint8Array> {
  const { summary } = options;
  let ended = false;
  const inspect = (raw: Buffer): InspectedEvents => {
    if (!options.decode && !raw.includes('speech.audio.done') && !raw.includes('"error"')) return { bytes: raw };
    const text = raw.toString('utf8');
    const audio: Buffer[] = [];
    let offset = 0;
    for (const event of text.split(/(?<=\r?\n\r?\n)/)) {
      const data = dataOf(event);
      if (data !== '') {
        const parsed = JSON.parse(data) as SpeechEvent;
        if (parsed.type === 'speech.audio.delta' && typeof parsed.audio === 'string') {
          if (options.decode) audio.push(Buffer.from(parsed.audio, 'base64'));
        } else if (parsed.type === 'speech.audio.done') {
          const input = Number(parsed.usage?.input_tokens ?? 0);
          const output = Number(parsed.usage?.output_tokens ?? 0);
          summary.usage = { prompt_tokens: input, completion_tokens: output, total_tokens: Number(parsed.usage?.total_tokens ?? input + output) };
          ended = true;
        } else if (parsed.error !== undefined || parsed.type === 'error') {
          const before = options.decode ? Buffer.concat(audio) : Buffer.from(text.slice(0, offset));
          return { bytes: before, error: options.toStreamError(data) };
        }
      }
      offset += event.length;
    }
    return { bytes: options.decode ? Buffer.concat(audio) : raw };
  };
  return forwardSseEvents(body, inspect, () => {
    if (!ended) {
      throw new GatewayError('TOLLGATE_UPSTREAM_STREAM_TRUNCATED', `Provider "${options.provider}" ended its speech before "speech.audio.done"; the audio is incomplete.`);
    }
  });
}
