import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockAnthropic, createMockGemini, createMockOpenAI, type MockAnthropic, type MockGemini, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { LogCapture, masterKey, startLoggedServer } from './support/start-test-gateway.js';

const anthropicKey = 'sk-ant-upstream-0123456789';
const geminiKey = 'AIzaSy-upstream-0123456789';
let claude: MockAnthropic;
let gemini: MockGemini;
/** OpenAI's own API: it refuses a field it does not define, and an effort for a model that does not reason. */
let openaiAPI: MockOpenAI;
let openrouter: MockOpenAI;
let server: RunningServer;
let openai: OpenAI;
let anthropic: Anthropic;
const logs = new LogCapture();

beforeAll(async () => {
  claude = await createMockAnthropic({ apiKey: anthropicKey });
  gemini = await createMockGemini({ apiKey: geminiKey });
  openaiAPI = await createMockOpenAI({ refuseUnknownFields: true });
  openrouter = await createMockOpenAI({ flavor: 'openrouter' });
  server = await startLoggedServer(logs, {
    plugins: ['@tollgate/provider-openai', '@tollgate/provider-anthropic', '@tollgate/provider-gemini', '@tollgate/provider-openrouter'],
    auth: { masterKey },
    providers: {
      claude: { type: 'anthropic', baseURL: claude.baseURL, apiKey: anthropicKey, defaultMaxTokens: 8192 },
      google: { type: 'gemini', baseURL: gemini.baseURL, apiKey: geminiKey },
      openai: { type: 'openai', baseURL: openaiAPI.baseURL, apiKey: 'sk-openai-upstream-0000', priceProvider: 'openai' },
      openrouter: { type: 'openrouter', baseURL: openrouter.baseURL, apiKey: 'sk-or-upstream-0000' },
    },
    // No circuit breaker: tests fail Claude over on purpose, and each test's failures stand alone.
    routing: { retries: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 20 }, cooldown: false },
    models: {
      sonnet: { target: 'claude/claude-sonnet-4-5' },
      flash: { target: 'google/gemini-2.5-flash' },
      'gemini-3': { target: 'google/gemini-3-pro-preview' },
      'gpt-5': { target: 'openai/gpt-5' },
      'gpt-4o': { target: 'openai/gpt-4o' },
      'or-sonnet': { target: 'openrouter/anthropic/claude-sonnet-4.5' },
      // Claude first; Gemini 3 when Claude is down.
      'sonnet-then-gemini': { targets: ['claude/claude-sonnet-4-5', 'google/gemini-3-pro-preview'] },
      // Claude first; GPT-5 when Claude is down.
      'sonnet-then-gpt': { targets: ['claude/claude-sonnet-4-5', 'openai/gpt-5'] },
      // Gemini 3 first; Claude, or GPT-5, when Gemini is down.
      'gemini-then-sonnet': { targets: ['google/gemini-3-pro-preview', 'claude/claude-sonnet-4-5'] },
      'gemini-then-gpt': { targets: ['google/gemini-3-pro-preview', 'openai/gpt-5'] },
    },
  });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
  await Promise.all([claude.close(), gemini.close(), openaiAPI.close(), openrouter.close()]);
});

beforeEach(() => {
  claude.reset();
  gemini.reset();
  openaiAPI.reset();
  openrouter.reset();
});

const question = [{ role: 'user' as const, content: 'Why is the sky blue?' }];
/** A chat request with OpenRouter's `reasoning` object (the OpenAI SDK's types do not know it). */
const withReasoning = (model: string, reasoning: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ model, messages: question, reasoning, ...extra }) as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;

