import { createClient, type RedisClientType } from '@redis/client';
import { GatewayError, type Logger, type QuotaCount, type RateLimitAdmission, type RateLimitCheck, type RateLimitStore, type SharedQuotaUse, type TargetQuotaExchange } from '@tollgate/core';
import type { LimitsRedisOptions } from './limits-redis-options.js';
import { acquireScript, quotaExchangeScript, releaseScript } from './rate-limit-scripts.js';

/** How often a Redis failure is logged at most. */
const errorLogIntervalMs = 10_000;

/**
 * Rate limits shared by every gateway instance, counted in Redis: each admission is one `EVALSHA`
 * (atomic, all-or-nothing across the request's checks, timed by Redis's own clock). Keys are
 * `<prefix>{rl}:<scope>:<id>:<kind>`; the `{rl}` hash tag keeps a request's keys in one cluster slot.
 * When Redis fails, `onError` decides: let the request through (logged at most every 10 s) or
 * refuse it with 503. Also the targets' quota minutes (`rpm`/`tpm` on a target), exchanged by the
 * gateway every `quotaExchangeMs` under `<prefix>{q}:<target>`.
 */
export class RedisRateLimitStore implements RateLimitStore, TargetQuotaExchange {
  readonly #client: RedisClientType;
  readonly #options: LimitsRedisOptions;
  readonly #logger: Logger;
  readonly #shas: Record<Script, string> = { acquire: '', release: '', quotas: '' };
  #lastErrorLogAt = 0;

  private constructor(client: RedisClientType, options: LimitsRedisOptions, logger: Logger) {
    this.#client = client;
    this.#options = options;
    this.#logger = logger;
  }

  /** Connects and loads the scripts; fails with the connection error (without the password). */
  static async open(options: LimitsRedisOptions, logger: Logger): Promise<RedisRateLimitStore> {
    let connected = false;
    // At startup a failure is final (the gateway reports it); later, reconnect with a capped backoff.
    const reconnectStrategy = (retries: number, cause: Error) => (connected ? Math.min(retries * 100, 2_000) : cause);
    const client = createClient({ url: options.url, socket: { connectTimeout: 2_000, reconnectStrategy } }) as RedisClientType;
    client.on('error', () => undefined); // reported per command, rate-limited, below
    const store = new RedisRateLimitStore(client, options, logger);
    try {
      await client.connect();
      connected = true;
      await store.#loadScripts();
    } catch (error) {
      if (client.isOpen) client.destroy();
      throw new Error(`@tollgate/limits-redis could not reach Redis at ${options.url.replace(/\/\/[^@/]*@/, '//***@')}: ${(error as Error).message}`);
    }
    return store;
  }

  async acquire(requestId: string, checks: readonly RateLimitCheck[], slotTtlMs: number): Promise<RateLimitAdmission> {
    let reply: number[];
    try {
      reply = (await this.#run('acquire', this.#limitKeys(checks), [requestId, String(slotTtlMs), ...limitArguments(checks)])) as number[];
    } catch (error) {
      this.#reportError(error);
      if (this.#options.onError === 'allow') return { ok: true, states: [] };
      throw new GatewayError('TOLLGATE_RATE_LIMIT_STORE_UNAVAILABLE', 'Rate limits cannot be checked right now (their store is unreachable); retry shortly.', { retryAfterMs: 1_000, cause: error });
    }
    if (reply[0] === 0) return { ok: false, check: checks[reply[1]! - 1]!, retryAfterMs: reply[2]! };
    return { ok: true, states: checks.map((check, index) => ({ check, remaining: reply[1 + 2 * index]!, resetMs: reply[2 + 2 * index]! })) };
  }

  async release(requestId: string, checks: readonly RateLimitCheck[], tokens: number): Promise<void> {
    try {
      await this.#run('release', this.#limitKeys(checks), [requestId, String(Math.max(0, Math.round(tokens))), ...limitArguments(checks)]);
    } catch (error) {
      this.#reportError(error);
    }
  }

  /** How often the gateway exchanges its target quota counts. */
  get intervalMs(): number {
    return this.#options.quotaExchangeMs;
  }

  /** Adds this instance's new target quota counts and answers every instance's minute of `targets` (one `EVALSHA`); a failure rejects. */
  async exchange(counts: readonly QuotaCount[], targets: readonly string[]): Promise<readonly SharedQuotaUse[]> {
    const added = new Map(counts.map((count) => [count.target, count]));
    const increments = targets.flatMap((target) => [String(added.get(target)?.requests ?? 0), String(added.get(target)?.tokens ?? 0)]);
    const reply = (await this.#run('quotas', targets.map((target) => `${this.#options.prefix}{q}:${target}`), increments)) as [number, number][];
    return reply.map(([requests, tokens]) => ({ requests, tokens }));
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.#client.close();
  }

  #limitKeys(checks: readonly RateLimitCheck[]): string[] {
    return checks.map((check) => `${this.#options.prefix}{rl}:${check.key}`);
  }

  async #run(script: Script, keys: string[], args: string[]): Promise<unknown> {
    const options = { keys, arguments: args };
    const call = () => withTimeout(this.#client.evalSha(this.#shas[script], options), this.#options.commandTimeoutMs);
    try {
      return await call();
    } catch (error) {
      // Redis restarted or flushed its script cache: load the scripts again, once.
      if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
      await this.#loadScripts();
      return call();
    }
  }

  async #loadScripts(): Promise<void> {
    this.#shas.acquire = await this.#client.scriptLoad(acquireScript);
    this.#shas.release = await this.#client.scriptLoad(releaseScript);
    this.#shas.quotas = await this.#client.scriptLoad(quotaExchangeScript);
  }

  #reportError(error: unknown): void {
    const now = Date.now();
    if (now - this.#lastErrorLogAt < errorLogIntervalMs) return;
    this.#lastErrorLogAt = now;
    this.#logger.error({ err: error, onError: this.#options.onError }, 'rate-limit store (Redis) failed');
  }
}

/** The store's Lua scripts. */
type Script = 'acquire' | 'release' | 'quotas';

/** A rate limit script's arguments after its head: each check's kind and limit. */
function limitArguments(checks: readonly RateLimitCheck[]): string[] {
  return checks.flatMap((check) => [check.kind, String(check.limit)]);
}

/** Rejects when `promise` does not settle within `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
