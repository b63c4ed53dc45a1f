import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAgentsBehind } from './support/start-agents-gateway.js';
import { masterKey } from './support/start-test-gateway.js';

// A target's `params` are set in the client's own bytes when its wire names them all, so a model
// with params still gets what only those bytes carry: Claude Code's cache marks, thinking and server
// tools, Codex's reasoning items.

let agents: Awaited<ReturnType<typeof startAgentsBehind>>;

beforeAll(async () => {
  agents = await startAgentsBehind([], {
    'sonnet-capped': { targets: [{ target: 'claude/claude-sonnet-4-5', params: { max_tokens: 4_096, stop: '###' } }] },
    'sonnet-low-effort': { targets: [{ target: 'claude/claude-sonnet-4-5', params: { reasoning_effort: 'low' } }] },
    // `seed` has no name in the Messages API.
    'sonnet-seeded': { targets: [{ target: 'claude/claude-sonnet-4-5', params: { seed: 7 } }] },
    'codex-low-effort': { targets: [{ target: 'openai/gpt-5-codex', params: { reasoning_effort: 'low' } }] },
    'codex-capped': { targets: [{ target: 'openai/gpt-5-codex', params: { max_tokens: 2_000 } }] },
  });
});

afterAll(async () => {
  await agents?.close();
});

beforeEach(() => {
  agents.openai.reset();
  agents.claude.reset();
});

const claudeCodeTurn = {
  max_tokens: 8_000,
  thinking: { type: 'enabled', budget_tokens: 1_024 },
  system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
  tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'What changed in Node 24?', cache_control: { type: 'ephemeral' } }] }],
};

describe('target params and the client\'s bytes', () => {
  it('go into a Messages client\'s own body under the Messages API\'s names: the rest reaches Claude as sent, its server tool included', async () => {
    agents.claude.enqueue({ content: 'Node 24 is LTS.' });
    const message = await new Anthropic({ baseURL: agents.gateway.url, apiKey: masterKey, maxRetries: 0 }).messages.create({ ...claudeCodeTurn, model: 'sonnet-capped' } as never);
    expect(message.content).toEqual([{ type: 'text', text: 'Node 24 is LTS.' }]);
    expect(agents.claude.requests[0]!.body).toEqual({ ...claudeCodeTurn, model: 'claude-sonnet-4-5', max_tokens: 4_096, stop_sequences: ['###'] });
  });

  it('go into a Responses client\'s own body too: Codex\'s reasoning items reach OpenAI\'s Responses API, the limit as max_output_tokens', async () => {
    const codexTurn = { model: 'codex-capped', store: false, include: ['reasoning.encrypted_content'], reasoning: { effort: 'medium' }, input: [{ role: 'user', content: 'Rename foo' }, { id: 'rs_earlier', type: 'reasoning', summary: [], encrypted_content: 'gAAAA-earlier' }, { role: 'user', content: 'And bar.' }] };
    await new OpenAI({ baseURL: `${agents.gateway.url}/v1`, apiKey: masterKey, maxRetries: 0 }).responses.create(codexTurn as never);
    expect(agents.openai.requests[0]!.path).toBe('/v1/responses');
    expect(agents.openai.requests[0]!.body).toEqual({ ...codexTurn, model: 'gpt-5-codex', max_output_tokens: 2_000 });
  });

  it('set reasoning_effort inside the client\'s own object: Claude Code\'s output_config, Codex\'s reasoning, the rest of each as sent', async () => {
    // Claude Code's turn with an output format of its own: the effort joins it.
    const withFormat = { ...claudeCodeTurn, output_config: { format: { type: 'json_schema', schema: { type: 'object' } } } };
    agents.claude.enqueue({ content: '{}' });
    await new Anthropic({ baseURL: agents.gateway.url, apiKey: masterKey, maxRetries: 0 }).messages.create({ ...withFormat, model: 'sonnet-low-effort' } as never);
    expect(agents.claude.requests[0]!.body).toEqual({ ...withFormat, model: 'claude-sonnet-4-5', output_config: { format: { type: 'json_schema', schema: { type: 'object' } }, effort: 'low' } });

    const codexTurn = { model: 'codex-low-effort', store: false, include: ['reasoning.encrypted_content'], reasoning: { effort: 'high', summary: 'auto' }, input: [{ role: 'user', content: 'Rename foo' }, { id: 'rs_earlier', type: 'reasoning', summary: [], encrypted_content: 'gAAAA-earlier' }, { role: 'user', content: 'And bar.' }] };
    await new OpenAI({ baseURL: `${agents.gateway.url}/v1`, apiKey: masterKey, maxRetries: 0 }).responses.create(codexTurn as never);
    expect(agents.openai.requests[0]!.path).toBe('/v1/responses');
    expect(agents.openai.requests[0]!.body).toEqual({ ...codexTurn, model: 'gpt-5-codex', reasoning: { effort: 'low', summary: 'auto' } });
  });

  it('translate the request as before when a param has no name in the client\'s wire, and refuse what only the bytes carry', async () => {
    const refused = await new Anthropic({ baseURL: agents.gateway.url, apiKey: masterKey, maxRetries: 0 }).messages.create({ ...claudeCodeTurn, model: 'sonnet-seeded' } as never).then(() => undefined, (error: unknown) => error);
    expect(refused).toMatchObject({ status: 400 });
    expect(JSON.stringify((refused as { error: unknown }).error)).toContain('Anthropic server tool');
    const { tools: _tools, ...withoutServerTool } = claudeCodeTurn;
    agents.claude.enqueue({ content: 'Node 24 is LTS.' });
    await new Anthropic({ baseURL: agents.gateway.url, apiKey: masterKey, maxRetries: 0 }).messages.create({ ...withoutServerTool, model: 'sonnet-seeded' } as never);
    // Translated: Claude Code's thinking goes back to Claude as its thinking setting (the canonical
    // request carries it as OpenRouter's reasoning object); its cache marks are kept.
    const translated = agents.claude.requests[0]!.body as Record<string, unknown>;
    expect(translated.thinking).toEqual(claudeCodeTurn.thinking);
    expect(translated).toMatchObject({ system: claudeCodeTurn.system, messages: claudeCodeTurn.messages });
  });
});
