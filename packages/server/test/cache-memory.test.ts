import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockAnthropic, createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { LogCapture, masterKey as agentsKey, startLedgeredGateway, startLoggedServer } from './support/start-test-gateway.js';
import { startAgentsBehind } from './support/start-agents-gateway.js';

const masterKey = 'sk-cache-master-000000000001';
const teamA = 'sk-cache-team-a-key-000000001';
const teamB = 'sk-cache-team-b-key-000000001';
let mock: MockOpenAI;
let server: RunningServer;
let databasePath: string;

beforeAll(async () => {
  ({ mock, server, databasePath } = await startLedgeredGateway('tollgate-cache', [
    { name: '@tollgate/pricing', options: { overrides: { 'openai/gpt-4o-mini': { input: 100, output: 200 } } } },
    { name: '@tollgate/cache-memory', options: { maxBytes: 1_000_000 } },
  ], {
    auth: { masterKey, keys: [{ key: teamA, name: 'agent-a', team: 'team-a' }, { key: teamB, name: 'agent-b', team: 'team-b' }] },
    models: { 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' }, 'text-embedding-3-small': { target: 'openai/text-embedding-3-small' }, reranker: { target: 'openai/bge-reranker-v2-m3' } },
  }));
});

afterAll(async () => {
  await server?.close();
  await mock?.close();
});

beforeEach(() => mock.reset());

const client = (key: string) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
const ask = (key: string, content: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  client(key).chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content }], ...extra }, { headers }).withResponse();

