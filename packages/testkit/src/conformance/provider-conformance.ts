import { setTimeout as sleep } from 'node:timers/promises';
import { createGateway, GatewayError, Ledger, RequestContext, definePlugin, type ChatCompletionChunk, type ChatResult, type LedgerEntry, type TollgatePlugin } from '@tollgate/core';
import { checkWithFixture, type ConformanceCheck } from './conformance-check.js';
import { expectContract } from './conformance-failure.js';
import type { ConformanceUpstream } from './conformance-upstream.js';

/** The provider plugin under test and how to reach a mock of its upstream. */
export interface ProviderConformanceOptions {
  readonly plugin: TollgatePlugin<any>;
  /** The provider type the plugin registers (`openai`, `anthropic`, `acme`). */
  readonly type: string;
  /** Starts a fresh mock upstream for one check. */
  readonly startUpstream: () => Promise<ConformanceUpstream>;
}

const key = 'sk-conformance-master-0001';

/** A gateway around the provider under test, with a ledger spy, run through the real engine. */
async function harness(options: ProviderConformanceOptions, upstream: ConformanceUpstream) {
  const entries: LedgerEntry[] = [];
  const spy = definePlugin({ name: 'conformance-ledger', setup: (api) => api.provide(Ledger, { record: (entry) => void entries.push(entry), flush: async () => {} }) });
  const gateway = await createGateway({
    config: {
      auth: { masterKey: key },
      providers: { subject: { type: options.type, ...upstream.providerOptions } },
      models: { model: { target: `subject/${upstream.model}` } },
      routing: { retries: { maxRetries: 0 }, cooldown: false },
    },
    plugins: [{ plugin: options.plugin }, { plugin: spy }],
  });
  const context = (stream: boolean, signal?: AbortSignal) =>
    new RequestContext({
      requestId: `conformance-${Math.random()}`,
      operation: 'chat',
      // An ingress no provider speaks: the canonical (decoded) path every provider must honour.
      ingress: 'conformance',
      request: { model: 'model', stream, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }] },
      credential: key,
      ...(signal === undefined ? {} : { signal }),
    });
  return { gateway, entries, context };
}

async function collect(result: ChatResult): Promise<ChatCompletionChunk[]> {
  expectContract(result.type === 'chunks', 'doStream answers a client of another wire format with decoded chunks', () => `result type "${result.type}"`, 'Return { type: "chunks" } whenever options.passthrough is false.');
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of result.chunks) chunks.push(chunk);
  return chunks;
}

async function failureOf(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expectContract(GatewayError.isInstance(error), 'upstream failures are thrown as GatewayErrors', () => String(error), 'Map error answers to ProviderError and transport failures with toTransportError (@tollgate/provider-utils).');
  return error;
}

/**
 * The checks every provider must pass: the same ones the built-in providers run. Each drives the
 * provider through Tollgate's engine against `startUpstream`'s mock and names, on failure, the contract
 * point and the fix.
 *
 * @example
 * for (const check of providerConformanceChecks({ plugin: acmePlugin, type: 'acme', startUpstream })) it(check.name, check.run);
 */
