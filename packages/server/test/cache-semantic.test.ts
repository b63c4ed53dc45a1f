import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisConnection } from '@tollgate/cache-redis';
import { silentLogger } from '@tollgate/core';
import { bagOfWordsEmbedding, createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { LogCapture, startLoggedServer, startQuietServer, temporaryDatabasePath } from './support/start-test-gateway.js';

// The embeddings server's vectors count words, so a question with the same words in another case and
// punctuation embeds alike (cosine 1), and one with a word changed of six does not (5/6 ≈ 0.83).

const masterKey = 'sk-semantic-master-00000001';
const teamA = 'sk-semantic-team-a-key-00001';
const teamB = 'sk-semantic-team-b-key-00001';
const embeddingsKey = 'sk-embeddings-SECRET-000000001';
const logs = new LogCapture();
let chat: MockOpenAI;
let embedder: MockOpenAI;
let server: RunningServer;

beforeAll(async () => {
  chat = await createMockOpenAI();
  embedder = await createMockOpenAI({ apiKey: embeddingsKey, embedding: bagOfWordsEmbedding });
  server = await startLoggedServer(logs, {
    plugins: [
      '@tollgate/provider-openai',
      { name: '@tollgate/pricing', options: { overrides: { 'openai/gpt-4o-mini': { input: 100, output: 200 } } } },
      {
        name: '@tollgate/cache-semantic',
        options: { embeddings: { baseURL: embedder.baseURL, apiKey: embeddingsKey, model: 'bge-small-en', dimensions: 256 }, minSimilarity: 0.95, maxBytes: 1_000_000 },
      },
    ],
    auth: { masterKey, keys: [{ key: teamA, name: 'agent-a', team: 'team-a' }, { key: teamB, name: 'agent-b', team: 'team-b' }] },
    providers: { openai: { type: 'openai', baseURL: chat.baseURL, apiKey: 'sk-upstream-000000000000' } },
    models: { 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' } },
  });
});

afterAll(async () => {
  await server?.close();
  await chat?.close();
  await embedder?.close();
});

beforeEach(() => {
  chat.reset();
  embedder.reset();
});

const client = (key: string) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
const ask = (key: string, content: string, system?: string) =>
  client(key).chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages: [...(system === undefined ? [] : [{ role: 'system' as const, content: system }]), { role: 'user', content }] }).withResponse();

