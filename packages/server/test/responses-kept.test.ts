import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/index.js';
import { anthropicKey, startClaudeAndGptMocks } from './support/claude-and-gpt-mocks.js';
import type { ErrorBody } from './support/error-body.js';
import { masterKey, startQuietServer, temporaryDatabasePath } from './support/start-test-gateway.js';

// The Responses API's own conversation state, on any model: an app (the OpenAI Agents SDK, a
// `client.responses` caller) that continues by `previous_response_id` instead of resending the
// conversation gets it from the gateway, which keeps each turn it answers in its SQLite file.

const { claude, gpt } = await startClaudeAndGptMocks();
const aliceKey = 'sk-kept-responses-alice-0001';
const bobKey = 'sk-kept-responses-bob-00001';
let server: RunningServer;

beforeAll(async () => {
  server = await startQuietServer({
    plugins: [{ name: '@tollgate/ledger-sqlite', options: { path: await temporaryDatabasePath('tollgate-kept-responses'), flushIntervalMs: 20 } }, '@tollgate/provider-openai', '@tollgate/provider-anthropic'],
    auth: { masterKey, keys: [{ key: aliceKey, name: 'alice' }, { key: bobKey, name: 'bob' }] },
    providers: {
      claude: { type: 'anthropic', baseURL: claude.baseURL, apiKey: anthropicKey, defaultMaxTokens: 1024 },
      // OpenAI's own API, which serves the Responses API: its answers pass through as bytes.
      openai: { type: 'openai', baseURL: gpt.baseURL, apiKey: 'sk-openai-upstream-000000', priceProvider: 'openai' },
    },
    models: { sonnet: { target: 'claude/claude-sonnet-4-5' }, 'gpt-5': { target: 'openai/gpt-5' } },
  });
});

afterAll(async () => {
  await server?.close();
});

const clientOf = (key: string) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
const texts = (messages: unknown) => (messages as { role: string; content: string | { text?: string }[] }[]).map((message) => `${message.role}: ${typeof message.content === 'string' ? message.content : message.content.map((block) => block.text ?? '').join('')}`);

