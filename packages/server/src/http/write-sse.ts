import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { toGatewayError, type GatewayError } from '@tollgate/core';

/** Headers of every SSE answer; `x-accel-buffering: no` keeps nginx from batching events. */
export const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
} as const;

/**
 * Writes a stream to the client as it arrives (one write per item, no batching), honoring
 * backpressure. An error after the first byte ends the stream with an error event in the client's
 * format (OpenAI: `data: {"error":…}` and no `[DONE]`), never as a silent truncated success. When the client goes
 * away, the iterator is returned so the upstream is released.
 */
export async function writeSse<T>(
  res: ServerResponse,
  items: AsyncIterator<T>,
  encode: (item: T) => string | Uint8Array,
  options: {
    readonly signal: AbortSignal;
    /** Written after the last item (`data: [DONE]`, or the closing events of an Anthropic stream). */
    readonly trailer?: string | (() => string);
    /** The error event in the client's wire format (default: OpenAI's `data: {"error":…}`). */
    readonly encodeError?: (error: GatewayError) => string;
    readonly headers: Record<string, string | number>;
  },
): Promise<void> {
  res.writeHead(200, { ...sseHeaders, ...options.headers });
  try {
    for (;;) {
      const step = await items.next();
      if (step.done === true) break;
      if (!res.write(encode(step.value))) await once(res, 'drain', { signal: options.signal });
    }
    res.end(typeof options.trailer === 'function' ? options.trailer() : options.trailer);
  } catch (error) {
    if (options.signal.aborted || res.destroyed) {
      await items.return?.();
      res.destroy();
      return;
    }
    const failure = toGatewayError(error);
    res.end(options.encodeError === undefined ? `data: ${JSON.stringify(failure.toJSON())}\n\n` : options.encodeError(failure));
  }
}
