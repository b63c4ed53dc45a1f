import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/index.js';
import { adminClient } from './support/admin-client.js';
import { startClaudeAndGptMocks, startPricedGateway } from './support/claude-and-gpt-mocks.js';
import { LogCapture, masterKey, temporaryDatabasePath } from './support/start-test-gateway.js';

// Claude Code's Esc, a closed browser tab, an upstream that breaks off: a stream cut before the
// upstream's last usage count. The upstream bills what it generated; the gateway charges what went by
// — not nothing in the ledger, and not the whole hold in the budgets.

const { claude, gpt } = await startClaudeAndGptMocks();
const logs = new LogCapture();
let server: RunningServer;
let key: string;

const { admin, spentMicros } = adminClient(() => server, masterKey);

beforeAll(async () => {
  // `llama` and `sonnet` at $1 per million input and $2 per million output tokens.
  server = await startPricedGateway(logs, { claude, gpt }, { databasePath: await temporaryDatabasePath('tollgate-cut-streams'), flushIntervalMs: 20 });
  // The agent's key carries a tag with a budget (held and charged in the store, so read at once).
  key = (await admin('/admin/keys', { alias: 'coding-agent', tags: ['agent:coder'] })).json.key as string;
  expect((await admin('/admin/budgets', { scope: 'tag', id: 'agent:coder', limit_usd: 1, period: 'daily' })).status).toBe(200);
});

afterAll(async () => {
  await server.close();
});

/** Waits for the request's log line (written once its settlement is done). */
async function lineOf(requestId: string | null): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 100 && !logs.requestLines().some((line) => line.requestId === requestId); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  return logs.requestLine(requestId);
}

/** Runs a request (answering its id): what the agent's budget is charged for it. */
async function charged(run: () => Promise<string | null>): Promise<{ requestId: string | null; chargedMicros: number }> {
  const before = await spentMicros('tag', 'agent:coder');
  const requestId = await run();
  await lineOf(requestId);
  return { requestId, chargedMicros: (await spentMicros('tag', 'agent:coder')) - before };
}

/** Twelve words; `size` bytes each with its space. */
const words = (size: number) => Array.from({ length: 12 }, (_, index) => `${String.fromCharCode(97 + index).repeat(size - 1)} `);

