import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockAnthropic, createMockOpenAI, type MockAnthropic, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { startAgentsBehind } from './support/start-agents-gateway.js';
import { LogCapture, masterKey, startLedgeredGateway, startLoggedServer, startQuietServer } from './support/start-test-gateway.js';

const agent = 'sk-guardrails-agent-key-00001';
const restricted = 'sk-guardrails-restricted-0001';
const secret = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv';
let mock: MockOpenAI;
let server: RunningServer;
let databasePath: string;

beforeAll(async () => {
  ({ mock, server, databasePath } = await startLedgeredGateway('tollgate-guardrails', [
    { name: '@tollgate/guardrail-pii', options: { action: 'redact', categories: { us_ssn: 'block' }, restore: true, streamHoldback: 64 } },
    { name: '@tollgate/guardrail-keywords', options: { deny: ['Project Falcon'], appliesTo: { teams: ['team-restricted'] } } },
  ], (upstream) => ({
    auth: { masterKey: 'sk-guardrails-master-000001', keys: [{ key: agent, name: 'agent', team: 'team-open' }, { key: restricted, name: 'restricted', team: 'team-restricted' }] },
    providers: {
      openai: { type: 'openai', baseURL: upstream.baseURL, apiKey: 'sk-upstream-000000000000' },
      // Serves the Responses API too: a Responses client's bytes could pass through to it.
      native: { type: 'openai', baseURL: upstream.baseURL, apiKey: 'sk-upstream-000000000000', responsesAPI: true },
    },
    models: { 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' }, 'native-mini': { target: 'native/gpt-4o-mini' } },
  })));
});

afterAll(async () => {
  await server?.close();
  await mock?.close();
});

beforeEach(() => mock.reset());

const client = (key: string) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
const say = (key: string, content: string) => client(key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }).withResponse();

