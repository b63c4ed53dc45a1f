import { GatewayError, newStreamedOutput, type StreamSummary } from '@tollgate/core';
import { responsesDeltaTextKeys } from './count-generated-text.js';
import { forwardSseEvents, type InspectedEvents } from './forward-sse-events.js';
import { callsClientTools, errorBodyOfResponsesEvent, finishReasonOfResponse, fromResponsesUsage } from './responses-answer.js';
import { dataOf } from './tap-openai-compatible-sse.js';

/** The events whose payload the tap reads; every other event (the deltas) passes unparsed. */
const readEvents = new Set(['response.created', 'response.completed', 'response.incomplete', 'response.failed', 'error']);

/** The `event:` name of one SSE event's text, or its data's `type` when the line is missing. */
function nameOf(event: string): string | undefined {
  const match = /^event:\s*(.+?)\s*$/m.exec(event);
  if (match !== null) return match[1];
  return /"type"\s*:\s*"([^"]+)"/.exec(event)?.[1];
}

/** Options of {@link tapResponsesSse}. */
export interface ResponsesTapOptions {
  readonly summary: StreamSummary;
  readonly provider: string;
  /** The error an `error` or `response.failed` event stands for, given as an OpenAI error body (`{"error":{…}}`). */
  readonly toStreamError: (errorBody: string) => Error;
}

/**
 * Passes a Responses API stream through as bytes (event-aligned, unbatched), tapping the model and id
 * from `response.created`, usage, the finish reason and the service tier from `response.completed` or
 * `response.incomplete`, and the size of the deltas' text, into `summary`. Ends
 * with an error, after forwarding what came before it, at an `error` or `response.failed` event, or
 * when the stream stops before a final event.
 */
export function tapResponsesSse(body: AsyncIterable<Buffer>, options: ResponsesTapOptions): AsyncIterableIterator<Uint8Array> {
  const { summary } = options;
  const output = (summary.output ??= newStreamedOutput());
  let ended = false;
  const inspect = (raw: Buffer): InspectedEvents => {
    responsesDeltaTextKeys.count(raw, output);
    const text = raw.toString('utf8');
    let offset = 0;
    for (const event of text.split(/(?<=\r?\n\r?\n)/)) {
      const name = nameOf(event);
      if (name !== undefined && readEvents.has(name)) {
        const data = JSON.parse(dataOf(event)) as { response?: Record<string, any>; code?: unknown; message?: unknown; param?: unknown };
        if (name === 'response.created') {
          summary.model = String(data.response?.model ?? '') || undefined;
          summary.id = typeof data.response?.id === 'string' ? data.response.id : undefined;
        } else if (name === 'response.completed' || name === 'response.incomplete') {
          const response = data.response;
          summary.usage = fromResponsesUsage(response?.usage, response?.output);
          summary.model = String(response?.model ?? summary.model ?? '') || undefined;
          if (typeof response?.id === 'string') summary.id = response.id;
          if (typeof response?.service_tier === 'string') summary.serviceTier = response.service_tier;
          if (typeof response === 'object' && response !== null) summary.answer = response;
          summary.finishReasons = [finishReasonOfResponse(name === 'response.incomplete' ? 'incomplete' : 'completed', response?.incomplete_details?.reason, callsClientTools(response?.output))];
          ended = true;
        } else {
          return { bytes: Buffer.from(text.slice(0, offset)), error: options.toStreamError(errorBodyOfResponsesEvent({ type: name, ...data })) };
        }
      }
      offset += event.length;
    }
    return { bytes: raw };
  };
  return forwardSseEvents(body, inspect, () => {
    if (!ended) {
      throw new GatewayError('TOLLGATE_UPSTREAM_STREAM_TRUNCATED', `Provider "${options.provider}" ended its stream before "response.completed"; the answer is incomplete.`);
    }
  });
}
