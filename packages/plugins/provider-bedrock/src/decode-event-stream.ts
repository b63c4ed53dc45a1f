import { EventStreamCodec, getChunkedStream, type Message } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { GatewayError } from '@tollgate/core';

/** One decoded `application/vnd.amazon.eventstream` message. */
export interface EventStreamMessage {
  /** `event`, `exception` or `error`. */
  readonly messageType: string;
  /** `:event-type` of an event, `:exception-type` of an exception, `:error-code` of an error. */
  readonly type: string;
  /** The payload as text (JSON for Bedrock), or `:error-message` of an error. */
  readonly payload: string;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function header(message: Message, name: string): string {
  const value = message.headers[name]?.value;
  return typeof value === 'string' ? value : '';
}

/**
 * Splits a binary AWS event stream into messages as they arrive (frames cut anywhere across chunks)
 * with Smithy's codec, which checks each frame's prelude and message CRC32. A stream cut inside a frame
 * is `TOLLGATE_UPSTREAM_STREAM_TRUNCATED`; a frame that fails its checksum, an invalid response.
 */
export async function* decodeEventStream(body: AsyncIterable<Uint8Array>, provider: string): AsyncGenerator<EventStreamMessage> {
  const frames = getChunkedStream(body)[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await frames.next();
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('Truncated event message')) {
        throw new GatewayError('TOLLGATE_UPSTREAM_STREAM_TRUNCATED', `Provider "${provider}" ended its event stream inside a frame; the answer is incomplete.`, { cause: error });
      }
      throw error;
    }
    if (next.done === true) return;
    let message: Message;
    try {
      message = codec.decode(next.value);
    } catch (error) {
      throw new GatewayError('TOLLGATE_UPSTREAM_INVALID_RESPONSE', `Provider "${provider}" sent an event-stream frame that does not decode (${(error as Error).message}).`, { cause: error });
    }
    const messageType = header(message, ':message-type');
    if (messageType === 'error') {
      yield { messageType, type: header(message, ':error-code'), payload: header(message, ':error-message') };
    } else {
      yield { messageType, type: header(message, messageType === 'exception' ? ':exception-type' : ':event-type'), payload: toUtf8(message.body) };
    }
  }
}
