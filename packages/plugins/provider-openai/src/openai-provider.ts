import { Pool } from 'undici';
import {
  GatewayError,
  UpstreamCallSignal,
  toTransportError,
  z,
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  type EmbeddingRequest,
  type EmbeddingResponse,
  type Provider,
  type ProviderCallOptions,
  type ProviderChatResult,
  type ProviderEmbedResult,
  type ProviderStream,
  type StreamSummary,
} from '@tollgate/core';
import { decodeOpenAISse } from './decode-openai-sse.js';
import { toOpenAIProviderError } from './openai-error.js';
import type { OpenAIProviderOptions } from './openai-provider-options.js';
import { tapOpenAISse } from './tap-openai-sse.js';

const chatResponseSchema = z.looseObject({ choices: z.array(z.looseObject({ message: z.looseObject({}) })), model: z.string().optional() });
const embeddingResponseSchema = z.looseObject({ data: z.array(z.unknown()), usage: z.looseObject({ prompt_tokens: z.number(), total_tokens: z.number() }) });

/** An upstream response body: iterable bytes, or all of them at once. */
interface UpstreamBody extends AsyncIterable<Buffer> {
  destroy(error?: Error): unknown;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** What one upstream call answered with a 2xx. */
interface UpstreamAnswer {
  readonly body: UpstreamBody;
}

/**
 * A provider for OpenAI and OpenAI-compatible servers. One undici keep-alive pool per instance (one
 * origin); the client's body goes upstream unchanged when it can (same model name, usage already
 * requested); streams pass through as bytes with usage tapped, or are decoded when hooks need chunks.
 */
export class OpenAIProvider implements Provider {
  readonly specificationVersion = 'v1';
  readonly wire = 'openai';
  readonly name: string;
  readonly #options: OpenAIProviderOptions;
  readonly #origin: string;
  readonly #basePath: string;
  /** One keep-alive pool per connect timeout (one, unless groups or targets override it). */
  readonly #pools = new Map<number, Pool>();
  readonly #headers: Record<string, string>;
  readonly #secrets: readonly string[];

  constructor(name: string, options: OpenAIProviderOptions) {
    this.name = name;
    this.#options = options;
    const url = new URL(options.baseURL);
    this.#origin = url.origin;
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.#headers = {
      'content-type': 'application/json',
      ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
      ...(options.organization === undefined ? {} : { 'openai-organization': options.organization }),
      ...(options.project === undefined ? {} : { 'openai-project': options.project }),
      ...options.headers,
    };
    this.#secrets = options.apiKey === undefined ? [] : [options.apiKey];
  }

  async doChat(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    const answer = await this.#post('/chat/completions', this.#chatBody(request, options, false), options, false);
    const bytes = Buffer.from(await answer.body.arrayBuffer());
    const response = this.#parse(bytes, chatResponseSchema, 'chat.completion') as ChatCompletionResponse;
    return options.passthrough ? { response, body: bytes } : { response };
  }

  async doStream(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderStream> {
    const askedForUsage = request.stream_options?.include_usage === true;
    const answer = await this.#post('/chat/completions', this.#chatBody(request, options, true), options, true);
    const common = { provider: this.name, secrets: this.#secrets };
    if (!options.passthrough) return { type: 'chunks', chunks: decodeOpenAISse(answer.body, common) };
    const summary: StreamSummary = { usage: undefined, model: undefined };
    const dropUsageEvent = !askedForUsage && this.#options.requestUsageInStream;
    return { type: 'bytes', body: tapOpenAISse(answer.body, { ...common, summary, dropUsageEvent }), summary };
  }

  async doEmbed(request: EmbeddingRequest, options: ProviderCallOptions): Promise<ProviderEmbedResult> {
    const body = options.rawBody !== undefined && request.model === options.model ? options.rawBody : JSON.stringify({ ...request, model: options.model });
    const answer = await this.#post('/embeddings', body, options, false);
    const bytes = Buffer.from(await answer.body.arrayBuffer());
    const response = this.#parse(bytes, embeddingResponseSchema, 'embeddings list') as EmbeddingResponse;
    return options.passthrough ? { response, body: bytes } : { response };
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()));
  }