describe('guardrails over HTTP', () => {
  it('redact PII before the request leaves, and put the user\'s own values back in the answer', async () => {
    mock.enqueue({ content: 'I will write to [EMAIL_1] and call [PHONE_1].' });
    const answer = await say(agent, `My mail is jane.doe@example.com, phone +44 20 7946 0958, key ${secret}.`);
    const upstream = (mock.requests[0]!.body as { messages: { content: string }[] }).messages[0]!.content;
    expect(upstream).toBe('My mail is [EMAIL_1], phone [PHONE_1], key [SECRET_1].');
    expect(mock.requests[0]!.bodyText).not.toContain('jane.doe');
    expect(answer.data.choices[0]!.message.content).toBe('I will write to jane.doe@example.com and call +44 20 7946 0958.');
    expect(answer.response.headers.get('x-tollgate-guardrails')).toBe('pii');
  });

  it('redact for a Responses client too, in its own wire toward an upstream that serves the Responses API: the redacted body goes there, never the original', async () => {
    mock.enqueue({ content: 'I will write to [EMAIL_1].' });
    const response = await client(agent).responses.create({ model: 'native-mini', input: 'My mail is jane.doe@example.com.' });
    expect(mock.requests[0]!.path).toBe('/v1/responses');
    expect(mock.requests[0]!.bodyText).not.toContain('jane.doe');
    expect((mock.requests[0]!.body as { input: string }).input).toBe('My mail is [EMAIL_1].');
    expect(response.output_text).toBe('I will write to jane.doe@example.com.');
  });

  it('block a category with 400 naming it — never the value — and never reach the upstream', async () => {
    const refused = await say(agent, 'My SSN is 123-45-6789, can you keep it?').catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, code: 'guardrail_blocked', type: 'invalid_request_error' });
    expect((refused as { error: { message: string } }).error.message).toBe('Guardrail "pii" blocked the request: it contains a US social security number (us_ssn).');
    expect((refused as Error).message).not.toContain('123-45-6789');
    expect(mock.requests).toHaveLength(0);
  });

  it('redact a secret in a streamed answer even when it straddles two chunks', async () => {
    mock.enqueue({ stream: { content: ['Sure, the key is ', secret.slice(0, 14), secret.slice(14), ' — keep it safe and never share it with anyone else.'], chunkDelayMs: 5 } });
    const stream = await client(agent).chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'What is the key?' }] });
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? '');
    expect(pieces.join('')).toBe('Sure, the key is [SECRET_1] — keep it safe and never share it with anyone else.');
    for (const piece of pieces) expect(piece).not.toMatch(/sk-proj|Ab3dEf|tUv/);
  });

  it('apply per team: the keyword list binds the restricted team only, and the ledger row lists what ran', async () => {
    const refused = await say(restricted, 'Status of project falcon?').catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, code: 'guardrail_blocked' });
    expect((refused as { error: { message: string } }).error.message).toBe('Guardrail "keywords" blocked the request: it contains a deny-listed term (deny_list).');
    const open = await say(agent, 'Status of project falcon?');
    expect(open.response.headers.get('x-tollgate-guardrails')).toBe('pii');
    const allowed = await say(restricted, 'Status of the other project?');
    expect(allowed.response.headers.get('x-tollgate-guardrails')).toBe('pii, keywords');
    await sleep(100);
    const database = new DatabaseSync(databasePath);
    const rows = database.prepare("SELECT team_id, status, guardrails FROM tollgate_requests WHERE team_id = 'team-restricted' ORDER BY id").all();
    database.close();
    expect(rows).toEqual([
      { team_id: 'team-restricted', status: 400, guardrails: 'pii,keywords' },
      { team_id: 'team-restricted', status: 200, guardrails: 'pii,keywords' },
    ]);
  });

  it('guard the texts of an embeddings request too: redacted before they leave, blocked on a blocking category; token ids pass', async () => {
    const embedded = await client(agent).embeddings.create({ model: 'gpt-4o-mini', input: ['Reach me at jane.doe@example.com', 'no personal data here'], encoding_format: 'float' }).withResponse();
    expect(embedded.data.data).toHaveLength(2);
    expect(embedded.response.headers.get('x-tollgate-guardrails')).toBe('pii');
    expect(mock.requests[0]!.body.input).toEqual(['Reach me at [EMAIL_1]', 'no personal data here']);
    expect(mock.requests[0]!.bodyText).not.toContain('jane.doe');
    const refused = await client(agent).embeddings.create({ model: 'gpt-4o-mini', input: 'SSN 123-45-6789' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, code: 'guardrail_blocked', param: 'input' });
    expect(mock.requests).toHaveLength(1);
    await client(agent).embeddings.create({ model: 'gpt-4o-mini', input: [[1234, 5678]], encoding_format: 'float' });
    expect(mock.requests[1]!.body.input).toEqual([[1234, 5678]]);
  });
});