describe("OpenRouter's reasoning object, from a chat client, as each provider's own setting", () => {
  it('a budget of reasoning tokens: Claude thinks with it, Gemini 2.5 too and shows its thoughts; OpenRouter gets the object as sent', async () => {
    claude.enqueue({ thinking: 'Rayleigh scattering.', content: 'Scattering.' });
    const fromClaude = await openai.chat.completions.create(withReasoning('sonnet', { max_tokens: 4000 }, { max_tokens: 8000 }));
    expect(claude.requests[0]?.body).toMatchObject({ max_tokens: 8000, thinking: { type: 'enabled', budget_tokens: 4000 } });
    expect(claude.requests[0]?.body).not.toHaveProperty('reasoning');
    expect((fromClaude.choices[0]?.message as { reasoning_content?: string }).reasoning_content).toBe('Rayleigh scattering.');
    // No output limit of the client's: Claude's max_tokens must exceed the budget, so the default comes on top of it.
    await openai.chat.completions.create(withReasoning('sonnet', { max_tokens: 10_000 }));
    expect(claude.requests[1]?.body).toMatchObject({ max_tokens: 18_192, thinking: { type: 'enabled', budget_tokens: 10_000 } });

    gemini.enqueue({ thought: 'Shorter wavelengths scatter more.', content: 'Scattering.' });
    const fromGemini = await openai.chat.completions.create(withReasoning('flash', { max_tokens: 4000 }));
    expect(gemini.requests[0]?.body.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 4000, includeThoughts: true } });
    expect((fromGemini.choices[0]?.message as { reasoning_content?: string }).reasoning_content).toBe('Shorter wavelengths scatter more.');

    await openai.chat.completions.create(withReasoning('or-sonnet', { max_tokens: 4000 }));
    expect(openrouter.requests[0]?.body.reasoning).toEqual({ max_tokens: 4000 });
  });

  it("an effort: OpenAI's reasoning model gets it as reasoning_effort, a model that does not reason nothing, where OpenAI's API refused the object", async () => {
    const fromGpt5 = await openai.chat.completions.create(withReasoning('gpt-5', { effort: 'high' }));
    expect(fromGpt5.choices[0]?.message.content).toMatch(/^Mock answer/);
    expect(openaiAPI.requests[0]?.body).toMatchObject({ model: 'gpt-5', reasoning_effort: 'high' });
    expect(openaiAPI.requests[0]?.body).not.toHaveProperty('reasoning');

    // Streamed too, the client's bytes otherwise as sent; the client's own reasoning_effort wins.
    const stream = await openai.chat.completions.create({ ...withReasoning('gpt-5', { effort: 'low' }, { reasoning_effort: 'medium' }), stream: true } as unknown as OpenAI.ChatCompletionCreateParamsStreaming);
    for await (const chunk of stream) void chunk;
    expect(openaiAPI.requests[1]?.body).toMatchObject({ reasoning_effort: 'medium', stream_options: { include_usage: true } });
    expect(openaiAPI.requests[1]?.body).not.toHaveProperty('reasoning');

    const fromGpt4o = await openai.chat.completions.create(withReasoning('gpt-4o', { effort: 'high' }));
    expect(fromGpt4o.choices[0]?.message.content).toMatch(/^Mock answer/);
    expect(openaiAPI.requests[2]?.body).not.toHaveProperty('reasoning');
    expect(openaiAPI.requests[2]?.body).not.toHaveProperty('reasoning_effort');

    // Claude takes an effort as its own (xhigh included); Gemini 3 as its level.
    await openai.chat.completions.create(withReasoning('sonnet', { effort: 'xhigh' }));
    expect(claude.requests[0]?.body.output_config).toEqual({ effort: 'xhigh' });
    await openai.chat.completions.create(withReasoning('gemini-3', { effort: 'low' }));
    expect(gemini.requests[0]?.body.generationConfig).toEqual({ thinkingConfig: { thinkingLevel: 'low', includeThoughts: true } });
  });

  it('a forced tool wins over a thinking budget on Claude, which refuses the two together: thinking off', async () => {
    const lookup = { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } };
    claude.enqueue({ content: '', toolUses: [{ name: 'lookup', input: { q: 'sky' } }] });
    const forced = await openai.chat.completions.create(withReasoning('sonnet', { max_tokens: 2048 }, { tools: [lookup], tool_choice: 'required' }));
    expect(forced.choices[0]?.finish_reason).toBe('tool_calls');
    expect(claude.requests[0]?.body).toMatchObject({ tool_choice: { type: 'any' }, thinking: { type: 'disabled' } });
  });

  it('reasoning left out of the answer, and reasoning off', async () => {
    await openai.chat.completions.create(withReasoning('sonnet', { max_tokens: 2048, exclude: true }));
    expect(claude.requests[0]?.body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048, display: 'omitted' });
    gemini.enqueue({ thought: 'hidden', content: 'Scattering.' });
    const excluded = await openai.chat.completions.create(withReasoning('flash', { max_tokens: 2048, exclude: true }));
    expect(gemini.requests[0]?.body.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 2048 } });
    expect(excluded.choices[0]?.message).not.toHaveProperty('reasoning_content');

    await openai.chat.completions.create(withReasoning('sonnet', { enabled: false }));
    expect(claude.requests[1]?.body.thinking).toEqual({ type: 'disabled' });
    // A budget under Claude's least (1,024), raised to it, as OpenRouter does.
    await openai.chat.completions.create(withReasoning('sonnet', { max_tokens: 500 }));
    expect(claude.requests[2]?.body.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    await openai.chat.completions.create(withReasoning('flash', { effort: 'none' }));
    expect(gemini.requests[1]?.body.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 0 } });
  });
});

