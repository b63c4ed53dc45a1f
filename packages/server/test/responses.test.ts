import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/index.js';
import { mockCompactionTokens } from '@tollgate/testkit';
import { LogCapture, masterKey, startLoggedServer } from './support/start-test-gateway.js';
import { anthropicKey, startClaudeAndGptMocks } from './support/claude-and-gpt-mocks.js';
import { mockScreenshot, screenshotToolStep } from './support/screenshot-tool-step.js';

const { claude, gpt } = await startClaudeAndGptMocks();
let server: RunningServer;
let openai: OpenAI;
const logs = new LogCapture();

beforeAll(async () => {
  server = await startLoggedServer(logs, {
    plugins: ['@tollgate/provider-openai', '@tollgate/provider-anthropic'],
    auth: { masterKey },
    providers: {
      claude: { type: 'anthropic', baseURL: claude.baseURL, apiKey: anthropicKey, defaultMaxTokens: 1024 },
      // OpenAI's own API (its price provider says so): it serves the Responses API, which clients pass through to.
      openai: { type: 'openai', baseURL: gpt.baseURL, apiKey: 'sk-openai-upstream-000000', priceProvider: 'openai', timeouts: { firstByteMs: 5_000, idleMs: 5_000 } },
      // The same API without Responses passthrough (its Responses-only models still go there, translated), and a
      // self-hosted server: Responses clients are translated.
      'openai-chat': { type: 'openai', baseURL: gpt.baseURL, apiKey: 'sk-openai-upstream-000000', priceProvider: 'openai', responsesAPI: false },
      local: { type: 'openai', baseURL: gpt.baseURL, timeouts: { firstByteMs: 5_000, idleMs: 5_000 } },
    },
    models: {
      sonnet: { target: 'claude/claude-sonnet-4-5' },
      llama: { target: 'local/llama-3.1-8b' },
      'gpt-5-chat': { target: 'openai-chat/gpt-5' },
      'gpt-5-codex': { target: 'openai/gpt-5-codex' },
      codex: { target: 'openai/gpt-5-codex' },
      'codex-via-chat': { target: 'openai-chat/gpt-5-codex' },
      'codex-local': { target: 'local/gpt-5-codex' },
    },
  });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0, timeout: 10_000 });
});

afterAll(async () => {
  await server.close();
});

const weatherTool = { type: 'function' as const, name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true };
const patchTool = { type: 'custom' as const, name: 'apply_patch', description: 'Apply a patch to the working tree' };

/** The events of a raw stream, in order, with the SDK's strict accumulator checking them as it goes. */
async function eventsOf(stream: AsyncIterable<{ type: string; sequence_number: number }>) {
  const events: { type: string; sequence_number: number; [field: string]: unknown }[] = [];
  for await (const event of stream) events.push(event as (typeof events)[number]);
  return events;
}