describe('guardrails on Anthropic token counting (its text leaves for the upstream too)', () => {
  const anthropicKey = 'sk-ant-upstream-guardrails-0001';
  let claude: MockAnthropic;
  let counting: RunningServer;
  let anthropic: Anthropic;
  beforeAll(async () => {
    claude = await createMockAnthropic({ apiKey: anthropicKey });
    counting = await startQuietServer({
      plugins: ['@tollgate/provider-anthropic', { name: '@tollgate/guardrail-pii', options: { action: 'redact', categories: { us_ssn: 'block' } } }],
      auth: { masterKey },
      providers: { claude: { type: 'anthropic', baseURL: claude.baseURL, apiKey: anthropicKey } },
      models: { sonnet: { target: 'claude/claude-sonnet-4-5' } },
    });
    anthropic = new Anthropic({ baseURL: counting.url, apiKey: masterKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await counting.close();
    await claude.close();
  });

  it('redacts before counting, and blocks a blocking category without calling the upstream', async () => {
    await anthropic.messages.countTokens({ model: 'sonnet', messages: [{ role: 'user', content: 'Mail me at jane.doe@example.com' }] });
    expect(claude.requests).toHaveLength(1);
    expect(claude.requests[0]!.path).toBe('/v1/messages/count_tokens');
    expect(JSON.stringify(claude.requests[0]!.body)).toContain('[EMAIL_1]');
    expect(JSON.stringify(claude.requests[0]!.body)).not.toContain('jane.doe');
    const refused = await anthropic.messages.countTokens({ model: 'sonnet', messages: [{ role: 'user', content: 'SSN 123-45-6789' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    expect(String(refused)).toContain('us_ssn');
    expect(claude.requests).toHaveLength(1);
  });
});

describe('guardrails that put a caller’s own values back, next to the response cache', () => {
  const alice = 'sk-guardrails-alice-key-000001';
  const bob = 'sk-guardrails-bob-key-0000001';
  let cacheMock: MockOpenAI;
  let cached: RunningServer;
  beforeAll(async () => {
    ({ mock: cacheMock, server: cached } = await startLedgeredGateway('tollgate-guardrails-cache', [
      { name: '@tollgate/guardrail-pii', options: { action: 'redact', restore: true } },
      { name: '@tollgate/cache-memory', options: { mode: 'always' } },
    ], {
      auth: { masterKey: 'sk-guardrails-master-000002', keys: [{ key: alice, name: 'alice', team: 'support' }, { key: bob, name: 'bob', team: 'support' }] },
    }));
  });
  afterAll(async () => {
    await cached?.close();
    await cacheMock?.close();
  });

  const ask = (key: string, content: string) => new OpenAI({ baseURL: `${cached.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }).withResponse();

  it('never serve one caller’s restored values to another from the cache (the same redacted prompt, the same team)', async () => {
    cacheMock.enqueue({ content: 'I will write to [EMAIL_1].' }, { content: 'I will write to [EMAIL_1].' });
    const first = await ask(alice, 'Write to me at alice@example.com');
    expect(first.data.choices[0]!.message.content).toBe('I will write to alice@example.com.');
    const second = await ask(bob, 'Write to me at bob@example.org');
    expect(second.data.choices[0]!.message.content).toBe('I will write to bob@example.org.');
    expect(JSON.stringify(second.data)).not.toContain('alice');
    // An answer with nothing of the caller's in it is still cached and shared.
    cacheMock.enqueue({ content: 'Paris.' });
    await ask(alice, 'Capital of France?');
    const shared = await ask(bob, 'Capital of France?');
    expect(shared.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(cacheMock.requests).toHaveLength(3);
  });

  it('nor from a streamed answer', async () => {
    const streamOf = async (key: string, content: string) => {
      const stream = await new OpenAI({ baseURL: `${cached.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content }] });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    };
    cacheMock.enqueue({ stream: { content: ['Calling ', '[PHONE_1]', ' now.'] } }, { stream: { content: ['Calling ', '[PHONE_1]', ' now.'] } });
    expect(await streamOf(alice, 'Call me on +44 20 7946 0958')).toBe('Calling +44 20 7946 0958 now.');
    await sleep(50); // the cache stores a stream in the log phase, after the answer ended
    expect(await streamOf(bob, 'Call me on +1 212 555 0199')).toBe('Calling +1 212 555 0199 now.');
  });
});

describe('a redaction in a coding agent\'s own wire', () => {
  it('changes only the texts: Claude Code keeps its cache marks, thinking and signed history; Codex its encrypted reasoning items — the answers restored', async () => {
    const { openai, claude, gateway, close } = await startAgentsBehind([{ name: '@tollgate/guardrail-pii', options: { action: 'redact', restore: true } }], {
      'sonnet-or-gpt': { targets: ['claude/claude-sonnet-4-5', 'openai/gpt-4.1'], retries: { maxRetries: 0 } },
    });
    try {
      // Claude Code's next turn: a cached system prompt, its signed thinking and tool call, the tool's result naming a person.
      const claudeCodeTurn = {
        model: 'sonnet',
        max_tokens: 2_048,
        thinking: { type: 'enabled', budget_tokens: 1_024 },
        system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Who owns the parser?' }] },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'Check the CODEOWNERS file.', signature: 'sig_earlier' }, { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: 'CODEOWNERS' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'parser/ jane.doe@example.com' }, { type: 'text', text: 'Answer briefly.', cache_control: { type: 'ephemeral' } }] },
        ],
      };
      claude.enqueue({ content: 'The parser belongs to [EMAIL_1].' });
      const message = await new Anthropic({ baseURL: gateway.url, apiKey: masterKey, maxRetries: 0 }).messages.create(claudeCodeTurn as never);
      expect(claude.requests[0]!.bodyText).not.toContain('jane.doe');
      const sent = structuredClone(claudeCodeTurn) as { messages: { content: { content?: string }[] }[] };
      sent.messages[2]!.content[0]!.content = 'parser/ [EMAIL_1]';
      expect(claude.requests[0]!.body).toEqual({ ...sent, model: 'claude-sonnet-4-5' });
      expect(message.content).toEqual([{ type: 'text', text: 'The parser belongs to jane.doe@example.com.' }]);

      // Claude overloaded, the group falls back to an OpenAI model: the translated request is the redacted one too.
      claude.enqueue({ error: { type: 'overloaded_error', message: 'Overloaded' } });
      openai.enqueue({ content: 'It is [EMAIL_1].' });
      const fallback = await new Anthropic({ baseURL: gateway.url, apiKey: masterKey, maxRetries: 0 }).messages.create({ ...claudeCodeTurn, model: 'sonnet-or-gpt' } as never);
      expect(openai.requests[0]!.path).toBe('/v1/chat/completions');
      expect(openai.requests[0]!.bodyText).not.toContain('jane.doe');
      expect(openai.requests[0]!.bodyText).toContain('parser/ [EMAIL_1]');
      expect(fallback.content).toEqual([{ type: 'text', text: 'It is jane.doe@example.com.' }]);
      openai.reset();

      // Codex's next turn with store: false: its earlier reasoning item goes back with its encrypted content.
      const reasoning = { id: 'rs_earlier', type: 'reasoning', summary: [], encrypted_content: 'gAAAA-earlier' };
      const codexTurn = {
        model: 'gpt-5-codex',
        store: false,
        include: ['reasoning.encrypted_content'],
        reasoning: { effort: 'medium' },
        instructions: 'You are Codex.',
        input: [
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Who owns the parser?' }] },
          reasoning,
          { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":["cat","CODEOWNERS"]}' },
          { type: 'function_call_output', call_id: 'call_1', output: 'parser/ jane.doe@example.com' },
        ],
      };
      openai.enqueue({ content: 'It is [EMAIL_1].' });
      const response = await new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: masterKey, maxRetries: 0 }).responses.create(codexTurn as never);
      expect(openai.requests[0]!.path).toBe('/v1/responses');
      expect(openai.requests[0]!.bodyText).not.toContain('jane.doe');
      const codexSent = structuredClone(codexTurn) as { input: { output?: string }[] };
      codexSent.input[3]!.output = 'parser/ [EMAIL_1]';
      expect(openai.requests[0]!.body).toEqual(codexSent);
      expect(response.output_text).toBe('It is jane.doe@example.com.');
    } finally {
      await close();
    }
  });
});

