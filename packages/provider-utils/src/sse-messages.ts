import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { GatewayError } from '@tollgate/core';

/**
 * The SSE messages of an upstream's byte stream, each as soon as it is complete (eventsource-parser:
 * any line ending, comments skipped). The decoding path of every streaming provider.
 */
export async function* sseMessages(body: AsyncIterable<Buffer>): AsyncGenerator<EventSourceMessage> {
  const decoder = new TextDecoder();
  let ready: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => void ready.push(message) });
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes, { stream: true }));
    const messages = ready;
    ready = [];
    yield* messages;
  }
}

/** A stream event's JSON data; anything else is a retryable `upstream_invalid_response`. */
export function parseStreamEvent(data: string, provider: string): unknown {
  try {
    return JSON.parse(data);
  } catch (error) {
    throw new GatewayError('TOLLGATE_UPSTREAM_INVALID_RESPONSE', `Provider "${provider}" sent a stream event that is not JSON.`, { cause: error });
  }
}
