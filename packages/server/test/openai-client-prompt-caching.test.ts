import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/index.js';
import { startClaudeAndGptMocks, startPricedGateway } from './support/claude-and-gpt-mocks.js';
import { LogCapture, masterKey, temporaryDatabasePath } from './support/start-test-gateway.js';

// An agent on the OpenAI SDK calling Claude through the gateway marks what Claude should cache as
// OpenRouter and LiteLLM take it: `cache_control` on content parts, messages, tools, or the request.
// Dropped in translation, every turn of a long agent loop pays its whole prompt again (a cache read
// costs a tenth of an input token); carried, Claude caches it and the answer says what was read.

const { claude, gpt } = await startClaudeAndGptMocks();
const logs = new LogCapture();
let server: RunningServer;

beforeAll(async () => {
  server = await startPricedGateway(logs, { claude, gpt }, {
    databasePath: await temporaryDatabasePath('tollgate-prompt-caching'),
    flushIntervalMs: 20,
    // Automatic caching for clients that mark nothing (LiteLLM's cache_control_injection_points).
    models: { 'sonnet-auto': { target: { target: 'claude/claude-sonnet-4-5', params: { cache_control: { type: 'ephemeral' } } } } },
  });
});

afterAll(async () => {
  await server.close();
});

const ephemeral = { type: 'ephemeral' } as const;
const hour = { type: 'ephemeral', ttl: '1h' } as const;

describe('prompt caching marks from an OpenAI client to Claude', () => {
  it('go on the Messages API blocks they were set on: system parts, a tool, a tool result, a user message', async () => {
    claude.enqueue({ usage: { input_tokens: 12, output_tokens: 5, cache_read_input_tokens: 4_000 } });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    const answer = await client.chat.completions.create({
      model: 'sonnet',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are the repository agent.' }, { type: 'text', text: 'The whole style guide…', cache_control: hour }] },
        { role: 'user', content: 'find the flaky test' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'grep', arguments: '{"pattern":"flaky"}' } }] },
        // OpenRouter moves a part's mark on a tool result to the tool_result block.
        { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'test/a.test.ts:12', cache_control: ephemeral }] },
        { role: 'user', content: 'fix it', cache_control: ephemeral },
      ],
      tools: [{ type: 'function', function: { name: 'grep', parameters: { type: 'object', properties: { pattern: { type: 'string' } } } }, cache_control: ephemeral }],
    } as never);
    const sent = claude.requests[0]!.body as Record<string, any>;
    expect(sent.system).toEqual([{ type: 'text', text: 'You are the repository agent.' }, { type: 'text', text: 'The whole style guide…', cache_control: hour }]);
    expect(sent.tools).toEqual([expect.objectContaining({ name: 'grep', cache_control: ephemeral })]);
    expect(sent.messages.at(-1)).toEqual({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'test/a.test.ts:12', cache_control: ephemeral }, { type: 'text', text: 'fix it', cache_control: ephemeral }],
    });
    // What Claude read from its cache comes back as OpenAI's cached tokens.
    expect((answer as OpenAI.ChatCompletion).usage?.prompt_tokens_details?.cached_tokens).toBe(4_000);
  });

  it('come from a Responses client too (on input_text parts, items and tools), as LiteLLM users asked of its bridge', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    await client.responses.create({
      model: 'sonnet',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'The whole style guide…', cache_control: hour }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'lint this file' }], cache_control: ephemeral },
      ],
      tools: [{ type: 'function', name: 'lint', parameters: { type: 'object', properties: {} }, strict: false, cache_control: ephemeral }],
    } as never);
    const sent = claude.requests[0]!.body as Record<string, any>;
    expect(sent.system).toEqual([{ type: 'text', text: 'The whole style guide…', cache_control: hour }]);
    expect(sent.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'lint this file', cache_control: ephemeral }] }]);
    expect(sent.tools).toEqual([expect.objectContaining({ name: 'lint', cache_control: ephemeral })]);
  });

  it("takes the request's own mark (OpenRouter's automatic caching) to the conversation's last block, and leaves an unmarked request as it was", async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    await client.chat.completions.create({ model: 'sonnet', cache_control: ephemeral, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hello' }] } as never);
    await client.chat.completions.create({ model: 'sonnet', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hello' }] });
    const [automatic, plain] = claude.requests.map((request) => request.body as Record<string, any>);
    expect(automatic!.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hello', cache_control: ephemeral }] }]);
    expect(automatic!.system).toBe('Be brief.');
    expect(automatic).not.toHaveProperty('cache_control');
    expect(plain!.messages).toEqual([{ role: 'user', content: 'hello' }]);
    expect(plain!.system).toBe('Be brief.');
  });

  it("a target's params turn on automatic caching for clients that mark nothing, and leave Claude Code's own marks as it placed them", async () => {
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    await openai.chat.completions.create({ model: 'sonnet-auto', messages: [{ role: 'system', content: 'You review code.' }, { role: 'user', content: 'review this diff' }] });
    expect((claude.requests[0]!.body as Record<string, any>).messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'review this diff', cache_control: ephemeral }] }]);

    const anthropic = new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });
    // An Anthropic client that marks nothing: its body as sent, its last block marked (on the block:
    // Bedrock's InvokeModel refuses the Messages API's top-level mark).
    await anthropic.messages.create({ model: 'sonnet-auto', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
    expect(claude.requests[1]!.body).toEqual({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: [{ type: 'text', text: 'hello', cache_control: ephemeral }] }] });
    // Claude Code, which places its own: its bytes as sent, passed through.
    const marked = { model: 'sonnet-auto', max_tokens: 100, system: [{ type: 'text' as const, text: 'You are Claude Code.', cache_control: ephemeral }], messages: [{ role: 'user' as const, content: 'hello' }] };
    await anthropic.messages.create(marked);
    expect(claude.requests[2]!.body).toEqual({ ...marked, model: 'claude-sonnet-4-5' });

    // A client that already placed the four marks Anthropic takes gets no fifth (Anthropic would refuse the request).
    const part = (text: string) => ({ type: 'text' as const, text, cache_control: ephemeral });
    await openai.chat.completions.create({ model: 'sonnet-auto', messages: [{ role: 'system', content: [part('a'), part('b')] }, { role: 'user', content: [part('c'), part('d'), { type: 'text', text: 'e' }] }] } as never);
    expect(JSON.stringify(claude.requests[3]!.body).match(/cache_control/g)).toHaveLength(4);
    expect((claude.requests[3]!.body as Record<string, any>).messages[0].content.at(-1)).toEqual({ type: 'text', text: 'e' });
  });
});