describe('an output guardrail scoped to other keys', () => {
  it('leaves the answers of requests out of its scope alone: Codex keeps its encrypted reasoning; in scope, the guardrail reads the answer', async () => {
    const openai = await createMockOpenAI();
    const gateway = await startLoggedServer(new LogCapture(), {
      plugins: ['@tollgate/provider-openai', { name: '@tollgate/guardrail-keywords', options: { deny: ['Project Falcon'], appliesTo: { keys: ['reviewed-agent'] } } }],
      auth: { masterKey, keys: [{ key: agent, name: 'reviewed-agent' }] },
      providers: { openai: { type: 'openai', baseURL: openai.baseURL, apiKey: 'sk-openai-cache-000000003', responsesAPI: true } },
      models: { 'gpt-5-codex': { target: 'openai/gpt-5-codex' } },
    });
    const codexTurn = { model: 'gpt-5-codex', input: 'Rename foo to bar', reasoning: { effort: 'medium' }, store: false, include: ['reasoning.encrypted_content'] };
    try {
      const outOfScope = await new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: masterKey, maxRetries: 0 }).responses.stream(codexTurn as never).finalResponse();
      expect(outOfScope.output[0]).toMatchObject({ type: 'reasoning', encrypted_content: 'gAAAA-mock-1' });
      expect(openai.requests).toHaveLength(1);
      // In its scope the guardrail runs, and reads the streamed answer.
      const inScope = await new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: agent, maxRetries: 0 }).responses.create({ ...codexTurn, stream: true } as never).withResponse();
      expect(inScope.response.headers.get('x-tollgate-guardrails')).toBe('keywords');
      for await (const _event of inScope.data as unknown as AsyncIterable<unknown>) void _event;
    } finally {
      await gateway.close();
      await openai.close();
    }
  });
});

