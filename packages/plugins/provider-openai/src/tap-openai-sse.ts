import { GatewayError, type StreamSummary, type Usage } from '@tollgate/core';
import { forwardSseEvents } from '@tollgate/provider-utils';
import { toOpenAIProviderError } from './openai-error.js';

const usageKey = Buffer.from('"usage"');
const doneMarker = Buffer.from('[DONE]');

/** The bounds of the SSE event around `index`. */
function eventAround(data: Buffer, index: number): { start: number; end: number } {
  const previous = Math.max(data.lastIndexOf('\n\n', index), data.lastIndexOf('\r\n\r\n', index));
  const start = previous === -1 ? 0 : data[previous] === 0x0d ? previous + 4 : previous + 2;
  let end = data.indexOf('\n\n', index);
  end = end === -1 ? data.length : end + 2;
  return { start, end };
}

/** Where an OpenAI error event (`data: {"error": …}`) starts, or -1. */
function indexOfErrorEvent(events: Buffer): number {
  const spaced = events.indexOf('data: {"error"');
  const tight = events.indexOf('data:{"error"');
  if (spaced === -1 || tight === -1) return Math.max(spaced, tight);
  return Math.min(spaced, tight);
}

function dataOf(event: string): string {
  return event
    .split(/\r?\n/)
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(line.charAt(5) === ' ' ? 6 : 5))
    .join('\n');
}

/** Options of {@link tapOpenAISse}. */
export interface TapOptions {
  readonly summary: StreamSummary;
  /** Drop the usage-only event: the gateway asked for usage, the client did not. */
  readonly dropUsageEvent: boolean;
  readonly provider: string;
  readonly secrets: readonly string[];
}

/**
 * Passes an OpenAI SSE stream through as bytes, event-aligned and unbatched (each complete event goes
 * out as soon as it arrived), while tapping it: usage and model into `summary`, `[DONE]` seen. Only
 * events that carry usage (or an error) are parsed. Ends with an error instead of a silent success
 * when the upstream stops before `[DONE]` or sends an error event.
 */
export async function* tapOpenAISse(body: AsyncIterable<Buffer>, options: TapOptions): AsyncGenerator<Uint8Array> {
  const { summary } = options;
  let sawDone = false;

  /** Records usage from the events that carry it; cuts the usage-only event when the client did not ask. */
  const tapUsage = (events: Buffer): Buffer => {
    let output = events;
    let from = 0;
    for (;;) {
      const at = output.indexOf(usageKey, from);
      if (at === -1) return output;
      let cursor = at + usageKey.length;
      while (output[cursor] === 0x20 || output[cursor] === 0x3a) cursor += 1; // spaces and the colon
      if (output[cursor] !== 0x7b) {
        from = cursor; // `"usage":null`
        continue;
      }
      const { start, end } = eventAround(output, at);
      const parsed = JSON.parse(dataOf(output.toString('utf8', start, end))) as { usage?: Usage; choices?: unknown[] };
      if (parsed.usage) options.summary.usage = parsed.usage;
      if (options.dropUsageEvent && Array.isArray(parsed.choices) && parsed.choices.length === 0) {
        output = Buffer.concat([output.subarray(0, start), output.subarray(end)]);
        from = start;
      } else {
        from = end;
      }
    }
  };

  /** Taps complete events; returns the bytes to forward and, when an error event came, the error. */
  const inspect = (events: Buffer): { bytes: Buffer; error?: unknown } => {
    if (summary.model === undefined) {
      const match = /"model"\s*:\s*"([^"]*)"/.exec(events.toString('utf8', 0, Math.min(events.length, 2048)));
      if (match !== null) summary.model = match[1];
    }
    if (events.includes(doneMarker)) sawDone = true;
    const errorAt = indexOfErrorEvent(events);
    if (errorAt !== -1) {
      const { start, end } = eventAround(events, errorAt);
      const error = toOpenAIProviderError({ provider: options.provider, status: 502, headers: {}, bodyText: dataOf(events.toString('utf8', start, end)), secrets: options.secrets });
      return { bytes: tapUsage(events.subarray(0, start)), error };
    }
    return { bytes: tapUsage(events) };
  };

  yield* forwardSseEvents(body, inspect);
  if (!sawDone) {
    throw new GatewayError('TOLLGATE_UPSTREAM_STREAM_TRUNCATED', `Provider "${options.provider}" ended its stream before "data: [DONE]"; the answer is incomplete.`);
  }
}
