import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/index.js';
import { masterKey, startQuietServer, temporaryDatabasePath } from './support/start-test-gateway.js';
import { anthropicKey, startClaudeAndGptMocks } from './support/claude-and-gpt-mocks.js';
import { createBudgetedKey } from './support/create-budgeted-key.js';

/** $100 per million input tokens, $1,000 per million output tokens: 1 output token = 1,000 micro-dollars. */
const prices = { input: 100, output: 1_000 };

const { claude, gpt } = await startClaudeAndGptMocks();
let server: RunningServer;

beforeAll(async () => {
  server = await startQuietServer({
    plugins: [
      '@tollgate/provider-openai',
      '@tollgate/provider-anthropic',
      { name: '@tollgate/ledger-sqlite', options: { path: await temporaryDatabasePath('tollgate-clamp'), flushIntervalMs: 20 } },
      { name: '@tollgate/pricing', options: { overrides: { 'claude/claude-sonnet-4-5': prices, 'openai/gpt-5-codex': prices } } },
      { name: '@tollgate/governance', options: { onInsufficientBudget: 'clamp', budgetLeaseRequests: 0 } },
    ],
    auth: { masterKey },
    providers: {
      claude: { type: 'anthropic', baseURL: claude.baseURL, apiKey: anthropicKey },
      openai: { type: 'openai', baseURL: gpt.baseURL, apiKey: 'sk-openai-upstream-000000', responsesAPI: true },
    },
    models: { sonnet: { target: 'claude/claude-sonnet-4-5' }, 'gpt-5-codex': { target: 'openai/gpt-5-codex' } },
  });
});

afterAll(async () => {
  await server.close();
});

describe('a budget in clamp mode', () => {
  it('lowers Claude Code\'s max_tokens in its own bytes, with its thinking budget (off when the limit cannot hold one): server tools, thinking history and cache marks still reach Claude', async () => {
    // $0.50 buys ~500 output tokens after the prompt, not the 32,000 asked for.
    const key = await createBudgetedKey(server.url, 'claude-code-clamped', 0.5);
    const body = {
      model: 'sonnet',
      max_tokens: 32_000,
      system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
      // Claude Code's thinking budget: all but one of its 32,000 tokens.
      thinking: { type: 'enabled', budget_tokens: 31_999 },
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 2 }],
      messages: [
        { role: 'user', content: 'Look it up.' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'I should search.', signature: 'sig_earlier' }, { type: 'text', text: 'Searching.' }] },
        { role: 'user', content: 'Go on.' },
      ],
    };
    // Streamed, as Claude Code does (the SDK refuses a whole answer of 32,000 tokens).
    const message = await new Anthropic({ baseURL: server.url, apiKey: key, maxRetries: 0 }).messages.stream(body as never).finalMessage();
    expect(message.type).toBe('message');
    const sent = claude.requests[0]!.body as Record<string, unknown>;
    expect(sent.max_tokens).toBeGreaterThan(16);
    expect(sent.max_tokens).toBeLessThan(500);
    // Claude takes no budget under 1,024 tokens nor one not under max_tokens: thinking goes off for this request.
    expect(sent).toEqual({ ...body, stream: true, model: 'claude-sonnet-4-5', max_tokens: sent.max_tokens, thinking: { type: 'disabled' } });
  });

  it("keeps Claude Code's thinking where the lowered limit holds a budget: half the limit", async () => {
    // $5 buys ~5,000 output tokens.
    const key = await createBudgetedKey(server.url, 'claude-code-clamped-thinking', 5);
    const body = { model: 'sonnet', max_tokens: 32_000, thinking: { type: 'enabled', budget_tokens: 31_999 }, messages: [{ role: 'user', content: 'Look it up.' }] };
    await new Anthropic({ baseURL: server.url, apiKey: key, maxRetries: 0 }).messages.stream(body as never).finalMessage();
    const sent = claude.requests[0]!.body as { max_tokens: number; thinking: unknown };
    expect(sent.max_tokens).toBeGreaterThan(4_000);
    expect(sent.max_tokens).toBeLessThan(5_000);
    expect(sent.thinking).toEqual({ type: 'enabled', budget_tokens: Math.floor(sent.max_tokens / 2) });
  });

  it('gives a budgeted request without a limit of its own the default output past its thinking budget, which Claude takes only under max_tokens', async () => {
    // $50 buys the worst case: 14,096 output tokens at $1,000 per million.
    const key = await createBudgetedKey(server.url, 'chat-thinking-no-limit', 50);
    await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'Think, then answer.' }], reasoning: { max_tokens: 10_000 } } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(claude.requests[0]!.body).toMatchObject({ max_tokens: 10_000 + 4_096, thinking: { type: 'enabled', budget_tokens: 10_000 } });
  });

  it('lowers Codex\'s max_output_tokens in its own bytes: the request still goes to OpenAI\'s Responses API', async () => {
    const key = await createBudgetedKey(server.url, 'codex-clamped', 0.5);
    const body = { model: 'gpt-5-codex', input: [{ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAA-earlier' }, { role: 'user', content: 'Fix it.' }], max_output_tokens: 32_000, store: false };
    await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 }).responses.create(body as never);
    expect(gpt.requests[0]!.path).toBe('/v1/responses');
    const sent = gpt.requests[0]!.body as Record<string, unknown>;
    expect(sent.max_output_tokens).toBeLessThan(500);
    expect(sent).toEqual({ ...body, max_output_tokens: sent.max_output_tokens });
  });
});
