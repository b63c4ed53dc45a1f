import { anthropicUsage, anthropicWebSearchBlocks } from './anthropic-wire.js';
import type { MockAnthropicReply } from './mock-anthropic-reply.js';
import { applyStopSequences, countWords, lastUserText } from './mock-server.js';

/**
 * What Anthropic refuses of a request with thinking on: a manual budget under 1,024 tokens or not
 * under `max_tokens`, or with a forced tool (`tool_choice` any or a named tool); an assistant turn a tool loop continues (the one before the last message's
 * `tool_result`s) that does not start with a thinking block, Claude's own, signed.
 */
export function missingThinking(body: any): string | undefined {
  const type = body?.thinking?.type;
  if (type === 'enabled') {
    const budget = body.thinking.budget_tokens;
    if (typeof budget !== 'number' || budget < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
    if (typeof body.max_tokens === 'number' && budget >= body.max_tokens) return '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size';
    if (body.tool_choice?.type === 'any' || body.tool_choice?.type === 'tool') return 'Thinking may not be enabled when tool_choice forces tool use.';
  }
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
 * What Claude refuses of a conversation's tool ids: a `tool_use` id or a `tool_result`'s `tool_use_id`
 * outside `^[a-zA-Z0-9_-]+$` (another model's: Gemini's signed ids, Kimi's `functions.Bash:0`), in its words.
 */
export function invalidToolIds(body: any): string | undefined {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  for (const [index, message] of messages.entries()) {
    if (!Array.isArray(message?.content)) continue;
    for (const [position, block] of (message.content as any[]).entries()) {
      const field = block?.type === 'tool_use' ? 'id' : block?.type === 'tool_result' ? 'tool_use_id' : undefined;
      if (field !== undefined && !/^[a-zA-Z0-9_-]+$/.test(String(block[field]))) return `messages.${index}.content.${position}.${block.type}.${field}: String should match pattern '^[a-zA-Z0-9_-]+$'`;
    }
  }
  return undefined;
}

/**
 * What Claude refuses of a conversation's shape, in its words: a first message not the user's, a message
 * with no content (an empty string or list) but the final assistant message, and a text with no text or
 * only whitespace, in the messages or the system prompt.
 */
export function emptyContent(body: any): string | undefined {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  if (messages.length > 0 && messages[0]?.role !== 'user') return 'messages: first message must use the "user" role';
  for (const [index, message] of messages.entries()) {
    const content = message?.content;
    const finalAssistant = index === messages.length - 1 && message?.role === 'assistant';
    if ((content === '' || (Array.isArray(content) && content.length === 0)) && !finalAssistant) return `messages.${index}: all messages must have non-empty content except for the optional final assistant message`;
    if (typeof content === 'string' && content.trim() === '' && !finalAssistant) return 'messages: text content blocks must contain non-whitespace text';
    if (!Array.isArray(content)) continue;
    for (const block of content) {
      if (block?.type !== 'text') continue;
      if (block.text === '') return 'messages: text content blocks must be non-empty';
      if (String(block.text).trim() === '') return 'messages: text content blocks must contain non-whitespace text';
    }
  }
  for (const block of Array.isArray(body?.system) ? body.system : []) {
    if (block?.type === 'text' && String(block.text).trim() === '') return 'system: text content blocks must be non-empty';
  }
  return undefined;
}

/** One Messages API stream event: its `type` and the rest of its data. */
export interface MockAnthropicEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** A programmed answer of Claude's: the whole message, and the events that stream it. */
export interface MockAnthropicAnswer {
  readonly message: Record<string, unknown>;
  readonly events: readonly MockAnthropicEvent[];
}

const event = (type: string, data: Record<string, unknown>): MockAnthropicEvent => ({ type, data });

/**
 * Claude's answer to a Messages request as `reply` programs it, named `id` and `model`: thinking,
 * web searches (by the request's search tool, up to its `max_uses`), text cut at a stop sequence, tool
 * uses, usage with cache counts and fast mode; and the stream of it — message_start, each block's
 * start, deltas (text in words, thinking and its signature, tool input JSON in pieces) and stop,
 * message_delta with the final counts, message_stop. The Anthropic mock sends it as SSE, the Bedrock
 * mock's InvokeModel as event-stream chunks.
 */
export function buildAnthropicAnswer(body: any, reply: MockAnthropicReply, id: string, model: string): MockAnthropicAnswer {
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
    ...(typeof body?.speed === 'string' ? { speed: body.speed === 'fast' && /^claude-opus-/.test(model) ? 'fast' : 'standard' } : {}),
  };
  const blocks = [
    ...(reply.redactedThinking === undefined ? [] : [{ type: 'redacted_thinking', data: reply.redactedThinking }]),
    ...(reply.thinking === undefined ? [] : [{ type: 'thinking', thinking: reply.thinking, signature: 'sig_mock' }]),
    ...searchBlocks,
    ...(text === '' && toolUses.length > 0 ? [] : [{ type: 'text', text }]),
    ...toolUses,
  ];

  const message = { id, type: 'message', role: 'assistant', model, content: blocks, stop_reason: stopReason, stop_sequence: stoppedAt ?? null, usage };

  const shape = reply.stream ?? {};
  const events: MockAnthropicEvent[] = [
    event('message_start', { message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, input_tokens: firstInput, output_tokens: 1, server_tool_use: undefined } } }),
  ];
  blocks.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      if (index === 0) events.push(event('ping', {}));
      for (const piece of (block as { text: string }).text.split(/(?<= )/)) events.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
    } else if (block.type === 'thinking') {
      events.push(event('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
      events.push(event('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: (block as { thinking: string }).thinking } }));
      events.push(event('content_block_delta', { index, delta: { type: 'signature_delta', signature: 'sig_mock' } }));
    } else if (block.type === 'web_search_tool_result' || block.type === 'redacted_thinking') {
      events.push(event('content_block_start', { index, content_block: block }));
    } else {
      const use = block as { type: string; id: string; name: string; input: unknown };
      events.push(event('content_block_start', { index, content_block: { type: use.type, id: use.id, name: use.name, input: {} } }));
      const json = JSON.stringify(use.input);
      const size = Math.ceil(json.length / Math.max(1, shape.inputJsonPieces ?? 3));
      events.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } }));
      for (let start = 0; start < json.length; start += size) events.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: json.slice(start, start + size) } }));
    }
    events.push(event('content_block_stop', { index }));
  });
  // With server tools the final counts are cumulative, input included; otherwise output tokens only.
  const finalUsage = searchTool === undefined ? { output_tokens: output } : { ...usage, service_tier: undefined };
  events.push(event('message_delta', { delta: { stop_reason: stopReason, stop_sequence: stoppedAt ?? null }, usage: finalUsage }));
  events.push(event('message_stop', {}));

  return { message, events };
}