describe('the semantic cache', () => {
  it('answers a question worded like one already answered from the cache, at $0, and asks the upstream for a different question', async () => {
    chat.enqueue({ content: 'Paris.' });
    const first = await ask(teamA, 'What is the capital of France?');
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(first.data.choices[0]!.message.content).toBe('Paris.');
    // The question went to the embeddings server, with its key and model.
    expect(embedder.requests).toHaveLength(1);
    expect(embedder.requests[0]!.headers.authorization).toBe(`Bearer ${embeddingsKey}`);
    expect(embedder.requests[0]!.body).toEqual({ model: 'bge-small-en', input: 'What is the capital of France?', encoding_format: 'float', dimensions: 256 });
    await sleep(20);

    const alike = await ask(teamA, 'what is the capital of france');
    expect(alike.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(alike.response.headers.get('x-tollgate-cache-similarity')).toBe('1.0000');
    expect(alike.response.headers.get('x-tollgate-cost')).toBe('0');
    expect(alike.data.choices[0]!.message.content).toBe('Paris.');
    expect(chat.requests).toHaveLength(1);

    // One word of six changed: not the same question.
    chat.enqueue({ content: 'Berlin.' });
    const other = await ask(teamA, 'What is the capital of Germany?');
    expect(other.response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(other.response.headers.get('x-tollgate-cache-similarity')).toBeNull();
    expect(other.data.choices[0]!.message.content).toBe('Berlin.');
    expect(chat.requests).toHaveLength(2);
    // An exact repeat is found by its key, without embedding it again.
    await sleep(20);
    const embedded = embedder.requests.length;
    expect((await ask(teamA, 'What is the capital of Germany?')).response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(embedder.requests).toHaveLength(embedded);
  });

  it('matches only the last question: another system prompt, another history or another team is a miss', async () => {
    chat.enqueue({ content: 'Rome.' });
    await ask(teamA, 'What is the capital of Italy?', 'Answer in one word.');
    await sleep(20);
    chat.enqueue({ content: 'The capital of Italy is Rome, since 1871.' });
    expect((await ask(teamA, 'what is the capital of italy', 'Answer at length.')).response.headers.get('x-tollgate-cache')).toBe('miss');
    chat.enqueue({ content: 'Rome.' });
    expect((await ask(teamB, 'what is the capital of italy', 'Answer in one word.')).response.headers.get('x-tollgate-cache')).toBe('miss');
    expect((await ask(teamA, 'what is the capital of italy?', 'Answer in one word.')).response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(chat.requests).toHaveLength(3);
    // A conversation whose earlier turn differs is another conversation.
    chat.enqueue({ content: 'Still Rome.' });
    const later = await client(teamA).chat.completions.create({
      model: 'gpt-4o-mini',
      temperature: 0,
      messages: [{ role: 'system', content: 'Answer in one word.' }, { role: 'user', content: 'Hello' }, { role: 'assistant', content: 'Hi.' }, { role: 'user', content: 'What is the capital of Italy?' }],
    }).withResponse();
    expect(later.response.headers.get('x-tollgate-cache')).toBe('miss');
  });

  it('stores a streamed answer once complete and replays it to a question like it, to an Anthropic client too', async () => {
    chat.enqueue({ content: 'Madrid is the capital of Spain.', stream: { chunkDelayMs: 2 } });
    const optIn = { headers: { 'x-tollgate-cache': 'use' } };
    const stream = await client(teamA).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Which city is the capital of Spain?' }] }, optIn);
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    await sleep(20);
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: teamA, maxRetries: 0 });
    const events = await anthropic.messages.create({ model: 'gpt-4o-mini', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'which city is the capital of spain' }] }, optIn);
    let text = '';
    for await (const event of events) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    expect(text).toBe(streamed);
    expect(chat.requests).toHaveLength(1);
  });

  it('goes on as a miss when the embeddings server fails, and never sends its key anywhere else', async () => {
    embedder.enqueue({ status: 500, error: { message: 'overloaded', type: 'server_error' } });
    chat.enqueue({ content: 'Lisbon.' });
    const answered = await ask(teamA, 'What is the capital of Portugal?');
    expect(answered.response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(answered.data.choices[0]!.message.content).toBe('Lisbon.');
    let warning: Record<string, unknown> | undefined;
    for (let attempt = 0; attempt < 50 && warning === undefined; attempt += 1) {
      warning = logs.lines.find((line) => line.msg === 'semantic cache: the question could not be embedded; a miss');
      if (warning === undefined) await sleep(10);
    }
    expect(warning).toBeDefined();
    expect(warning!.err).toMatchObject({ message: 'The embeddings server answered 500.' });
    expect(JSON.stringify(logs.lines)).not.toContain(embeddingsKey);
    expect(JSON.stringify(chat.requests.map((request) => request.headers))).not.toContain(embeddingsKey);
  });

  it('records each embedding call in the ledger for the request\'s key and team, priced as cache-semantic/<model>', async () => {
    const ledgered = await startQuietServer({
      plugins: [
        '@tollgate/provider-openai',
        { name: '@tollgate/ledger-sqlite', options: { path: await temporaryDatabasePath('tollgate-semantic-ledger'), flushIntervalMs: 20 } },
        { name: '@tollgate/pricing', options: { overrides: { 'openai/gpt-4o-mini': { input: 100, output: 200 }, 'cache-semantic/bge-small-en': { input: 20, output: 0 } } } },
        { name: '@tollgate/cache-semantic', options: { embeddings: { baseURL: embedder.baseURL, apiKey: embeddingsKey, model: 'bge-small-en' }, minSimilarity: 0.95 } },
      ],
      auth: { masterKey, keys: [{ key: teamA, name: 'agent-a', team: 'team-a' }] },
      providers: { openai: { type: 'openai', baseURL: chat.baseURL, apiKey: 'sk-upstream-000000000000' } },
      models: { 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' } },
    });
    try {
      const askLedgered = (content: string) => new OpenAI({ baseURL: `${ledgered.url}/v1`, apiKey: teamA, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content }] }).withResponse();
      chat.enqueue({ content: 'Oslo.' });
      const miss = await askLedgered('What is the capital of Norway?');
      await sleep(30);
      const hit = await askLedgered('what is the capital of norway');
      expect(hit.response.headers.get('x-tollgate-cache')).toBe('hit');
      expect((await askLedgered('What is the capital of Norway?')).response.headers.get('x-tollgate-cache')).toBe('hit');
      await ledgered.tollgate.gateway.engine.drain();
      await sleep(100);
      const rows = ((await fetch(`${ledgered.url}/admin/requests?limit=10`, { headers: { authorization: `Bearer ${masterKey}` } }).then((response) => response.json())) as { data: Record<string, unknown>[] }).data;
      const embeddingRows = rows.filter((row) => row.provider === 'cache-semantic');
      // The miss and the worded-otherwise hit were embedded (6 words each, at $20 a million tokens); the exact repeat was not.
      expect(embeddingRows).toHaveLength(2);
      expect(embeddingRows[1]).toMatchObject({ request_id: `${miss.response.headers.get('x-request-id')}-semantic-cache`, operation: 'embeddings', model: 'bge-small-en', key_id: 'config:agent-a', team_id: 'team-a', status: 200, prompt_tokens: 6, cost_usd: 0.00012 });
      expect(embeddingRows[0]).toMatchObject({ request_id: `${hit.response.headers.get('x-request-id')}-semantic-cache`, prompt_tokens: 6, cost_usd: 0.00012 });
      // Next to the chat rows: the miss's answer priced, the hits at $0.
      expect(rows.filter((row) => row.operation === 'chat').map((row) => row.cost_usd)).toEqual([0, 0, expect.any(Number)]);
      expect(embedder.requests).toHaveLength(2);
    } finally {
      await ledgered.close();
    }
  });

  it('with `redis`, shares answers and questions between instances (real Redis), and never answers across teams', async () => {
    const redisUrl = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const namespace = `tollgate-test-${randomUUID()}:`;
    const instance = () => startQuietServer({
      plugins: [
        '@tollgate/provider-openai',
        { name: '@tollgate/cache-semantic', options: { embeddings: { baseURL: embedder.baseURL, apiKey: embeddingsKey, model: 'bge-small-en' }, minSimilarity: 0.95, namespace, redis: { url: redisUrl } } },
      ],
      auth: { masterKey, keys: [{ key: teamA, name: 'agent-a', team: 'team-a' }, { key: teamB, name: 'agent-b', team: 'team-b' }] },
      providers: { openai: { type: 'openai', baseURL: chat.baseURL, apiKey: 'sk-upstream-000000000000' } },
      models: { 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' } },
    });
    const [first, second] = await Promise.all([instance(), instance()]);
    let stored: string[] = [];
    try {
      const askOn = (instanceServer: RunningServer, key: string, content: string) =>
        new OpenAI({ baseURL: `${instanceServer.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content }] }).withResponse();
      chat.enqueue({ content: 'Vienna.' });
      expect((await askOn(first, teamA, 'What is the capital of Austria?')).response.headers.get('x-tollgate-cache')).toBe('miss');
      await sleep(50);
      // Worded otherwise, on the other instance: its answer and question came through Redis.
      const alike = await askOn(second, teamA, 'what is the capital of austria');
      expect(alike.response.headers.get('x-tollgate-cache')).toBe('hit');
      expect(alike.response.headers.get('x-tollgate-cache-similarity')).toBe('1.0000');
      expect(alike.data.choices[0]!.message.content).toBe('Vienna.');
      expect(chat.requests).toHaveLength(1);
      // Another team asks the same on either instance: a miss.
      chat.enqueue({ content: 'Vienna, of course.' });
      expect((await askOn(second, teamB, 'What is the capital of Austria?')).response.headers.get('x-tollgate-cache')).toBe('miss');
      expect(chat.requests).toHaveLength(2);
      await sleep(50);
    } finally {
      await Promise.all([first.close(), second.close()]);
      const probe = await RedisConnection.open(redisUrl, 1_000, silentLogger);
      stored = await probe.client.keys(`${namespace}*`);
      if (stored.length > 0) await probe.client.del(stored);
      await probe.close();
    }
    // One partition's questions per team, next to the answers.
    expect(stored.filter((key) => key.endsWith(':questions'))).toHaveLength(2);
  });
});
