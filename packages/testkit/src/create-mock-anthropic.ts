import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { anthropicError, anthropicErrorStatus, anthropicEvent, anthropicUsage, anthropicWebSearchBlocks } from './anthropic-wire.js';
import type { MockAnthropicReply } from './mock-anthropic-reply.js';
import { applyStopSequences, countWords, lastUserText, sendJson, startMockServer, writeMockStream, type MockUpstream } from './mock-server.js';
import type { RecordedRequest } from './recorded-request.js';

/** Options of {@link createMockAnthropic}. */
export interface MockAnthropicOptions {
  readonly port?: number;
  /** When set, requests without `x-api-key: <apiKey>` get Anthropic's 401. */
  readonly apiKey?: string;
}

/** A running Anthropic Messages mock upstream. */
export interface MockAnthropic extends MockUpstream<MockAnthropicReply> {
  /** The value for a provider's `baseURL` (Anthropic's paths start with /v1). */
  readonly baseURL: string;
}

/**
 * What Anthropic refuses of a request with thinking on: the assistant turn a tool loop continues (the
 * one before the last message's `tool_result`s) must start with a thinking block, Claude's own, signed.
 */
function missingThinking(body: any): string | undefined {
  const type = body?.thinking?.type;
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  if ((type !== 'enabled' && type !== 'adaptive') || messages.length < 2) return undefined;
  const last = messages.at(-1);
  const continuesTools = Array.isArray(last?.content) && last.content.some((block: any) => block?.type === 'tool_result');
  const assistant = messages.at(-2);
  if (!continuesTools || assistant?.role !== 'assistant') return undefined;
  const position = `messages.${messages.length - 2}.content.0`;
  const first = Array.isArray(assistant.content) ? assistant.content[0] : { type: 'text' };
  if (first?.type === 'redacted_thinking') return undefined;
  if (first?.type !== 'thinking') {
    return `${position}.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first?.type)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). To avoid this requirement, disable \`thinking\`.`;
  }
  return typeof first.signature === 'string' && first.signature !== '' ? undefined : `${position}.thinking.signature: Field required`;
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
  let sequence = 0;

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
    if (typeof body?.max_tokens !== 'number') return fail('invalid_request_error', 'max_tokens: Field required');
    const thinkingProblem = missingThinking(body);
    if (thinkingProblem !== undefined) return fail('invalid_request_error', thinkingProblem);

    const reply = takeReply() ?? {};
    if (reply.delayMs !== undefined) await sleep(reply.delayMs);
    if (reply.hang === true) return;
    if (reply.error !== undefined) {
      const headers: Record<string, string> = reply.error.type === 'rate_limit_error' ? { 'retry-after': '1', ...reply.headers } : { ...reply.headers };
      return sendJson(res, reply.status ?? anthropicErrorStatus[reply.error.type] ?? 500, anthropicError(reply.error.type, reply.error.message), { 'request-id': 'req_mock', ...headers });
    }
    if (reply.body !== undefined) return sendJson(res, reply.status ?? 200, reply.body, reply.headers);

    sequence += 1;
    const id = `msg_mock${sequence}`;
    const model = typeof body?.model === 'string' ? body.model : 'claude-sonnet-4-5';
    const stops: string[] = Array.isArray(body?.stop_sequences) ? body.stop_sequences : [];
    const { text, stoppedAt } = applyStopSequences(reply.content ?? `Mock answer to: ${lastUserText(body)}`, stops);
    const toolUses = (reply.toolUses ?? []).map((use, index) => ({ type: 'tool_use', id: use.id ?? `toolu_${index}_${id}`, name: use.name, input: use.input }));
    const stopReason = reply.stopReason ?? (toolUses.length > 0 ? 'tool_use' : stoppedAt !== undefined ? 'stop_sequence' : 'end_turn');
    // Web searches run only with a web search server tool, and count up to its max_uses.
    const searchTool = (Array.isArray(body?.tools) ? body.tools : []).find((tool: any) => typeof tool?.type === 'string' && tool.type.startsWith('web_search_'));
    const queries = searchTool === undefined ? [] : (reply.webSearches ?? []);
    const searches = Math.min(queries.length, typeof searchTool?.max_uses === 'number' ? searchTool.max_uses : Infinity);
    const searchBlocks = queries.flatMap((query, index) => anthropicWebSearchBlocks(`srvtoolu_${index}_${id}`, String(searchTool.name), query, index < searches));
    const firstInput = reply.usage?.input_tokens ?? Math.max(1, countWords(body?.messages) + countWords(body?.system));
    // Each search's results are read as input: the count grows while the server tools run.
    const input = firstInput + searches * 1_000;
    const output = reply.usage?.output_tokens ?? countWords(text) + toolUses.length * 5 + queries.length * 10;
    const usage = {
      ...anthropicUsage(input, output, reply.usage?.cache_read_input_tokens, reply.usage?.cache_creation_input_tokens, reply.usage?.ephemeral_1h_input_tokens),
      ...(searchTool === undefined ? {} : { server_tool_use: { web_search_requests: searches, web_fetch_requests: 0 } }),
      // Fast mode serves Opus models (Anthropic's answer says which speed it used); others at standard speed.
      ...(typeof body?.speed === 'string' ? { speed: body.speed === 'fast' && /^claude-opus-/.test(String(body.model)) ? 'fast' : 'standard' } : {}),
    };
    const blocks = [
      ...(reply.redactedThinking === undefined ? [] : [{ type: 'redacted_thinking', data: reply.redactedThinking }]),
      ...(reply.thinking === undefined ? [] : [{ type: 'thinking', thinking: reply.thinking, signature: 'sig_mock' }]),
      ...searchBlocks,
      ...(text === '' && toolUses.length > 0 ? [] : [{ type: 'text', text }]),
      ...toolUses,
    ];

    if (body?.stream !== true) {
      return sendJson(res, 200, { id, type: 'message', role: 'assistant', model, content: blocks, stop_reason: stopReason, stop_sequence: stoppedAt ?? null, usage }, { 'request-id': `req_${id}`, ...reply.headers });
    }

    const shape = reply.stream ?? {};
    const events: string[] = [
      anthropicEvent('message_start', { message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, input_tokens: firstInput, output_tokens: 1, server_tool_use: undefined } } }),
    ];
    blocks.forEach((block, index) => {
      if (block.type === 'text') {
        events.push(anthropicEvent('content_block_start', { index, content_block: { type: 'text', text: '' } }));
        if (index === 0) events.push(anthropicEvent('ping', {}));
        for (const piece of (block as { text: string }).text.split(/(?<= )/)) events.push(anthropicEvent('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
      } else if (block.type === 'thinking') {
        events.push(anthropicEvent('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
        events.push(anthropicEvent('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: (block as { thinking: string }).thinking } }));
        events.push(anthropicEvent('content_block_delta', { index, delta: { type: 'signature_delta', signature: 'sig_mock' } }));
      } else if (block.type === 'web_search_tool_result' || block.type === 'redacted_thinking') {
        events.push(anthropicEvent('content_block_start', { index, content_block: block }));
      } else {
        const use = block as { type: string; id: string; name: string; input: unknown };
        events.push(anthropicEvent('content_block_start', { index, content_block: { type: use.type, id: use.id, name: use.name, input: {} } }));
        const json = JSON.stringify(use.input);
        const size = Math.ceil(json.length / Math.max(1, shape.inputJsonPieces ?? 3));
        events.push(anthropicEvent('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } }));
        for (let start = 0; start < json.length; start += size) events.push(anthropicEvent('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: json.slice(start, start + size) } }));
      }
      events.push(anthropicEvent('content_block_stop', { index }));
    });
    // With server tools the final counts are cumulative, input included; otherwise output tokens only.
    const finalUsage = searchTool === undefined ? { output_tokens: output } : { ...usage, service_tier: undefined };
    events.push(anthropicEvent('message_delta', { delta: { stop_reason: stopReason, stop_sequence: stoppedAt ?? null }, usage: finalUsage }));
    events.push(anthropicEvent('message_stop', {}));

    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': `req_${id}`, ...reply.headers });
    const errorType = shape.errorType ?? 'overloaded_error';
    await writeMockStream(res, events, shape, { errorEvent: anthropicEvent('error', { error: { type: errorType, message: errorType === 'overloaded_error' ? 'Overloaded' : 'Internal server error' } }) });
  }

  const mock = await startMockServer<MockAnthropicReply>(options.port, handle);
  return Object.assign(mock, { baseURL: mock.url });
}
