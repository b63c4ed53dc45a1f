import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/index.js';
import { LogCapture, masterKey, startLoggedServer } from './support/start-test-gateway.js';
import { anthropicKey, startClaudeAndGptMocks } from './support/claude-and-gpt-mocks.js';
import { mockScreenshot, screenshotToolStep } from './support/screenshot-tool-step.js';

const { claude, gpt } = await startClaudeAndGptMocks();
let server: RunningServer;
let openai: OpenAI;
let anthropic: Anthropic;
const logs = new LogCapture();

beforeAll(async () => {
  server = await startLoggedServer(logs, {
    plugins: ['@tollgate/provider-openai', '@tollgate/provider-anthropic'],
    auth: { masterKey },
    providers: {
      claude: { type: 'anthropic', baseURL: claude.baseURL, apiKey: anthropicKey, defaultMaxTokens: 1024 },
      // An OpenAI-compatible service that cannot count tokens.
      openai: { type: 'openai', baseURL: gpt.baseURL, apiKey: 'sk-openai-upstream-000000', tokenizeAPI: false },
      // A vLLM server of the team's own (a base URL of its own: its tokenizer is asked by default).
      'gpu-box': { type: 'openai', baseURL: gpt.baseURL },
      // OpenAI's own API (its price provider says so), which counts input tokens.
      'openai-api': { type: 'openai', baseURL: gpt.baseURL, apiKey: 'sk-openai-upstream-000000', priceProvider: 'openai' },
    },
    routing: { retries: { baseDelayMs: 10, maxDelayMs: 20 } },
    models: {
      'claude-sonnet-4-5': { target: 'claude/claude-sonnet-4-5' },
      sonnet: { target: 'claude/claude-sonnet-4-5' },
      'gpt-4o': { target: 'openai/gpt-4o' },
      'gpt-5': { target: 'openai-api/gpt-5' },
      qwen: { target: 'gpu-box/Qwen/Qwen3-Coder-30B' },
      'gpt-then-claude': { targets: ['openai/gpt-4o', 'claude/claude-sonnet-4-5'] },
    },
  });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
});

const weatherTool = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
const anthropicWeatherTool = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };

