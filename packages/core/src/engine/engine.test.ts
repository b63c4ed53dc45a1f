import { describe, expect, it } from 'vitest';
import {
  createGateway,
  definePlugin,
  GatewayError,
  Ledger,
  RequestContext,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type Gateway,
  type HookMap,
  type HookPhase,
  type LedgerEntry,
  type PluginApi,
  z,
} from '../index.js';
import { RecordingProvider } from '../test-support/recording-provider.js';

declare module '../context/gateway-context.js' {
  interface ContextVariableMap {
    seenBy: string[];
  }
}

const masterKey = 'sk-test-master-key-0123456789';
/** Recognized by the harness's own auth hook, which runs after the test's hooks (auth is first-match). */
const pluginKey = 'sk-test-plugin-key-0123456789';

interface Harness {
  gateway: Gateway;
  primary: RecordingProvider;
  backup: RecordingProvider;
  events: string[];
  ledger: LedgerEntry[];
}

/** A gateway over two recording providers, with `setup` adding the hooks a test needs. */
async function createHarness(setup: (api: PluginApi, events: string[]) => void = () => {}, wire = 'openai'): Promise<Harness> {
  const primary = new RecordingProvider('primary', wire);
  const backup = new RecordingProvider('backup', wire);
  const events: string[] = [];
  const ledger: LedgerEntry[] = [];
  const providers = definePlugin({
    name: 'recording-providers',
    setup(api) {
      api.registerProvider('recording', {
        options: z.strictObject({}),
        create: (_options, init) => (init.name === 'primary' ? primary : backup),
      });
      api.provide(Ledger, { record: (entry) => void ledger.push(entry), flush: async () => {} });
    },
  });
  const hooks = definePlugin({ name: 'test-hooks', setup: (api) => setup(api, events) });
  const pluginAuth = definePlugin({
    name: 'plugin-auth',
    setup(api) {
      api.addHook('auth', (context) => {
        if (context.credential === pluginKey) context.principal = { keyId: 'plugin', keyName: 'plugin', isMaster: true };
      });
    },
  });
  const gateway = await createGateway({
    config: {
      auth: { masterKey, keys: [{ key: 'sk-test-limited-key-0123', name: 'limited', models: ['cheap'] }] },
      providers: { primary: { type: 'recording' }, backup: { type: 'recording' } },
      models: { smart: { targets: ['primary/model-a', 'backup/model-b'] }, cheap: { target: 'backup/model-c' } },
      // Retries and cooldowns have their own tests (routing.test.ts); here one attempt per target.
      routing: { retries: { maxRetries: 0 }, cooldown: false },
    },
    plugins: [{ plugin: providers }, { plugin: hooks }, { plugin: pluginAuth }],
  });
  return { gateway, primary, backup, events, ledger };
}

function chatContext(request: Partial<ChatCompletionRequest> = {}, init: { credential?: string; signal?: AbortSignal; rawBody?: Uint8Array } = {}): RequestContext {
  return new RequestContext({
    requestId: `req-${Math.random()}`,
    operation: 'chat',
    ingress: 'openai',
    request: { model: 'smart', messages: [{ role: 'user', content: 'hi' }], ...request },
    credential: init.credential ?? pluginKey,
    ...(init.signal === undefined ? {} : { signal: init.signal }),
    ...(init.rawBody === undefined ? {} : { rawBody: init.rawBody }),
  });
}