describe('an output guardrail reading a whole answer', () => {
  it('lets the answer go as the upstream sent it when it changes nothing: Codex keeps its encrypted reasoning, Claude its thinking signature; a denied phrase is still blocked', async () => {
    const { openai, claude, gateway, close } = await startAgentsBehind([{ name: '@tollgate/guardrail-keywords', options: { deny: ['Project Falcon'] } }]);
    try {
      const responses = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: masterKey, maxRetries: 0 }).responses;
      const codexTurn = { model: 'gpt-5-codex', input: 'Rename foo to bar', reasoning: { effort: 'medium' }, store: false, include: ['reasoning.encrypted_content'] };
      const codex = await responses.create(codexTurn as never).withResponse();
      expect(codex.response.headers.get('x-tollgate-guardrails')).toBe('keywords');
      expect(codex.data.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
      expect(codex.data.output[0]).toMatchObject({ type: 'reasoning', id: 'rs_mock1', encrypted_content: 'gAAAA-mock-1' });

      claude.enqueue({ thinking: 'Look at the parser first.', content: 'The parser drops the last token.' });
      const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: masterKey, maxRetries: 0 });
      const thinkingTurn = { model: 'sonnet', max_tokens: 2_048, thinking: { type: 'enabled', budget_tokens: 1_024 }, messages: [{ role: 'user', content: 'Why does the test fail?' }] };
      const message = await anthropic.messages.create(thinkingTurn as never).withResponse();
      expect(message.response.headers.get('x-tollgate-guardrails')).toBe('keywords');
      expect(message.data.content[0]).toMatchObject({ type: 'thinking', thinking: 'Look at the parser first.', signature: 'sig_mock' });

      // The guardrail still reads what it lets through.
      claude.enqueue({ content: 'The plan is Project Falcon.' });
      const blocked = await anthropic.messages.create(thinkingTurn as never).then(() => undefined, (error: unknown) => error);
      expect(blocked).toMatchObject({ status: 400, error: { error: { type: 'invalid_request_error' } } });
      expect(JSON.stringify((blocked as { error: unknown }).error)).toContain('Guardrail \\"keywords\\" blocked the answer');
    } finally {
      await close();
    }
  });
});

describe('a guardrail listed twice, with different scopes', () => {
  it('still guards a stream in one instance\'s scope when the other instance leaves its answer unread', async () => {
    const openai = await createMockOpenAI();
    const gateway = await startLoggedServer(new LogCapture(), {
      plugins: [
        '@tollgate/provider-openai',
        { name: '@tollgate/guardrail-keywords', options: { deny: ['Project Heron'], appliesTo: { keys: ['someone-else'] } } },
        { name: '@tollgate/guardrail-keywords', options: { deny: ['Project Falcon'], appliesTo: { keys: ['reviewed-agent'] } } },
      ],
      auth: { masterKey, keys: [{ key: agent, name: 'reviewed-agent' }] },
      providers: { openai: { type: 'openai', baseURL: openai.baseURL, apiKey: 'sk-openai-guard-000000004' } },
      models: { 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' } },
    });
    try {
      openai.enqueue({ stream: { content: ['The plan is ', 'Project Falcon', ', launching soon.'] } });
      const stream = await new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: agent, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'What is the plan?' }] });
      let text = '';
      const ended = await (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })().then(() => 'complete', (error: unknown) => error);
      // The second instance guards the answer: the denied phrase never reaches the client.
      expect(text).not.toContain('Project Falcon');
      expect(ended).toMatchObject({ error: { code: 'guardrail_blocked' } });
    } finally {
      await gateway.close();
      await openai.close();
    }
  });
});
