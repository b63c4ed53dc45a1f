import { GatewayError, type StreamSummary, type Usage } from '@tollgate/core';
import { forwardSseEvents, type InspectedEvents } from './forward-sse-events.js';
import { dataOf } from './tap-openai-compatible-sse.js';

/** Options of {@link tapUsageEventSse}. */
export interface UsageEventTapOptions {
  readonly summary: StreamSummary;
  readonly provider: string;
  /** The `type` of the event that carries the usage and ends the stream (`transcript.text.done`, `image_generation.completed`). */
  readonly finalEvent: string;
  /** The usage that event's data stands for. */
  readonly usageOf: (event: Record<string, any>) => Usage;
  /** The error an error event stands for, given as its data (an OpenAI error body). */
  readonly toStreamError: (errorBody: string) => Error;
}

/**
 * Passes a stream of OpenAI's typed events through as bytes (event-aligned, unbatched), tapping the
 * usage of its final event into `summary` (the events before it pass unparsed; the last of several
 * final events counts). Ends with an error, after forwarding what came before it, at an error event,
 * or when the stream stops before a final event. A streamed transcription's, or image generation's.
 */
export function tapUsageEventSse(body: AsyncIterable<Buffer>, options: UsageEventTapOptions): AsyncIterableIterator<Uint8Array> {
  const { summary } = options;
  let ended = false;
  const inspect = (raw: Buffer): InspectedEvents => {
    if (!raw.includes(options.finalEvent) && !raw.includes('"error"')) return { bytes: raw };
    const text = raw.toString('utf8');
    let offset = 0;
    for (const event of text.split(/(?<=\r?\n\r?\n)/)) {
      const data = dataOf(event);
      if (data.includes(options.finalEvent) || data.includes('"error"')) {
        const parsed = JSON.parse(data) as Record<string, any>;
        if (parsed.type === options.finalEvent) {
          summary.usage = options.usageOf(parsed);
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
      throw new GatewayError('TOLLGATE_UPSTREAM_STREAM_TRUNCATED', `Provider "${options.provider}" ended its stream before "${options.finalEvent}"; the answer is incomplete.`);
    }
  });
}
