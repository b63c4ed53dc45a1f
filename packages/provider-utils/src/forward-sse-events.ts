import { endOfLastEvent } from './sse-event-bounds.js';

/** What an inspector makes of complete SSE events: the bytes to forward, and an error to end with. */
export interface InspectedEvents {
  readonly bytes: Buffer;
  readonly error?: unknown;
}

const finished: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The iterator behind {@link forwardSseEvents}: a plain object rather than an async generator, since
 * it sits on every chunk of every stream (a generator frame per layer and per chunk showed in the profile).
 */
class SseEventForwarder implements AsyncIterableIterator<Uint8Array> {
  readonly #source: AsyncIterator<Buffer>;
  readonly #inspect: (events: Buffer) => InspectedEvents;
  readonly #atEnd: (() => void) | undefined;
  #pending: Buffer | undefined;
  /**
   * What the next call does first, once the bytes before it were handed out: throw the error an
   * inspection found, or run `atEnd` after the source's last events.
   */
  #deferred: (() => void) | undefined;
  #done = false;

  constructor(source: AsyncIterable<Buffer>, inspect: (events: Buffer) => InspectedEvents, atEnd: (() => void) | undefined) {
    this.#source = source[Symbol.asyncIterator]();
    this.#inspect = inspect;
    this.#atEnd = atEnd;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    const deferred = this.#deferred;
    this.#deferred = undefined;
    deferred?.();
    if (this.#done) return finished;
    for (;;) {
      const step = await this.#source.next();
      if (step.done === true) {
        this.#done = true;
        const rest = this.#pending;
        this.#pending = undefined;
        const forwarded = rest === undefined || rest.length === 0 ? undefined : this.#forward(rest);
        if (forwarded !== undefined) {
          this.#deferred ??= this.#atEnd;
          return forwarded;
        }
        this.#atEnd?.();
        return finished;
      }
      const data = this.#pending === undefined ? step.value : Buffer.concat([this.#pending, step.value]);
      const end = endOfLastEvent(data);
      if (end === -1) {
        this.#pending = data;
        continue;
      }
      this.#pending = end < data.length ? data.subarray(end) : undefined;
      const forwarded = this.#forward(end < data.length ? data.subarray(0, end) : data);
      if (forwarded !== undefined) return forwarded;
    }
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    if (!this.#done) {
      this.#done = true;
      await this.#source.return?.();
    }
    return finished;
  }

  /** Inspects complete events: their bytes to hand out, undefined when none (or throws an error with none before it). */
  #forward(events: Buffer): IteratorResult<Uint8Array> | undefined {
    const { bytes, error } = this.#inspect(events);
    if (error !== undefined) {
      if (bytes.length === 0) throw this.#stop(error);
      this.#deferred = () => {
        throw this.#stop(error);
      };
      return { done: false, value: bytes };
    }
    return bytes.length > 0 ? { done: false, value: bytes } : undefined;
  }

  /** Ends the stream for an error: the upstream is released, as leaving a `for await` would. */
  #stop(error: unknown): unknown {
    if (!this.#done) {
      this.#done = true;
      void Promise.resolve(this.#source.return?.()).catch(() => undefined);
    }
    return error;
  }
}

/**
 * Forwards an SSE byte stream event-aligned and unbatched: each read's complete events go out as soon
 * as they arrived (a partial event waits for its end), after `inspect` saw them — to tap usage, cut an
 * event, or stop with an error once the events before it were forwarded. `atEnd` runs when the
 * upstream ended cleanly and may throw (a stream cut before its last event). The passthrough path of
 * every streaming provider.
 */
export function forwardSseEvents(body: AsyncIterable<Buffer>, inspect: (events: Buffer) => InspectedEvents, atEnd?: () => void): AsyncIterableIterator<Uint8Array> {
  return new SseEventForwarder(body, inspect, atEnd);
}
