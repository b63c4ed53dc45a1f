import { Pool } from 'undici';
import type { ProviderCallOptions } from '@tollgate/core';
import { toTransportError, type TransportFailureContext } from './to-transport-error.js';
import { UpstreamCallSignal } from './upstream-call-signal.js';
import type { ProviderTimeouts } from './upstream-timeouts-schema.js';

/** An upstream response body: its bytes as they come, or all at once. */
export interface UpstreamBody extends AsyncIterable<Buffer> {
  arrayBuffer(): Promise<ArrayBuffer>;
}

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
  /** Path after the base URL's path (`/chat/completions`). */
  readonly path: string;
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
  async post(call: UpstreamPost): Promise<UpstreamBody> {
    const timeouts = { ...this.#options.timeouts };
    for (const [key, value] of Object.entries(call.options.timeouts) as [keyof ProviderTimeouts, number | undefined][]) {
      if (value !== undefined) timeouts[key] = value;
    }
    const signal = new UpstreamCallSignal(call.options.signal, timeouts.totalMs);
    const failure: TransportFailureContext = { provider: this.#options.provider, origin: this.#origin, timedOut: () => signal.timedOut, clientSignal: call.options.signal };
    let response;
    try {
      response = await this.#pool(timeouts.connectMs).request({
        path: this.#basePath + call.path,
        method: 'POST',
        headers: call.options.upstreamHeaders === undefined ? call.headers : { ...call.options.upstreamHeaders, ...call.headers },
        body: call.body,
        signal: signal.signal,
        headersTimeout: timeouts.firstByteMs,
        bodyTimeout: timeouts.idleMs,
      });
    } catch (error) {
      signal.release();
      throw toTransportError(error, failure);
    }
    if (response.statusCode >= 400) {
      const bodyText = await response.body.text().catch(() => '');
      signal.release();
      throw call.toError(response.statusCode, response.headers, bodyText);
    }
    const upstream = response.body;
    return {
      arrayBuffer: () =>
        upstream.arrayBuffer().then(
          (bytes) => {
            signal.release();
            return bytes;
          },
          (error: unknown) => {
            signal.release();
            throw toTransportError(error, failure);
          },
        ),
      async *[Symbol.asyncIterator]() {
        try {
          for await (const chunk of upstream) yield chunk as Buffer;
        } catch (error) {
          throw toTransportError(error, failure);
        } finally {
          signal.release();
          upstream.destroy();
        }
      },
    };
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
