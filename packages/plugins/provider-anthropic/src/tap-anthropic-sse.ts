import { newStreamedOutput, type StreamSummary } from '@tollgate/core';
import { AnthropicEventTap, anthropicDeltaTextKeys, endOfEvent, forwardSseEvents } from '@tollgate/provider-utils';

/** The JSON of each `data:` line among `events` whose event type is one that matters here. */
function* interestingEvents(events: Buffer): Generator<{ start: number; end: number; data: any }> {
  let from = 0;
  for (;;) {
    const at = events.indexOf('event: ', from);
    if (at === -1) return;
    const end = endOfEvent(events, at);
    from = end;
    const name = events.toString('latin1', at + 7, Math.min(at + 24, end));
    if (!name.startsWith('message_start') && !name.startsWith('message_delta') && !name.startsWith('message_stop') && !name.startsWith('error')) continue;
    const text = events.toString('utf8', at, end);
    const line = text.split(/\r?\n/).find((candidate) => candidate.startsWith('data:'));
    if (line === undefined) continue;
    yield { start: at, end, data: JSON.parse(line.slice(line.charAt(5) === ' ' ? 6 : 5)) };
  }
}

/**
 * Passes an Anthropic SSE stream through as bytes (event-aligned, unbatched) to an Anthropic client,
 * tapping usage (message_start, then message_delta's cumulative counts; fast mode as the service
 * tier `fast`), model, id, the stop reason (as OpenAI's finish reason) and the size of the deltas'
 * text into `summary`. Only message_* and error events are parsed. An upstream `error` event, or an end before
 * message_stop, fails the stream after the events before it were forwarded.
 */
export function tapAnthropicSse(body: AsyncIterable<Buffer>, options: { summary: StreamSummary; provider: string; secrets: readonly string[] }): AsyncIterableIterator<Uint8Array> {
  const tap = new AnthropicEventTap(options.summary, options.provider, options.secrets);
  const output = (options.summary.output ??= newStreamedOutput());
  const inspect = (events: Buffer): { bytes: Buffer; error?: unknown } => {
    for (const event of interestingEvents(events)) {
      const error = tap.note(event.data);
      if (error !== undefined) {
        anthropicDeltaTextKeys.count(events.subarray(0, event.start), output);
        return { bytes: events.subarray(0, event.start), error };
      }
    }
    anthropicDeltaTextKeys.count(events, output);
    return { bytes: events };
  };
  return forwardSseEvents(body, inspect, () => {
    if (!tap.stopped) throw tap.truncated();
  });
}