describe('POST /v1/responses', () => {
  it('answers a Responses client from a chat model: instructions, input, limits and sampling translated; output, status and usage mapped back', async () => {
    gpt.enqueue({ content: 'Paris is lovely.', usage: { prompt_tokens: 21, completion_tokens: 4, cached_tokens: 8 } });
    const response = await openai.responses.create({
      model: 'llama',
      instructions: 'Be brief.',
      input: 'Tell me about Paris',
      max_output_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      user: 'end-user-7',
    });
    expect(gpt.requests[0]!.path).toBe('/v1/chat/completions');
    expect(gpt.requests[0]!.body).toEqual({
      model: 'llama-3.1-8b',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Tell me about Paris' },
      ],
      max_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      user: 'end-user-7',
    });
    expect(response.object).toBe('response');
    expect(response.id).toMatch(/^resp_/);
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Paris is lovely.');
    expect(response.output).toEqual([{ id: expect.stringMatching(/^msg_/), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Paris is lovely.', annotations: [], logprobs: [] }] }]);
    expect(response.usage).toEqual({ input_tokens: 21, input_tokens_details: { cached_tokens: 8 }, output_tokens: 4, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 25 });
    expect(response).toMatchObject({ model: 'llama-3.1-8b', instructions: 'Be brief.', max_output_tokens: 100, temperature: 0.2, store: false, previous_response_id: null, error: null, incomplete_details: null });
    const line = logs.requestLines().at(-1)!;
    expect(line).toMatchObject({ operation: 'chat', ingress: 'openai-responses', status: 200, model: 'llama', provider: 'local', promptTokens: 21, completionTokens: 4 });
  });

  it('translated to a reasoning model, sends its limit as max_completion_tokens and reasoning.effort as reasoning_effort', async () => {
    gpt.enqueue({ content: 'Done.', usage: { prompt_tokens: 10, completion_tokens: 30, reasoning_tokens: 26 } });
    const response = await openai.responses.create({ model: 'gpt-5-chat', input: 'Think, then answer', max_output_tokens: 500, reasoning: { effort: 'low' }, text: { verbosity: 'low' } });
    expect(gpt.requests[0]!.body).toMatchObject({ model: 'gpt-5', max_completion_tokens: 500, reasoning_effort: 'low', verbosity: 'low' });
    expect(gpt.requests[0]!.body).not.toHaveProperty('max_tokens');
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(26);
    expect(response.reasoning).toMatchObject({ effort: 'low' });
  });

  it('streams text as Responses events the SDK accumulates, numbered in order, ending with the usage', async () => {
    gpt.enqueue({ stream: { content: ['Hel', 'lo', ' there'] }, usage: { prompt_tokens: 5, completion_tokens: 3 } });
    const stream = openai.responses.stream({ model: 'llama', input: [{ role: 'user', content: 'Say hello' }] });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const events = await eventsOf(stream);
    const response = await stream.finalResponse();
    expect(gpt.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(deltas).toEqual(['Hel', 'lo', ' there']);
    expect(response.output_text).toBe('Hello there');
    expect(response.status).toBe('completed');
    expect(response.usage).toMatchObject({ input_tokens: 5, output_tokens: 3, total_tokens: 8 });
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, index) => index));
  });

  it('carries a tool loop: function tools go up as functions, calls come back as function_call items, and the next turn replays call and output', async () => {
    gpt.enqueue({ toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    const first = await openai.responses.create({ model: 'llama', input: 'Weather in Paris?', tools: [weatherTool], tool_choice: 'required', parallel_tool_calls: false });
    expect(gpt.requests[0]!.body).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: weatherTool.parameters, strict: true } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(first.output).toEqual([{ id: expect.stringMatching(/^fc_/), type: 'function_call', status: 'completed', call_id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);

    gpt.enqueue({ content: 'Sunny, 21 °C.' });
    const second = await openai.responses.create({
      model: 'llama',
      tools: [weatherTool],
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'opaque' },
        { type: 'function_call', call_id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_w1', output: '{"sky":"sunny","celsius":21}' },
      ],
    });
    expect(gpt.requests[1]!.body).toMatchObject({
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_w1', content: '{"sky":"sunny","celsius":21}' },
      ],
    });
    expect(second.output_text).toBe('Sunny, 21 °C.');
  });

  it('streams function call arguments as deltas the SDK joins', async () => {
    gpt.enqueue({ stream: { content: ['Checking.'], toolCalls: [{ id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' }, { id: 'call_b', name: 'get_weather', arguments: '{"city":"Rome"}' }], argumentPieces: 3 } });
    const stream = openai.responses.stream({ model: 'llama', input: 'Weather in Paris and Rome?', tools: [weatherTool] });
    const events = await eventsOf(stream);
    const response = await stream.finalResponse();
    expect(response.output.map((item) => item.type)).toEqual(['message', 'function_call', 'function_call']);
    expect(response.output_text).toBe('Checking.');
    expect(response.output.slice(1)).toMatchObject([
      { id: expect.stringMatching(/^fc_/), type: 'function_call', status: 'completed', call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { id: expect.stringMatching(/^fc_/), type: 'function_call', status: 'completed', call_id: 'call_b', name: 'get_weather', arguments: '{"city":"Rome"}' },
    ]);
    expect(events.filter((event) => event.type === 'response.function_call_arguments.delta').length).toBeGreaterThanOrEqual(4);
    expect(events.filter((event) => event.type === 'response.function_call_arguments.done').map((event) => event.arguments)).toEqual(['{"city":"Paris"}', '{"city":"Rome"}']);
  });

  it('gives a custom (freeform) tool to a chat model as a one-string function and answers with custom_tool_call items, whole and streamed', async () => {
    gpt.enqueue({ toolCalls: [{ id: 'call_p1', name: 'apply_patch', arguments: '{"input":"*** Begin Patch\\n*** End Patch"}' }] });
    const response = await openai.responses.create({ model: 'llama', input: 'Fix the typo', tools: [patchTool] });
    expect(gpt.requests[0]!.body).toMatchObject({
      tools: [{ type: 'function', function: { name: 'apply_patch', description: 'Apply a patch to the working tree', parameters: { type: 'object', properties: { input: { type: 'string' } }, required: ['input'] } } }],
    });
    expect(response.output).toEqual([{ id: expect.stringMatching(/^ctc_/), type: 'custom_tool_call', status: 'completed', call_id: 'call_p1', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' }]);

    gpt.enqueue({ stream: { content: [], toolCalls: [{ id: 'call_p2', name: 'apply_patch', arguments: '{"input":"*** Begin Patch"}' }], argumentPieces: 4 } });
    const stream = openai.responses.stream({
      model: 'llama',
      tools: [patchTool],
      input: [
        { role: 'user', content: 'Fix the typo' },
        { type: 'custom_tool_call', call_id: 'call_p1', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' },
        { type: 'custom_tool_call_output', call_id: 'call_p1', output: 'Done' },
      ],
    });
    const streamed = await stream.finalResponse();
    expect(gpt.requests[1]!.body).toMatchObject({
      messages: [
        { role: 'user', content: 'Fix the typo' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_p1', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch\\n*** End Patch"}' } }] },
        { role: 'tool', tool_call_id: 'call_p1', content: 'Done' },
      ],
    });
    expect(streamed.output).toEqual([{ id: expect.stringMatching(/^ctc_/), type: 'custom_tool_call', status: 'completed', call_id: 'call_p2', name: 'apply_patch', input: '*** Begin Patch' }]);
  });

  it('answers from an Anthropic model, its thinking as a reasoning item, whole and streamed', async () => {
    claude.enqueue({ thinking: 'The user wants a greeting.', content: 'Hello!', usage: { input_tokens: 12, output_tokens: 9 } });
    const response = await openai.responses.create({ model: 'sonnet', instructions: 'Be warm.', input: [{ role: 'user', content: [{ type: 'input_text', text: 'Greet me' }] }], max_output_tokens: 200 });
    expect(claude.requests[0]!.body).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 200, system: 'Be warm.', messages: [{ role: 'user', content: 'Greet me' }] });
    expect(response.output).toEqual([
      { id: expect.stringMatching(/^rs_/), type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'The user wants a greeting.' }] },
      { id: expect.stringMatching(/^msg_/), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello!', annotations: [], logprobs: [] }] },
    ]);
    expect(response.usage).toMatchObject({ input_tokens: 12, output_tokens: 9 });

    claude.enqueue({ thinking: 'Greeting again.', content: 'Hello again!' });
    const stream = openai.responses.stream({ model: 'sonnet', input: 'Greet me again' });
    const streamed = await stream.finalResponse();
    expect(streamed.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(streamed.output[0]).toMatchObject({ content: [{ type: 'reasoning_text', text: 'Greeting again.' }] });
    expect(streamed.output_text).toBe('Hello again!');
  });

  it('takes a Codex-shaped turn to a Claude model: its shell function and freeform apply_patch tool, a call back as custom_tool_call', async () => {
    const codexTurn = {
      model: 'sonnet',
      instructions: 'You are Codex, a coding agent.',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<environment_context>cwd: /repo</environment_context>' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Rename foo to bar' }] },
        { type: 'reasoning', id: 'rs_0', summary: [{ type: 'summary_text', text: 'Looking.' }], encrypted_content: 'gAAAA-opaque' },
        { type: 'function_call', call_id: 'toolu_1', name: 'shell', arguments: '{"command":["rg","foo"]}' },
        { type: 'function_call_output', call_id: 'toolu_1', output: 'src/a.ts:1:foo' },
      ],
      tools: [
        { type: 'function', name: 'shell', description: 'Runs a command', strict: false, parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'] } },
        { type: 'custom', name: 'apply_patch', description: 'Edit files', format: { type: 'grammar', syntax: 'lark', definition: 'start: begin_patch hunk+ end_patch' } },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      reasoning: { effort: 'medium', summary: 'auto' },
      store: false,
      stream: true,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: '3f2a9c1e-session',
      text: { verbosity: 'low' },
    };
    claude.enqueue({ content: 'Renaming.', toolUses: [{ id: 'toolu_2', name: 'apply_patch', input: { input: '*** Begin Patch\n*** Update File: src/a.ts\n-foo\n+bar\n*** End Patch' } }], usage: { input_tokens: 300, output_tokens: 40 } });
    const stream = openai.responses.stream(codexTurn as never);
    const response = await stream.finalResponse();
    const upstream = claude.requests[0]!.body as Record<string, any>;
    expect(upstream).toMatchObject({
      model: 'claude-sonnet-4-5',
      stream: true,
      system: 'You are Codex, a coding agent.\n\n<environment_context>cwd: /repo</environment_context>',
      messages: [
        { role: 'user', content: 'Rename foo to bar' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'shell', input: { command: ['rg', 'foo'] } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'src/a.ts:1:foo' }] },
      ],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    });
    expect(upstream.tools.map((tool: { name: string }) => tool.name)).toEqual(['shell', 'apply_patch']);
    expect(upstream.tools[1].input_schema).toEqual({ type: 'object', properties: { input: { type: 'string' } }, required: ['input'], additionalProperties: false });
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Renaming.');
    expect(response.output.at(-1)).toEqual({ id: expect.stringMatching(/^ctc_/), type: 'custom_tool_call', status: 'completed', call_id: 'toolu_2', name: 'apply_patch', input: '*** Begin Patch\n*** Update File: src/a.ts\n-foo\n+bar\n*** End Patch' });
    expect(response.usage).toMatchObject({ input_tokens: 300, output_tokens: 40 });
  });

  it('gives a tool output\'s image (Codex viewing a screenshot) to a chat model in a user message after the tool messages, and to Claude beside its tool result', async () => {
    const png = Buffer.from('mock png bytes').toString('base64');
    const input = [
      { role: 'user' as const, content: 'What does the page look like, and is the build green?' },
      { type: 'function_call' as const, call_id: 'call_view', name: 'view_image', arguments: '{"path":"page.png"}' },
      { type: 'function_call' as const, call_id: 'call_ci', name: 'ci_status', arguments: '{}' },
      { type: 'function_call_output' as const, call_id: 'call_view', output: [{ type: 'input_text' as const, text: 'page.png (1280x720)' }, { type: 'input_image' as const, image_url: `data:image/png;base64,${png}`, detail: 'high' as const }] },
      { type: 'function_call_output' as const, call_id: 'call_ci', output: 'green' },
      { role: 'user' as const, content: 'Be brief.' },
    ];
    await openai.responses.create({ model: 'llama', input });
    // The OpenAI mock refuses, as OpenAI does, an image in a tool message and a user message between the tool messages.
    expect(gpt.requests[0]!.body.messages.slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'call_view', content: 'page.png (1280x720)' },
      { role: 'tool', tool_call_id: 'call_ci', content: 'green' },
      { role: 'user', content: [{ type: 'text', text: 'Attached to the result of tool call call_view:' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png}`, detail: 'high' } }] },
      { role: 'user', content: 'Be brief.' },
    ]);

    await openai.responses.create({ model: 'sonnet', input });
    expect(claude.requests[0]!.body.messages.slice(1)).toEqual([
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_view', name: 'view_image', input: { path: 'page.png' } }, { type: 'tool_use', id: 'call_ci', name: 'ci_status', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_view', content: 'page.png (1280x720)' },
          { type: 'tool_result', tool_use_id: 'call_ci', content: 'green' },
          { type: 'text', text: 'Attached to the result of tool call call_view:' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
          { type: 'text', text: 'Be brief.' },
        ],
      },
    ]);

    // The next turn's call follows the attachment, not the other way round.
    gpt.reset();
    await openai.responses.create({ model: 'llama', input: [...input.slice(0, 2), input[3]!, { type: 'function_call' as const, call_id: 'call_ci', name: 'ci_status', arguments: '{}' }, input[4]!] });
    expect(gpt.requests[0]!.body.messages.slice(1).map((message: { role: string }) => message.role)).toEqual(['assistant', 'tool', 'user', 'assistant', 'tool']);

    // An input file by its data reaches Claude as a document; a tool output's file in OpenAI's storage is refused for a chat model, never dropped.
    const pdfData = Buffer.from('%PDF-1.4 mock').toString('base64');
    await openai.responses.create({ model: 'sonnet', input: [{ role: 'user', content: [{ type: 'input_file', filename: 'spec.pdf', file_data: `data:application/pdf;base64,${pdfData}` }, { type: 'input_text', text: 'Summarize.' }] }] });
    expect(claude.requests[1]!.body.messages[0].content[0]).toEqual({ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdfData }, title: 'spec.pdf' });
    const stored = await openai.responses.create({ model: 'llama', input: [input[1]!, { type: 'function_call_output', call_id: 'call_view', output: [{ type: 'input_image', file_id: 'file-123', detail: 'auto' }] }] } as never).catch((error: unknown) => error);
    expect(stored).toBeInstanceOf(OpenAI.BadRequestError);
    expect((stored as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ param: 'input[1].output[0]', message: expect.stringContaining("points at a file in OpenAI's storage") });
    expect(gpt.requests).toHaveLength(1);
    expect(claude.requests).toHaveLength(2);
  });

  it('streams an answer with no text as one empty message, as the whole answer has', async () => {
    gpt.enqueue({ stream: { content: [] } });
    const streamed = await openai.responses.stream({ model: 'llama', input: 'Say nothing' }).finalResponse();
    gpt.enqueue({ content: '' });
    const whole = await openai.responses.create({ model: 'llama', input: 'Say nothing' });
    const emptyMessage = { id: expect.stringMatching(/^msg_/), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: '', annotations: [], logprobs: [] }] };
    // The stream helper adds its own `parsed` field to each text part.
    expect(streamed.output).toMatchObject([emptyMessage]);
    expect(streamed.output).toHaveLength(1);
    expect(whole.output).toEqual([emptyMessage]);
  });

  it('gives the reasoning as the reasoning item\'s summary when the client asks for one (Codex shows summaries), whole and streamed', async () => {
    claude.enqueue({ thinking: 'Plan: rename foo.', content: 'Done.' });
    const whole = await openai.responses.create({ model: 'sonnet', input: 'Rename foo', reasoning: { effort: 'low', summary: 'auto' } });
    expect(whole.output[0]).toEqual({ id: expect.stringMatching(/^rs_/), type: 'reasoning', summary: [{ type: 'summary_text', text: 'Plan: rename foo.' }] });

    claude.enqueue({ thinking: 'Plan: rename bar.', content: 'Done.' });
    const stream = openai.responses.stream({ model: 'sonnet', input: 'Rename bar', reasoning: { effort: 'low', summary: 'auto' } });
    const summaryDeltas: string[] = [];
    stream.on('response.reasoning_summary_text.delta', (event) => summaryDeltas.push(event.delta));
    const streamed = await stream.finalResponse();
    expect(summaryDeltas.join('')).toBe('Plan: rename bar.');
    expect(streamed.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Plan: rename bar.' }] });
    expect(streamed.output_text).toBe('Done.');
  });

  it('reports an answer cut at the token limit as incomplete', async () => {
    gpt.enqueue({ body: { id: 'chatcmpl-cut', object: 'chat.completion', created: 1_700_000_000, model: 'llama', choices: [{ index: 0, message: { role: 'assistant', content: 'Once upon a' }, finish_reason: 'length' }], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } } });
    const response = await openai.responses.create({ model: 'llama', input: 'Tell me a story', max_output_tokens: 3 });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
    expect(response.output_text).toBe('Once upon a');
  });

  it('ends a stream the upstream broke off with an error the SDK raises, then response.failed, never response.completed', async () => {
    gpt.enqueue({ stream: { content: ['one ', 'two ', 'three ', 'four'], errorAfter: 3, chunkDelayMs: 5 } });
    const stream = openai.responses.stream({ model: 'llama', input: 'Count' });
    const texts: string[] = [];
    stream.on('response.output_text.delta', (event) => texts.push(event.delta));
    const failure = await stream.finalResponse().then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(failure).toMatchObject({ message: expect.stringContaining('The server had an error') });
    expect(texts.length).toBeGreaterThan(0);

    gpt.enqueue({ stream: { content: ['one ', 'two ', 'three ', 'four'], errorAfter: 3, chunkDelayMs: 5 } });
    const raw = await fetch(`${server.url}/v1/responses`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'llama', input: 'Count', stream: true }) });
    const text = await raw.text();
    const types = [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
    expect(types.slice(-2)).toEqual(['error', 'response.failed']);
    expect(types).not.toContain('response.completed');
    const failed = JSON.parse(text.trim().split('\n').at(-1)!.slice('data: '.length));
    // The message item still open when the upstream failed is not in the output: it never completed.
    expect(failed.response).toMatchObject({ status: 'failed', error: { code: 'server_error', message: expect.stringContaining('The server had an error') }, output: [] });
  });

  it('refuses what needs state OpenAI stores or its built-in tools, for a model elsewhere, with a 400 naming the field, before calling the upstream', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ model: 'llama', input: 'Go on', previous_response_id: 'resp_123' }, 'previous_response_id'],
      [{ model: 'llama', input: 'Go on', conversation: 'conv_1' }, 'conversation'],
      [{ model: 'gpt-5-codex', input: 'Go on', prompt: { id: 'pmpt_1' } }, 'prompt'],
      [{ model: 'gpt-5-codex', input: 'Go on', background: true }, 'background'],
      [{ model: 'llama', input: 'Search', tools: [{ type: 'web_search' }] }, 'tools[0]'],
      [{ model: 'llama', input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]'],
      [{ model: 'llama' }, 'input'],
      [{ input: 'Hi' }, 'model'],
    ];
    for (const [body, param] of cases) {
      const error = await openai.responses.create(body as never).then(() => undefined, (failure: unknown) => failure);
      expect(error, param).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.APIError>).error, param).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request', param });
    }
    expect(gpt.requests).toHaveLength(0);
    const unauthenticated = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(unauthenticated.responses.create({ model: 'llama', input: 'Hi' })).rejects.toMatchObject({ status: 401, error: { type: 'authentication_error', code: 'invalid_api_key' } });
  });

  it('passes a Codex request through to OpenAI\'s own Responses API: the bytes go up as sent, reasoning items and Responses-only models work', async () => {
    const body = {
      model: 'gpt-5-codex',
      instructions: 'You are Codex.',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Fix the bug' }] },
        { type: 'reasoning', id: 'rs_earlier', summary: [], encrypted_content: 'gAAAA-earlier' },
        { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'main.ts' },
      ],
      tools: [{ type: 'function', name: 'shell', parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } } } }, patchTool],
      reasoning: { effort: 'high' },
      include: ['reasoning.encrypted_content'],
      store: false,
      stream: true,
    };
    gpt.enqueue({ stream: { content: ['Looking ', 'now.'] }, usage: { prompt_tokens: 40, completion_tokens: 12, reasoning_tokens: 8 } });
    const stream = openai.responses.stream(body as never);
    const response = await stream.finalResponse();
    const upstream = gpt.requests[0]!;
    expect(upstream.path).toBe('/v1/responses');
    expect(upstream.headers.authorization).toBe('Bearer sk-openai-upstream-000000');
    // The client's own bytes: reasoning items with their encrypted content, the custom tool, `store` and `include` as sent.
    expect(upstream.body).toEqual(body);
    expect(response.id).toBe(`resp_mock${response.id.slice('resp_mock'.length)}`);
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(response.output[0]).toMatchObject({ type: 'reasoning', encrypted_content: expect.stringMatching(/^gAAAA/) });
    expect(response.output_text).toBe('Looking now.');
    const line = logs.requestLines().at(-1)!;
    expect(line).toMatchObject({ model: 'gpt-5-codex', provider: 'openai', status: 200, stream: true, promptTokens: 40, completionTokens: 12 });

    gpt.enqueue({ content: 'Fixed.', toolCalls: [{ id: 'call_2', name: 'shell', arguments: '{"command":["npm","test"]}' }] });
    const whole = await openai.responses.create({ ...body, stream: false, model: 'codex' } as never);
    // An alias: only `model` is rewritten.
    expect(gpt.requests[1]!.body).toEqual({ ...body, stream: false, model: 'gpt-5-codex' });
    expect(whole.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
    expect(whole.output[2]).toMatchObject({ call_id: 'call_2', name: 'shell', arguments: '{"command":["npm","test"]}' });
  });

  it('passes OpenAI\'s built-in tools (web search) through to OpenAI, and refuses them for models that cannot run them', async () => {
    const body = { model: 'gpt-5-codex', input: [{ role: 'user', content: 'Latest Node release?' }, { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'node release' } }], tools: [{ type: 'web_search' }], tool_choice: { type: 'web_search' } };
    gpt.enqueue({ content: 'Node 24.' });
    const response = await openai.responses.create(body as never);
    expect(gpt.requests[0]!.path).toBe('/v1/responses');
    expect(gpt.requests[0]!.body).toEqual(body);
    expect(response.output_text).toBe('Node 24.');

    const refused = await openai.responses.create({ ...body, model: 'sonnet' } as never).then(() => undefined, (error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, error: { code: 'invalid_request', param: 'tools[0]', message: expect.stringContaining('Tool type "web_search" is one of OpenAI\'s built-in tools') } });
    const item = await openai.responses.create({ ...body, tools: undefined, tool_choice: undefined, model: 'sonnet' } as never).then(() => undefined, (error: unknown) => error);
    expect(item).toMatchObject({ status: 400, error: { param: 'input[1]' } });
    expect(claude.requests).toHaveLength(0);

    // An image in OpenAI's file storage: to OpenAI as sent, refused for others.
    const stored = { model: 'gpt-5-codex', input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', file_id: 'file-abc123', detail: 'auto' }] }] };
    gpt.enqueue({ content: 'A cat.' });
    await openai.responses.create(stored as never);
    expect(gpt.requests[1]!.body).toEqual(stored);
    const storedElsewhere = await openai.responses.create({ ...stored, model: 'sonnet' } as never).then(() => undefined, (error: unknown) => error);
    expect(storedElsewhere).toMatchObject({ status: 400, error: { param: 'input[0].content[1]' } });
  });

  it('ends a passed-through stream the upstream broke off with the gateway\'s error event', async () => {
    gpt.enqueue({ stream: { content: ['one ', 'two ', 'three'], errorAfter: 5 } });
    const stream = openai.responses.stream({ model: 'gpt-5-codex', input: 'Count' });
    const failure = await stream.finalResponse().then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(failure).toMatchObject({ code: 'server_error', message: expect.stringContaining('The server had an error') });
    expect(gpt.requests[0]!.path).toBe('/v1/responses');
    expect(logs.requestLines().at(-1)).toMatchObject({ model: 'gpt-5-codex', status: 502 });
  });

  it('passes a conversation OpenAI stores through to it (previous_response_id, conversation, item references), and refuses it for other models', async () => {
    gpt.enqueue({ content: 'Noted, Ada.' });
    const first = await openai.responses.create({ model: 'gpt-5-codex', input: 'My name is Ada.' });
    gpt.enqueue({ content: 'Your name is Ada.' });
    const second = await openai.responses.create({ model: 'gpt-5-codex', previous_response_id: first.id, input: 'What is my name?' });
    expect(gpt.requests[1]!.path).toBe('/v1/responses');
    expect(gpt.requests[1]!.bodyText).toBe(JSON.stringify({ model: 'gpt-5-codex', previous_response_id: first.id, input: 'What is my name?' }));
    expect(second.output_text).toBe('Your name is Ada.');

    // Streamed, with a referenced item and a conversation: the bytes go as sent.
    gpt.enqueue({ stream: { content: ['Still ', 'Ada.'] } });
    const body = { model: 'gpt-5-codex', conversation: 'conv_ada', input: [{ type: 'item_reference', id: 'msg_earlier' }, { role: 'user', content: 'And now?' }], stream: true };
    const events = await eventsOf(await openai.responses.create(body as never) as never);
    expect(events.at(-1)).toMatchObject({ type: 'response.completed' });
    expect(gpt.requests[2]!.body).toEqual(body);

    // A response OpenAI did not store: its own 400 reaches the client.
    const unknown = await openai.responses.create({ model: 'gpt-5-codex', previous_response_id: 'resp_unknown', input: 'Hi' }).catch((error: unknown) => error);
    expect(unknown).toMatchObject({ status: 400, message: expect.stringContaining("Previous response with id 'resp_unknown' not found") });

    // To a model elsewhere the stored part cannot go: 400 naming it, nothing sent.
    const refused = await openai.responses.create({ model: 'sonnet', previous_response_id: first.id, input: 'What is my name?' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ code: 'invalid_request', param: 'previous_response_id' });
    expect((refused as Error).message).toMatch(/refers to input OpenAI stores, which only OpenAI's Responses API can add/);
    expect(claude.requests).toHaveLength(0);
  });

  it('passes on OpenAI\'s refusal when a Responses-only model sits behind a server not known to serve the Responses API', async () => {
    const failure = await openai.responses.create({ model: 'codex-local', input: 'Hi' }).then(() => undefined, (error: unknown) => error);
    expect(gpt.requests[0]!.path).toBe('/v1/chat/completions');
    expect(failure).toMatchObject({ status: 400, message: expect.stringContaining('only supported in v1/responses') });
  });

  it('is served without /v1 too, as LiteLLM serves OpenAI routes', async () => {
    gpt.enqueue({ content: 'Unversioned.' });
    const unversioned = new OpenAI({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });
    const response = await unversioned.responses.create({ model: 'llama', input: 'Hi' });
    expect(response.output_text).toBe('Unversioned.');
  });
});

describe('OpenAI\'s Responses-only models (Codex) from any client', () => {
  it('serves a chat client: the request goes to /v1/responses translated, the answer comes back as a chat completion, whole and streamed', async () => {
    gpt.enqueue({ content: 'Patched.', usage: { prompt_tokens: 12, completion_tokens: 3 } });
    const completion = await openai.chat.completions.create({
      model: 'codex-via-chat',
      messages: [
        { role: 'system', content: 'You are a coding agent.' },
        { role: 'user', content: 'Fix it' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'shell', arguments: '{"command":["ls"]}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'main.ts' },
      ],
      tools: [{ type: 'function', function: { name: 'shell', parameters: { type: 'object', properties: {} } } }],
      max_tokens: 200,
      stop: ['END'],
      reasoning_effort: 'low',
    });
    const upstream = gpt.requests[0]!;
    expect(upstream.path).toBe('/v1/responses');
    expect(upstream.body).toEqual({
      model: 'gpt-5-codex',
      input: [
        { type: 'message', role: 'system', content: 'You are a coding agent.' },
        { type: 'message', role: 'user', content: 'Fix it' },
        { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'main.ts' },
      ],
      store: false,
      max_output_tokens: 200,
      tools: [{ type: 'function', name: 'shell', parameters: { type: 'object', properties: {} } }],
      reasoning: { effort: 'low' },
    });
    expect(completion.choices[0]!.message.content).toBe('Patched.');
    expect(completion.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 3 });

    gpt.enqueue({ stream: { content: ['Run', 'ning.'], toolCalls: [{ id: 'call_2', name: 'shell', arguments: '{"command":["npm","test"]}' }] } });
    const stream = await openai.chat.completions.create({ model: 'codex-via-chat', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Test it' }], tools: [{ type: 'function', function: { name: 'shell', parameters: { type: 'object', properties: {} } } }] });
    let text = '';
    let args = '';
    let finish: string | null | undefined;
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(gpt.requests[1]!.body).toMatchObject({ model: 'gpt-5-codex', stream: true, store: false });
    expect(text).toBe('Running.');
    expect(args).toBe('{"command":["npm","test"]}');
    expect(finish).toBe('tool_calls');
    expect(usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
  });

  it('keeps a chat client\'s tool message image (as OpenRouter\'s chat clients send it) in the function call output', async () => {
    const png = mockScreenshot;
    await openai.chat.completions.create({ model: 'codex-via-chat', messages: screenshotToolStep('call_shot') });
    expect(gpt.requests[0]!.path).toBe('/v1/responses');
    expect(gpt.requests[0]!.body.input[2]).toEqual({ type: 'function_call_output', call_id: 'call_shot', output: [{ type: 'input_text', text: 'page.png' }, { type: 'input_image', image_url: `data:image/png;base64,${png}`, detail: 'auto' }] });
  });

  it('serves Claude Code on /v1/messages, streamed, with a tool call', async () => {
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });
    gpt.enqueue({ stream: { content: ['Let me look.'], toolCalls: [{ id: 'call_9', name: 'Bash', arguments: '{"command":"ls"}' }] } });
    const stream = anthropic.messages.stream({ model: 'codex-via-chat', max_tokens: 500, system: 'You are Claude Code.', messages: [{ role: 'user', content: 'List files' }], tools: [{ name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }] });
    const message = await stream.finalMessage();
    expect(gpt.requests[0]!.path).toBe('/v1/responses');
    expect(gpt.requests[0]!.body).toMatchObject({ model: 'gpt-5-codex', max_output_tokens: 500, stream: true, input: [{ role: 'system', content: 'You are Claude Code.' }, { role: 'user', content: 'List files' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Let me look.' }, { type: 'tool_use', id: 'call_9', name: 'Bash', input: { command: 'ls' } }]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('serves a Responses client whose request cannot pass through (no Responses passthrough here): translated there and back', async () => {
    gpt.enqueue({ stream: { content: [], toolCalls: [{ id: 'call_p', name: 'apply_patch', arguments: '{"input":"*** Begin Patch"}' }] } });
    const response = await openai.responses.stream({ model: 'codex-via-chat', input: 'Fix the typo', tools: [patchTool] }).finalResponse();
    expect(gpt.requests[0]!.path).toBe('/v1/responses');
    expect(gpt.requests[0]!.body).toMatchObject({ model: 'gpt-5-codex', stream: true, store: false, tools: [{ type: 'function', name: 'apply_patch', parameters: { properties: { input: { type: 'string' } } } }] });
    expect(response.output).toEqual([{ id: expect.stringMatching(/^ctc_/), type: 'custom_tool_call', status: 'completed', call_id: 'call_p', name: 'apply_patch', input: '*** Begin Patch' }]);
  });
});

describe('POST /v1/responses/input_tokens', () => {
  it("is answered by the route's first target that can count: OpenAI's own count, Claude's, a vLLM server's tokenizer", async () => {
    const openAICount = await openai.responses.inputTokens.count({ model: 'codex', instructions: 'Be brief.', input: 'count these four words', tools: [weatherTool] });
    expect(openAICount).toEqual({ object: 'response.input_tokens', input_tokens: 6 });
    expect(gpt.requests[0]!.path).toBe('/v1/responses/input_tokens');
    expect(gpt.requests[0]!.headers.authorization).toBe('Bearer sk-openai-upstream-000000');
    expect(gpt.requests[0]!.body).toMatchObject({ model: 'gpt-5-codex', tools: [{ type: 'function', name: 'get_weather' }] });
    expect(JSON.stringify(gpt.requests[0]!.body.input)).toContain('count these four words');
    const claudeCount = await openai.responses.inputTokens.count({ model: 'sonnet', instructions: 'Be brief.', input: [{ role: 'user', content: 'count these four words' }] });
    expect(claudeCount).toEqual({ object: 'response.input_tokens', input_tokens: 6 });
    expect(claude.requests[0]!.path).toBe('/v1/messages/count_tokens');
    expect(claude.requests[0]!.body).toMatchObject({ model: 'claude-sonnet-4-5', system: 'Be brief.', messages: [{ role: 'user', content: 'count these four words' }] });
    // The mock's chat template: 2 + 4 words and 3 tokens per message, 3 for the generation prompt.
    const localCount = await openai.responses.inputTokens.count({ model: 'llama', instructions: 'Be brief.', input: 'count these four words' });
    expect(localCount).toEqual({ object: 'response.input_tokens', input_tokens: 6 + 6 + 3 });
    expect(gpt.requests[1]!.path).toBe('/tokenize');
  });

  it('refuses a conversation stored elsewhere, and an unknown key, in OpenAI\'s shape, before any upstream call', async () => {
    const stored = await openai.responses.inputTokens.count({ model: 'codex', previous_response_id: 'resp_0123', input: 'and now?' }).catch((error: unknown) => error);
    expect(stored).toMatchObject({ status: 400, param: 'previous_response_id' });
    expect((stored as Error).message).toContain('cannot be counted from the request');
    const stranger = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-not-a-key-000000000000', maxRetries: 0 });
    await expect(stranger.responses.inputTokens.count({ model: 'codex', input: 'x' })).rejects.toMatchObject({ status: 401 });
    expect(gpt.requests).toHaveLength(0);
    expect(claude.requests).toHaveLength(0);
  });
});

describe('POST /v1/responses/compact', () => {
  const conversation = [
    { role: 'user' as const, content: 'the build fails on main' },
    { role: 'assistant' as const, content: 'It fails in the linker step.' },
    { role: 'user' as const, content: 'fix it' },
  ];

  it("passes Codex's compaction to OpenAI's Responses API as the client's bytes, and its answer back as OpenAI's, usage recorded", async () => {
    const { data: compacted, response } = await openai.responses.compact({ model: 'codex', instructions: 'Be brief.', input: conversation, prompt_cache_key: 'session-7' }).withResponse();
    const sent = gpt.requests[0]!;
    expect(sent.path).toBe('/v1/responses/compact');
    expect(sent.headers.authorization).toBe('Bearer sk-openai-upstream-000000');
    // As sent, the routed model in place of the alias.
    expect(sent.body).toEqual({ model: 'gpt-5-codex', instructions: 'Be brief.', input: conversation, prompt_cache_key: 'session-7' });
    expect(compacted).toMatchObject({ object: 'response.compaction', id: expect.stringMatching(/^cmp_mock/) });
    expect(compacted.output.map((item) => item.type)).toEqual(['message', 'message', 'compaction']);
    expect(compacted.output.at(-1)).toMatchObject({ type: 'compaction', encrypted_content: expect.stringMatching(/^gAAAA-mock-compaction/) });
    expect(response.headers.get('x-tollgate-provider')).toBe('openai');
    await server.tollgate.gateway.engine.drain();
    const line = logs.requestLines().find((candidate) => candidate.requestId === response.headers.get('x-request-id'))!;
    // 2 instruction words and 13 of the conversation in; the compaction's 256 out.
    expect(line).toMatchObject({ operation: 'chat', ingress: 'openai-responses-compact', status: 200, model: 'codex', provider: 'openai', promptTokens: compacted.usage.input_tokens, completionTokens: mockCompactionTokens });
  });

  it('refuses a model no Responses API serves, and a stream, before any upstream call', async () => {
    const translated = await openai.responses.compact({ model: 'llama', input: conversation }).catch((error: unknown) => error);
    expect(translated).toMatchObject({ status: 400, param: 'model' });
    expect((translated as Error).message).toContain("Compacting a conversation (`/v1/responses/compact`) needs OpenAI's Responses API");
    const streamed = await fetch(`${server.url}/v1/responses/compact`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'codex', input: conversation, stream: true }) });
    expect(streamed.status).toBe(400);
    expect(((await streamed.json()) as { error: { param: string } }).error.param).toBe('stream');
    expect(gpt.requests).toHaveLength(0);
  });
});