describe('a stream cut before its usage', () => {
  it('an OpenAI client that leaves after three words: the prompt estimated, a token a chunk, the key charged that and not its 1,000-token hold', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    // Servers compatible with OpenAI stream a token a chunk.
    gpt.enqueue({ stream: { content: words(2), chunkDelayMs: 40 } });
    const { requestId, chargedMicros } = await charged(async () => {
      const { data: stream, response } = await client.chat.completions.create({ model: 'llama', stream: true, max_tokens: 1_000, messages: [{ role: 'user', content: 'count to twelve in letters' }] }).withResponse();
      let pieces = 0;
      for await (const chunk of stream) if ((chunk.choices[0]?.delta.content ?? '') !== '' && ++pieces === 3) break;
      return response.headers.get('x-request-id');
    });
    const line = await lineOf(requestId);
    expect(line).toMatchObject({ status: 499, errorCode: 'TOLLGATE_CLIENT_CLOSED_REQUEST', usageSource: 'estimated' });
    // OpenAI says nothing of the prompt before its last chunk: 26 bytes ÷ 4 → 7, with the chat
    // format's 4 a message and 3 a reply.
    expect(line.promptTokens).toBe(7 + 4 + 3);
    // The chunks that went by before the gateway saw the client go: three at least, never all twelve.
    const completionTokens = line.completionTokens as number;
    expect(completionTokens).toBeGreaterThanOrEqual(3);
    expect(completionTokens).toBeLessThan(12);
    expect(line.costMicros).toBe(14 + 2 * completionTokens);
    // The budget is charged the same, where it was charged the hold (14 + 2,000 µ$ and more).
    expect(chargedMicros).toBe(line.costMicros);
    // The ledger says so, and so does the lookup.
    const { data } = await client.get<{ data: Record<string, unknown> }>('/generation', { query: { id: requestId } });
    expect(data).toMatchObject({ cancelled: true, tokens_prompt: 14, tokens_completion: completionTokens, total_cost: (line.costMicros as number) / 1_000_000, usage_source: 'estimated' });
  });

  it("an Anthropic client that leaves Claude after three deltas: message_start's input tokens, the output by its text's bytes", async () => {
    const client = new Anthropic({ baseURL: server.url, apiKey: key, maxRetries: 0 });
    // 16 bytes a delta: four tokens by the text, where a delta may carry several.
    claude.enqueue({ content: words(16).join(''), usage: { input_tokens: 250 }, stream: { chunkDelayMs: 40 } });
    const { requestId, chargedMicros } = await charged(async () => {
      const { data: stream, response } = await client.messages.create({ model: 'sonnet', max_tokens: 1_000, stream: true, messages: [{ role: 'user', content: 'refactor the parser' }] }).withResponse();
      let deltas = 0;
      for await (const event of stream) if (event.type === 'content_block_delta' && ++deltas === 3) break;
      return response.headers.get('x-request-id');
    });
    const line = await lineOf(requestId);
    expect(line).toMatchObject({ status: 499, usageSource: 'estimated', promptTokens: 250 });
    const completionTokens = line.completionTokens as number;
    expect(completionTokens % 4).toBe(0);
    expect(completionTokens).toBeGreaterThanOrEqual(3 * 4);
    expect(completionTokens).toBeLessThan(12 * 4);
    expect(line.costMicros).toBe(250 + 2 * completionTokens);
    expect(chargedMicros).toBe(line.costMicros);
  });

  it("an upstream that breaks off mid-stream, translated for an OpenAI client: the text that reached it, message_start's input tokens", async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    // Claude behind an OpenAI client (decoded and translated): message_start, content_block_start,
    // ping, then five 16-byte deltas before the connection drops.
    claude.enqueue({ content: words(16).join(''), usage: { input_tokens: 90, cache_read_input_tokens: 4_000 }, stream: { failAfter: 8 } });
    let received = '';
    const { requestId, chargedMicros } = await charged(async () => {
      const { data: stream, response } = await client.chat.completions.create({ model: 'sonnet', stream: true, max_tokens: 1_000, messages: [{ role: 'user', content: 'write the migration' }] }).withResponse();
      const failure = await (async () => {
        for await (const chunk of stream) received += chunk.choices[0]?.delta.content ?? '';
      })().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      return response.headers.get('x-request-id');
    });
    expect(received).toBe(words(16).slice(0, 5).join(''));
    const line = await lineOf(requestId);
    // Translated, the client's usage chunk would come only with the end; the prompt's tokens are what
    // message_start said (90 + 4,000 read from the cache, at the input price here: no cache price set),
    // the output counted from the chunks' text.
    expect(line).toMatchObject({ status: 502, usageSource: 'estimated', promptTokens: 4_090, completionTokens: 5 * 4, costMicros: 4_090 + 2 * 5 * 4 });
    expect(chargedMicros).toBe(4_090 + 2 * 5 * 4);
  });

  it('a stream that ends is charged what the upstream counted, as before', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    gpt.enqueue({ stream: { content: words(2) }, usage: { prompt_tokens: 30, completion_tokens: 12 } });
    const { requestId, chargedMicros } = await charged(async () => {
      const { data: stream, response } = await client.chat.completions.create({ model: 'llama', stream: true, max_tokens: 1_000, messages: [{ role: 'user', content: 'count' }] }).withResponse();
      for await (const chunk of stream) void chunk;
      return response.headers.get('x-request-id');
    });
    const line = await lineOf(requestId);
    expect(line).toMatchObject({ status: 200, promptTokens: 30, completionTokens: 12, costMicros: 54 });
    expect(line).not.toHaveProperty('usageSource');
    expect(chargedMicros).toBe(54);
  });
});