export function providerConformanceChecks(options: ProviderConformanceOptions): ConformanceCheck[] {
  const check = checkWithFixture(options.startUpstream, (upstream) => upstream.close());
  return [
    check('answers a chat request with the text, a finish reason and usage', async (upstream) => {
      const { gateway, entries, context } = await harness(options, upstream);
      upstream.enqueueText('Hello there friend');
      const result = await gateway.engine.handleChat(context(false));
      expectContract(result.type === 'response', 'doChat resolves with a whole response', () => result.type, 'Return { response } from doChat.');
      const choice = result.response.choices[0];
      expectContract(choice?.message.content === 'Hello there friend', 'the answer text is the upstream\'s', () => JSON.stringify(choice?.message), 'Translate the upstream\'s text into choices[0].message.content.');
      expectContract(choice.finish_reason === 'stop', 'a natural end is finish_reason "stop"', () => String(choice.finish_reason), 'Map the upstream\'s stop reason to OpenAI\'s finish_reason.');
      await gateway.close();
      const usage = entries[0]?.usage;
      expectContract(usage !== undefined && usage.prompt_tokens > 0 && usage.completion_tokens > 0, 'usage is reported (it prices and settles budgets)', () => JSON.stringify(usage), 'Fill response.usage with prompt_tokens and completion_tokens from the upstream\'s counts.');
    }),
    check('streams the text as chunks, ends with a finish reason, and reports usage', async (upstream) => {
      const { gateway, entries, context } = await harness(options, upstream);
      upstream.enqueueText('Hello there friend');
      const chunks = await collect(await gateway.engine.handleChat(context(true)));
      const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
      expectContract(text === 'Hello there friend', 'streamed deltas add up to the answer', () => JSON.stringify(text), 'Yield one chunk per upstream text delta, with choices[0].delta.content.');
      expectContract(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop'), 'a stream ends with a finish reason', () => `${chunks.length} chunks, none with finish_reason`, 'Yield a chunk with choices[0].finish_reason before the stream ends.');
      await gateway.close();
      const usage = entries[0]?.usage;
      expectContract(usage !== undefined && usage.completion_tokens > 0, 'a stream reports usage', () => JSON.stringify(usage), 'Yield a final chunk with empty choices and usage (request usage from the upstream if it needs asking).');
    }),
    check('maps 429 to a retryable error that keeps retry-after', async (upstream) => {
      const { gateway, context } = await harness(options, upstream);
      upstream.enqueueError(429, 'Rate limited, slow down');
      const error = await failureOf(gateway.engine.handleChat(context(false)));
      expectContract(error.status === 429 && error.retryable, '429 is a retryable 429', () => `status ${error.status}, retryable ${error.retryable}`, 'Use ProviderError with upstreamStatus: 429.');
      expectContract(error.retryAfterMs === 2000, 'retry-after is honoured', () => String(error.retryAfterMs), 'Pass parseRetryAfter(headers) as retryAfterMs.');
      await gateway.close();
    }),
    check('maps 400 to a non-retryable error that keeps the upstream message', async (upstream) => {
      const { gateway, context } = await harness(options, upstream);
      upstream.enqueueError(400, 'Field temperature is out of range');
      const error = await failureOf(gateway.engine.handleChat(context(false)));
      expectContract(error.status === 400 && !error.retryable, '400 is a non-retryable 400', () => `status ${error.status}, retryable ${error.retryable}`, 'Use ProviderError with upstreamStatus: 400.');
      expectContract(error.message.includes('Field temperature is out of range'), 'the upstream\'s message reaches the client', () => error.message, 'Put the upstream\'s error message in the ProviderError message.');
      await gateway.close();
    }),
    check('maps 5xx to a retryable error', async (upstream) => {
      const { gateway, context } = await harness(options, upstream);
      upstream.enqueueError(500, 'Internal failure');
      const error = await failureOf(gateway.engine.handleChat(context(false)));
      expectContract(error.retryable, '5xx is retryable', () => `status ${error.status}, retryable ${error.retryable}`, 'Use ProviderError with the upstream status.');
      await gateway.close();
    }),
    check('never shows its key in an error', async (upstream) => {
      const { gateway, context } = await harness(options, upstream);
      upstream.enqueueError(401, `Invalid key ${upstream.secret}`);
      const error = await failureOf(gateway.engine.handleChat(context(false)));
      expectContract(!error.message.includes(upstream.secret) && !JSON.stringify(error.toJSON()).includes(upstream.secret), 'secrets never reach a client', () => error.message, 'Pass the key in `secrets` to readErrorBody / redactSecrets.');
      expectContract(error.status === 502, 'a refused provider key is the gateway\'s problem (502), not the client\'s (401)', () => String(error.status), 'Use ProviderError, which maps upstream 401/403 to 502.');
      await gateway.close();
    }),
    check('aborts the upstream request when the client goes away', async (upstream) => {
      const { gateway, context } = await harness(options, upstream);
      upstream.enqueueHang();
      const client = new AbortController();
      const pending = gateway.engine.handleChat(context(false, client.signal)).catch((error: unknown) => error);
      for (let waited = 0; upstream.requests.length === 0 && waited < 2000; waited += 10) await sleep(10);
      client.abort();
      const ended = Symbol('still running');
      const error = await Promise.race([pending, sleep(2000).then(() => ended)]);
      expectContract(error !== ended, 'a call ends when its client leaves', () => 'still running 2 s after the client left', 'Pass options.signal to the upstream request.');
      expectContract(GatewayError.isInstance(error) && error.code === 'TOLLGATE_CLIENT_CLOSED_REQUEST', 'a client that leaves ends the call as 499', () => String(error), 'Pass options.signal to the upstream request.');
      let closed = false;
      for (let waited = 0; !closed && waited < 1000; waited += 10) {
        closed = upstream.requests[0]?.aborted === true;
        if (!closed) await sleep(10);
      }
      expectContract(closed, 'the upstream sees the request closed within 1 s', () => 'the upstream request stayed open', 'Pass options.signal to the upstream request so aborting closes its connection.');
      await gateway.close();
    }),
  ];
}
