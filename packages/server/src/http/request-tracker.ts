import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Counts requests in flight so shutdown can stop taking new ones (`/health/ready` turns 503, new
 * requests get 503) and wait for the ones already accepted.
 */
export class RequestTracker {
  #inFlight = 0;
  #draining = false;
  #idle: (() => void) | undefined;

  get draining(): boolean {
    return this.#draining;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Counts a request started; {@link RequestTracker.end} once for each when it ended. */
  start(): void {
    this.#inFlight += 1;
  }

  /** Counts a request ended. */
  end(): void {
    this.#inFlight -= 1;
    if (this.#inFlight === 0) this.#idle?.();
  }

  /** Refuses new requests and waits (at most `timeoutMs`) for those in flight. */
  async drain(timeoutMs: number): Promise<void> {
    this.#draining = true;
    if (this.#inFlight === 0) return;
    const idle = new Promise<void>((resolve) => (this.#idle = resolve));
    await Promise.race([idle, sleep(timeoutMs, undefined, { ref: false })]);
  }
}
