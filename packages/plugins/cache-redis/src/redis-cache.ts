import { createClient, type RedisClientType } from '@redis/client';
import type { Cache, Logger } from '@tollgate/core';

/** How often a Redis failure is logged at most. */
const errorLogIntervalMs = 10_000;

/**
 * A `Cache` in Redis, shared by every gateway instance: one `GET` per lookup and one `SET … PX` per
 * stored answer — single-key commands, so any key lands on any Redis Cluster slot. A failing or slow
 * Redis never fails a request: a read becomes a miss and a write is dropped (logged at most every 10 s).
 */
export class RedisCache implements Cache {
  readonly #client: RedisClientType;
  readonly #timeoutMs: number;
  readonly #logger: Logger;
  #lastErrorLogAt = 0;

  private constructor(client: RedisClientType, timeoutMs: number, logger: Logger) {
    this.#client = client;
    this.#timeoutMs = timeoutMs;
    this.#logger = logger;
  }

  /** Connects; fails with the connection error (the password masked). */
  static async open(url: string, timeoutMs: number, logger: Logger): Promise<RedisCache> {
    let connected = false;
    const reconnectStrategy = (retries: number, cause: Error) => (connected ? Math.min(retries * 100, 2_000) : cause);
    const client = createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy } }) as RedisClientType;
    client.on('error', () => undefined); // reported per command, rate-limited
    try {
      await client.connect();
      connected = true;
    } catch (error) {
      if (client.isOpen) client.destroy();
      throw new Error(`@tollgate/cache-redis could not reach Redis at ${url.replace(/\/\/[^@/]*@/, '//***@')}: ${(error as Error).message}`);
    }
    return new RedisCache(client, timeoutMs, logger);
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.#withTimeout(this.#client.get(key))) ?? undefined;
    } catch (error) {
      this.#report(error);
      return undefined;
    }
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    try {
      await this.#withTimeout(this.#client.set(key, value, { expiration: { type: 'PX', value: ttlMs } }));
    } catch (error) {
      this.#report(error);
    }
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.#client.close();
  }

  #withTimeout<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  #report(error: unknown): void {
    const now = Date.now();
    if (now - this.#lastErrorLogAt < errorLogIntervalMs) return;
    this.#lastErrorLogAt = now;
    this.#logger.warn({ err: error }, 'response cache (Redis) failed; serving without it');
  }
}