describe("Claude Code's thinking, on models other than Claude", () => {
  it("a thinking budget: Gemini's thinking budget (within the model's largest), OpenRouter's reasoning; an OpenAI model that does not reason is sent none", async () => {
    const turn = { max_tokens: 40_000, thinking: { type: 'enabled' as const, budget_tokens: 31_999 }, messages: question };
    gemini.enqueue({ thought: 'Scattering again.', content: 'Scattering.' });
    // Claude Code streams a turn this long (the SDK refuses to wait for it whole).
    await anthropic.messages.stream({ model: 'flash', ...turn }).finalMessage();
    expect(gemini.requests[0]?.path).toMatch(/:streamGenerateContent/);
    expect(gemini.requests[0]?.body.generationConfig).toEqual({ maxOutputTokens: 40_000, thinkingConfig: { thinkingBudget: 24_576, includeThoughts: true } });

    await anthropic.messages.stream({ model: 'or-sonnet', ...turn }).finalMessage();
    expect(openrouter.requests[0]?.body).toMatchObject({ max_tokens: 40_000, reasoning: { max_tokens: 31_999 } });

    const fromGpt4o = await anthropic.messages.stream({ model: 'gpt-4o', ...turn }).finalMessage();
    expect(fromGpt4o.content[0]).toMatchObject({ type: 'text' });
    expect(openaiAPI.requests[0]?.body).not.toHaveProperty('reasoning');
  });
});

describe("Codex's reasoning summaries, on models other than OpenAI's", () => {
  it('a request for summaries asks Gemini for its thought summaries, which come back as the reasoning item; without one, none are asked for', async () => {
    gemini.enqueue({ thought: 'List the files first.', content: 'Done.' });
    const withSummary = await openai.responses.create({ model: 'flash', store: false, reasoning: { effort: 'medium', summary: 'auto' }, input: 'List the files.' });
    expect(gemini.requests[0]?.body.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } });
    expect(withSummary.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'List the files first.' }] });

    gemini.enqueue({ thought: 'List the files first.', content: 'Done.' });
    const without = await openai.responses.create({ model: 'flash', store: false, reasoning: { effort: 'medium' }, input: 'List the files.' });
    expect(gemini.requests[1]?.body.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 8192 } });
    expect(without.output.map((item) => item.type)).toEqual(['message']);
  });
});

