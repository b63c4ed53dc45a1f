import { Pool } from 'undici';
import type { ProviderCallOptions } from '@tollgate/core';
import { UpstreamExchange, type UpstreamBody } from './upstream-exchange.js';
import type { ProviderTimeouts } from './upstream-timeouts-schema.js';

export type { UpstreamBody } from './upstream-exchange.js';

/** Options of an {@link HttpUpstream}. */
export interface HttpUpstreamOptions {
  /** The provider instance name, for error messages. */
  readonly provider: string;
  /** Origin and base path, such as `https://api.openai.com/v1`. */
  readonly baseURL: string;
  readonly timeouts: ProviderTimeouts;
  /** Cap on keep-alive connections; none by default (a capped pool queues requests). */
  readonly maxConnections?: number | undefined;
}

/** One upstream POST. */
export interface UpstreamPost {
  /** Path after the base URL's path (`/chat/completions`), or after the origin with `fromOrigin`. */
  readonly path: string;
  /** The path is the server's own, beside the base URL's (vLLM's `/tokenize` next to its `/v1`). */
  readonly fromOrigin?: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | string;
  readonly options: ProviderCallOptions;
  /** Builds the error for a status of 400 and above from the upstream's answer. */
  readonly toError: (status: number, headers: Readonly<Record<string, string | string[] | undefined>>, bodyText: string) => Error;
}

/**
 * A provider's connection to its upstream: undici keep-alive pools (one per connect timeout: undici
 * sets that per pool), the call's timeouts (the provider's, overridden by the group's, the target's
 * and the request's), the client's abort signal, and every transport failure named by kind.
 */
export class HttpUpstream {
  readonly #options: HttpUpstreamOptions;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #pools = new Map<number, Pool>();

  constructor(options: HttpUpstreamOptions) {
    this.#options = options;
    const url = new URL(options.baseURL);
    this.#origin = url.origin;
    this.#basePath = url.pathname.replace(/\/+$/, '');
  }

  /** The origin, for messages. */
  get origin(): string {
    return this.#origin;
  }

  /** Sends a POST; resolves with the body of a 2xx answer, rejects with a `GatewayError` otherwise. */
  post(call: UpstreamPost): Promise<UpstreamBody> {
    const overrides = call.options.timeouts;
    const base = this.#options.timeouts;
    const connectMs = overrides.connectMs ?? base.connectMs;
    const exchange = new UpstreamExchange({
      provider: this.#options.provider,
      origin: this.#origin,
      clientSignal: call.options.signal,
      totalMs: overrides.totalMs ?? base.totalMs,
      toError: call.toError,
    });
    this.#pool(connectMs).dispatch(
      {
        path: call.fromOrigin === true ? call.path : this.#basePath + call.path,
        method: 'POST',
        headers: call.options.upstreamHeaders === undefined ? call.headers : { ...call.options.upstreamHeaders, ...call.headers },
        body: call.body,
        headersTimeout: overrides.firstByteMs ?? base.firstByteMs,
        bodyTimeout: overrides.idleMs ?? base.idleMs,
      },
      exchange,
    );
    return exchange.answered;
  }

  /** Closes every pool. */
  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()));
  }

  #pool(connectMs: number): Pool {
    let pool = this.#pools.get(connectMs);
    if (pool === undefined) {
      pool = new Pool(this.#origin, { connections: this.#options.maxConnections ?? null, keepAliveTimeout: 30_000, connect: { timeout: connectMs } });
      this.#pools.set(connectMs, pool);
    }
    return pool;
  }
}