describe('OpenAI client → Anthropic model (translated)', () => {
  it('translates system, max_tokens, stop and user, drops sampling parameters the Messages API no longer takes; maps the answer, stop reason and cache usage', async () => {
    claude.enqueue({ content: 'Paris is lovely. Done here', usage: { input_tokens: 20, output_tokens: 6, cache_read_input_tokens: 100, cache_creation_input_tokens: 5 } });
    const completion = await openai.chat.completions.create({
      model: 'sonnet',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: 'Answer in English.' },
        { role: 'user', content: 'Tell me about Paris' },
      ],
      stop: ['Done'],
      temperature: 0.2,
      top_p: 0.9,
      user: 'end-user-7',
    });
    const upstream = claude.requests[0]!;
    expect(upstream.headers['x-api-key']).toBe(anthropicKey);
    expect(upstream.headers['anthropic-version']).toBe('2023-06-01');
    expect(upstream.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: 'Be brief.\n\nAnswer in English.',
      messages: [{ role: 'user', content: 'Tell me about Paris' }],
      stop_sequences: ['Done'],
      metadata: { user_id: 'end-user-7' },
    });
    expect(completion.choices[0]?.message.content).toBe('Paris is lovely. ');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 125, completion_tokens: 6, total_tokens: 131, prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 5 } });
  });

  it('translates tools, tool_choice, tool calls and merged tool results', async () => {
    claude.enqueue({ content: '', toolUses: [{ name: 'get_weather', input: { city: 'Paris' }, id: 'toolu_1' }] });
    const first = await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'weather?' }], tools: [weatherTool], tool_choice: 'required', parallel_tool_calls: false });
    expect(claude.requests[0]?.body.tools).toEqual([anthropicWeatherTool]);
    expect(claude.requests[0]?.body.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call).toEqual({ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } });

    await openai.chat.completions.create({
      model: 'sonnet',
      messages: [
        { role: 'user', content: 'weather in Paris and Rome?' },
        { role: 'assistant', content: null, tool_calls: [call, { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'toolu_2', content: 'rainy' },
      ],
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const second = claude.requests[1]!.body;
    expect(second.tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(second.messages).toEqual([
      { role: 'user', content: 'weather in Paris and Rome?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }, { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }, { type: 'tool_result', tool_use_id: 'toolu_2', content: 'rainy' }] },
    ]);
  });

  it('translates images: base64 data URLs and https URLs', async () => {
    await openai.chat.completions.create({
      model: 'sonnet',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Compare' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }, { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } }] }],
    });
    expect(claude.requests[0]?.body.messages[0].content).toEqual([
      { type: 'text', text: 'Compare' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('sends response_format as native structured output and reasoning_effort as effort', async () => {
    claude.enqueue({ content: '{"answer":42}' });
    const schema = { type: 'object', properties: { answer: { type: 'number' } } };
    const structured = await openai.chat.completions.create({
      model: 'sonnet',
      messages: [{ role: 'user', content: 'answer?' }],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
      reasoning_effort: 'minimal',
    });
    expect(claude.requests[0]?.body.output_config).toEqual({ format: { type: 'json_schema', schema }, effort: 'low' });
    expect(JSON.parse(structured.choices[0]!.message.content!)).toEqual({ answer: 42 });
    expect(structured.choices[0]?.finish_reason).toBe('stop');
  });

  it('streams text, and streamed tool-call arguments reassemble to exactly the non-streamed ones', async () => {
    const input = { city: 'São Paulo', units: 'metric', days: [1, 2, 3], note: 'say "hi"' };
    claude.enqueue({ content: '', toolUses: [{ name: 'get_weather', input, id: 'toolu_s' }] });
    const whole = await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'x' }], tools: [weatherTool] });
    claude.enqueue({ content: '', toolUses: [{ name: 'get_weather', input, id: 'toolu_s' }], stream: { inputJsonPieces: 7 } });
    const stream = await openai.chat.completions.create({ model: 'sonnet', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }], tools: [weatherTool] });
    let args = '';
    let id = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      if (call?.id) id = call.id;
      args += call?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    const nonStreamed = (whole.choices[0]!.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall).function.arguments;
    expect(args).toBe(nonStreamed);
    expect(JSON.parse(args)).toEqual(input);
    expect(id).toBe('toolu_s');
    expect(finish).toBe('tool_calls');
    expect(usage?.completion_tokens).toBe(whole.usage?.completion_tokens);

    claude.enqueue({ content: 'streamed words here', thinking: 'hmm' });
    const text = await openai.chat.completions.create({ model: 'sonnet', stream: true, messages: [{ role: 'user', content: 'x' }] });
    let content = '';
    for await (const chunk of text) content += chunk.choices[0]?.delta.content ?? '';
    expect(content).toBe('streamed words here');
  });

  it('maps Anthropic errors: overloaded (529) retried, authentication to 502 without the key, stream error events', async () => {
    claude.enqueue({ error: { type: 'overloaded_error', message: 'Overloaded' } });
    const retried = await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'x' }] });
    expect(retried.choices[0]?.message.content).toBe('Mock answer to: x');
    expect(claude.requests).toHaveLength(2);

    claude.enqueue({ error: { type: 'authentication_error', message: `invalid x-api-key ${anthropicKey}` } });
    const auth = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'sonnet', messages: [{ role: 'user', content: 'x' }] }) });
    expect(auth.status).toBe(502);
    const text = await auth.text();
    expect(text).not.toContain('SECRET');
    expect(JSON.parse(text).error.code).toBe('authentication_error');

    claude.enqueue({ error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } });
    const tooLong = (await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(tooLong.status).toBe(400);
    expect(tooLong.code).toBe('context_length_exceeded');

    claude.enqueue({ stream: { errorAfter: 4, chunkDelayMs: 5 } });
    const broken = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'sonnet', stream: true, messages: [{ role: 'user', content: 'one two three four' }] }) });
    const events = (await broken.text()).split('\n\n').filter(Boolean);
    expect(JSON.parse(events.at(-1)!.slice(6)).error).toMatchObject({ code: 'overloaded_error', message: expect.stringContaining('Overloaded') });
  });
});

  it('keeps an earlier answer that refused (OpenAI\'s `refusal`, as a field or a part) as Claude\'s assistant turn, not dropping it', async () => {
    await openai.chat.completions.create({
      model: 'sonnet',
      messages: [
        { role: 'user', content: 'How do I pick this lock?' },
        { role: 'assistant', content: null, refusal: 'I can\'t help with that.' },
        { role: 'user', content: 'It is my own bike lock.' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'Still no.' }] },
        { role: 'user', content: 'Then suggest a locksmith.' },
      ],
    });
    expect(claude.requests[0]!.body.messages).toEqual([
      { role: 'user', content: 'How do I pick this lock?' },
      { role: 'assistant', content: 'I can\'t help with that.' },
      { role: 'user', content: 'It is my own bike lock.' },
      { role: 'assistant', content: 'Still no.' },
      { role: 'user', content: 'Then suggest a locksmith.' },
    ]);
  });

  it('keeps a tool message\'s image (as OpenRouter\'s chat clients send it) in Claude\'s tool result', async () => {
    const png = mockScreenshot;
    await openai.chat.completions.create({ model: 'sonnet', messages: screenshotToolStep('toolu_shot') });
    expect(claude.requests[0]!.body.messages[2]).toEqual({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_shot', content: [{ type: 'text', text: 'page.png' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }] }],
    });
  });

  it('gives a chat client\'s PDF and text files to Claude as documents, and refuses a file it cannot read', async () => {
    const pdfData = Buffer.from('%PDF-1.4 mock').toString('base64');
    await openai.chat.completions.create({
      model: 'sonnet',
      messages: [{
        role: 'user',
        content: [
          { type: 'file', file: { filename: 'contract.pdf', file_data: `data:application/pdf;base64,${pdfData}` } },
          { type: 'file', file: { filename: 'notes.txt', file_data: `data:text/plain;base64,${Buffer.from('Renewal due in May.').toString('base64')}` } },
          { type: 'text', text: 'When is the renewal?' },
        ],
      }],
    });
    expect(claude.requests[0]!.body.messages).toEqual([{
      role: 'user',
      content: [
        { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdfData }, title: 'contract.pdf' },
        { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Renewal due in May.' }, title: 'notes.txt' },
        { type: 'text', text: 'When is the renewal?' },
      ],
    }]);

    const refusals = [
      [{ file_id: 'file-abc123' }, /file_id.{0,2} is in OpenAI's storage/],
      [{ filename: 'sheet.xlsx', file_data: 'data:application/vnd.ms-excel;base64,AAAA' }, /A file of type "application\/vnd.ms-excel" cannot be sent to an Anthropic model \(PDF and plain text can\)/],
    ] as const;
    for (const [file, message] of refusals) {
      const refused = (await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: [{ type: 'text', text: 'Read:' }, { type: 'file', file }] }] }).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
      expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
      expect(refused.message).toMatch(message);
      expect((refused.error as { param?: string }).param).toBe('messages[0].content[1]');
    }
    expect(claude.requests).toHaveLength(1);
  });

