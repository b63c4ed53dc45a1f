import type { Cache, Logger } from '@tollgate/core';
import { RedisConnection } from './redis-connection.js';

/** The warning a failed cache command logs. */
const failureMessage = 'response cache (Redis) failed; serving without it';

/**
 * A `Cache` in Redis, shared by every gateway instance: one `GET` per lookup and one `SET … PX` per
 * stored answer — single-key commands, so any key lands on any Redis Cluster slot. A failing or slow
 * Redis never fails a request: a read becomes a miss and a write is dropped (logged at most every 10 s).
 */
export class RedisCache implements Cache {
  readonly #connection: RedisConnection;

  /** A cache on an open connection (which {@link close} closes). */
  constructor(connection: RedisConnection) {
    this.#connection = connection;
  }

  /** Connects; fails with the connection error (the password masked). */
  static async open(url: string, timeoutMs: number, logger: Logger): Promise<RedisCache> {
    return new RedisCache(await RedisConnection.open(url, timeoutMs, logger));
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.#connection.run(this.#connection.client.get(key))) ?? undefined;
    } catch (error) {
      this.#connection.report(error, failureMessage);
      return undefined;
    }
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    try {
      await this.#connection.run(this.#connection.client.set(key, value, { expiration: { type: 'PX', value: ttlMs } }));
    } catch (error) {
      this.#connection.report(error, failureMessage);
    }
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.#connection.close();
  }
}