describe('Gemini 3 and thought signatures', () => {
  const readTool = { name: 'Read', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } } } };

  it("carries Gemini 3's signed calls through Claude Code's tool loop, streamed", async () => {
    gemini.enqueue({ content: '', functionCalls: [{ name: 'Read', args: { path: 'a.ts' } }, { name: 'Read', args: { path: 'b.ts' } }] });
    const first = await anthropic.messages.stream({ model: 'gemini-3', max_tokens: 4096, tools: [readTool], messages: question }).finalMessage();
    const uses = first.content.filter((block) => block.type === 'tool_use');
    expect(uses).toHaveLength(2);

    gemini.enqueue({ content: 'Both files read.' });
    const second = await anthropic.messages.create({
      model: 'gemini-3',
      max_tokens: 4096,
      tools: [readTool],
      messages: [...question, { role: 'assistant', content: first.content }, { role: 'user', content: uses.map((use) => ({ type: 'tool_result' as const, tool_use_id: use.id, content: 'export {}' })) }],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'Both files read.' }]);
    const calls = gemini.requests[1]!.body.contents[1].parts;
    // The first call signed as Gemini signed it; the parallel one, as Gemini sent it, without.
    expect(calls[0].thoughtSignature).toEqual(expect.any(String));
    expect(calls[0].thoughtSignature).not.toBe('skip_thought_signature_validator');
    expect(calls[1]).not.toHaveProperty('thoughtSignature');
  });

  it("goes on with a tool loop Claude began when Claude fails over to Gemini 3: Claude's calls carry the signature Google documents for them", async () => {
    claude.enqueue({ content: '', toolUses: [{ name: 'Read', input: { path: 'a.ts' }, id: 'toolu_01' }] });
    const first = await anthropic.messages.create({ model: 'sonnet-then-gemini', max_tokens: 4096, tools: [readTool], messages: question });
    expect(first.content).toEqual([{ type: 'tool_use', id: 'toolu_01', name: 'Read', input: { path: 'a.ts' } }]);

    // Claude is overloaded (tried twice): the turn goes on on Gemini 3.
    claude.enqueue({ status: 529, error: { type: 'overloaded_error', message: 'Overloaded' } });
    claude.enqueue({ status: 529, error: { type: 'overloaded_error', message: 'Overloaded' } });
    gemini.enqueue({ content: 'a.ts exports nothing.' });
    const second = await anthropic.messages.create({
      model: 'sonnet-then-gemini',
      max_tokens: 4096,
      tools: [readTool],
      messages: [...question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'export {}' }] }],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'a.ts exports nothing.' }]);
    expect(gemini.requests).toHaveLength(1);
    expect(gemini.requests[0]!.body.contents[1].parts).toEqual([{ functionCall: { id: 'toolu_01', name: 'Read', args: { path: 'a.ts' } }, thoughtSignature: 'skip_thought_signature_validator' }]);
  });
});

describe("Claude's thinking and a tool loop another model stepped in", () => {
  const bashTool = { name: 'Bash', input_schema: { type: 'object' as const, properties: { command: { type: 'string' } } } };
  const turn = { model: 'sonnet-then-gpt', max_tokens: 8192, thinking: { type: 'enabled' as const, budget_tokens: 2048 }, tools: [bashTool] };

  it("sends Claude the step GPT made with thinking off (Claude refuses it with thinking on), and Claude's own steps as Claude Code sent them", async () => {
    // Claude is overloaded: GPT-5 makes the loop's first step, a tool call, without Claude's thinking.
    claude.enqueue({ status: 529, error: { type: 'overloaded_error', message: 'Overloaded' } });
    claude.enqueue({ status: 529, error: { type: 'overloaded_error', message: 'Overloaded' } });
    openaiAPI.enqueue({ toolCalls: [{ name: 'Bash', arguments: '{"command":"ls"}', id: 'call_ls' }] });
    const first = await anthropic.messages.create({ ...turn, messages: question });
    expect(first.content).toEqual([{ type: 'tool_use', id: 'call_ls', name: 'Bash', input: { command: 'ls' } }]);

    // Claude is back for the next step: thinking off for it, the rest of Claude Code's bytes as sent.
    claude.enqueue({ content: '', toolUses: [{ name: 'Bash', input: { command: 'cat README.md' }, id: 'toolu_cat' }] });
    const loop = [...question, { role: 'assistant' as const, content: first.content }, { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 'call_ls', content: 'README.md' }] }];
    const second = await anthropic.messages.create({ ...turn, messages: loop });
    expect(second.stop_reason).toBe('tool_use');
    expect(claude.requests.at(-1)?.body).toEqual({ ...turn, model: 'claude-sonnet-4-5', thinking: { type: 'disabled' }, messages: loop });
    // Adaptive thinking (Claude Code's on the newest models) likewise.
    claude.enqueue({ content: 'Done.' });
    await anthropic.messages.create({ ...turn, thinking: { type: 'adaptive' }, messages: loop } as never);
    expect(claude.requests.at(-1)?.body).toMatchObject({ thinking: { type: 'disabled' } });

    // A step Claude made thinking (its signed block first) goes with thinking on, as sent.
    claude.enqueue({ thinking: 'Read it.', content: '', toolUses: [{ name: 'Bash', input: { command: 'wc README.md' }, id: 'toolu_wc' }] });
    const fresh = [{ role: 'user' as const, content: 'Count the lines of README.md.' }];
    const thought = await anthropic.messages.create({ ...turn, model: 'sonnet', messages: fresh });
    expect(thought.content[0]).toMatchObject({ type: 'thinking', signature: expect.any(String) });
    claude.enqueue({ thinking: 'Done.', content: '12 lines.' });
    const ownLoop = [...fresh, { role: 'assistant' as const, content: thought.content }, { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 'toolu_wc', content: '12' }] }];
    await anthropic.messages.create({ ...turn, model: 'sonnet', messages: ownLoop });
    expect(claude.requests.at(-1)?.body).toEqual({ ...turn, model: 'claude-sonnet-4-5', messages: JSON.parse(JSON.stringify(ownLoop)) });
  });
});