describe('Anthropic client → Anthropic model (passthrough)', () => {
  it('sends the client bytes upstream unchanged, with the provider key, and returns the answer untouched', async () => {
    const body = '{"model":"claude-sonnet-4-5",  "max_tokens": 300, "messages":[{"role":"user","content":[{"type":"text","text":"cache me","cache_control":{"type":"ephemeral"}}]}], "service_tier":"auto"}';
    claude.enqueue({ usage: { input_tokens: 3, output_tokens: 4, cache_read_input_tokens: 50 } });
    const response = await fetch(`${server.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': masterKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    expect(claude.requests[0]?.bodyText).toBe(body);
    expect(claude.requests[0]?.headers['x-api-key']).toBe(anthropicKey);
    const message = (await response.json()) as Anthropic.Message;
    expect(message.usage).toMatchObject({ input_tokens: 3, output_tokens: 4, cache_read_input_tokens: 50 });
    await server.tollgate.gateway.engine.drain();
    expect(logs.requestLines().at(-1)).toMatchObject({ ingress: 'anthropic', provider: 'claude', promptTokens: 53, completionTokens: 4 });
  });

  it('streams through the Anthropic SDK with usage tapped, rewriting only the model for an alias, and forwards anthropic-beta', async () => {
    const stream = anthropic.messages.stream(
      { model: 'sonnet', max_tokens: 200, messages: [{ role: 'user', content: 'stream it please' }] },
      { headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } },
    );
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Mock answer to: stream it please' }]);
    expect(message.stop_reason).toBe('end_turn');
    const upstream = claude.requests[0]!;
    expect(upstream.body.model).toBe('claude-sonnet-4-5');
    expect(upstream.body.stream).toBe(true);
    expect(upstream.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    await server.tollgate.gateway.engine.drain();
    expect(logs.requestLines().at(-1)).toMatchObject({ stream: true, provider: 'claude', completionTokens: message.usage.output_tokens });
  });

  it('passes server tools (Claude Code\'s web search and fetch) through to the Anthropic model, and refuses them for other models', async () => {
    const tools = [{ type: 'web_search_20250305', name: 'web_search', max_uses: 8 }, { name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }];
    const message = await anthropic.messages.create({ model: 'sonnet', max_tokens: 300, tools: tools as never, messages: [{ role: 'user', content: 'What changed in Node 24?' }] });
    expect(claude.requests[0]!.body).toMatchObject({ model: 'claude-sonnet-4-5', tools });
    expect(message.content[0]).toMatchObject({ type: 'text' });

    const refused = await anthropic.messages.create({ model: 'gpt-4o', max_tokens: 300, tools: tools as never, messages: [{ role: 'user', content: 'What changed in Node 24?' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    expect((refused as Error).message).toMatch(/web_search.{0,4} is an Anthropic server tool \(web_search_20250305\), which only an Anthropic model can run/);
    expect(gpt.requests).toHaveLength(0);

    // In a group, such a request goes to the first target that takes its bytes.
    await anthropic.messages.create({ model: 'gpt-then-claude', max_tokens: 300, tools: tools as never, messages: [{ role: 'user', content: 'What changed in Node 24?' }] });
    expect(gpt.requests).toHaveLength(0);
    expect(claude.requests).toHaveLength(2);
  });

  it('passes a PDF document through to the Anthropic model; gives it to other models as a chat file part, and refuses a document by URL naming the block', async () => {
    const pdfData = Buffer.from('%PDF-1.4 mock').toString('base64');
    const pdf = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdfData }, title: 'Q3 report', context: 'Finance, final', citations: { enabled: true } };
    const content = [pdf, { type: 'text', text: 'Summarize this.' }];
    await anthropic.messages.create({ model: 'sonnet', max_tokens: 300, messages: [{ role: 'user', content: content as never }] });
    expect(claude.requests[0]!.body).toMatchObject({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content }] });

    // To an OpenAI model: the PDF as the file part OpenAI's chat completions take, titled by its file name.
    const textDocument = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Revenue rose 4 %.' } };
    const blocksDocument = { type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'Slide 1: growth' }, { type: 'image', source: { type: 'url', url: 'https://example.com/chart.png' } }] } };
    const answer = await anthropic.messages.create({ model: 'gpt-4o', max_tokens: 300, messages: [{ role: 'user', content: [pdf, textDocument, blocksDocument, { type: 'text', text: 'Summarize these.' }] as never }] });
    expect(gpt.requests[0]!.body.messages).toEqual([{
      role: 'user',
      content: [
        { type: 'file', file: { filename: 'Q3 report.pdf', file_data: `data:application/pdf;base64,${pdfData}` } },
        { type: 'text', text: 'Revenue rose 4 %.' },
        { type: 'text', text: 'Slide 1: growth' },
        { type: 'image_url', image_url: { url: 'https://example.com/chart.png' } },
        { type: 'text', text: 'Summarize these.' },
      ],
    }]);
    expect(answer.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('Summarize these.') });

    const byURL = { type: 'document', source: { type: 'url', url: 'https://example.com/q3.pdf' } };
    const refused = await anthropic.messages.create({ model: 'gpt-4o', max_tokens: 300, messages: [{ role: 'user', content: [{ type: 'text', text: 'Read:' }, byURL] as never }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    expect((refused as Error).message).toMatch(/Content block type .{0,2}document.{0,2} with a url source only an Anthropic model can take/);
    expect(gpt.requests).toHaveLength(1);
  });

  it('gives a tool result\'s image (Claude Code reading a screenshot) to an OpenAI model in the user message after the tool messages, where OpenAI takes images', async () => {
    const png = Buffer.from('mock png bytes').toString('base64');
    const readTool = { name: 'Read', input_schema: { type: 'object' as const, properties: { file_path: { type: 'string' } } } };
    await anthropic.messages.create({
      model: 'gpt-4o',
      max_tokens: 300,
      tools: [readTool, { ...readTool, name: 'Grep' }],
      messages: [
        { role: 'user', content: 'What does the screenshot show, and where is it used?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_read', name: 'Read', input: { file_path: 'shot.png' } }, { type: 'tool_use', id: 'toolu_grep', name: 'Grep', input: { file_path: 'shot.png' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_read', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }] },
            { type: 'tool_result', tool_use_id: 'toolu_grep', content: [{ type: 'text', text: 'README.md:3' }] },
            { type: 'text', text: 'Answer briefly.' },
          ],
        },
      ],
    });
    // The OpenAI mock refuses, as OpenAI does, an image in a tool message and a user message between the tool messages.
    expect(gpt.requests[0]!.body.messages.slice(1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_read', type: 'function', function: { name: 'Read', arguments: '{"file_path":"shot.png"}' } }, { id: 'toolu_grep', type: 'function', function: { name: 'Grep', arguments: '{"file_path":"shot.png"}' } }] },
      { role: 'tool', tool_call_id: 'toolu_read', content: '(The result of this call is attached in the next message.)' },
      { role: 'tool', tool_call_id: 'toolu_grep', content: 'README.md:3' },
      { role: 'user', content: [{ type: 'text', text: 'Attached to the result of tool call toolu_read:' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }, { type: 'text', text: 'Answer briefly.' }] },
    ]);

    // A block in a tool result no chat model takes is refused, naming it, never dropped.
    const searchResult = { type: 'search_result', source: 'https://example.com', title: 'Example', content: [{ type: 'text', text: 'x' }] };
    const refused = await anthropic.messages.create({
      model: 'gpt-4o',
      max_tokens: 300,
      messages: [
        { role: 'user', content: 'Search.' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_s', name: 'search', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_s', content: [searchResult] }] as never },
      ],
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    expect((refused as Error).message).toMatch(/Content block type .{0,2}search_result.{0,2} only an Anthropic model can take/);
    expect(gpt.requests).toHaveLength(1);
  });

  it('ends a broken stream with an Anthropic error event', async () => {
    claude.enqueue({ stream: { errorAfter: 5, chunkDelayMs: 5 } });
    const stream = anthropic.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'a b c d' }] });
    const error = await stream.finalMessage().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(String(error)).toMatch(/overloaded/i);
  });
});

describe('Anthropic client → OpenAI model (translated)', () => {
  it('translates the request and the answer, stop sequences and usage included', async () => {
    gpt.enqueue({ usage: { prompt_tokens: 30, completion_tokens: 5, cached_tokens: 10 } });
    const message = await anthropic.messages.create({
      model: 'gpt-4o',
      max_tokens: 256,
      system: 'Be brief.',
      stop_sequences: ['STOP'],
      output_config: { effort: 'xhigh', format: { type: 'json_schema', schema: { type: 'object' } } },
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    expect(gpt.requests[0]?.body).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }],
      max_tokens: 256,
      stop: ['STOP'],
      response_format: { type: 'json_schema', json_schema: { name: 'output', schema: { type: 'object' } } },
      reasoning_effort: 'high',
    });
    expect(message).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Mock answer to: Hello there' }], stop_reason: 'end_turn' });
    expect(message.usage).toMatchObject({ input_tokens: 20, output_tokens: 5, cache_read_input_tokens: 10 });
  });

  it('streams events the Anthropic SDK accepts, tool-use input included, identical to the non-streamed answer', async () => {
    const args = '{"city":"Paris","days":[1,2]}';
    gpt.enqueue({ toolCalls: [{ name: 'get_weather', arguments: args, id: 'call_9' }] });
    const whole = await anthropic.messages.create({ model: 'gpt-4o', max_tokens: 100, tools: [anthropicWeatherTool], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'weather?' }] });
    expect(gpt.requests[0]?.body.tools).toEqual([weatherTool]);
    expect(gpt.requests[0]?.body.tool_choice).toBe('required');
    gpt.enqueue({ stream: { content: ['Let me check. '], toolCalls: [{ name: 'get_weather', arguments: args, id: 'call_9' }], argumentPieces: 5 } });
    const streamed = await anthropic.messages.stream({ model: 'gpt-4o', max_tokens: 100, tools: [anthropicWeatherTool], messages: [{ role: 'user', content: 'weather?' }] }).finalMessage();
    const wholeUse = whole.content.find((block) => block.type === 'tool_use');
    const streamedUse = streamed.content.find((block) => block.type === 'tool_use');
    expect(streamedUse).toEqual(wholeUse);
    expect(streamedUse).toMatchObject({ id: 'call_9', name: 'get_weather', input: { city: 'Paris', days: [1, 2] } });
    expect(streamed.content[0]).toEqual({ type: 'text', text: 'Let me check. ' });
    expect(streamed.stop_reason).toBe('tool_use');
    expect(gpt.requests[1]?.body.stream_options).toEqual({ include_usage: true });
  });

  it('answers errors in Anthropic’s shape', async () => {
    const missing = await anthropic.messages.create({ model: 'nope', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    const unauthenticated = await fetch(`${server.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.any(String) } });
    const noMaxTokens = await fetch(`${server.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': masterKey, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o', messages: [] }) });
    expect(noMaxTokens.status).toBe(400);
    expect(((await noMaxTokens.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const serverTool = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': masterKey, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', max_tokens: 10, tools: [{ type: 'web_search_20250305', name: 'web_search' }], messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(serverTool.status).toBe(400);
    expect(((await serverTool.json()) as { error: { message: string } }).error.message).toMatch(/Anthropic server tool/);
    expect(gpt.requests).toHaveLength(0);
  });
});

describe('a three-turn tool-calling agent loop through each crossing', () => {
  it('OpenAI client → Anthropic model', async () => {
    claude.enqueue(
      { content: '', toolUses: [{ name: 'get_weather', input: { city: 'Paris' }, id: 'toolu_a' }] },
      { content: '', toolUses: [{ name: 'get_weather', input: { city: 'Rome' }, id: 'toolu_b' }] },
      { content: 'Paris is sunny, Rome is rainy.' },
    );
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Compare Paris and Rome weather' }];
    const weather: Record<string, string> = { Paris: 'sunny', Rome: 'rainy' };
    for (let turn = 0; turn < 3; turn += 1) {
      const completion = await openai.chat.completions.create({ model: 'sonnet', messages, tools: [weatherTool] });
      const message = completion.choices[0]!.message;
      messages.push(message);
      if (message.tool_calls === undefined) break;
      for (const call of message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[]) {
        messages.push({ role: 'tool', tool_call_id: call.id, content: weather[JSON.parse(call.function.arguments).city]! });
      }
    }
    expect(messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Paris is sunny, Rome is rainy.' });
    expect(claude.requests).toHaveLength(3);
    expect(claude.requests[2]?.body.messages).toEqual([
      { role: 'user', content: 'Compare Paris and Rome weather' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a', content: 'sunny' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_b', name: 'get_weather', input: { city: 'Rome' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_b', content: 'rainy' }] },
    ]);
  });

  it('Anthropic client → OpenAI model, streaming', async () => {
    gpt.enqueue(
      { stream: { content: [], toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}', id: 'call_a' }] } },
      { stream: { content: [], toolCalls: [{ name: 'get_weather', arguments: '{"city":"Rome"}', id: 'call_b' }] } },
      { stream: { content: ['Paris is sunny, ', 'Rome is rainy.'] } },
    );
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Compare Paris and Rome weather' }];
    const weather: Record<string, string> = { Paris: 'sunny', Rome: 'rainy' };
    for (let turn = 0; turn < 3; turn += 1) {
      const message = await anthropic.messages.stream({ model: 'gpt-4o', max_tokens: 200, tools: [anthropicWeatherTool], messages }).finalMessage();
      messages.push({ role: 'assistant', content: message.content });
      const uses = message.content.filter((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
      if (uses.length === 0) break;
      messages.push({ role: 'user', content: uses.map((use) => ({ type: 'tool_result' as const, tool_use_id: use.id, content: weather[(use.input as { city: string }).city]! })) });
    }
    expect(messages.at(-1)).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Paris is sunny, Rome is rainy.' }] });
    expect(gpt.requests).toHaveLength(3);
    expect(gpt.requests[2]?.body.messages).toEqual([
      { role: 'user', content: 'Compare Paris and Rome weather' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] },
      { role: 'tool', tool_call_id: 'call_b', content: 'rainy' },
    ]);
  });
});

describe('count_tokens', () => {
  it('is answered by an Anthropic target, and refused in Anthropic’s shape for other models', async () => {
    const counted = await anthropic.messages.countTokens({ model: 'sonnet', system: 'Be brief.', messages: [{ role: 'user', content: 'count these four words' }] });
    expect(counted.input_tokens).toBe(6);
    const upstream = claude.requests[0]!;
    expect(upstream.path).toBe('/v1/messages/count_tokens');
    expect(upstream.body).toEqual({ model: 'claude-sonnet-4-5', system: 'Be brief.', messages: [{ role: 'user', content: 'count these four words' }] });
    const fromOpenAIModel = await anthropic.messages.countTokens({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(fromOpenAIModel).toBeInstanceOf(Anthropic.BadRequestError);
    expect(String(fromOpenAIModel)).toContain('can count tokens');
  });

  it("is answered by OpenAI's input token count for Claude Code on an OpenAI model", async () => {
    const counted = await anthropic.messages.countTokens({
      model: 'gpt-5',
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'count these four words' }],
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
    });
    expect(counted.input_tokens).toBe(6);
    const upstream = gpt.requests[0]!;
    expect(upstream.path).toBe('/v1/responses/input_tokens');
    expect(upstream.headers.authorization).toBe('Bearer sk-openai-upstream-000000');
    expect(upstream.body).toMatchObject({ model: 'gpt-5', tools: [{ type: 'function', name: 'get_weather' }] });
    expect(JSON.stringify(upstream.body.input)).toContain('count these four words');
  });

  it("is answered by a vLLM server's tokenizer for Claude Code on a self-hosted model: the request as the chat template renders it", async () => {
    const counted = await anthropic.messages.countTokens({
      model: 'qwen',
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'count these four words' }],
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
    });
    const upstream = gpt.requests[0]!;
    // At the server's root, beside its /v1.
    expect(upstream.path).toBe('/tokenize');
    expect(upstream.body).toEqual({
      model: 'Qwen/Qwen3-Coder-30B',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'count these four words' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      add_generation_prompt: true,
    });
    // The mock's template: 2 + 4 words and 3 tokens per message, the tool's 12 JSON words, 3 for the generation prompt.
    expect(counted.input_tokens).toBe(6 + 6 + 12 + 3);
  });
});

describe('usage is the same on both paths', () => {
  it('records the same tokens for an Anthropic model whether the client speaks OpenAI or Anthropic', async () => {
    const usage = { input_tokens: 11, output_tokens: 7, cache_read_input_tokens: 30, cache_creation_input_tokens: 2 };
    claude.enqueue({ usage }, { usage });
    const viaOpenAI = await openai.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }] });
    const viaAnthropic = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] });
    await server.tollgate.gateway.engine.drain();
    const [first, second] = logs.requestLines().slice(-2);
    expect(first).toMatchObject({ promptTokens: 43, completionTokens: 7 });
    expect(second).toMatchObject({ promptTokens: 43, completionTokens: 7 });
    expect(viaOpenAI.usage?.prompt_tokens).toBe(43);
    expect(viaAnthropic.usage).toMatchObject(usage);
  });
});
