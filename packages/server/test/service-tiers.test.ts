import { DatabaseSync } from 'node:sqlite';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { openTelemetryPluginWith } from '@tollgate/metrics-opentelemetry';
import { Ledger } from '@tollgate/core';
import { createMockGemini } from '@tollgate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/index.js';
import { anthropicKey, startClaudeAndGptMocks } from './support/claude-and-gpt-mocks.js';
import { createBudgetedKey } from './support/create-budgeted-key.js';
import { createLogger, startServer } from '../src/index.js';
import { LogCapture, masterKey, serverPackageDirectory, temporaryDatabasePath } from './support/start-test-gateway.js';

const { claude, gpt } = await startClaudeAndGptMocks();
const gemini = await createMockGemini({ apiKey: 'AIza-gemini-upstream-0000000000000' });
let server: RunningServer;
const logs = new LogCapture();
const databasePath = await temporaryDatabasePath('tollgate-service-tiers');
const spans = new InMemorySpanExporter();

/** The attributes of the request's span, once the request has ended. */
async function spanAttributesOf(requestId: string | null): Promise<Record<string, unknown>> {
  await logLineOf(requestId);
  const span = spans.getFinishedSpans().find((candidate) => candidate.attributes['tollgate.request_id'] === requestId);
  if (span === undefined) throw new Error(`no span for ${requestId}`);
  return span.attributes;
}

/** The request's log line, once the request has ended. */
const logLineOf = (requestId: string | null) => logs.requestLine(requestId);

async function remainingUsd(key: string): Promise<number> {
  const info = (await fetch(`${server.url}/v1/key`, { headers: { authorization: `Bearer ${key}` } }).then((response) => response.json())) as { data: { limit_remaining_usd: number } };
  return info.data.limit_remaining_usd;
}

/** The ledger's `service_tier` and `cost_micros` of each request, in the order given. */
async function ledgerRows(requestIds: readonly (string | null)[]): Promise<{ service_tier: unknown; cost_micros: unknown }[]> {
  await server.tollgate.gateway.engine.drain();
  await server.tollgate.gateway.resolve(Ledger)?.flush();
  const database = new DatabaseSync(databasePath, { readOnly: true });
  const statement = database.prepare('SELECT service_tier, cost_micros FROM tollgate_requests WHERE request_id = ?');
  const rows = requestIds.map((id) => ({ ...(statement.get(String(id)) as { service_tier: unknown; cost_micros: unknown }) }));
  database.close();
  return rows;
}

/** A streamed Responses turn: the response its `response.completed` event carries, and the gateway's request id. */
async function streamedTurn(client: OpenAI, model: string, turn: Omit<OpenAI.Responses.ResponseCreateParamsStreaming, 'model' | 'stream'>) {
  const { data: stream, response } = await client.responses.create({ model, ...turn, stream: true }).withResponse();
  let final: OpenAI.Responses.Response | undefined;
  for await (const event of stream) if (event.type === 'response.completed') final = event.response;
  return { final, requestId: response.headers.get('x-request-id') };
}

beforeAll(async () => {
  server = await startServer({
    cwd: serverPackageDirectory,
    port: 0,
    logger: createLogger({ destination: logs }),
    plugins: [{ plugin: openTelemetryPluginWith([new SimpleSpanProcessor({ exporter: spans })]) }],
    config: {
      plugins: [
        '@tollgate/provider-openai',
        '@tollgate/provider-anthropic',
        '@tollgate/provider-gemini',
        { name: '@tollgate/ledger-sqlite', options: { path: databasePath, flushIntervalMs: 20 } },
        // Every price from the bundled table and what Tollgate knows of OpenAI's tiers: no overrides.
        '@tollgate/pricing',
        { name: '@tollgate/governance', options: { keyCacheMs: 200, budgetLeaseRequests: 0 } },
      ],
      auth: { masterKey },
      providers: {
        claude: { type: 'anthropic', baseURL: claude.baseURL, apiKey: anthropicKey },
        openai: { type: 'openai', baseURL: gpt.baseURL, apiKey: 'sk-openai-upstream-000000', priceProvider: 'openai' },
        // The same API reached through chat completions only: a Responses client's turn is translated.
        'openai-chat': { type: 'openai', baseURL: gpt.baseURL, apiKey: 'sk-openai-upstream-000000', priceProvider: 'openai', responsesAPI: false },
        google: { type: 'gemini', baseURL: gemini.baseURL, apiKey: 'AIza-gemini-upstream-0000000000000' },
      },
      models: {
        opus: { target: 'claude/claude-opus-4-6' },
        // An alias that asks for fast mode on every request: Opus 4.6's `speed: fast`.
        'opus-fast': { target: { target: 'claude/claude-opus-4-6', params: { speed: 'fast' } } },
        'opus-5.5': { target: 'claude/claude-opus-5-5' },
        'gpt-4.1': { target: 'openai/gpt-4.1' },
        'gpt-4.1-via-chat': { target: 'openai-chat/gpt-4.1' },
        'gpt-5': { target: 'openai/gpt-5' },
        // Served only on the Responses API: a chat client's turn is translated to it.
        'gpt-5-codex': { target: 'openai/gpt-5-codex' },
        flash: { target: 'google/gemini-2.5-flash' },
      },
    },
  });
});