describe('the memory response cache', () => {
  it('answers a repeated deterministic request from the cache, at $0 in the ledger, and says so', async () => {
    const first = await ask(teamA, 'What is the capital of France?');
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    const second = await ask(teamA, 'What is the capital of France?');
    expect(second.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(second.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
    expect(mock.requests).toHaveLength(1);

    await sleep(100);
    const database = new DatabaseSync(databasePath);
    const rows = database.prepare("SELECT cost_micros, provider, status FROM tollgate_requests WHERE team_id = 'team-a' ORDER BY id").all() as { cost_micros: number; provider: string | null; status: number }[];
    database.close();
    expect(rows).toHaveLength(2);
    expect(rows[0]!.cost_micros).toBeGreaterThan(0);
    expect(rows[1]).toEqual({ cost_micros: 0, provider: null, status: 200 });
    // The client is told the same: what the miss cost, and that the hit cost nothing.
    expect(Number(first.response.headers.get('x-tollgate-cost')) * 1_000_000).toBeCloseTo(rows[0]!.cost_micros, 6);
    expect(second.response.headers.get('x-tollgate-cost')).toBe('0');
  });

  it('answers repeated embeddings and rankings from the cache too (they are deterministic), keyed by their input', async () => {
    const embed = (input: string[]) => client(teamA).embeddings.create({ model: 'text-embedding-3-small', input, encoding_format: 'float' }).withResponse();
    const first = await embed(['alpha', 'beta']);
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    const again = await embed(['alpha', 'beta']);
    expect(again.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(again.data).toEqual(first.data);
    expect((await embed(['alpha', 'gamma'])).response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(mock.requests.map((request) => request.path)).toEqual(['/v1/embeddings', '/v1/embeddings']);

    const rank = () => client(teamA).post<Record<string, unknown>>('/rerank', { body: { model: 'reranker', query: 'capital', documents: ['Paris is a capital.', 'A river.'] } }).withResponse();
    const ranked = await rank();
    expect(ranked.response.headers.get('x-tollgate-cache')).toBe('miss');
    const rankedAgain = await rank();
    expect(rankedAgain.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(rankedAgain.data).toEqual(ranked.data);
    expect(mock.requests.filter((request) => request.path === '/v1/rerank')).toHaveLength(1);
  });

  it('never serves one team\'s answer to another team', async () => {
    await ask(teamA, 'Team secret question');
    const other = await ask(teamB, 'Team secret question');
    expect(other.response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(mock.requests).toHaveLength(2);
    expect((await ask(teamB, 'Team secret question')).response.headers.get('x-tollgate-cache')).toBe('hit');
  });

  it('bypasses requests that are not deterministic, unless they opt in; honours no-store and no-cache', async () => {
    const warm = await ask(teamA, 'Write a poem', { temperature: 0.9 });
    expect(warm.response.headers.get('x-tollgate-cache')).toBe('bypass');
    expect((await ask(teamA, 'Write a poem', { temperature: 0.9 })).response.headers.get('x-tollgate-cache')).toBe('bypass');
    expect(mock.requests).toHaveLength(2);
    await ask(teamA, 'Write a poem', { temperature: 0.9 }, { 'x-tollgate-cache': 'use' });
    expect((await ask(teamA, 'Write a poem', { temperature: 0.9 }, { 'x-tollgate-cache': 'use' })).response.headers.get('x-tollgate-cache')).toBe('hit');

    await ask(teamA, 'Fresh please');
    expect((await ask(teamA, 'Fresh please', {}, { 'cache-control': 'no-store' })).response.headers.get('x-tollgate-cache')).toBe('bypass');
    expect((await ask(teamA, 'Fresh please', {}, { 'cache-control': 'no-cache' })).response.headers.get('x-tollgate-cache')).toBe('miss');
    // The poem twice (bypassed), once opted in (then a hit), and "Fresh please" three times (the first, no-store, no-cache).
    expect(mock.requests).toHaveLength(6);
  });

  it('stores a streamed answer once it is complete and replays it as SSE to OpenAI and Anthropic clients', async () => {
    mock.enqueue({ content: 'Paris is the capital of France.', stream: { chunkDelayMs: 5 } });
    // Opted in, with max_tokens as the Anthropic client must send it: all three clients ask the same request.
    const optIn = { headers: { 'x-tollgate-cache': 'use' } };
    const stream = await client(teamA).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Capital, streamed?' }] }, optIn);
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed).toBe('Paris is the capital of France.');
    await sleep(20); // stored by the log phase, just after the stream ended

    const replay = await client(teamA).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Capital, streamed?' }] }, optIn).withResponse();
    expect(replay.response.headers.get('x-tollgate-cache')).toBe('hit');
    let replayed = '';
    for await (const chunk of replay.data) replayed += chunk.choices[0]?.delta.content ?? '';
    expect(replayed).toBe(streamed);
    const whole = await client(teamA).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user', content: 'Capital, streamed?' }] }, optIn).withResponse();
    expect(whole.data.choices[0]!.message.content).toBe(streamed);
    expect(mock.requests).toHaveLength(1);

    const anthropic = new Anthropic({ baseURL: server.url, apiKey: teamA, maxRetries: 0 });
    const events = await anthropic.messages.create({ model: 'gpt-4o-mini', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Capital, streamed?' }] }, optIn);
    let text = '';
    for await (const event of events) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    expect(text).toBe(streamed);

    // And to Responses API clients, streamed (the SDK's strict accumulator) and whole.
    const responses = await client(teamA).responses.stream({ model: 'gpt-4o-mini', max_output_tokens: 100, input: 'Capital, streamed?' }, optIn).finalResponse();
    expect(responses.output_text).toBe(streamed);
    const wholeResponse = await client(teamA).responses.create({ model: 'gpt-4o-mini', max_output_tokens: 100, input: 'Capital, streamed?' }, optIn).withResponse();
    expect(wholeResponse.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(wholeResponse.data.output_text).toBe(streamed);
    expect(mock.requests).toHaveLength(1);
  });

  it('never stores a stream that broke off', async () => {
    mock.enqueue({ content: 'one two three four five six', stream: { failAfter: 3 } });
    const stream = await client(teamA).chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, stream: true, messages: [{ role: 'user', content: 'Break please' }] });
    await expect((async () => {
      for await (const _chunk of stream) {
        // read until it breaks
      }
    })()).rejects.toThrow();
    await sleep(20);
    expect((await ask(teamA, 'Break please')).response.headers.get('x-tollgate-cache')).toBe('miss');
  });
});

describe('the response cache and requests the canonical request does not describe whole', () => {
  it('bypasses a request with an Anthropic server tool, which must not share a key with the same request without it', async () => {
    const claude = await createMockAnthropic({ apiKey: 'sk-ant-cache-0000000001' });
    const gateway = await startLoggedServer(new LogCapture(), {
      plugins: ['@tollgate/provider-anthropic', { name: '@tollgate/cache-memory', options: { maxBytes: 1_000_000 } }],
      auth: { masterKey },
      providers: { claude: { type: 'anthropic', baseURL: claude.baseURL, apiKey: 'sk-ant-cache-0000000001' } },
      models: { sonnet: { target: 'claude/claude-sonnet-4-5' } },
    });
    try {
      const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: masterKey, maxRetries: 0 });
      const ask = (tools: unknown[] | undefined) =>
        anthropic.messages.create({ model: 'sonnet', max_tokens: 100, ...(tools === undefined ? {} : { tools: tools as never }), messages: [{ role: 'user', content: 'Latest Node release?' }] }, { headers: { 'x-tollgate-cache': 'use' } }).withResponse();
      claude.enqueue({ content: 'Node 24, from memory.' });
      expect((await ask(undefined)).response.headers.get('x-tollgate-cache')).toBe('miss');
      claude.enqueue({ content: 'Node 25, searched just now.' });
      const searched = await ask([{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }]);
      expect(searched.response.headers.get('x-tollgate-cache')).toBe('bypass');
      expect(searched.data.content[0]).toMatchObject({ text: 'Node 25, searched just now.' });
      expect(claude.requests).toHaveLength(2);
    } finally {
      await gateway.close();
      await claude.close();
    }
  });
});

describe('the response cache in front of OpenAI\'s Responses API', () => {
  it('lets a Responses client\'s bytes go to OpenAI as sent — a stored conversation, web search, reasoning items — and caches what it may', async () => {
    const openai = await createMockOpenAI();
    const gateway = await startLoggedServer(new LogCapture(), {
      plugins: ['@tollgate/provider-openai', { name: '@tollgate/cache-memory', options: { maxBytes: 1_000_000 } }],
      auth: { masterKey },
      providers: { openai: { type: 'openai', baseURL: openai.baseURL, apiKey: 'sk-openai-cache-000000001', responsesAPI: true } },
      models: { 'gpt-5': { target: 'openai/gpt-5' } },
    });
    try {
      const responses = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: masterKey, maxRetries: 0 }).responses;
      const optIn = { headers: { 'x-tollgate-cache': 'use' } };
      // A cacheable request: its bytes go to /v1/responses as sent; the answer, read by the cache, comes back re-encoded.
      const body = { model: 'gpt-5', input: [{ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAA-earlier' }, { role: 'user', content: 'Capital of France?' }], max_output_tokens: 100, store: false };
      openai.enqueue({ content: 'Paris.' });
      const first = await responses.create(body as never, optIn).withResponse();
      expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
      expect(first.data.output_text).toBe('Paris.');
      expect(openai.requests[0]!.path).toBe('/v1/responses');
      expect(openai.requests[0]!.body).toEqual(body);
      const second = await responses.create(body as never, optIn).withResponse();
      expect(second.response.headers.get('x-tollgate-cache')).toBe('hit');
      expect(second.data.output_text).toBe('Paris.');
      expect(openai.requests).toHaveLength(1);

      // A conversation OpenAI stores, streamed: it reaches OpenAI (the cache lets it by), and the stream comes back.
      openai.enqueue({ content: 'Noted.' });
      const stored = await responses.create({ model: 'gpt-5', input: 'Remember: Paris.' });
      openai.enqueue({ stream: { content: ['Still ', 'Paris.'] } });
      const continued = await responses.create({ model: 'gpt-5', previous_response_id: stored.id, input: 'And Italy?', stream: true }, optIn).withResponse();
      expect(continued.response.headers.get('x-tollgate-cache')).toBe('bypass');
      let text = '';
      for await (const event of continued.data) if (event.type === 'response.output_text.delta') text += event.delta;
      expect(text).toBe('Still Paris.');
      expect(openai.requests[2]!.body).toEqual({ model: 'gpt-5', previous_response_id: stored.id, input: 'And Italy?', stream: true });

      // OpenAI's built-in web search: through to OpenAI, its searches counted.
      openai.enqueue({ webSearches: ['capital of italy'], content: 'Rome.' });
      const searched = await responses.create({ model: 'gpt-5', input: 'Capital of Italy?', tools: [{ type: 'web_search' }] }, optIn).withResponse();
      expect(searched.response.headers.get('x-tollgate-cache')).toBe('bypass');
      expect(searched.data.output_text).toBe('Rome.');
      expect(openai.requests[3]!.body).toEqual({ model: 'gpt-5', input: 'Capital of Italy?', tools: [{ type: 'web_search' }] });
    } finally {
      await gateway.close();
      await openai.close();
    }
  });
});

/** Codex's upstream (OpenAI, with its Responses API) and Claude Code's, behind a gateway with the memory cache in `options`. */
const startAgentsBehindCache = (options: Record<string, unknown>) => startAgentsBehind([{ name: '@tollgate/cache-memory', options: { maxBytes: 1_000_000, ...options } }]);

describe('a request the response cache leaves alone', () => {
  it('passes through as the upstream\'s bytes: Codex keeps its encrypted reasoning, Claude Code its thinking signatures, a web search its items', async () => {
    const { openai, claude, gateway, close } = await startAgentsBehindCache({});
    try {
      // Codex's turn: not deterministic (no temperature 0), so the cache bypasses it — and its answer is not decoded for it.
      const codex = await new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: agentsKey, maxRetries: 0 }).responses
        .stream({ model: 'gpt-5-codex', input: 'Rename foo to bar', reasoning: { effort: 'medium' }, store: false, include: ['reasoning.encrypted_content'] } as never)
        .finalResponse();
      expect(codex.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
      expect(codex.output[0]).toMatchObject({ type: 'reasoning', id: 'rs_mock1', encrypted_content: 'gAAAA-mock-1' });

      // Claude Code's streamed turn with thinking: the signature its next turn must send back arrives.
      claude.enqueue({ thinking: 'Look at the parser first.', content: 'The parser drops the last token.' });
      const message = await new Anthropic({ baseURL: gateway.url, apiKey: agentsKey, maxRetries: 0 }).messages
        .stream({ model: 'sonnet', max_tokens: 2_048, thinking: { type: 'enabled', budget_tokens: 1_024 }, messages: [{ role: 'user', content: 'Why does the test fail?' }] } as never)
        .finalMessage();
      expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: 'Look at the parser first.', signature: 'sig_mock' });

      // A web search on the Responses API, whole: its web_search_call item reaches the client.
      openai.enqueue({ webSearches: ['node 24'], content: 'Node 24 is LTS.' });
      const searched = await new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: agentsKey, maxRetries: 0 }).responses.create({ model: 'gpt-5-codex', input: 'Node LTS?', tools: [{ type: 'web_search' }] });
      expect(searched.output.map((item) => item.type)).toEqual(['web_search_call', 'message']);
    } finally {
      await close();
    }
  });

  it('in `always` mode too, when the client needs what only the upstream\'s answer carries: Codex\'s encrypted reasoning, Claude\'s signed thinking', async () => {
    const { openai, claude, gateway, close } = await startAgentsBehindCache({ mode: 'always' });
    try {
      const responses = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: agentsKey, maxRetries: 0 }).responses;
      const codexTurn = { model: 'gpt-5-codex', input: 'Rename foo to bar', reasoning: { effort: 'medium' }, store: false, include: ['reasoning.encrypted_content'] };
      for (const expected of ['gAAAA-mock-1', 'gAAAA-mock-2']) {
        const turn = await responses.create(codexTurn as never).withResponse();
        expect(turn.response.headers.get('x-tollgate-cache')).toBe('bypass');
        expect(turn.data.output[0]).toMatchObject({ type: 'reasoning', encrypted_content: expected });
      }
      // The same request without asking for encrypted reasoning is cached, as `always` says.
      const { include: _include, ...plain } = codexTurn;
      expect((await responses.create(plain as never).withResponse()).response.headers.get('x-tollgate-cache')).toBe('miss');
      expect((await responses.create(plain as never).withResponse()).response.headers.get('x-tollgate-cache')).toBe('hit');

      const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: agentsKey, maxRetries: 0 });
      const thinkingTurn = { model: 'sonnet', max_tokens: 2_048, thinking: { type: 'enabled', budget_tokens: 1_024 }, messages: [{ role: 'user', content: 'Why does the test fail?' }] };
      for (let turn = 0; turn < 2; turn += 1) {
        claude.enqueue({ thinking: 'Look at the parser first.', content: 'The parser drops the last token.' });
        const { data, response } = await anthropic.messages.create(thinkingTurn as never).withResponse();
        expect(response.headers.get('x-tollgate-cache')).toBe('bypass');
        expect(data.content[0]).toMatchObject({ type: 'thinking', signature: 'sig_mock' });
      }
      expect(claude.requests).toHaveLength(2);
    } finally {
      await close();
    }
  });
});
