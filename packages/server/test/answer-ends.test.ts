import Anthropic from '@anthropic-ai/sdk';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTelemetryPluginWith } from '@tollgate/metrics-opentelemetry';
import { createLogger, startServer, type RunningServer } from '../src/index.js';
import { LogCapture, masterKey, serverPackageDirectory } from './support/start-test-gateway.js';
import { anthropicKey, startClaudeAndGptMocks } from './support/claude-and-gpt-mocks.js';

// How an answer ended and what the upstream called it — `finish_reason` (`length`: cut at the output
// limit) and its id — are what an operator looks for first: in the request's log line and in its trace,
// whichever API the client spoke, streamed or not, passed through or translated.

const { claude, gpt } = await startClaudeAndGptMocks();
const logs = new LogCapture();
const exporter = new InMemorySpanExporter();
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    cwd: serverPackageDirectory,
    port: 0,
    logger: createLogger({ level: 'info', destination: logs }),
    plugins: [{ plugin: openTelemetryPluginWith([new SimpleSpanProcessor({ exporter })]) }],
    config: {
      plugins: ['@tollgate/provider-openai', '@tollgate/provider-anthropic', { name: '@tollgate/metrics-prometheus', options: { processMetrics: false } }],
      auth: { masterKey },
      routing: { retries: { maxRetries: 0 } },
      providers: {
        claude: { type: 'anthropic', baseURL: claude.baseURL, apiKey: anthropicKey },
        openai: { type: 'openai', baseURL: gpt.baseURL, apiKey: 'sk-openai-upstream-000000', responsesAPI: true },
      },
      models: {
        sonnet: { target: 'claude/claude-sonnet-4-5' },
        gpt: { target: 'openai/gpt-4o' },
      },
    },
  });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  logs.lines.length = 0;
  exporter.reset();
});

const openai = () => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
const anthropic = () => new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });

/** Sends requests with this id, so their log line and spans can be found. */
const withId = (requestId: string) => ({ headers: { 'x-request-id': requestId } });

/** The request's log line, once the request has ended. */
const logLineOf = (requestId: string) => logs.requestLine(requestId);

/** The request's span and its upstream attempts' spans, once ended. */
async function spansOf(requestId: string): Promise<{ request: ReadableSpan; attempts: ReadableSpan[] }> {
  await logLineOf(requestId);
  const spans = exporter.getFinishedSpans();
  const request = spans.find((span) => span.attributes['tollgate.request_id'] === requestId);
  if (request === undefined) throw new Error(`no span for ${requestId}`);
  const attempts = spans.filter((span) => span.parentSpanContext?.spanId === request.spanContext().spanId && span.name !== 'tollgate.admission');
  return { request, attempts };
}

/** `tollgate_finish_reasons_total` by `model/reason`, from a scrape of /metrics. */
async function finishReasonCounts(): Promise<Record<string, number>> {
  const text = await fetch(`${server.url}/metrics`).then((response) => response.text());
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^tollgate_finish_reasons_total\{model="([^"]*)",reason="([^"]*)"\} (\d+)$/gm)) counts[`${match[1]}/${match[2]}`] = Number(match[3]);
  return counts;
}