afterAll(async () => {
  await server.close();
  await gemini.close();
});

// 1,000 prompt tokens (200 of them cached) and 500 out.
const usage = { prompt_tokens: 1_000, completion_tokens: 500, cached_tokens: 200 };
/** GPT-4.1's cost of `usage` in micro-dollars: standard $2 / $0.50 / $8 per million; Priority $3.50 / $0.875 / $14; Flex half the standard. */
const gpt41 = { default: 800 * 2 + 200 * 0.5 + 500 * 8, priority: 800 * 3.5 + 200 * 0.875 + 500 * 14, flex: (800 * 2 + 200 * 0.5 + 500 * 8) / 2 };
/** GPT-5's (and GPT-5 Codex's): standard $1.25 / $0.125 / $10; Priority $2.50 / $0.25 / $20. */
const gpt5 = { default: 800 * 1.25 + 200 * 0.125 + 500 * 10, priority: 800 * 2.5 + 200 * 0.25 + 500 * 20 };

describe('a request served at a processing tier other than the standard one (service_tier)', () => {
  it('is charged, budgeted and recorded at the prices of the tier OpenAI served it at: chat completions, whole and streamed', async () => {
    const key = await createBudgetedKey(server.url, 'tiers-chat', 5);
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'Summarize the release notes.' }];
    const ids: (string | null)[] = [];
    for (const tier of ['priority', 'flex', 'default'] as const) {
      gpt.enqueue({ usage });
      const { data, response } = await client.chat.completions.create({ model: 'gpt-4.1', service_tier: tier, max_tokens: 1_000, messages }).withResponse();
      expect(data.service_tier).toBe(tier);
      ids.push(response.headers.get('x-request-id'));
      expect(await spanAttributesOf(ids.at(-1)!)).toMatchObject({ 'openai.request.service_tier': tier, 'openai.response.service_tier': tier });
      expect(await logLineOf(ids.at(-1)!)).toMatchObject({ costMicros: gpt41[tier], ...(tier === 'default' ? {} : { serviceTier: tier }) });
    }
    gpt.enqueue({ usage });
    const { data: stream, response } = await client.chat.completions.create({ model: 'gpt-4.1', service_tier: 'priority', max_tokens: 1_000, stream: true, messages }).withResponse();
    const tiers = new Set<unknown>();
    for await (const chunk of stream) tiers.add(chunk.service_tier);
    expect([...tiers]).toEqual(['priority']);
    ids.push(response.headers.get('x-request-id'));
    expect(await logLineOf(ids.at(-1)!)).toMatchObject({ stream: true, serviceTier: 'priority', costMicros: gpt41.priority });

    expect(await ledgerRows(ids)).toEqual([
      { service_tier: 'priority', cost_micros: gpt41.priority },
      { service_tier: 'flex', cost_micros: gpt41.flex },
      { service_tier: 'default', cost_micros: gpt41.default },
      { service_tier: 'priority', cost_micros: gpt41.priority },
    ]);
    expect(await remainingUsd(key)).toBeCloseTo(5 - (2 * gpt41.priority + gpt41.flex + gpt41.default) / 1_000_000, 6);
    // What each tier cost, from the spend report (this file's first requests).
    const report = (await fetch(`${server.url}/admin/spend?group_by=service_tier`, { headers: { authorization: `Bearer ${masterKey}` } }).then((response) => response.json())) as { data: { group: string; requests: number; cost_usd: number }[] };
    expect(report.data.map(({ group, requests, cost_usd }) => ({ group, requests, cost_usd }))).toEqual([
      { group: 'priority', requests: 2, cost_usd: (2 * gpt41.priority) / 1_000_000 },
      { group: 'default', requests: 1, cost_usd: gpt41.default / 1_000_000 },
      { group: 'flex', requests: 1, cost_usd: gpt41.flex / 1_000_000 },
    ]);
  });

  it('is charged at the tier the answer says, not the one asked for: a project whose default tier is priority', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    gpt.enqueue({ usage, serviceTier: 'priority' });
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.service_tier).toBe('priority');
    expect(await logLineOf(response.headers.get('x-request-id'))).toMatchObject({ serviceTier: 'priority', costMicros: gpt41.priority });
    // The trace says so too, as OpenTelemetry's OpenAI attributes name it (the request asked for none).
    const attributes = await spanAttributesOf(response.headers.get('x-request-id'));
    expect(attributes['openai.response.service_tier']).toBe('priority');
    expect(attributes['openai.request.service_tier']).toBeUndefined();
  });

  it("is charged at the tier for Codex on the Responses API, passed through or translated to chat completions, whole and streamed", async () => {
    const key = await createBudgetedKey(server.url, 'tiers-codex', 5);
    const codex = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    const turn = { service_tier: 'priority' as const, max_output_tokens: 1_000, input: 'Rename foo to bar in the parser.' };

    gpt.enqueue({ usage });
    const { data: whole, response } = await codex.responses.create({ model: 'gpt-5', ...turn }).withResponse();
    expect(gpt.requests.at(-1)!.path).toBe('/v1/responses');
    expect(whole.service_tier).toBe('priority');
    expect(await logLineOf(response.headers.get('x-request-id'))).toMatchObject({ ingress: 'openai-responses', serviceTier: 'priority', costMicros: gpt5.priority });

    gpt.enqueue({ usage });
    const passedStream = await streamedTurn(codex, 'gpt-5', turn);
    expect(passedStream.final?.service_tier).toBe('priority');
    expect(await logLineOf(passedStream.requestId)).toMatchObject({ stream: true, serviceTier: 'priority', costMicros: gpt5.priority });

    // Translated: the chat answer's tier goes into the response object, and prices the turn.
    gpt.enqueue({ usage });
    const { data: translated, response: translatedResponse } = await codex.responses.create({ model: 'gpt-4.1-via-chat', ...turn }).withResponse();
    expect(gpt.requests.at(-1)!.path).toBe('/v1/chat/completions');
    expect(gpt.requests.at(-1)!.body).toMatchObject({ service_tier: 'priority' });
    expect(translated.service_tier).toBe('priority');
    expect(await logLineOf(translatedResponse.headers.get('x-request-id'))).toMatchObject({ serviceTier: 'priority', costMicros: gpt41.priority });

    gpt.enqueue({ usage });
    const translatedStream = await streamedTurn(codex, 'gpt-4.1-via-chat', turn);
    expect(translatedStream.final?.service_tier).toBe('priority');
    expect(await logLineOf(translatedStream.requestId)).toMatchObject({ stream: true, serviceTier: 'priority', costMicros: gpt41.priority });

    expect(await remainingUsd(key)).toBeCloseTo(5 - (2 * gpt5.priority + 2 * gpt41.priority) / 1_000_000, 6);
  });

  it('is charged at the tier for a chat client of a model served only on the Responses API, whole and streamed', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    const request = { model: 'gpt-5-codex', service_tier: 'priority' as const, messages: [{ role: 'user' as const, content: 'Rename foo to bar.' }] };
    gpt.enqueue({ usage });
    const { data, response } = await client.chat.completions.create(request).withResponse();
    expect(gpt.requests.at(-1)!.path).toBe('/v1/responses');
    expect(data.service_tier).toBe('priority');
    expect(await logLineOf(response.headers.get('x-request-id'))).toMatchObject({ serviceTier: 'priority', costMicros: gpt5.priority });
    gpt.enqueue({ usage });
    const { data: stream, response: streamed } = await client.chat.completions.create({ ...request, stream: true }).withResponse();
    const tiers = new Set<unknown>();
    for await (const chunk of stream) if (chunk.service_tier !== undefined) tiers.add(chunk.service_tier);
    expect([...tiers]).toEqual(['priority']);
    expect(await logLineOf(streamed.headers.get('x-request-id'))).toMatchObject({ stream: true, serviceTier: 'priority', costMicros: gpt5.priority });
  });

  it("reserves the tier's worst case: a budget that holds a standard request refuses the same at priority, and a tier with no known price", async () => {
    // 2,000 output tokens: $0.016 at GPT-4.1's standard $8 per million, $0.028 at Priority's $14.
    const key = await createBudgetedKey(server.url, 'tiers-budget', 0.02);
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    const request = { model: 'gpt-4.1', max_tokens: 2_000, messages: [{ role: 'user' as const, content: 'hi' }] };
    const sent = gpt.requests.length;
    const refused = await client.chat.completions.create({ ...request, service_tier: 'priority' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((refused as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ code: 'budget_exceeded', type: 'insufficient_quota' });
    expect((refused as InstanceType<typeof OpenAI.APIError>).message).toContain('may cost up to $0.028');

    const unpriced = await client.chat.completions.create({ ...request, max_tokens: 10, service_tier: 'scale' }).catch((error: unknown) => error);
    expect((unpriced as InstanceType<typeof OpenAI.APIError>).status).toBe(403);
    expect((unpriced as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: 'permission_error', param: 'service_tier' });
    expect((unpriced as InstanceType<typeof OpenAI.APIError>).message).toContain('no known price at the "scale" service tier');
    expect(gpt.requests.length).toBe(sent);

    gpt.enqueue({ usage });
    const admitted = await client.chat.completions.create({ ...request, service_tier: 'default' });
    expect(admitted.service_tier).toBe('default');
  });
});

