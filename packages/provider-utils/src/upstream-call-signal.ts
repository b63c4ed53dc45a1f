/**
 * The abort signal of one upstream call: fires when the client disconnects or the total timeout
 * passes. One controller and one timer per call — measurably cheaper on the hot path than
 * `AbortSignal.any([client, AbortSignal.timeout(ms)])`, which allocates a composite signal, a timeout
 * signal and weak references per request.
 */
export class UpstreamCallSignal {
  readonly #controller = new AbortController();
  readonly #client: AbortSignal;
  readonly #timer: NodeJS.Timeout;
  #timedOut = false;
  readonly #onClientAbort = () => this.#controller.abort(this.#client.reason);

  constructor(client: AbortSignal, totalMs: number) {
    this.#client = client;
    if (client.aborted) this.#controller.abort(client.reason);
    else client.addEventListener('abort', this.#onClientAbort, { once: true });
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#controller.abort(new DOMException('The upstream call took longer than its total timeout.', 'TimeoutError'));
    }, totalMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True when the total timeout (not the client) ended the call. */
  get timedOut(): boolean {
    return this.#timedOut;
  }

  /** Stops the timer and the client listener; call once the call's answer was read or failed. */
  release(): void {
    clearTimeout(this.#timer);
    this.#client.removeEventListener('abort', this.#onClientAbort);
  }
}