function recordEveryPhase(api: PluginApi, events: string[]): void {
  const phases: HookPhase[] = ['auth', 'route', 'transform.request', 'budget.reserve', 'transform.response', 'transform.chunk', 'budget.settle', 'log'];
  for (const phase of phases) {
    api.addHook(phase, (() => {
      events.push(phase);
    }) as HookMap[typeof phase]);
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function expectGatewayError(promise: Promise<unknown>, code: string): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(GatewayError.isInstance(error), `expected ${code}, got ${String(error)}`).toBe(true);
  expect((error as GatewayError).code).toBe(code);
  return error as GatewayError;
}

describe('engine lifecycle', () => {
  it('runs the phases in the documented order for a JSON answer', async () => {
    const { gateway, events } = await createHarness(recordEveryPhase);
    const result = await gateway.engine.handleChat(chatContext());
    expect(result.type).toBe('response');
    await gateway.engine.drain();
    expect(events).toEqual(['auth', 'route', 'transform.request', 'budget.reserve', 'transform.response', 'budget.settle', 'log']);
  });

  it('runs transform.chunk per chunk, then settles and logs once the stream ended', async () => {
    const { gateway, events } = await createHarness(recordEveryPhase);
    const result = await gateway.engine.handleChat(chatContext({ stream: true }));
    expect(result.type).toBe('chunks');
    if (result.type !== 'chunks') return;
    expect(events).not.toContain('budget.settle');
    const chunks = await collect(result.chunks);
    await gateway.engine.drain();
    // 3 content chunks + the usage chunk, which is dropped because the client did not ask for usage.
    expect(chunks).toHaveLength(3);
    expect(events.filter((event) => event === 'transform.chunk')).toHaveLength(4);
    expect(events.slice(-2)).toEqual(['budget.settle', 'log']);
  });

  it('keeps the usage chunk for a client that asked for it and records usage from it', async () => {
    const { gateway, ledger } = await createHarness();
    const context = chatContext({ stream: true, stream_options: { include_usage: true } });
    const result = await gateway.engine.handleChat(context);
    if (result.type !== 'chunks') throw new Error('expected chunks');
    const chunks: ChatCompletionChunk[] = await collect(result.chunks);
    await gateway.engine.drain();
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
    expect(ledger).toHaveLength(1);
    expect(ledger[0]?.usage?.completion_tokens).toBe(3);
  });

  it('short-circuits from transform.request: no budget, no upstream, but logged', async () => {
    const { gateway, events, primary, backup } = await createHarness((api, events) => {
      recordEveryPhase(api, events);
      api.addHook('transform.request', () => ({
        id: 'cached',
        object: 'chat.completion',
        created: 1,
        model: 'smart',
        choices: [{ index: 0, message: { role: 'assistant', content: 'from cache' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      }));
    });
    const json = await gateway.engine.handleChat(chatContext());
    expect(json.type === 'response' && json.response.id).toBe('cached');
    const streamed = await gateway.engine.handleChat(chatContext({ stream: true }));
    if (streamed.type !== 'chunks') throw new Error('expected chunks');
    const text = (await collect(streamed.chunks)).map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('from cache');
    await gateway.engine.drain();
    expect(primary.calls).toHaveLength(0);
    expect(backup.calls).toHaveLength(0);
    expect(events).not.toContain('budget.reserve');
    expect(events).not.toContain('budget.settle');
    expect(events.filter((event) => event === 'log')).toHaveLength(2);
  });

  it('lets a hook replace the request, which turns off the raw body passthrough', async () => {
    const raw = new TextEncoder().encode('{"model":"smart"}');
    const plain = await createHarness();
    await plain.gateway.engine.handleChat(chatContext({}, { rawBody: raw }));
    expect(plain.primary.calls[0]?.options.rawBody).toBe(raw);
    expect(plain.primary.calls[0]?.options.passthrough).toBe(true);

    const rewriting = await createHarness((api) => {
      api.addHook('transform.request', (context) => {
        if (context.operation === 'chat') context.replaceRequest({ ...context.request, temperature: 0 });
      });
    });
    await rewriting.gateway.engine.handleChat(chatContext({}, { rawBody: raw }));
    expect(rewriting.primary.calls[0]?.options.rawBody).toBeUndefined();
    expect(rewriting.primary.calls[0]?.request.temperature).toBe(0);
  });

  it('turns passthrough off when a hook reads chunks, or when wires differ', async () => {
    const chunkReader = await createHarness((api) => api.addHook('transform.chunk', () => undefined));
    const result = await chunkReader.gateway.engine.handleChat(chatContext({ stream: true }));
    if (result.type === 'chunks') await collect(result.chunks);
    expect(chunkReader.primary.calls[0]?.options.passthrough).toBe(false);

    const otherWire = await createHarness(() => {}, 'anthropic');
    await otherWire.gateway.engine.handleChat(chatContext({}, { rawBody: new Uint8Array([1]) }));
    expect(otherWire.primary.calls[0]?.options).toMatchObject({ passthrough: false, rawBody: undefined, model: 'model-a' });
  });

  it('carries typed plugin variables from one hook to the next', async () => {
    const { gateway } = await createHarness((api) => {
      api.addHook('auth', (context) => context.set('seenBy', ['auth']));
      api.addHook('log', (context) => {
        context.get('seenBy')?.push('log');
      });
    });
    const context = chatContext();
    await gateway.engine.handleChat(context);
    await gateway.engine.drain();
    expect(context.get('seenBy')).toEqual(['auth', 'log']);
  });
});

describe('engine errors', () => {
  it('answers 401 for a missing or wrong key, 403 for a model the key may not call, 404 for an unknown model', async () => {
    const { gateway } = await createHarness();
    const viaMaster = await gateway.engine.handleChat(chatContext({}, { credential: masterKey }));
    expect(viaMaster.type).toBe('response');
    await expectGatewayError(gateway.engine.handleChat(chatContext({}, { credential: '' })), 'TOLLGATE_MISSING_API_KEY');
    const wrong = await expectGatewayError(gateway.engine.handleChat(chatContext({}, { credential: 'sk-wrong-key-000000000' })), 'TOLLGATE_INVALID_API_KEY');
    expect(wrong.status).toBe(401);
    expect(wrong.message).not.toContain('sk-wrong');
    const forbidden = await expectGatewayError(gateway.engine.handleChat(chatContext({}, { credential: 'sk-test-limited-key-0123' })), 'TOLLGATE_MODEL_NOT_ALLOWED');
    expect(forbidden.status).toBe(403);
    const missing = await expectGatewayError(gateway.engine.handleChat(chatContext({ model: 'gpt-9' })), 'TOLLGATE_MODEL_NOT_FOUND');
    expect(missing.status).toBe(404);
    expect(missing.message).toContain('"gpt-9"');
    expect(missing.toJSON().error).toMatchObject({ type: 'invalid_request_error', code: 'model_not_found', param: 'model' });
  });

  it('passes a GatewayError thrown by any phase to the client, and hides unexpected errors', async () => {
    const phases = ['auth', 'route', 'transform.request', 'budget.reserve', 'transform.response'] as const;
    for (const phase of phases) {
      const { gateway, ledger } = await createHarness((api) => {
        api.addHook(phase, (() => {
          throw new GatewayError('TOLLGATE_MODEL_NOT_ALLOWED', `refused in ${phase}`);
        }) as never);
      });
      const error = await expectGatewayError(gateway.engine.handleChat(chatContext()), 'TOLLGATE_MODEL_NOT_ALLOWED');
      expect(error.message).toBe(`refused in ${phase}`);
      await gateway.engine.drain();
      expect(ledger, phase).toHaveLength(1);
      expect(ledger[0]?.status).toBe(403);
    }
    const { gateway } = await createHarness((api) => {
      api.addHook('transform.request', () => {
        throw new Error('database password is hunter2');
      });
    });
    const internal = await expectGatewayError(gateway.engine.handleChat(chatContext()), 'TOLLGATE_INTERNAL');
    expect(internal.status).toBe(500);
    expect(internal.message).not.toContain('hunter2');
  });

  it('settles a reservation exactly once when the upstream fails, and when a later reserve hook refuses', async () => {
    const settled: string[] = [];
    const failing = await createHarness((api) => api.addHook('budget.settle', (context) => void settled.push(context.requestId)));
    failing.primary.failures.push(new GatewayError('TOLLGATE_INVALID_REQUEST', 'bad request upstream'));
    await expectGatewayError(failing.gateway.engine.handleChat(chatContext()), 'TOLLGATE_INVALID_REQUEST');
    await failing.gateway.engine.drain();
    expect(settled).toHaveLength(1);

    // A budget hook holds, then a rate-limit hook refuses: settle must run so the hold is released.
    const held: string[] = [];
    const released: string[] = [];
    const refusedLater = await createHarness((api) => {
      api.addHook('budget.reserve', (context) => void held.push(context.requestId));
      api.addHook('budget.reserve', () => {
        throw new GatewayError('TOLLGATE_BUDGET_EXCEEDED', 'over budget');
      });
      api.addHook('budget.settle', (context) => void released.push(context.requestId));
    });
    await expectGatewayError(refusedLater.gateway.engine.handleChat(chatContext()), 'TOLLGATE_BUDGET_EXCEEDED');
    await refusedLater.gateway.engine.drain();
    expect(released).toEqual(held);
    expect(released).toHaveLength(1);
    expect(refusedLater.primary.calls).toHaveLength(0);
  });

  it('never lets settle or log hooks fail a request', async () => {
    const { gateway, ledger } = await createHarness((api) => {
      api.addHook('budget.settle', () => {
        throw new Error('settle broke');
      });
      api.addHook('log', async () => {
        throw new Error('log broke');
      });
    });
    const result = await gateway.engine.handleChat(chatContext());
    expect(result.type).toBe('response');
    await gateway.engine.drain();
    expect(ledger).toHaveLength(1);
  });

  it('runs synchronous and asynchronous hooks of a phase in order, each after the one before it ended, past failures', async () => {
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const { gateway, events, ledger } = await createHarness((api, events) => {
      // Not this hook's key: auth goes on to the harness's synchronous hook.
      api.addHook('auth', async () => {
        await later(2);
        events.push('auth (async, no match)');
      });
      api.addHook('route', async () => {
        await later(2);
        events.push('route (async)');
      });
      api.addHook('transform.request', async () => {
        await later(2);
        events.push('transform.request 1 (async)');
      });
      api.addHook('transform.request', () => void events.push('transform.request 2'));
      api.addHook('budget.reserve', () => void events.push('reserve 1'));
      api.addHook('budget.reserve', async () => {
        await later(2);
        events.push('reserve 2 (async)');
      });
      api.addHook('budget.reserve', () => void events.push('reserve 3'));
      api.addHook('budget.settle', async () => {
        await later(5);
        events.push('settle 1 (async)');
      });
      api.addHook('budget.settle', () => {
        events.push('settle 2 (throws)');
        throw new Error('settle broke');
      });
      api.addHook('budget.settle', () => void events.push('settle 3'));
      api.addHook('log', () => void events.push(`log 1 (ledger rows: ${ledger.length})`));
      api.addHook('log', async () => {
        await later(5);
        events.push('log 2 (async, rejects)');
        throw new Error('log broke');
      });
      api.addHook('log', () => void events.push('log 3'));
    });
    const result = await gateway.engine.handleChat(chatContext());
    expect(result.type).toBe('response');
    await gateway.engine.drain();
    expect(events).toEqual([
      'auth (async, no match)',
      'route (async)',
      'transform.request 1 (async)',
      'transform.request 2',
      'reserve 1',
      'reserve 2 (async)',
      'reserve 3',
      'settle 1 (async)',
      'settle 2 (throws)',
      'settle 3',
      'log 1 (ledger rows: 1)',
      'log 2 (async, rejects)',
      'log 3',
    ]);
    expect(ledger).toHaveLength(1);
  });

  it('falls back to the next target on a retryable failure only', async () => {
    const retryable = await createHarness();
    retryable.primary.failures.push(new GatewayError('TOLLGATE_UPSTREAM_UNREACHABLE', 'down'));
    const context = chatContext();
    const result = await retryable.gateway.engine.handleChat(context);
    expect(result.type === 'response' && result.response.model).toBe('model-b');
    expect(context.attempts).toHaveLength(2);
    expect(context.target?.id).toBe('backup/model-b');

    const permanent = await createHarness();
    permanent.primary.failures.push(new GatewayError('TOLLGATE_INVALID_REQUEST', 'bad'));
    await expectGatewayError(permanent.gateway.engine.handleChat(chatContext()), 'TOLLGATE_INVALID_REQUEST');
    expect(permanent.backup.calls).toHaveLength(0);
  });

  it('fails over before the first chunk, and ends with an error (not success) after it', async () => {
    const early = await createHarness();
    early.primary.streamPlan = { chunks: 3, failAfter: 0 };
    early.primary.failures.length = 0;
    // A failure before any chunk is an attempt failure; the generic Error is not retryable, so it surfaces.
    await expectGatewayError(early.gateway.engine.handleChat(chatContext({ stream: true })), 'TOLLGATE_INTERNAL');

    const late = await createHarness();
    late.primary.streamPlan = { chunks: 3, failAfter: 2 };
    const context = chatContext({ stream: true });
    const result = await late.gateway.engine.handleChat(context);
    if (result.type !== 'chunks') throw new Error('expected chunks');
    const received: ChatCompletionChunk[] = [];
    await expectGatewayError(
      (async () => {
        for await (const chunk of result.chunks) received.push(chunk);
      })(),
      'TOLLGATE_INTERNAL',
    );
    expect(received).toHaveLength(2);
    await late.gateway.engine.drain();
    expect(late.ledger[0]?.errorCode).toBe('TOLLGATE_INTERNAL');
  });
});

describe('engine abort propagation', () => {
  it('aborts the provider call when the client goes away mid-stream, and records 499 once', async () => {
    const { gateway, primary, ledger } = await createHarness();
    primary.streamPlan = { chunks: 3, hangAfterFirst: true };
    const client = new AbortController();
    const result = await gateway.engine.handleChat(chatContext({ stream: true }, { signal: client.signal }));
    if (result.type !== 'chunks') throw new Error('expected chunks');
    const first = await result.chunks.next();
    expect(first.done).toBe(false);
    const pending = result.chunks.next();
    client.abort();
    await expectGatewayError(pending, 'TOLLGATE_CLIENT_CLOSED_REQUEST');
    expect(primary.calls[0]?.options.signal.aborted).toBe(true);
    expect(primary.abortedCalls).toBe(1);
    await gateway.engine.drain();
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ status: 499, errorCode: 'TOLLGATE_CLIENT_CLOSED_REQUEST' });
  });

  it('finishes a stream the consumer cancels before reading it', async () => {
    const { gateway, ledger } = await createHarness();
    const result = await gateway.engine.handleChat(chatContext({ stream: true }));
    if (result.type !== 'chunks') throw new Error('expected chunks');
    await result.chunks.return?.();
    await gateway.engine.drain();
    expect(ledger).toHaveLength(1);
    expect(ledger[0]?.status).toBe(499);
  });

  it('does not call the upstream at all when the client left during the hooks', async () => {
    const client = new AbortController();
    const { gateway, primary } = await createHarness((api) => api.addHook('budget.reserve', () => client.abort()));
    await expectGatewayError(gateway.engine.handleChat(chatContext({}, { signal: client.signal })), 'TOLLGATE_CLIENT_CLOSED_REQUEST');
    expect(primary.calls).toHaveLength(0);
  });
});

describe('embeddings', () => {
  it('runs the same lifecycle and records usage', async () => {
    const { gateway, events, ledger } = await createHarness(recordEveryPhase);
    const context = new RequestContext({ requestId: 'e1', operation: 'embeddings', ingress: 'openai', request: { model: 'cheap', input: 'hello' }, credential: pluginKey });
    const result = await gateway.engine.handleEmbeddings(context);
    expect(result.response.data).toHaveLength(1);
    await gateway.engine.drain();
    expect(events).toEqual(['auth', 'route', 'transform.request', 'budget.reserve', 'transform.response', 'budget.settle', 'log']);
    expect(ledger[0]).toMatchObject({ operation: 'embeddings', provider: 'backup', usage: { prompt_tokens: 2 } });
  });
});
