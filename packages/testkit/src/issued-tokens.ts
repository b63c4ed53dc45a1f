/**
 * The access tokens a mock token endpoint issued, each with its expiry, so the mock upstream it
 * stands in front of lets through only those, and only until they expire.
 */
export class IssuedTokens {
  readonly #prefix: string;
  readonly #expiries = new Map<string, number>();

  /** Tokens start with `prefix` (`ya29.mock-`): shaped as the real service's are. */
  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  /** How many were issued. */
  get count(): number {
    return this.#expiries.size;
  }

  /** A new token living `lifetimeSeconds`. */
  issue(lifetimeSeconds: number): string {
    const token = `${this.#prefix}${this.#expiries.size + 1}-${Math.random().toString(36).slice(2)}`;
    this.#expiries.set(token, Date.now() + lifetimeSeconds * 1000);
    return token;
  }

  /** Whether `authorization` is `Bearer <a token issued here that has not expired>`. */
  accepts(authorization: string | string[] | undefined): boolean {
    const match = typeof authorization === 'string' ? /^Bearer (\S+)$/.exec(authorization) : null;
    const expiry = match === null ? undefined : this.#expiries.get(match[1]!);
    return expiry !== undefined && Date.now() < expiry;
  }
}