describe("Tool call ids another model made, as each upstream takes them", () => {
  const overloaded = { error: { status: 'UNAVAILABLE', message: 'The model is overloaded. Please try again later.' } };

  it("Claude Code's loop Gemini 3 began goes on on Claude: Gemini's signed ids (base64, which Claude's id pattern refuses) sent fitted, paired", async () => {
    const readTool = { name: 'Read', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } } } };
    gemini.enqueue({ content: '', functionCalls: [{ name: 'Read', args: { path: 'a.ts' } }] });
    const first = await anthropic.messages.create({ model: 'gemini-then-sonnet', max_tokens: 4096, tools: [readTool], messages: question });
    const use = first.content.find((block) => block.type === 'tool_use')!;
    expect(use.id).toMatch(/__thought__.*[+/=]/);

    gemini.enqueue(overloaded);
    gemini.enqueue(overloaded);
    claude.enqueue({ content: 'a.ts exports nothing.' });
    const loop = [...question, { role: 'assistant' as const, content: first.content }, { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: use.id, content: 'export {}' }] }];
    const second = await anthropic.messages.create({ model: 'gemini-then-sonnet', max_tokens: 4096, tools: [readTool], messages: loop });
    expect(second.content).toEqual([{ type: 'text', text: 'a.ts exports nothing.' }]);
    const sent = claude.requests.at(-1)!.body.messages;
    const sentUse = sent[1].content.find((block: { type: string }) => block.type === 'tool_use');
    expect(sentUse.id).toMatch(/^call_[A-Za-z0-9_-]{32}$/);
    expect(sent[2].content[0].tool_use_id).toBe(sentUse.id);
    // The rest of Claude Code's turn as it sent it.
    expect(sentUse.input).toEqual({ path: 'a.ts' });
  });

  it("a chat client's loop Gemini 3 began goes on on GPT-5: Gemini's signed ids, past OpenAI's 40 characters, sent shortened, paired", async () => {
    const bash = { type: 'function' as const, function: { name: 'bash', parameters: { type: 'object' } } };
    gemini.enqueue({ content: '', functionCalls: [{ name: 'bash', args: { command: 'ls' } }, { name: 'bash', args: { command: 'pwd' } }] });
    const first = await openai.chat.completions.create({ model: 'gemini-then-gpt', tools: [bash], messages: question });
    const message = first.choices[0]!.message;
    expect(message.tool_calls![0]!.id.length).toBeGreaterThan(40);

    gemini.enqueue(overloaded);
    gemini.enqueue(overloaded);
    const second = await openai.chat.completions.create({
      model: 'gemini-then-gpt',
      tools: [bash],
      messages: [...question, message, ...message.tool_calls!.map((call) => ({ role: 'tool' as const, tool_call_id: call.id, content: 'README.md' }))],
    });
    expect(second.choices[0]?.message.content).toMatch(/^Mock answer/);
    const sent = openaiAPI.requests.at(-1)!.body.messages;
    const ids = sent[1].tool_calls.map((call: { id: string }) => call.id);
    expect(ids[0]).toMatch(/^call_[A-Za-z0-9_-]{32}$/);
    // Gemini's second call was not signed: its id fits, and goes as it came.
    expect(ids[1]).toBe(message.tool_calls![1]!.id);
    expect([sent[2].tool_call_id, sent[3].tool_call_id]).toEqual(ids);
  });
});
