import { GatewayError, type StreamSummary, type Usage } from '@tollgate/core';
import { forwardSseEvents, type InspectedEvents } from './forward-sse-events.js';
import { dataOf } from './tap-openai-compatible-sse.js';

/** Options of {@link tapUsageEventSse}. */
export interface UsageEventTapOptions {
  readonly summary: StreamSummary;
  readonly provider: string;
  /** The `type` of the event that carries the usage and ends the stream (`transcript.text.done`, `image_generation.completed`, `speech.audio.done`). */
  readonly finalEvent: string;
  /** The usage that event's data stands for. */
  readonly usageOf: (event: Record<string, any>) => Usage;
  /**
   * Hand out what each event carries instead of the events themselves (speech's audio, decoded from
   * its `speech.audio.delta` events); undefined for an event that carries nothing. Every event is
   * parsed then.
   */
  readonly bytesOf?: (event: Record<string, any>) => Buffer | undefined;
  /** The error an error event stands for, given as its data (an OpenAI error body). */
  readonly toStreamError: (errorBody: string) => Error;
}

/**
 * Passes a stream of OpenAI's typed events through as they come (event-aligned, unbatched) — as the
 * events, or as what they carry (`bytesOf`) — tapping the usage of its final event into `summary`
 * (without `bytesOf`, the events before it pass unparsed; the last of several final events counts).
 * Ends with an error, after what came before it, at an error event, or when the stream stops before a
 * final event. A streamed transcription's, image generation's or speech's.
 */
export function tapUsageEventSse(body: AsyncIterable<Buffer>, options: UsageEventTapOptions): AsyncIterableIterator<Uint8Array> {
  const { summary, bytesOf } = options;
  let ended = false;
  const inspect = (raw: Buffer): InspectedEvents => {
    if (bytesOf === undefined && !raw.includes(options.finalEvent) && !raw.includes('"error"')) return { bytes: raw };
    const text = raw.toString('utf8');
    const carried: Buffer[] = [];
    let offset = 0;
    for (const event of text.split(/(?<=\r?\n\r?\n)/)) {
      const data = dataOf(event);
      if (bytesOf !== undefined ? data !== '' : data.includes(options.finalEvent) || data.includes('"error"')) {
        const parsed = JSON.parse(data) as Record<string, any>;
        if (parsed.type === options.finalEvent) {
          summary.usage = options.usageOf(parsed);
          ended = true;
        } else if (parsed.error !== undefined || parsed.type === 'error') {
          return { bytes: bytesOf !== undefined ? Buffer.concat(carried) : Buffer.from(text.slice(0, offset)), error: options.toStreamError(data) };
        }
        const bytes = bytesOf?.(parsed);
        if (bytes !== undefined) carried.push(bytes);
      }
      offset += event.length;
    }
    return { bytes: bytesOf !== undefined ? Buffer.concat(carried) : raw };
  };
  return forwardSseEvents(body, inspect, () => {
    if (!ended) {
      throw new GatewayError('TOLLGATE_UPSTREAM_STREAM_TRUNCATED', `Provider "${options.provider}" ended its stream before "${options.finalEvent}"; the answer is incomplete.`);
    }
  });
}
