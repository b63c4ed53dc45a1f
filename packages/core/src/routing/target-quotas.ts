import type { Clock } from '../services/clock.js';
import type { QuotaCount, SharedQuotaUse } from '../services/target-quota-exchange.js';

/** A target's quota per minute, as its provider grants it: an Azure deployment's RPM and TPM, a free tier's limits. */
export interface TargetQuota {
  /** Requests a minute (each attempt counts, retries included). */
  readonly rpm?: number;
  /** Tokens a minute (the prompt's estimate counted as a request is sent, the rest of its tokens as it ends). */
  readonly tpm?: number;
}

/** Seconds in the window. */
const windowSeconds = 60;

/** How long the other instances' use is trusted without a new exchange (an unreachable Redis): then each instance counts alone. */
const sharedUseTtlMs = 10_000;

/** The other instances' use of a target, as of an exchange. */
interface OthersUse {
  readonly requests: number;
  readonly tokens: number;
  /** When it was exchanged (clock ms). */
  readonly at: number;
}

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
 * Each target's requests and tokens over the last minute, against its quota: the engine skips a
 * target that has used its quota, as its provider would refuse the request with 429, and sends the
 * request to the route's next target instead (LiteLLM's deployment `rpm`/`tpm`). The engine counts a
 * prompt's estimated tokens as its request is sent and the rest as it ends, so the minute's last
 * requests may pass `tpm` by their completions. Counted on this instance; with sharing on
 * ({@link takeUnshared}, {@link addOthersUse}), the other instances' use as of the last exchange is
 * added (each instance's minute by its own clock, the fleet's by the exchange's).
 */
export class TargetQuotas {
  readonly #clock: Clock;
  readonly #windows = new Map<string, QuotaWindow>();
  /** Counts not yet shared, by target; undefined while sharing is off. */
  #unshared: Map<string, { requests: number; tokens: number }> | undefined;
  /** This instance's own minute of each target when its counts were last taken (what the exchange's totals include of it). */
  readonly #ownAtTake = new Map<string, { readonly requests: number; readonly tokens: number }>();
  readonly #others = new Map<string, OthersUse>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Whether the target has room for one more request this minute. */
  hasRoom(id: string, quota: TargetQuota): boolean {
    const window = this.#windows.get(id);
    const others = this.#othersUse(id);
    if (window === undefined && others === undefined) return true;
    window?.advance(this.#second());
    const requests = (window?.requests ?? 0) + (others?.requests ?? 0);
    const tokens = (window?.tokens ?? 0) + (others?.tokens ?? 0);
    return (quota.rpm === undefined || requests < quota.rpm) && (quota.tpm === undefined || tokens < quota.tpm);
  }

  /** Counts a request sent to the target. */
  countRequest(id: string): void {
    this.#window(id).add(this.#second(), 1, 0);
    if (this.#unshared !== undefined) this.#addUnshared(id, 1, 0);
  }

  /** Counts the tokens of a request the target answered. */
  countTokens(id: string, tokens: number): void {
    if (tokens <= 0) return;
    this.#window(id).add(this.#second(), 0, tokens);
    if (this.#unshared !== undefined) this.#addUnshared(id, 0, tokens);
  }

  /** The target's requests and tokens over the last minute (every instance's, with sharing on). */
  used(id: string): { readonly requests: number; readonly tokens: number } {
    const window = this.#windows.get(id);
    const others = this.#othersUse(id);
    if (window === undefined) return others === undefined ? { requests: 0, tokens: 0 } : { requests: others.requests, tokens: others.tokens };
    window.advance(this.#second());
    return others === undefined ? { requests: window.requests, tokens: window.tokens } : { requests: window.requests + others.requests, tokens: window.tokens + others.tokens };
  }

  /** The targets counted on this instance. */
  countedTargets(): IterableIterator<string> {
    return this.#windows.keys();
  }

  /**
   * The counts not shared yet, taken (sharing starts with the first call); each target's own minute
   * is noted with them, to tell the other instances' use from the totals the exchange answers
   * ({@link addOthersUse}).
   */
  takeUnshared(): QuotaCount[] {
    const second = this.#second();
    const counts: QuotaCount[] = [];
    for (const [target, use] of this.#unshared ?? []) counts.push({ target, requests: use.requests, tokens: use.tokens });
    this.#unshared = new Map();
    for (const [id, window] of this.#windows) {
      window.advance(second);
      this.#ownAtTake.set(id, { requests: window.requests, tokens: window.tokens });
    }
    return counts;
  }

  /** Counts an exchange could not share, put back to go with the next one. */
  returnUnshared(counts: readonly QuotaCount[]): void {
    for (const count of counts) this.#addUnshared(count.target, count.requests, count.tokens);
  }

  /** Every instance's use of each target as an exchange answered it, less this instance's own at the take. */
  addOthersUse(targets: readonly string[], totals: readonly SharedQuotaUse[]): void {
    const at = this.#clock.now();
    targets.forEach((id, index) => {
      const total = totals[index]!;
      const own = this.#ownAtTake.get(id);
      this.#others.set(id, { requests: Math.max(0, total.requests - (own?.requests ?? 0)), tokens: Math.max(0, total.tokens - (own?.tokens ?? 0)), at });
    });
  }

  /** The other instances' use of a target, while recent enough to trust. */
  #othersUse(id: string): OthersUse | undefined {
    if (this.#others.size === 0) return undefined;
    const others = this.#others.get(id);
    return others !== undefined && this.#clock.now() - others.at <= sharedUseTtlMs ? others : undefined;
  }

  #addUnshared(id: string, requests: number, tokens: number): void {
    const use = this.#unshared!.get(id);
    if (use === undefined) this.#unshared!.set(id, { requests, tokens });
    else {
      use.requests += requests;
      use.tokens += tokens;
    }
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