describe("Claude's fast mode (Claude Code's /fast: speed fast)", () => {
  /** Claude Opus 4.6: $5 / $25 per million tokens; fast mode at 6× ($30 / $150). */
  const opus = { standard: 1_000 * 5 + 500 * 25, fast: 6 * (1_000 * 5 + 500 * 25) };
  const fastTurn = { max_tokens: 1_000, speed: 'fast', messages: [{ role: 'user' as const, content: 'Fix the failing test.' }] };
  const fastMode = { headers: { 'anthropic-beta': 'fast-mode-2026-02-01' } };

  it("is charged at its model's multiple of the standard rates, whole and streamed, as Anthropic's usage says", async () => {
    const key = await createBudgetedKey(server.url, 'claude-code-fast', 5);
    const client = new Anthropic({ baseURL: server.url, apiKey: key, maxRetries: 0 });
    claude.enqueue({ usage: { input_tokens: 1_000, output_tokens: 500 } });
    const { data: message, response } = await client.messages.create({ model: 'opus', ...fastTurn } as never, fastMode).withResponse();
    expect(claude.requests.at(-1)!.body).toMatchObject({ speed: 'fast' });
    expect(claude.requests.at(-1)!.headers['anthropic-beta']).toContain('fast-mode-2026-02-01');
    expect((message as Anthropic.Message).usage).toMatchObject({ speed: 'fast' });
    const ids = [response.headers.get('x-request-id')];
    expect(await logLineOf(ids[0]!)).toMatchObject({ ingress: 'anthropic', serviceTier: 'fast', costMicros: opus.fast });

    claude.enqueue({ usage: { input_tokens: 1_000, output_tokens: 500 } });
    const stream = client.messages.stream({ model: 'opus', ...fastTurn } as never, fastMode);
    expect((await stream.finalMessage()).usage).toMatchObject({ speed: 'fast' });
    ids.push((await stream.withResponse()).response.headers.get('x-request-id'));
    expect(await logLineOf(ids[1]!)).toMatchObject({ stream: true, serviceTier: 'fast', costMicros: opus.fast });

    // Without fast mode, the standard rates.
    claude.enqueue({ usage: { input_tokens: 1_000, output_tokens: 500 } });
    const { response: standard } = await client.messages.create({ model: 'opus', max_tokens: 1_000, messages: fastTurn.messages }).withResponse();
    ids.push(standard.headers.get('x-request-id'));
    expect(await logLineOf(ids[2]!)).toMatchObject({ costMicros: opus.standard });
    expect(await ledgerRows(ids)).toEqual([
      { service_tier: 'fast', cost_micros: opus.fast },
      { service_tier: 'fast', cost_micros: opus.fast },
      { service_tier: null, cost_micros: opus.standard },
    ]);
    expect(await remainingUsd(key)).toBeCloseTo(5 - (2 * opus.fast + opus.standard) / 1_000_000, 6);
  });

  it('is reserved at its multiple: refused where the standard speed fits, and where its price is unknown', async () => {
    // 1,000 output tokens: $0.025 at Opus 4.6's standard $25 per million, $0.15 in fast mode.
    const key = await createBudgetedKey(server.url, 'claude-code-fast-budget', 0.05);
    const client = new Anthropic({ baseURL: server.url, apiKey: key, maxRetries: 0 });
    const refused = await client.messages.create({ model: 'opus', ...fastTurn } as never, fastMode).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.APIError);
    expect((refused as InstanceType<typeof Anthropic.APIError>).status).toBe(429);
    expect((refused as InstanceType<typeof Anthropic.APIError>).message).toContain('may cost up to $0.15');
    const unpriced = await client.messages.create({ model: 'opus-5.5', ...fastTurn } as never, fastMode).catch((error: unknown) => error);
    expect((unpriced as InstanceType<typeof Anthropic.APIError>).status).toBe(403);
    expect((unpriced as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect(((unpriced as InstanceType<typeof Anthropic.APIError>).error as { error: { message: string } }).error.message).toContain('no known price at the "fast" service tier');
    expect(claude.requests).toHaveLength(0);

    claude.enqueue({ usage: { input_tokens: 1_000, output_tokens: 500 } });
    await client.messages.create({ model: 'opus', max_tokens: 1_000, messages: fastTurn.messages });
    expect(claude.requests).toHaveLength(1);
  });

  it('is asked for by a target\'s params or a chat client\'s own field: sent in the Messages request, charged and reserved at its multiple', async () => {
    const chat = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'Fix the failing test.' }];
    claude.enqueue({ usage: { input_tokens: 1_000, output_tokens: 500 } });
    const { data: viaAlias, response: aliasResponse } = await chat.chat.completions.create({ model: 'opus-fast', max_tokens: 1_000, messages }).withResponse();
    expect(claude.requests.at(-1)!.body).toMatchObject({ model: 'claude-opus-4-6', speed: 'fast' });
    expect(viaAlias.service_tier).toBe('fast');
    expect(await logLineOf(aliasResponse.headers.get('x-request-id'))).toMatchObject({ serviceTier: 'fast', costMicros: opus.fast });

    claude.enqueue({ usage: { input_tokens: 1_000, output_tokens: 500 } });
    const { response: ownResponse } = await chat.chat.completions.create({ model: 'opus', max_tokens: 1_000, messages, speed: 'fast' } as never).withResponse();
    expect(claude.requests.at(-1)!.body).toMatchObject({ speed: 'fast' });
    expect(await logLineOf(ownResponse.headers.get('x-request-id'))).toMatchObject({ serviceTier: 'fast', costMicros: opus.fast });

    // Claude Code on the alias: its own bytes go, with the param set in them (its cache mark kept).
    const claudeCode = new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });
    const turn = { model: 'opus-fast', max_tokens: 1_000, system: [{ type: 'text' as const, text: 'You are Claude Code.', cache_control: { type: 'ephemeral' as const } }], messages };
    claude.enqueue({ usage: { input_tokens: 1_000, output_tokens: 500 } });
    const { response: bytesResponse } = await claudeCode.messages.create(turn).withResponse();
    expect(claude.requests.at(-1)!.body).toEqual({ ...turn, model: 'claude-opus-4-6', speed: 'fast' });
    expect(await logLineOf(bytesResponse.headers.get('x-request-id'))).toMatchObject({ serviceTier: 'fast', costMicros: opus.fast });

    // Reserved at the multiple: a $0.05 key that holds the standard speed's worst case is refused.
    const key = await createBudgetedKey(server.url, 'opus-fast-budget', 0.05);
    const sent = claude.requests.length;
    const refused = await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({ model: 'opus-fast', max_tokens: 1_000, messages }).catch((error: unknown) => error);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((refused as InstanceType<typeof OpenAI.APIError>).message).toContain('may cost up to $0.15');
    const ownRefused = await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({ model: 'opus', max_tokens: 1_000, messages, speed: 'fast' } as never).catch((error: unknown) => error);
    expect((ownRefused as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect(claude.requests).toHaveLength(sent);
  });
});