  /** The pool for a connect timeout; undici sets connect timeouts per pool, not per request. */
  #pool(connectMs: number): Pool {
    let pool = this.#pools.get(connectMs);
    if (pool === undefined) {
      pool = new Pool(this.#origin, { connections: this.#options.maxConnections ?? null, keepAliveTimeout: 30_000, connect: { timeout: connectMs } });
      this.#pools.set(connectMs, pool);
    }
    return pool;
  }

  /** The upstream body: the client's bytes when nothing needs to change, else the request re-encoded. */
  #chatBody(request: ChatCompletionRequest, options: ProviderCallOptions, stream: boolean): Uint8Array | string {
    const addUsage = stream && this.#options.requestUsageInStream && request.stream_options?.include_usage !== true;
    if (options.rawBody !== undefined && request.model === options.model && !addUsage) return options.rawBody;
    return JSON.stringify({
      ...request,
      model: options.model,
      ...(addUsage ? { stream_options: { ...request.stream_options, include_usage: true } } : {}),
    });
  }

  async #post(path: string, body: Uint8Array | string, options: ProviderCallOptions, stream: boolean): Promise<UpstreamAnswer> {
    const timeouts = { ...this.#options.timeouts };
    for (const [key, value] of Object.entries(options.timeouts) as [keyof typeof timeouts, number | undefined][]) {
      if (value !== undefined) timeouts[key] = value;
    }
    const call = new UpstreamCallSignal(options.signal, timeouts.totalMs);
    const failure = { provider: this.name, origin: this.#origin, timedOut: () => call.timedOut, clientSignal: options.signal, release: () => call.release() };
    let response;
    try {
      response = await this.#pool(timeouts.connectMs).request({
        path: this.#basePath + path,
        method: 'POST',
        headers: stream ? { ...this.#headers, accept: 'text/event-stream' } : this.#headers,
        body,
        signal: call.signal,
        headersTimeout: timeouts.firstByteMs,
        bodyTimeout: timeouts.idleMs,
      });
    } catch (error) {
      call.release();
      throw toTransportError(error, failure);
    }
    if (response.statusCode >= 400) {
      const bodyText = await response.body.text().catch(() => '');
      call.release();
      throw toOpenAIProviderError({ provider: this.name, status: response.statusCode, headers: response.headers, bodyText, secrets: this.#secrets });
    }
    return { body: withTransportErrors(response.body as unknown as UpstreamBody, failure) };
  }

  #parse(bytes: Buffer, schema: z.ZodType, what: string): unknown {
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw new GatewayError('TOLLGATE_UPSTREAM_INVALID_RESPONSE', `Provider "${this.name}" answered with a body that is not JSON; expected a ${what}. Check its baseURL.`, { cause: error });
    }
    if (!schema.safeParse(parsed).success) {
      throw new GatewayError('TOLLGATE_UPSTREAM_INVALID_RESPONSE', `Provider "${this.name}" answered JSON that is not a ${what}. Check its baseURL.`);
    }
    return parsed;
  }
}

/** The response body, whose read errors (idle timeout, reset, abort) become gateway errors. */
/**
 * The response body, whose read errors (idle timeout, reset, abort) become gateway errors; the call's
 * timer and listener are released once the body was read, failed or was abandoned.
 */
function withTransportErrors(body: UpstreamBody, failure: Parameters<typeof toTransportError>[1] & { release(): void }): UpstreamBody {
  return {
    destroy: (error?: Error) => body.destroy(error),
    arrayBuffer: () =>
      body.arrayBuffer().then(
        (bytes) => {
          failure.release();
          return bytes;
        },
        (error: unknown) => {
          failure.release();
          throw toTransportError(error, failure);
        },
      ),
    async *[Symbol.asyncIterator]() {
      try {
        for await (const chunk of body) yield chunk;
      } catch (error) {
        throw toTransportError(error, failure);
      } finally {
        failure.release();
        body.destroy();
      }
    },
  };
}