describe('responses kept by the gateway (previous_response_id on any model)', () => {
  it('continues a conversation on Claude by previous_response_id, whole and streamed, and serves the kept responses', async () => {
    const alice = clientOf(aliceKey);
    claude.enqueue({ content: 'Nice to meet you, Ada.' }, { content: 'Your name is Ada.' }, { content: 'You asked my name twice.' }, { content: 'Three turns.' });
    const first = await alice.responses.create({ model: 'sonnet', instructions: 'Be brief.', input: 'My name is Ada.' });
    expect(first).toMatchObject({ store: true, previous_response_id: null });

    const second = await alice.responses.create({ model: 'sonnet', previous_response_id: first.id, input: 'What is my name?' });
    expect(second.output_text).toBe('Your name is Ada.');
    expect(second.previous_response_id).toBe(first.id);
    // Claude got the whole conversation; the first turn's instructions are not carried over (as OpenAI does).
    expect(claude.requests[1]!.body.system).toBeUndefined();
    expect(texts(claude.requests[1]!.body.messages)).toEqual(['user: My name is Ada.', 'assistant: Nice to meet you, Ada.', 'user: What is my name?']);

    // A streamed turn is kept as its stream ends.
    const stream = await alice.responses.create({ model: 'sonnet', previous_response_id: second.id, input: [{ role: 'user', content: 'What did I ask?' }], stream: true });
    let third: OpenAI.Responses.Response | undefined;
    for await (const event of stream) if (event.type === 'response.completed') third = event.response;
    expect(third).toMatchObject({ store: true, previous_response_id: second.id });
    const fourth = await alice.responses.create({ model: 'sonnet', previous_response_id: third!.id, input: 'How many turns?' });
    expect(fourth.output_text).toBe('Three turns.');
    expect(texts(claude.requests[3]!.body.messages)).toEqual([
      'user: My name is Ada.', 'assistant: Nice to meet you, Ada.', 'user: What is my name?', 'assistant: Your name is Ada.',
      'user: What did I ask?', 'assistant: You asked my name twice.', 'user: How many turns?',
    ]);

    // The items the fourth turn was made from, newest first, a page at a time.
    const items = [];
    for await (const item of alice.responses.inputItems.list(fourth.id, { limit: 3 })) items.push(item);
    expect(items.map((item) => (item.type === 'message' ? `${item.role}: ${item.content.map((part) => ('text' in part ? part.text : '')).join('')}` : item.type))).toEqual([
      'user: How many turns?', 'assistant: You asked my name twice.', 'user: What did I ask?', 'assistant: Your name is Ada.',
      'user: What is my name?', 'assistant: Nice to meet you, Ada.', 'user: My name is Ada.',
    ]);
    expect(new Set(items.map((item) => item.id)).size).toBe(7);
    await expect(clientOf(bobKey).responses.inputItems.list(fourth.id)).rejects.toMatchObject({ status: 404 });

    // Read back as OpenAI serves its own; another key sees none of them.
    expect(await alice.responses.retrieve(second.id)).toMatchObject({ id: second.id, output: second.output, previous_response_id: first.id });
    const bob = clientOf(bobKey);
    await expect(bob.responses.retrieve(second.id)).rejects.toMatchObject({ status: 404, error: { code: 'response_not_found' } });
    const bobs = await fetch(`${server.url}/v1/responses`, { method: 'POST', headers: { authorization: `Bearer ${bobKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'sonnet', previous_response_id: second.id, input: 'What is her name?' }) });
    expect(bobs.status).toBe(400);
    expect(((await bobs.json()) as ErrorBody).error).toMatchObject({ param: 'previous_response_id' });
    expect(claude.requests).toHaveLength(4);

    // Deleted, it is gone.
    expect(await alice.responses.delete(first.id)).toEqual({ id: first.id, object: 'response', deleted: true });
    await expect(alice.responses.retrieve(first.id)).rejects.toMatchObject({ status: 404 });
    const deleted = await fetch(`${server.url}/v1/responses/${first.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${aliceKey}` } });
    expect(deleted.status).toBe(404);
  });

  it('keeps nothing with store: false, and keeps OpenAI\'s own answers, whole and streamed, so the conversation may move to Claude', async () => {
    const alice = clientOf(aliceKey);
    claude.enqueue({ content: 'Forgotten.' }, { content: 'Blue, you said.' });
    const unkept = await alice.responses.create({ model: 'sonnet', input: 'A secret.', store: false });
    expect(unkept).toMatchObject({ store: false });
    await expect(alice.responses.retrieve(unkept.id)).rejects.toMatchObject({ status: 404 });

    // OpenAI answers (its bytes as they came); Claude continues from them.
    const fromOpenAI = await alice.responses.create({ model: 'gpt-5', input: 'My favourite colour is blue.' });
    const onClaude = await alice.responses.create({ model: 'sonnet', previous_response_id: fromOpenAI.id, input: 'Which colour?' });
    expect(onClaude.output_text).toBe('Blue, you said.');
    const messages = texts(claude.requests[1]!.body.messages);
    expect(messages[0]).toBe('user: My favourite colour is blue.');
    expect(messages[1]).toMatch(/^assistant: .+/);
    expect(messages[2]).toBe('user: Which colour?');
    // What OpenAI got was the client's request as sent (no previous turn to add).
    expect(gpt.requests[0]!.body).toMatchObject({ model: 'gpt-5', input: 'My favourite colour is blue.' });

    // Streamed from OpenAI too: its final response is kept as it passes.
    claude.enqueue({ content: 'Green, this time.' });
    const stream = await alice.responses.create({ model: 'gpt-5', input: 'Now it is green.', stream: true });
    let streamed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) if (event.type === 'response.completed') streamed = event.response;
    await alice.responses.create({ model: 'sonnet', previous_response_id: streamed!.id, input: 'And now?' });
    const streamedTurn = texts(claude.requests[2]!.body.messages);
    expect(streamedTurn[0]).toBe('user: Now it is green.');
    expect(streamedTurn[1]).toMatch(/^assistant: .+/);
    expect(streamedTurn[2]).toBe('user: And now?');
  });
});
