import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockAnthropic, createMockOpenAI, type MockAnthropic, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { masterKey, startQuietServer } from './support/start-test-gateway.js';

// Claude's API takes an empty `tools`, a tool choice without tools and an assistant message with an
// empty list of tool calls; OpenAI's API (and vLLM) refuse each with a 400. A client tuned for Claude,
// failed over to an OpenAI-format model, or an Anthropic client on one, goes without them.

let claude: MockAnthropic;
let openaiAPI: MockOpenAI;
let server: RunningServer;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  claude = await createMockAnthropic({ apiKey: 'sk-ant-upstream-0123456789' });
  openaiAPI = await createMockOpenAI({ refuseUnknownFields: true });
  server = await startQuietServer({
    plugins: ['@tollgate/provider-openai', '@tollgate/provider-anthropic'],
    auth: { masterKey },
    providers: {
      claude: { type: 'anthropic', baseURL: claude.baseURL, apiKey: 'sk-ant-upstream-0123456789' },
      openai: { type: 'openai', baseURL: openaiAPI.baseURL, apiKey: 'sk-openai-upstream-0000', priceProvider: 'openai' },
    },
    routing: { retries: { maxRetries: 0 }, cooldown: false },
    models: { 'gpt-4o': { target: 'openai/gpt-4o' }, 'sonnet-then-gpt': { targets: ['claude/claude-sonnet-4-5', 'openai/gpt-4o'] } },
  });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
  await Promise.all([claude.close(), openaiAPI.close()]);
});

beforeEach(() => {
  claude.reset();
  openaiAPI.reset();
});

const overloaded = { status: 529, error: { type: 'overloaded_error', message: 'Overloaded' } } as const;

describe('tool fields without tools', () => {
  it("an Anthropic client's empty tools and tool choice: GPT-4o gets neither", async () => {
    const answer = await anthropic.messages.create({ model: 'gpt-4o', max_tokens: 100, messages: [{ role: 'user', content: 'Summarize.' }], tools: [], tool_choice: { type: 'none' } });
    expect(answer.stop_reason).toBe('end_turn');
    expect(openaiAPI.requests[0]?.body).not.toHaveProperty('tools');
    expect(openaiAPI.requests[0]?.body).not.toHaveProperty('tool_choice');
  });

  it('a chat client tuned for Claude, Claude down: GPT-4o gets no empty tools, tool choice or empty tool calls', async () => {
    claude.enqueue(overloaded);
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi.' }, { role: 'assistant', content: 'Hello.', tool_calls: [] }, { role: 'user', content: 'Summarize.' }];
    const stream = await openai.chat.completions.create({ model: 'sonnet-then-gpt', messages, tools: [], tool_choice: 'none', parallel_tool_calls: false, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).not.toBe('');
    const sent = openaiAPI.requests[0]?.body as Record<string, unknown> & { messages: Record<string, unknown>[] };
    for (const field of ['tools', 'tool_choice', 'parallel_tool_calls']) expect(sent).not.toHaveProperty(field);
    expect(sent.messages[1]).toEqual({ role: 'assistant', content: 'Hello.' });
  });

  it('a request with tools keeps its tool choice', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'Read', parameters: { type: 'object', properties: {} } } }];
    await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Read a.ts' }], tools, tool_choice: 'auto', parallel_tool_calls: false });
    expect(openaiAPI.requests[0]?.body).toMatchObject({ tools, tool_choice: 'auto', parallel_tool_calls: false });
  });
});
