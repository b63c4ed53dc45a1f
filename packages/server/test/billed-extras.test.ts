import { DatabaseSync } from 'node:sqlite';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { Ledger } from '@tollgate/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/index.js';
import { LogCapture, masterKey, startLoggedServer, temporaryDatabasePath } from './support/start-test-gateway.js';
import { anthropicKey, startClaudeAndGptMocks } from './support/claude-and-gpt-mocks.js';
import { createBudgetedKey } from './support/create-budgeted-key.js';

/** Claude's web search as Claude Code sends it, next to one of its own tools. */
const searchTool = (maxUses?: number) => ({ type: 'web_search_20250305', name: 'web_search', ...(maxUses === undefined ? {} : { max_uses: maxUses }) });
const readTool = { name: 'Read', description: 'Read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } };

const { claude, gpt } = await startClaudeAndGptMocks();
let server: RunningServer;
const logs = new LogCapture();
const databasePath = await temporaryDatabasePath('tollgate-web-search');

async function remainingUsd(key: string): Promise<number> {
  const info = (await fetch(`${server.url}/v1/key`, { headers: { authorization: `Bearer ${key}` } }).then((response) => response.json())) as { data: { limit_remaining_usd: number } };
  return info.data.limit_remaining_usd;
}

/** The request's log line, once the request has ended. */
const logLineOf = (requestId: string | null) => logs.requestLine(requestId);

beforeAll(async () => {
  server = await startLoggedServer(logs, {
    plugins: [
      '@tollgate/provider-openai',
      '@tollgate/provider-anthropic',
      { name: '@tollgate/ledger-sqlite', options: { path: databasePath, flushIntervalMs: 20 } },
      // Claude priced from the bundled table; GPT at round prices, its web search at $25 per thousand.
      { name: '@tollgate/pricing', options: { overrides: { 'openai/gpt-5': { input: 100, output: 200, webSearch: 25 } } } },
      { name: '@tollgate/governance', options: { keyCacheMs: 200, budgetLeaseRequests: 0 } },
      { name: '@tollgate/metrics-prometheus', options: { processMetrics: false } },
    ],
    auth: { masterKey },
    providers: {
      claude: { type: 'anthropic', baseURL: claude.baseURL, apiKey: anthropicKey },
      openai: { type: 'openai', baseURL: gpt.baseURL, apiKey: 'sk-openai-upstream-000000', responsesAPI: true },
    },
    models: {
      sonnet: { target: 'claude/claude-sonnet-4-5' },
      'gpt-5': { target: 'openai/gpt-5' },
    },
  });
});

afterAll(async () => {
  await server.close();
});

/** Claude Sonnet 4.5 in the bundled table: $3 input, $15 output per million tokens, $10 per thousand web searches. */
const sonnetMicros = (input: number, output: number, searches: number) => input * 3 + output * 15 + searches * 10_000;

describe('cache writes an upstream keeps for an hour', () => {
  it('are charged at their price (2× input, against 1.25× for five minutes), whole and streamed', async () => {
    const key = await createBudgetedKey(server.url, 'claude-code-cache', 5);
    const client = new Anthropic({ baseURL: server.url, apiKey: key, maxRetries: 0 });
    const system = [{ type: 'text' as const, text: 'You are Claude Code.', cache_control: { type: 'ephemeral' as const, ttl: '1h' as const } }];
    // 10 uncached, 3,000 written (1,000 for five minutes, 2,000 for an hour), 20 output tokens.
    const usage = { input_tokens: 10, output_tokens: 20, cache_creation_input_tokens: 3_000, ephemeral_1h_input_tokens: 2_000 };
    // $3 × 10 + $3.75 × 1,000 + $6 × 2,000 + $15 × 20 per million.
    const expected = 30 + 3_750 + 12_000 + 300;
    claude.enqueue({ usage });
    const { response } = await client.messages.create({ model: 'sonnet', max_tokens: 100, system, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(await logLineOf(response.headers.get('x-request-id'))).toMatchObject({ promptTokens: 3_010, costMicros: expected });
    claude.enqueue({ usage });
    const stream = client.messages.stream({ model: 'sonnet', max_tokens: 100, system, messages: [{ role: 'user', content: 'hi' }] });
    await stream.finalMessage();
    expect(await logLineOf((await stream.withResponse()).response.headers.get('x-request-id'))).toMatchObject({ stream: true, promptTokens: 3_010, costMicros: expected });
    expect(await remainingUsd(key)).toBeCloseTo(5 - (2 * expected) / 1_000_000, 6);
    await server.tollgate.gateway.engine.drain();
    const metrics = await fetch(`${server.url}/metrics`).then((response) => response.text());
    expect(metrics).toContain('tollgate_tokens_total{model="sonnet",team="none",key="claude-code-cache",type="cache_write"} 6000');
  });
});

describe('web searches an upstream runs as a server tool', () => {
  it('are charged to the budget and recorded: Claude Code\'s web search, whole and streamed', async () => {
    const key = await createBudgetedKey(server.url, 'claude-code-search', 5);
    const client = new Anthropic({ baseURL: server.url, apiKey: key, maxRetries: 0 });

    claude.enqueue({ webSearches: ['node 24 release notes', 'node 24 lts date'], content: 'Node 24 is LTS.', usage: { input_tokens: 40, output_tokens: 30 } });
    const { data: message, response } = await client.messages.create({ model: 'sonnet', max_tokens: 500, tools: [searchTool(5), readTool] as never, messages: [{ role: 'user', content: 'What changed in Node 24?' }] }).withResponse();
    expect(message.content.map((block) => block.type)).toEqual(['server_tool_use', 'web_search_tool_result', 'server_tool_use', 'web_search_tool_result', 'text']);
    expect(message.usage).toMatchObject({ input_tokens: 2_040, output_tokens: 30, server_tool_use: { web_search_requests: 2 } });
    const whole = await logLineOf(response.headers.get('x-request-id'));
    expect(whole).toMatchObject({ ingress: 'anthropic', promptTokens: 2_040, completionTokens: 30, webSearches: 2, costMicros: sonnetMicros(2_040, 30, 2) });

    // Streamed: the counts of message_start are the first sampling's; the final message_delta's, cumulative, win.
    claude.enqueue({ webSearches: ['node 24 permissions'], content: 'It has a permission model.', usage: { input_tokens: 40, output_tokens: 20 } });
    const stream = client.messages.stream({ model: 'sonnet', max_tokens: 500, tools: [searchTool(5)] as never, messages: [{ role: 'user', content: 'And permissions?' }] });
    const final = await stream.finalMessage();
    expect(final.usage).toMatchObject({ input_tokens: 1_040, output_tokens: 20, server_tool_use: { web_search_requests: 1 } });
    const streamed = await logLineOf((await stream.withResponse()).response.headers.get('x-request-id'));
    expect(streamed).toMatchObject({ stream: true, promptTokens: 1_040, completionTokens: 20, webSearches: 1, costMicros: sonnetMicros(1_040, 20, 1) });

    expect(await remainingUsd(key)).toBeCloseTo(5 - (sonnetMicros(2_040, 30, 2) + sonnetMicros(1_040, 20, 1)) / 1_000_000, 6);
    await server.tollgate.gateway.engine.drain();
    const metrics = await fetch(`${server.url}/metrics`).then((response) => response.text());
    expect(metrics).toContain('tollgate_web_searches_total{model="sonnet",team="none",key="claude-code-search"} 3');

    // The ledger says why each cost holds more than tokens, and which of Anthropic's answers it was.
    await server.tollgate.gateway.resolve(Ledger)?.flush();
    const database = new DatabaseSync(databasePath, { readOnly: true });
    const rows = database.prepare('SELECT response_id, finish_reason, web_searches, cost_micros FROM tollgate_requests WHERE request_id IN (?, ?) ORDER BY started_at').all(String(response.headers.get('x-request-id')), String((await stream.withResponse()).response.headers.get('x-request-id')));
    database.close();
    expect(rows.map((row) => ({ ...row }))).toEqual([
      { response_id: message.id, finish_reason: 'stop', web_searches: 2, cost_micros: sonnetMicros(2_040, 30, 2) },
      { response_id: final.id, finish_reason: 'stop', web_searches: 1, cost_micros: sonnetMicros(1_040, 20, 1) },
    ]);
    // And the spend report counts them by key.
    const spend = (await fetch(`${server.url}/admin/spend?group_by=key`, { headers: { authorization: `Bearer ${masterKey}` } }).then((answer) => answer.json())) as { data: { group: string; web_searches: number; cost_usd: number }[] };
    const keyRow = spend.data.find((row) => row.web_searches > 0);
    expect(keyRow).toMatchObject({ web_searches: 3, cost_usd: (sonnetMicros(2_040, 30, 2) + sonnetMicros(1_040, 20, 1)) / 1e6 });
  });

  it('count in the worst case a budget holds: max_uses searches may cost more than the budget has left', async () => {
    // $0.04 covers the prompt and 500 output tokens ($0.0075 at $15 per million), not eight searches at $0.01.
    const key = await createBudgetedKey(server.url, 'claude-code-small', 0.04);
    const client = new Anthropic({ baseURL: server.url, apiKey: key, maxRetries: 0 });
    const refused = await client.messages.create({ model: 'sonnet', max_tokens: 500, tools: [searchTool(8)] as never, messages: [{ role: 'user', content: 'Search widely.' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError);
    expect((refused as Error).message).toMatch(/may cost up to \$0\.087\d\./);
    expect(claude.requests).toHaveLength(0);
    // A search tool without max_uses is held at `unboundedWebSearches` (10): refused too.
    const unbounded = await client.messages.create({ model: 'sonnet', max_tokens: 500, tools: [searchTool()] as never, messages: [{ role: 'user', content: 'Search widely.' }] }).catch((error: unknown) => error);
    expect((unbounded as Error).message).toMatch(/may cost up to \$0\.107\d\./);
    // Two searches fit.
    claude.enqueue({ webSearches: ['one'] });
    await expect(client.messages.create({ model: 'sonnet', max_tokens: 500, tools: [searchTool(2)] as never, messages: [{ role: 'user', content: 'Search once.' }] })).resolves.toMatchObject({ usage: { server_tool_use: { web_search_requests: 1 } } });
    // The same request without the tool holds no search fees.
    await expect(client.messages.create({ model: 'sonnet', max_tokens: 500, messages: [{ role: 'user', content: 'Search widely.' }] })).resolves.toBeDefined();
  });

  it('are bounded for a budgeted key when Claude\'s search tool sets no max_uses: the hold\'s assumption goes upstream as max_uses', async () => {
    const key = await createBudgetedKey(server.url, 'unbounded-search', 5);
    const client = new Anthropic({ baseURL: server.url, apiKey: key, maxRetries: 0 });
    const queries = Array.from({ length: 14 }, (_, index) => `query ${index}`);
    const request = { model: 'sonnet', max_tokens: 500, system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }], tools: [readTool, searchTool()], messages: [{ role: 'user', content: 'Research this thoroughly.' }] };

    claude.enqueue({ webSearches: queries, content: 'Done.', usage: { input_tokens: 40, output_tokens: 10 } });
    const { data: message, response } = await client.messages.create(request as never).withResponse();
    // The body Claude got is the client's, but for the search tool's limit: `unboundedWebSearches` (10).
    expect(claude.requests[0]!.body).toEqual({ ...request, model: 'claude-sonnet-4-5', tools: [readTool, { ...searchTool(), max_uses: 10 }] });
    expect(message.usage.server_tool_use?.web_search_requests).toBe(10);
    expect(await logLineOf(response.headers.get('x-request-id'))).toMatchObject({ webSearches: 10, costMicros: sonnetMicros(10_040, 10, 10) });

    // Streamed, the same; and a key no budget applies to sends the tool as it came.
    claude.enqueue({ webSearches: queries, content: 'Done.', usage: { input_tokens: 40, output_tokens: 10 } });
    const final = await client.messages.stream(request as never).finalMessage();
    expect(final.usage.server_tool_use?.web_search_requests).toBe(10);
    expect((claude.requests[1]!.body as { tools: unknown[] }).tools[1]).toEqual({ ...searchTool(), max_uses: 10 });
    expect(await remainingUsd(key)).toBeCloseTo(5 - 2 * sonnetMicros(10_040, 10, 10) / 1_000_000, 6);

    claude.enqueue({ webSearches: queries.slice(0, 12), content: 'Done.' });
    await new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 }).messages.create(request as never);
    expect(claude.requests[2]!.body).toEqual({ ...request, model: 'claude-sonnet-4-5' });
  });

  it('are charged for OpenAI\'s built-in web search on the Responses API (Codex), and bounded by max_tool_calls for a budgeted key', async () => {
    const key = await createBudgetedKey(server.url, 'codex-search', 5);
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    gpt.enqueue({ webSearches: ['undici pool', 'undici keep-alive', 'node fetch'], content: 'Use a pool.', usage: { prompt_tokens: 100, completion_tokens: 50 } });
    const { data: answer, response } = await client.responses.create({ model: 'gpt-5', input: 'How do I pool connections?', tools: [{ type: 'web_search' }], max_output_tokens: 1_000 }).withResponse();
    expect(answer.output.map((item) => item.type)).toEqual(['web_search_call', 'web_search_call', 'web_search_call', 'message']);
    // The tool sets no limit: the budget's assumption goes upstream as max_tool_calls, in the client's bytes.
    expect(gpt.requests[0]!.path).toBe('/v1/responses');
    expect(gpt.requests[0]!.body).toEqual({ max_tool_calls: 10, model: 'gpt-5', input: 'How do I pool connections?', tools: [{ type: 'web_search' }], max_output_tokens: 1_000 });
    // 100 × $100 + 50 × $200 per million tokens, and 3 searches at $25 per thousand.
    const whole = await logLineOf(response.headers.get('x-request-id'));
    expect(whole).toMatchObject({ ingress: 'openai-responses', webSearches: 3, costMicros: 10_000 + 10_000 + 75_000 });

    gpt.enqueue({ webSearches: ['a', 'b', 'c'], content: 'Two searches.', usage: { prompt_tokens: 100, completion_tokens: 50 } });
    const { data: events, response: streamResponse } = await client.responses.create({ model: 'gpt-5', input: 'Search twice at most.', tools: [{ type: 'web_search' }], max_tool_calls: 2, max_output_tokens: 1_000, stream: true }).withResponse();
    const searchEvents: string[] = [];
    let final: OpenAI.Responses.Response | undefined;
    for await (const event of events) {
      if (event.type.startsWith('response.web_search_call.')) searchEvents.push(event.type);
      if (event.type === 'response.completed') final = event.response;
    }
    expect(searchEvents).toEqual(['in_progress', 'searching', 'completed', 'in_progress', 'searching', 'completed'].map((step) => `response.web_search_call.${step}`));
    // The client's own limit stands (nothing added), and the upstream stops at it.
    expect(gpt.requests[1]!.body).toMatchObject({ max_tool_calls: 2 });
    expect(final!.output.filter((item) => item.type === 'web_search_call')).toHaveLength(2);
    const streamed = await logLineOf(streamResponse.headers.get('x-request-id'));
    expect(streamed).toMatchObject({ stream: true, webSearches: 2, costMicros: 10_000 + 10_000 + 50_000 });
    expect(await remainingUsd(key)).toBeCloseTo(5 - 0.095 - 0.07, 6);
  });
});
