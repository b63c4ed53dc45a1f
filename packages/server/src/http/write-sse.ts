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
 * Writes `data` so that it leaves in this turn of the event loop, together with whatever else this
 * turn writes to the response. Node uncorks a chunked write on the next tick, before the promise
 * callbacks that bring a stream's next item (or its end) run, so the end of a stream that arrived in
 * the same upstream read would cost a system call of its own; uncorking the socket in `setImmediate` (after this
 * turn's I/O callbacks and microtasks, before the next upstream read is handled) joins them without
 * holding anything for a later read.
 */
function writeNow(res: ServerResponse, data: string | Uint8Array): void {
  // The socket, not the response: a corked response buffers chunks of its own and sends them after
  // an `end()` that comes before the uncork, past the stream's last chunk.
  const socket = res.socket;
  if (socket === null) {
    res.write(data);
    return;
  }
  socket.cork();
  res.write(data);
  setImmediate(() => socket.uncork());
}

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
      writeNow(res, encode(step.value));
      if (res.writableNeedDrain) await once(res, 'drain', { signal: options.signal });
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
