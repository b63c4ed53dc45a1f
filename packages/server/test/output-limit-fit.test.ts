import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockAnthropic, createMockBedrock, createMockOpenAI, type MockAnthropic, type MockBedrock, type MockOpenAI } from '@tollgate/testkit';
import { createLogger, startServer, type RunningServer } from '../src/index.js';
import { LogCapture, masterKey, serverPackageDirectory, testAwsCredentials } from './support/start-test-gateway.js';

// Claude Code asks every model for 32,000 tokens of output (64,000 with CLAUDE_CODE_MAX_OUTPUT_TOKENS),
// and agents tuned for one model carry its limit to the next: GPT-4o gives at most 16,384, Claude Opus
// 4.1 32,000, and a self-hosted server only what its context window leaves past the prompt. Each
// refuses a larger limit with a 400 that says what it would take; the gateway sends the request again,
// once, with that.

const anthropicKey = 'sk-ant-upstream-0123456789';
let bedrock: MockBedrock;
let openaiAPI: MockOpenAI;
let vllm: MockOpenAI;
let claude: MockAnthropic;
let server: RunningServer;
let openai: OpenAI;
let anthropic: Anthropic;
const logs = new LogCapture();

beforeAll(async () => {
  openaiAPI = await createMockOpenAI({ refuseUnknownFields: true, maxOutputTokens: (model) => (model === 'gpt-4o' ? 16_384 : undefined) });
  // A vLLM server whose model holds 4,000 tokens (the mock's tokens: words).
  vllm = await createMockOpenAI({ contextLength: (model) => (model === 'qwen3-coder' ? 4_000 : undefined) });
  claude = await createMockAnthropic({ apiKey: anthropicKey, maxOutputTokens: (model) => (model === 'claude-opus-4-1' ? 32_000 : undefined), contextWindow: (model) => (model === 'claude-haiku-4-5' ? 6_000 : undefined) });
  // Claude 3.5 Haiku on Bedrock gives at most 4,096 tokens through Converse.
  bedrock = await createMockBedrock({ region: 'us-west-2', credentials: testAwsCredentials, maxOutputTokens: (model) => (model.includes('claude-3-5-haiku') ? 4_096 : undefined) });
  server = await startServer({ cwd: serverPackageDirectory, port: 0, logger: createLogger({ level: 'info', destination: logs }), config: {
    plugins: ['@tollgate/provider-openai', '@tollgate/provider-anthropic', '@tollgate/provider-bedrock'],
    auth: { masterKey },
    providers: {
      openai: { type: 'openai', baseURL: openaiAPI.baseURL, apiKey: 'sk-openai-upstream-0000', priceProvider: 'openai' },
      vllm: { type: 'openai', baseURL: vllm.baseURL },
      claude: { type: 'anthropic', baseURL: claude.baseURL, apiKey: anthropicKey },
      aws: { type: 'bedrock', region: 'us-west-2', baseURL: bedrock.baseURL, credentials: testAwsCredentials, messagesAPI: false },
    },
    routing: { retries: { maxRetries: 0 }, cooldown: false },
    models: {
      'gpt-4o': { target: 'openai/gpt-4o' },
      local: { target: 'vllm/qwen3-coder' },
      // DeepSeek's API is OpenAI-format; the mock stands for it here.
      deepseek: { target: 'vllm/deepseek-chat' },
      opus: { target: 'claude/claude-opus-4-1' },
      haiku: { target: 'claude/claude-haiku-4-5' },
      'bedrock-haiku': { target: 'aws/anthropic.claude-3-5-haiku-20241022-v1:0' },
    },
  } });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
  await Promise.all([openaiAPI.close(), vllm.close(), claude.close(), bedrock.close()]);
});

beforeEach(() => {
  openaiAPI.reset();
  vllm.reset();
  claude.reset();
  bedrock.reset();
});

/** The Anthropic SDK wants a stream for a large `max_tokens`, unless told how long to wait. */
const longAnswer = { timeout: 60_000 };
const words = (count: number) => Array.from({ length: count }, (_, index) => `word${index % 100}`).join(' ');
const limitsSent = (mock: MockOpenAI | MockAnthropic) => mock.requests.map((request) => (request.body as { max_tokens?: number; max_completion_tokens?: number }).max_completion_tokens ?? (request.body as { max_tokens?: number }).max_tokens);

