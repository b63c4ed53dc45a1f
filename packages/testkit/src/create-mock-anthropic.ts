import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildAnthropicAnswer, emptyContent, invalidToolIds, missingThinking } from './anthropic-answer.js';
import { anthropicError, anthropicErrorStatus, anthropicEvent } from './anthropic-wire.js';
import type { MockAnthropicReply } from './mock-anthropic-reply.js';
import { countWords, sendJson, startMockServer, writeMockStream, type MockUpstream } from './mock-server.js';
import type { RecordedRequest } from './recorded-request.js';

/** Options of {@link createMockAnthropic}. */
export interface MockAnthropicOptions {
  readonly port?: number;
  /** When set, requests without `x-api-key: <apiKey>` get Anthropic's 401. */
  readonly apiKey?: string;
  /**
   * A model's most output tokens: a larger `max_tokens` is refused as Claude refuses it (400 `max_tokens:
   * 64000 > 32000, which is the maximum allowed number of output tokens for claude-opus-4-1`). Unlimited by default.
   */
  readonly maxOutputTokens?: (model: string) => number | undefined;
  /**
   * A model's context window in tokens (the mock's tokens: words): a prompt past it is refused as Claude
   * refuses it (`prompt is too long: 210000 tokens > 200000 maximum`), and a prompt and `max_tokens`
   * past it together too (`input length and \`max_tokens\` exceed context limit: 188240 + 21333 > 200000,
   * decrease input length or \`max_tokens\` and try again`). Unlimited by default.
   */
  readonly contextWindow?: (model: string) => number | undefined;
}

/** A running Anthropic Messages mock upstream. */
export interface MockAnthropic extends MockUpstream<MockAnthropicReply> {
  /** The value for a provider's `baseURL` (Anthropic's paths start with /v1). */
  readonly baseURL: string;
}

/**
 * Starts a faithful Anthropic Messages upstream on 127.0.0.1: `POST /v1/messages` (JSON, or SSE with
 * `event:` lines: message_start, content_block_start/delta/stop with text, `input_json_delta`,
 * thinking and signature deltas, redacted thinking, ping, message_delta, message_stop), `POST /v1/messages/count_tokens`, errors in
 * Anthropic's shape, the required `anthropic-version` header, stop sequences, cache usage, thinking
 * required (signed) at the head of the assistant turn a tool loop continues when it is on, web
 * searches by its server tool (blocks, `max_uses`, `usage.server_tool_use`), and fast mode (`speed:
 * "fast"` on an Opus model: `usage.speed`).
 * Programmable and recording like the OpenAI mock.
 *
 * @example
 * const mock = await createMockAnthropic({ apiKey: 'sk-ant-test' });
 * mock.enqueue({ toolUses: [{ name: 'get_weather', input: { city: 'Paris' } }] });
 */
export async function createMockAnthropic(options: MockAnthropicOptions = {}): Promise<MockAnthropic> {
  const answer = anthropicAnswerer('msg_mock');

  async function handle(request: RecordedRequest, res: ServerResponse, takeReply: () => MockAnthropicReply | undefined): Promise<void> {
    const body = request.body;
    const path = request.path.split('?')[0];
    const fail = (type: string, message: string, headers: Record<string, string> = {}) => sendJson(res, anthropicErrorStatus[type] ?? 500, anthropicError(type, message), { 'request-id': 'req_mock', ...headers });
    if (options.apiKey !== undefined && request.headers['x-api-key'] !== options.apiKey) return fail('authentication_error', 'invalid x-api-key');
    if (request.headers['anthropic-version'] === undefined) return fail('invalid_request_error', 'anthropic-version: header is required');
    if (request.method === 'POST' && path === '/v1/messages/count_tokens') {
      return sendJson(res, 200, { input_tokens: Math.max(1, countWords(body?.messages) + countWords(body?.system)) });
    }
    if (request.method !== 'POST' || path !== '/v1/messages') return fail('not_found_error', `Not found: ${request.method} ${path}`);
    const model = typeof body?.model === 'string' ? body.model : 'claude-sonnet-4-5';
    const asked = typeof body?.max_tokens === 'number' ? body.max_tokens : 0;
    const most = options.maxOutputTokens?.(model);
    if (most !== undefined && asked > most) return fail('invalid_request_error', `max_tokens: ${asked} > ${most}, which is the maximum allowed number of output tokens for ${model}`);
    const window = options.contextWindow?.(model);
    if (window !== undefined) {
      const input = countWords(body?.messages) + countWords(body?.system);
      if (input > window) return fail('invalid_request_error', `prompt is too long: ${input} tokens > ${window} maximum`);
      if (input + asked > window) return fail('invalid_request_error', `input length and \`max_tokens\` exceed context limit: ${input} + ${asked} > ${window}, decrease input length or \`max_tokens\` and try again`);
    }
    await answer(request, res, takeReply, typeof body?.model === 'string' ? body.model : 'claude-sonnet-4-5');
  }

  const mock = await startMockServer<MockAnthropicReply>(options.port, handle);
  return Object.assign(mock, { baseURL: mock.url });
}

/**
 * Answers one Messages request for `model` as Claude does (whole, or streamed when the body says
 * `stream: true`), its message ids starting with `idPrefix` (`msg_vrtx_` on Vertex AI).
 */
export function anthropicAnswerer(idPrefix: string): (request: RecordedRequest, res: ServerResponse, takeReply: () => MockAnthropicReply | undefined, model: string) => Promise<void> {
  let sequence = 0;
  return async (request, res, takeReply, model) => {
    const body = request.body as any;
    const fail = (type: string, message: string) => sendJson(res, anthropicErrorStatus[type] ?? 500, anthropicError(type, message), { 'request-id': 'req_mock' });
    if (typeof body?.max_tokens !== 'number') return fail('invalid_request_error', 'max_tokens: Field required');
    const conversationProblem = emptyContent(body) ?? invalidToolIds(body) ?? missingThinking(body);
    if (conversationProblem !== undefined) return fail('invalid_request_error', conversationProblem);

    const reply = takeReply() ?? {};
    if (reply.delayMs !== undefined) await sleep(reply.delayMs);
    if (reply.hang === true) return;
    if (reply.error !== undefined) {
      const headers: Record<string, string> = reply.error.type === 'rate_limit_error' ? { 'retry-after': '1', ...reply.headers } : { ...reply.headers };
      return sendJson(res, reply.status ?? anthropicErrorStatus[reply.error.type] ?? 500, anthropicError(reply.error.type, reply.error.message), { 'request-id': 'req_mock', ...headers });
    }
    if (reply.body !== undefined) return sendJson(res, reply.status ?? 200, reply.body, reply.headers);

    sequence += 1;
    const id = `${idPrefix}${sequence}`;
    const { message, events } = buildAnthropicAnswer(body, reply, id, model);
    if (body?.stream !== true) return sendJson(res, 200, message, { 'request-id': `req_${id}`, ...reply.headers });

    const shape = reply.stream ?? {};
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': `req_${id}`, ...reply.headers });
    const errorType = shape.errorType ?? 'overloaded_error';
    await writeMockStream(res, events.map((event) => anthropicEvent(event.type, event.data)), shape, { errorEvent: anthropicEvent('error', { error: { type: errorType, message: errorType === 'overloaded_error' ? 'Overloaded' : 'Internal server error' } }) });
  };
}