describe("Gemini's Flex and Priority tiers", () => {
  // 1,000 prompt tokens and 500 out on Gemini 2.5 Flash: $0.30 / $2.50 per million at the standard tier, Flex half.
  const flashUsage = { promptTokenCount: 1_000, candidatesTokenCount: 500 };
  const flash = { default: 1_000 * 0.3 + 500 * 2.5, flex: (1_000 * 0.3 + 500 * 2.5) / 2 };
  const messages = [{ role: 'user' as const, content: 'Classify these tickets.' }];

  it('asks the Gemini API for the tier and charges the tier its answer names: Flex at half, whole and streamed; a downgraded Priority at the standard price', async () => {
    gemini.reset();
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    const ids: (string | null)[] = [];

    gemini.enqueue({ usage: flashUsage });
    const flexWhole = await client.chat.completions.create({ model: 'flash', service_tier: 'flex', messages }).withResponse();
    expect(flexWhole.data.service_tier).toBe('flex');
    ids.push(flexWhole.response.headers.get('x-request-id'));
    expect(await logLineOf(ids.at(-1)!)).toMatchObject({ serviceTier: 'flex', costMicros: flash.flex });

    gemini.enqueue({ usage: flashUsage });
    const { data: stream, response } = await client.chat.completions.create({ model: 'flash', service_tier: 'flex', messages, stream: true, stream_options: { include_usage: true } }).withResponse();
    const tiers = new Set<unknown>();
    for await (const chunk of stream) tiers.add(chunk.service_tier);
    expect([...tiers]).toEqual(['flex']);
    ids.push(response.headers.get('x-request-id'));
    expect(await logLineOf(ids.at(-1)!)).toMatchObject({ stream: true, serviceTier: 'flex', costMicros: flash.flex });

    // Past its Priority limit a request is served at the standard tier, and the answer says so.
    gemini.enqueue({ usage: flashUsage, serviceTier: 'standard' });
    const downgraded = await client.chat.completions.create({ model: 'flash', service_tier: 'priority', messages }).withResponse();
    expect(downgraded.data.service_tier).toBe('default');
    ids.push(downgraded.response.headers.get('x-request-id'));
    expect(await logLineOf(ids.at(-1)!)).toMatchObject({ costMicros: flash.default });

    // Served at Priority: "75 to 100 % more" than standard, by model; Tollgate knows no list, so the cost is unknown, never standard.
    gemini.enqueue({ usage: flashUsage });
    const priority = await client.chat.completions.create({ model: 'flash', service_tier: 'priority', messages }).withResponse();
    expect(priority.data.service_tier).toBe('priority');
    ids.push(priority.response.headers.get('x-request-id'));
    expect((await logLineOf(ids.at(-1)!)).costMicros).toBeUndefined();

    gemini.enqueue({ usage: flashUsage });
    const standard = await client.chat.completions.create({ model: 'flash', service_tier: 'default', messages }).withResponse();
    expect(standard.data.service_tier).toBe('default');
    ids.push(standard.response.headers.get('x-request-id'));

    expect(gemini.requests.map((request) => request.body.serviceTier)).toEqual(['flex', 'flex', 'priority', 'priority', undefined]);
    expect(await ledgerRows(ids)).toEqual([
      { service_tier: 'flex', cost_micros: flash.flex },
      { service_tier: 'flex', cost_micros: flash.flex },
      { service_tier: 'default', cost_micros: flash.default },
      { service_tier: 'priority', cost_micros: null },
      { service_tier: 'default', cost_micros: flash.default },
    ]);
  });

  it("refuses Gemini's Priority tier for a budgeted key (no known price) before the upstream, and admits Flex", async () => {
    gemini.reset();
    const key = await createBudgetedKey(server.url, 'tiers-gemini', 5);
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    const refused = await client.chat.completions.create({ model: 'flash', service_tier: 'priority', max_tokens: 100, messages }).catch((error: unknown) => error);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(403);
    expect((refused as InstanceType<typeof OpenAI.APIError>).message).toContain('no known price at the "priority" service tier');
    expect(gemini.requests).toHaveLength(0);
    gemini.enqueue({ usage: flashUsage });
    const admitted = await client.chat.completions.create({ model: 'flash', service_tier: 'flex', max_tokens: 100, messages });
    expect(admitted.service_tier).toBe('flex');
  });
});
