import { GatewayError, ProviderError, redactSecrets, type StreamSummary } from '@tollgate/core';
import { endOfEvent, forwardSseEvents } from '@tollgate/provider-utils';
import type { AnthropicUsage } from './anthropic-messages.js';
import { statusOfAnthropicErrorType } from './anthropic-error.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { anthropicServiceTier, mapAnthropicUsage, mergeAnthropicUsage } from './map-anthropic-usage.js';

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
 * tier `fast`), model, id and the stop reason (as OpenAI's finish reason) into `summary`.
 * Only message_* and error events are parsed. An upstream `error` event, or an end before
 * message_stop, fails the stream after the events before it were forwarded.
 */
export function tapAnthropicSse(body: AsyncIterable<Buffer>, options: { summary: StreamSummary; provider: string; secrets: readonly string[] }): AsyncIterableIterator<Uint8Array> {
  let usage: AnthropicUsage = {};
  let stopped = false;

  const inspect = (events: Buffer): { bytes: Buffer; error?: unknown } => {
    for (const event of interestingEvents(events)) {
      const data = event.data;
      if (data.type === 'message_start') {
        usage = { ...data.message?.usage };
        options.summary.model = data.message?.model;
        options.summary.id = data.message?.id;
      } else if (data.type === 'message_delta') {
        usage = mergeAnthropicUsage(usage, data.usage);
        const finishReason = mapAnthropicStopReason(data.delta?.stop_reason);
        if (finishReason !== null) options.summary.finishReasons = [finishReason];
      } else if (data.type === 'message_stop') {
        stopped = true;
      } else if (data.type === 'error') {
        const type: string | undefined = data.error?.type;
        const error = new ProviderError(`Provider "${options.provider}" sent a stream error (${type}): ${redactSecrets(String(data.error?.message), options.secrets)}`, {
          provider: options.provider,
          upstreamStatus: statusOfAnthropicErrorType(type),
          ...(type === undefined ? {} : { upstreamCode: type }),
        });
        options.summary.usage = mapAnthropicUsage(usage);
        return { bytes: events.subarray(0, event.start), error };
      }
      options.summary.usage = mapAnthropicUsage(usage);
      options.summary.serviceTier = anthropicServiceTier(usage);
    }
    return { bytes: events };
  };

  return forwardSseEvents(body, inspect, () => {
    if (!stopped) {
      throw new GatewayError('TOLLGATE_UPSTREAM_STREAM_TRUNCATED', `Provider "${options.provider}" ended its stream before message_stop; the answer is incomplete.`);
    }
  });
}
