/** How a relayed stream ended. */
export type StreamEnd =
  | { readonly kind: 'complete' }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'cancelled' };

/**
 * Relays an upstream iterator to the client, mapping (or dropping, with `undefined`) each item; `first`
 * is an item already pulled from `source`, if any. It calls `onEnd` exactly once however the stream ends: completed, failed, or cancelled by the consumer
 * (even before its first `next`, which an async generator's `finally` would miss). `onEnd` returns the
 * error to throw for a failure.
 */
export class RelayStream<TIn, TOut> implements AsyncIterableIterator<TOut> {
  readonly #source: AsyncIterator<TIn>;
  #first: IteratorResult<TIn> | undefined;
  readonly #map: (item: TIn) => TOut | undefined;
  readonly #onEnd: (end: StreamEnd) => unknown;
  #ended = false;

  constructor(source: AsyncIterator<TIn>, first: IteratorResult<TIn> | undefined, map: (item: TIn) => TOut | undefined, onEnd: (end: StreamEnd) => unknown) {
    this.#source = source;
    this.#first = first;
    this.#map = map;
    this.#onEnd = onEnd;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<TOut>> {
    if (this.#ended) return { done: true, value: undefined };
    try {
      for (;;) {
        const step = this.#first ?? (await this.#source.next());
        this.#first = undefined;
        if (step.done === true) {
          this.#end({ kind: 'complete' });
          return { done: true, value: undefined };
        }
        const mapped = this.#map(step.value);
        if (mapped !== undefined) return { done: false, value: mapped };
      }
    } catch (error) {
      if (this.#ended) throw error;
      throw this.#end({ kind: 'failed', error });
    }
  }

  async return(): Promise<IteratorResult<TOut>> {
    if (!this.#ended) {
      this.#end({ kind: 'cancelled' });
      try {
        await this.#source.return?.();
      } catch {
        // The upstream is being torn down; its error has nobody left to tell.
      }
    }
    return { done: true, value: undefined };
  }

  #end(end: StreamEnd): unknown {
    this.#ended = true;
    return this.#onEnd(end);
  }
}