describe('how an answer ended, in the log line and the trace', () => {
  it('a chat completion cut at its output limit: `length`, the upstream\'s id, and the cache and reasoning tokens in the trace', async () => {
    gpt.enqueue({ finishReason: 'length', usage: { prompt_tokens: 40, completion_tokens: 16, cached_tokens: 32, reasoning_tokens: 10 } });
    const answer = await openai().chat.completions.create({ model: 'gpt', max_tokens: 16, messages: [{ role: 'user', content: 'write a long poem' }] }, withId('ends-chat'));
    expect(answer.choices[0]!.finish_reason).toBe('length');

    // …and which client sent it (the SDK's user-agent).
    expect(await logLineOf('ends-chat')).toMatchObject({ responseId: answer.id, finishReason: 'length', completionTokens: 16, userAgent: expect.stringMatching(/^OpenAI\/JS \d/) });
    const { request, attempts } = await spansOf('ends-chat');
    const answerAttributes = {
      'gen_ai.response.id': answer.id,
      'gen_ai.response.finish_reasons': ['length'],
      'gen_ai.response.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 40,
      'gen_ai.usage.output_tokens': 16,
      'gen_ai.usage.cache_read.input_tokens': 32,
      'gen_ai.usage.reasoning.output_tokens': 10,
    };
    expect(request.attributes).toMatchObject({ 'gen_ai.request.model': 'gpt', ...answerAttributes });
    // The upstream call is an inference span as the GenAI conventions name it: `{operation} {model sent upstream}`.
    expect(attempts.map((span) => span.name)).toEqual(['chat gpt-4o']);
    expect(attempts[0]!.attributes).toMatchObject({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.provider.name': 'openai', 'tollgate.target': 'openai/gpt-4o', ...answerAttributes });
  });

  it('an OpenAI stream passed through as bytes: its id and finish reason tapped as they go by', async () => {
    gpt.enqueue({ finishReason: 'length', stream: { content: ['Once ', 'upon ', 'a '] } });
    const stream = await openai().chat.completions.create({ model: 'gpt', stream: true, max_tokens: 3, messages: [{ role: 'user', content: 'a story' }] }, withId('ends-chat-stream'));
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('length');

    expect(await logLineOf('ends-chat-stream')).toMatchObject({ stream: true, responseId: chunks[0]!.id, finishReason: 'length' });
    expect((await spansOf('ends-chat-stream')).request.attributes).toMatchObject({ 'gen_ai.response.id': chunks[0]!.id, 'gen_ai.response.finish_reasons': ['length'] });
  });

  it('Claude Code\'s stream passed through: the message id, and `max_tokens` as `length`', async () => {
    claude.enqueue({ stopReason: 'max_tokens' });
    const stream = anthropic().messages.stream({ model: 'sonnet', max_tokens: 8, messages: [{ role: 'user', content: 'explain the repository' }] }, withId('ends-claude-stream'));
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('max_tokens');

    expect(await logLineOf('ends-claude-stream')).toMatchObject({ ingress: 'anthropic', stream: true, responseId: message.id, finishReason: 'length', userAgent: expect.stringMatching(/^Anthropic\/JS \d/) });
    const { request, attempts } = await spansOf('ends-claude-stream');
    expect(request.attributes).toMatchObject({ 'gen_ai.response.id': message.id, 'gen_ai.response.finish_reasons': ['length'], 'gen_ai.provider.name': 'anthropic' });
    expect(attempts.map((span) => span.name)).toEqual(['chat claude-sonnet-4-5']);
  });

  it('Claude behind the OpenAI API, whole and streamed (translated): its tool use as `tool_calls`', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }];
    claude.enqueue({ toolUses: [{ name: 'read_file', input: { path: 'README.md' } }] });
    const whole = await openai().chat.completions.create({ model: 'sonnet', tools, messages: [{ role: 'user', content: 'read the readme' }] }, withId('ends-claude-chat'));
    expect(whole.choices[0]!.finish_reason).toBe('tool_calls');
    expect(await logLineOf('ends-claude-chat')).toMatchObject({ responseId: whole.id, finishReason: 'tool_calls' });
    expect(whole.id).toMatch(/^msg_mock/);

    claude.enqueue({ toolUses: [{ name: 'read_file', input: { path: 'README.md' } }] });
    const stream = await openai().chat.completions.create({ model: 'sonnet', stream: true, tools, messages: [{ role: 'user', content: 'read the readme' }] }, withId('ends-claude-chat-stream'));
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(await logLineOf('ends-claude-chat-stream')).toMatchObject({ stream: true, responseId: chunks[0]!.id, finishReason: 'tool_calls' });
    expect((await spansOf('ends-claude-chat-stream')).request.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
  });

  it('Codex on the Responses API passed through: an incomplete response as `length` or `content_filter`, streamed or not', async () => {
    gpt.enqueue({ finishReason: 'length' });
    const stream = await openai().responses.create({ model: 'gpt', stream: true, max_output_tokens: 16, input: 'refactor the parser' }, withId('ends-responses-stream'));
    let final: { id: string; status?: string } | undefined;
    for await (const event of stream) if (event.type === 'response.incomplete') final = event.response;
    expect(final?.status).toBe('incomplete');
    expect(await logLineOf('ends-responses-stream')).toMatchObject({ ingress: 'openai-responses', stream: true, responseId: final!.id, finishReason: 'length' });
    expect((await spansOf('ends-responses-stream')).request.attributes).toMatchObject({ 'gen_ai.response.id': final!.id, 'gen_ai.response.finish_reasons': ['length'] });

    gpt.enqueue({ finishReason: 'content_filter' });
    const whole = await openai().responses.create({ model: 'gpt', input: 'something filtered' }, withId('ends-responses'));
    expect(whole.incomplete_details?.reason).toBe('content_filter');
    expect(await logLineOf('ends-responses')).toMatchObject({ responseId: whole.id, finishReason: 'content_filter' });
    // Both went upstream as the client's bytes, to OpenAI's Responses API.
    expect(gpt.requests.map((request) => request.path)).toEqual(['/v1/responses', '/v1/responses']);
  });

  it('counts answers by finish reason in Prometheus metrics, an upstream\'s own reasons as other', async () => {
    const before = await finishReasonCounts();
    gpt.enqueue({ finishReason: 'length' });
    await openai().chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'long' }] });
    // A vLLM server's own reason, not OpenAI's: bounded as `other`.
    gpt.enqueue({ body: { id: 'cmpl-vllm-1', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'cut' }, finish_reason: 'abort' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } } });
    await openai().chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'cut' }] });
    await server.tollgate.gateway.engine.drain();
    const after = await finishReasonCounts();
    expect(after['gpt/length']! - (before['gpt/length'] ?? 0)).toBe(1);
    expect(after['gpt/other']! - (before['gpt/other'] ?? 0)).toBe(1);
    expect(Object.keys(after).some((series) => series.includes('abort'))).toBe(false);
  });

  it('a request refused before any answer has neither', async () => {
    await expect(openai().chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }, withId('ends-refused'))).rejects.toMatchObject({ status: 404 });
    const line = await logLineOf('ends-refused');
    expect(line).not.toHaveProperty('responseId');
    expect(line).not.toHaveProperty('finishReason');
    const { request } = await spansOf('ends-refused');
    expect(request.attributes).not.toHaveProperty('gen_ai.response.id');
    expect(request.attributes).not.toHaveProperty('gen_ai.response.finish_reasons');
  });
});
