import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { toGatewayError, type GatewayError } from '@tollgate/core';

/** Headers of every SSE answer; `x-accel-buffering: no` keeps nginx from batching events. */
export const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
} as const;

/**
 * Holds a response's writes of one upstream read together. Without it, items that arrived in the same
 * read could each cost a system call. The socket (not the response: a corked response buffers chunks
 * of its own and sends them after an `end()` that comes before the uncork) is corked at the first
 * write and uncorked as soon as the stream ends, or on the next tick when it goes on: Node runs that
 * tick once the microtasks that bring the items already read are done, so nothing waits for a later
 * read, nor (as with `setImmediate` before) for the rest of the event loop's poll phase. A stream
 * that arrived whole leaves at once, in one write.
 */
class TurnBatch {
  readonly #res: ServerResponse;
  #corked: Socket | undefined;
  readonly #release = () => {
    const socket = this.#corked;
    this.#corked = undefined;
    socket?.uncork();
  };

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  write(data: string | Uint8Array): void {
    const socket = this.#res.socket;
    if (this.#corked === undefined && socket !== null) {
      socket.cork();
      this.#corked = socket;
      process.nextTick(this.#release);
    }
    this.#res.write(data);
  }

  end(data: string | undefined): void {
    this.#res.end(data);
    this.#release();
  }
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
    readonly trailer?: string | (() => string | Promise<string>);
    /** The error event in the client's wire format (default: OpenAI's `data: {"error":…}`). */
    readonly encodeError?: ((error: GatewayError) => string) | undefined;
    readonly headers: Record<string, string | number>;
  },
): Promise<void> {
  res.writeHead(200, { ...sseHeaders, ...options.headers });
  const batch = new TurnBatch(res);
  try {
    for (;;) {
      const step = await items.next();
      if (step.done === true) break;
      batch.write(encode(step.value));
      if (res.writableNeedDrain) await once(res, 'drain', { signal: options.signal });
    }
    const trailer = typeof options.trailer === 'function' ? options.trailer() : options.trailer;
    batch.end(trailer === undefined || typeof trailer === 'string' ? trailer : await trailer);
  } catch (error) {
    if (options.signal.aborted || res.destroyed) {
      await items.return?.();
      res.destroy();
      return;
    }
    const failure = toGatewayError(error);
    batch.end(options.encodeError === undefined ? `data: ${JSON.stringify(failure.toJSON())}\n\n` : options.encodeError(failure));
  }
}
