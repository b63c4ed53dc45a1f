import type { Clock } from '../services/clock.js';

/** A target's quota per minute, as its provider grants it: an Azure deployment's RPM and TPM, a free tier's limits. */
export interface TargetQuota {
  /** Requests a minute (each attempt counts, retries included). */
  readonly rpm?: number;
  /** Tokens a minute (prompt and completion, counted as each request ends). */
  readonly tpm?: number;
}

/** Seconds in the window. */
const windowSeconds = 60;

/** One target's last minute, in one-second slots, with running totals. */
class QuotaWindow {
  readonly #seconds = new Float64Array(windowSeconds).fill(-1);
  readonly #requests = new Float64Array(windowSeconds);
  readonly #tokens = new Float64Array(windowSeconds);
  /** The second the window was last advanced to: within it, nothing more expires. */
  #sweptAt = -1;
  requests = 0;
  tokens = 0;

  /** Drops the slots older than a minute before `second`, and makes `second`'s slot current; its index. Swept once a second. */
  advance(second: number): number {
    if (second === this.#sweptAt) return second % windowSeconds;
    this.#sweptAt = second;
    for (let index = 0; index < windowSeconds; index += 1) {
      const slotSecond = this.#seconds[index]!;
      if (slotSecond >= 0 && slotSecond <= second - windowSeconds) this.#clear(index);
    }
    const index = second % windowSeconds;
    if (this.#seconds[index] !== second) {
      this.#clear(index);
      this.#seconds[index] = second;
    }
    return index;
  }

  add(second: number, requests: number, tokens: number): void {
    const index = this.advance(second);
    this.#requests[index]! += requests;
    this.#tokens[index]! += tokens;
    this.requests += requests;
    this.tokens += tokens;
  }

  /** The second of the oldest slot with something counted in it; undefined when empty. */
  oldestSecond(): number | undefined {
    let oldest: number | undefined;
    for (let index = 0; index < windowSeconds; index += 1) {
      const slotSecond = this.#seconds[index]!;
      if (slotSecond >= 0 && (this.#requests[index]! > 0 || this.#tokens[index]! > 0) && (oldest === undefined || slotSecond < oldest)) oldest = slotSecond;
    }
    return oldest;
  }

  #clear(index: number): void {
    this.requests -= this.#requests[index]!;
    this.tokens -= this.#tokens[index]!;
    this.#requests[index] = 0;
    this.#tokens[index] = 0;
    this.#seconds[index] = -1;
  }
}

/**
 * Each target's requests and tokens over the last minute on this instance, against its quota: the
 * engine skips a target that has used its quota, as its provider would refuse the request with 429,
 * and sends the request to the route's next target instead (LiteLLM's deployment `rpm`/`tpm`). Tokens
 * are known when a request ends, so the minute's last requests may pass `tpm` by their own size.
 */
export class TargetQuotas {
  readonly #clock: Clock;
  readonly #windows = new Map<string, QuotaWindow>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Whether the target has room for one more request this minute. */
  hasRoom(id: string, quota: TargetQuota): boolean {
    const window = this.#windows.get(id);
    if (window === undefined) return true;
    window.advance(this.#second());
    return (quota.rpm === undefined || window.requests < quota.rpm) && (quota.tpm === undefined || window.tokens < quota.tpm);
  }

  /** Counts a request sent to the target. */
  countRequest(id: string): void {
    this.#window(id).add(this.#second(), 1, 0);
  }

  /** Counts the tokens of a request the target answered. */
  countTokens(id: string, tokens: number): void {
    if (tokens > 0) this.#window(id).add(this.#second(), 0, tokens);
  }

  /** The target's requests and tokens over the last minute. */
  used(id: string): { readonly requests: number; readonly tokens: number } {
    const window = this.#windows.get(id);
    if (window === undefined) return { requests: 0, tokens: 0 };
    window.advance(this.#second());
    return { requests: window.requests, tokens: window.tokens };
  }

  /** Milliseconds until the target's oldest counted second leaves the window (room may come then); 0 when nothing is counted. */
  msUntilRoom(id: string): number {
    const oldest = this.#windows.get(id)?.oldestSecond();
    return oldest === undefined ? 0 : Math.max(0, (oldest + windowSeconds) * 1_000 - this.#clock.now());
  }

  #window(id: string): QuotaWindow {
    let window = this.#windows.get(id);
    if (window === undefined) {
      window = new QuotaWindow();
      this.#windows.set(id, window);
    }
    return window;
  }

  #second(): number {
    return Math.floor(this.#clock.now() / 1_000);
  }
}