describe('an output limit the model cannot give', () => {
  it("Claude Code's 32,000 on GPT-4o: sent again with the 16,384 GPT-4o said it gives", async () => {
    openaiAPI.enqueue({ content: 'It exports nothing.' });
    const { data: answer, response } = await anthropic.messages.create({ model: 'gpt-4o', max_tokens: 32_000, messages: [{ role: 'user', content: 'What does a.ts export?' }] }, longAnswer).withResponse();
    expect(answer.content[0]).toMatchObject({ type: 'text', text: 'It exports nothing.' });
    expect(limitsSent(openaiAPI)).toEqual([32_000, 16_384]);
    expect(response.headers.get('x-tollgate-attempts')).toBe('2');
    expect(logs.lines.find((line) => line.msg === 'output limit lowered to what the model takes' && line.target === 'openai/gpt-4o')).toMatchObject({ max_tokens: 16_384 });
  });

  it("a self-hosted server: what its context window leaves past the prompt, streamed (Claude Code's way)", async () => {
    const stream = anthropic.messages.stream({ model: 'local', max_tokens: 32_000, messages: [{ role: 'user', content: words(1_500) }] });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('end_turn');
    // 4,000 tokens, 1,500 of them the prompt's (the mock's tokens: words): 2,500 left.
    expect(limitsSent(vllm)).toEqual([32_000, 2_500]);
  });

  it("an OpenAI client's max_completion_tokens on Claude Opus 4.1: lowered to its 32,000, under the client's own field", async () => {
    await openai.chat.completions.create({ model: 'opus', max_completion_tokens: 64_000, messages: [{ role: 'user', content: 'Summarize the repo.' }] });
    expect(limitsSent(claude)).toEqual([64_000, 32_000]);
  });

  it("Claude Code's own bytes to Claude: the limit set in them, the rest as sent", async () => {
    await anthropic.messages.create({ model: 'opus', max_tokens: 64_000, system: 'You are Claude Code.', messages: [{ role: 'user', content: 'Summarize the repo.' }], metadata: { user_id: 'user_1' } }, longAnswer);
    expect(limitsSent(claude)).toEqual([64_000, 32_000]);
    const { max_tokens: _first, ...firstRest } = claude.requests[0]!.body as Record<string, unknown>;
    const { max_tokens: _second, ...secondRest } = claude.requests[1]!.body as Record<string, unknown>;
    expect(secondRest).toEqual(firstRest);
  });

  it("Claude's context window: the prompt and the limit together past it, the limit lowered to what is left", async () => {
    await anthropic.messages.create({ model: 'haiku', max_tokens: 32_000, messages: [{ role: 'user', content: words(2_000) }] }, longAnswer);
    expect(limitsSent(claude)).toEqual([32_000, 4_000]);
  });

  it("DeepSeek's range (`the valid range of max_tokens is [1, 8192]`): Claude Code's 32,000 sent again at 8,192", async () => {
    vllm.enqueue({ status: 400, error: { message: 'Invalid max_tokens value, the valid range of max_tokens is [1, 8192]', type: 'invalid_request_error' } }, { content: 'Done.' });
    const answer = await anthropic.messages.create({ model: 'deepseek', max_tokens: 32_000, messages: [{ role: 'user', content: 'Summarize the repo.' }] }, longAnswer);
    expect(answer.content[0]).toMatchObject({ type: 'text', text: 'Done.' });
    expect(limitsSent(vllm)).toEqual([32_000, 8_192]);
  });

  it("Bedrock's own refusal: Claude 3.5 Haiku through Converse at its 4,096", async () => {
    await openai.chat.completions.create({ model: 'bedrock-haiku', max_tokens: 8_192, messages: [{ role: 'user', content: 'Summarize the repo.' }] });
    expect(bedrock.requests.map((request) => (request.body as { inferenceConfig?: { maxTokens?: number } }).inferenceConfig?.maxTokens)).toEqual([8_192, 4_096]);
  });

  it('a prompt the window cannot hold, or too little room left for an answer: the refusal as it came', async () => {
    const tooLong = (await anthropic.messages.create({ model: 'haiku', max_tokens: 1_000, messages: [{ role: 'user', content: words(6_500) }] }).catch((error: unknown) => error)) as InstanceType<typeof Anthropic.APIError>;
    expect(tooLong.status).toBe(400);
    expect(String(tooLong.message)).toContain('prompt is too long');
    // 5,500 words leave 500 tokens: less than an answer needs (1,024) and than was asked.
    const cramped = (await anthropic.messages.create({ model: 'haiku', max_tokens: 4_000, messages: [{ role: 'user', content: words(5_500) }] }).catch((error: unknown) => error)) as InstanceType<typeof Anthropic.APIError>;
    expect(cramped.status).toBe(400);
    expect(String(cramped.message)).toContain('exceed context limit');
    expect(limitsSent(claude)).toEqual([1_000, 4_000]);
  });

  it('a limit the model takes is never raised', async () => {
    await openai.chat.completions.create({ model: 'gpt-4o', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    expect(limitsSent(openaiAPI)).toEqual([100]);
  });
});
