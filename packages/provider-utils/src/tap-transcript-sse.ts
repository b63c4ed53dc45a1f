import { GatewayError, transcriptionUsage, type StreamSummary } from '@tollgate/core';
import { forwardSseEvents, type InspectedEvents } from './forward-sse-events.js';
import { dataOf } from './tap-openai-compatible-sse.js';

/** Options of {@link tapTranscriptSse}. */
export interface TranscriptTapOptions {
  readonly summary: StreamSummary;
  readonly provider: string;
  /** The error an `error` event stands for, given as its data (an OpenAI error body). */
  readonly toStreamError: (errorBody: string) => Error;
}

/**
 * Passes a streamed transcription through as bytes (event-aligned, unbatched), tapping its usage from
 * the final `transcript.text.done` event into `summary` (the deltas pass unparsed). Ends with an
 * error, after forwarding what came before it, at an error event, or when the stream stops before
 * its final event.
 */
export function tapTranscriptSse(body: AsyncIterable<Buffer>, options: TranscriptTapOptions): AsyncIterableIterator<Uint8Array> {
  const { summary } = options;
  let ended = false;
  const inspect = (raw: Buffer): InspectedEvents => {
    if (!raw.includes('transcript.text.done') && !raw.includes('"error"')) return { bytes: raw };
    const text = raw.toString('utf8');
    let offset = 0;
    for (const event of text.split(/(?<=\r?\n\r?\n)/)) {
      const data = dataOf(event);
      if (data.includes('transcript.text.done') || data.includes('"error"')) {
        const parsed = JSON.parse(data) as { type?: unknown; usage?: Parameters<typeof transcriptionUsage>[0]; error?: unknown };
        if (parsed.type === 'transcript.text.done') {
          summary.usage = transcriptionUsage(parsed.usage, undefined);
          ended = true;
        } else if (parsed.error !== undefined) {
          return { bytes: Buffer.from(text.slice(0, offset)), error: options.toStreamError(data) };
        }
      }
      offset += event.length;
    }
    return { bytes: raw };
  };
  return forwardSseEvents(body, inspect, () => {
    if (!ended) {
      throw new GatewayError('TOLLGATE_UPSTREAM_STREAM_TRUNCATED', `Provider "${options.provider}" ended its transcription stream before "transcript.text.done"; the transcript is incomplete.`);
    }
  });
}
