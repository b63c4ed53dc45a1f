/** A token as fetched: its value and how long it lives. */
export interface FetchedToken {
  readonly token: string;
  readonly lifetimeMs: number;
}

/** From this long before a token expires (or three quarters of a shorter life) a new one is fetched in the background. */
const renewAheadMs = 5 * 60_000;
/** From this long before it expires (or nine tenths of a shorter life) callers wait for the new one. */
const mustRenewAheadMs = 60_000;

interface HeldToken {
  readonly token: string;
  readonly renewAt: number;
  readonly mustRenewAt: number;
}

/**
 * An access token kept for reuse (Google's, Microsoft Entra ID's): fetched when first needed, renewed
 * in the background from five minutes before it expires while the held one still serves — so no
 * request waits for the token endpoint —, waited for only in its last minute; one fetch at a time
 * however many callers ask. A failed background renewal is tried again by a later call; the last
 * minute's callers get its error.
 */
export class RenewingToken {
  readonly #fetch: () => Promise<FetchedToken>;
  readonly #now: () => number;
  #held: HeldToken | undefined;
  #renewing: Promise<string> | undefined;

  /** `now` is the clock expiry is judged by (a test's own). */
  constructor(fetch: () => Promise<FetchedToken>, now: () => number = Date.now) {
    this.#fetch = fetch;
    this.#now = now;
  }

  /** A token that has not expired. */
  get(): Promise<string> {
    const held = this.#held;
    const now = this.#now();
    if (held !== undefined && now < held.renewAt) return Promise.resolve(held.token);
    this.#renewing ??= this.#renew().finally(() => {
      this.#renewing = undefined;
    });
    if (held === undefined || now >= held.mustRenewAt) return this.#renewing;
    this.#renewing.catch(() => undefined);
    return Promise.resolve(held.token);
  }

  async #renew(): Promise<string> {
    const startedAt = this.#now();
    const { token, lifetimeMs } = await this.#fetch();
    const expiresAt = startedAt + lifetimeMs;
    this.#held = { token, renewAt: expiresAt - Math.min(renewAheadMs, lifetimeMs / 4), mustRenewAt: expiresAt - Math.min(mustRenewAheadMs, lifetimeMs / 10) };
    return token;
  }
}
