import { createClient, type RedisClientType } from '@redis/client';
import type { Logger } from '@tollgate/core';

/** How often a Redis failure is logged at most. */
const errorLogIntervalMs = 10_000;

/**
 * One Redis connection a cache works through: each command bounded by a timeout, and failures logged
 * at most every 10 s, so a failing or slow Redis never fails a request (the caller turns a failed read
 * into a miss and drops a failed write). Reconnects once it has connected.
 */
export class RedisConnection {
  /** The client, for commands run through {@link run}. */
  readonly client: RedisClientType;
  readonly #timeoutMs: number;
  readonly #logger: Logger;
  #lastErrorLogAt = 0;

  private constructor(client: RedisClientType, timeoutMs: number, logger: Logger) {
    this.client = client;
    this.#timeoutMs = timeoutMs;
    this.#logger = logger;
  }

  /** Connects; fails with the connection error, naming `owner` (the plugin), the password masked. */
  static async open(url: string, timeoutMs: number, logger: Logger, owner = '@tollgate/cache-redis'): Promise<RedisConnection> {
    let connected = false;
    const reconnectStrategy = (retries: number, cause: Error) => (connected ? Math.min(retries * 100, 2_000) : cause);
    const client = createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy } }) as RedisClientType;
    client.on('error', () => undefined); // reported per command, rate-limited
    try {
      await client.connect();
      connected = true;
    } catch (error) {
      if (client.isOpen) client.destroy();
      throw new Error(`${owner} could not reach Redis at ${url.replace(/\/\/[^@/]*@/, '//***@')}: ${(error as Error).message}`);
    }
    return new RedisConnection(client, timeoutMs, logger);
  }

  /** A command's answer, or a rejection once it takes longer than the timeout. */
  run<T>(command: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    return Promise.race([command, timeout]).finally(() => clearTimeout(timer));
  }

  /** Logs a failed command as a warning with `message`, at most every 10 s. */
  report(error: unknown, message: string): void {
    const now = Date.now();
    if (now - this.#lastErrorLogAt < errorLogIntervalMs) return;
    this.#lastErrorLogAt = now;
    this.#logger.warn({ err: error }, message);
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.client.close();
  }
}
