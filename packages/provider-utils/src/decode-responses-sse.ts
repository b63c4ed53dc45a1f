import { GatewayError, customToolInput, upstreamFormats, type ChatCompletionChunk, type FinishReason, type ReasoningDetail } from '@tollgate/core';
import { errorBodyOfResponsesEvent, finishReasonOfResponse, fromResponsesUsage, isUpstreamOnlyItem } from './responses-answer.js';
import { parseStreamEvent, sseMessages } from './sse-messages.js';

type ResponsesEvent = { readonly type?: string; readonly [field: string]: any };

/** Where the stream stands: the answer's id and model, its tool calls by output index, its reasoning blocks. */
interface DecodeState {
  id: string;
  model: string;
  created: number;
  readonly toolCalls: Map<number, number>;
  /** A reasoning block (`<item id>/summary/<n>`, `…/text/<n>`, `…/encrypted`) → its index among `reasoning_details`. */
  readonly reasoningBlocks: Map<string, number>;
}

/** A piece of a reasoning item's block, as a `reasoning_details` entry with the item's id and the block's index. */
function reasoningPiece(state: DecodeState, event: ResponsesEvent, block: string, piece: { type: 'reasoning.summary'; summary: string } | { type: 'reasoning.text'; text: string } | { type: 'reasoning.encrypted'; data: string }): ReasoningDetail {
  const itemId = String(event.item_id ?? event.item?.id ?? '');
  const key = `${itemId}/${block}`;
  let index = state.reasoningBlocks.get(key);
  if (index === undefined) state.reasoningBlocks.set(key, (index = state.reasoningBlocks.size));
  return { ...piece, id: itemId, format: upstreamFormats.openaiResponses, index };
}

function chunk(state: DecodeState, delta: Record<string, unknown>, finishReason: FinishReason | null = null): ChatCompletionChunk {
  return { id: state.id, object: 'chat.completion.chunk', created: state.created, model: state.model, choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

/** The `{"input": …}` arguments a custom tool's input goes in, as fragments: its start, each piece escaped, its end. */
const customInputStart = `{${JSON.stringify(customToolInput)}:"`;
const customInputEnd = '"}';
const escaped = (text: string) => JSON.stringify(text).slice(1, -1);

/** The chunks one Responses event stands for (none for most lifecycle events). */
function chunksOf(event: ResponsesEvent, state: DecodeState): ChatCompletionChunk[] {
  switch (event.type) {
    case 'response.created':
      state.id = String(event.response?.id ?? state.id);
      state.model = String(event.response?.model ?? state.model);
      if (typeof event.response?.created_at === 'number') state.created = event.response.created_at;
      return [chunk(state, { role: 'assistant', content: '' })];
    case 'response.output_text.delta':
      return [chunk(state, { content: String(event.delta) })];
    case 'response.reasoning_text.delta': {
      const text = String(event.delta);
      return [chunk(state, { reasoning_content: text, reasoning_details: [reasoningPiece(state, event, `text/${Number(event.content_index ?? 0)}`, { type: 'reasoning.text', text })] })];
    }
    case 'response.reasoning_summary_text.delta': {
      const summary = String(event.delta);
      return [chunk(state, { reasoning_content: summary, reasoning_details: [reasoningPiece(state, event, `summary/${Number(event.summary_index ?? 0)}`, { type: 'reasoning.summary', summary })] })];
    }
    case 'response.refusal.delta':
      return [chunk(state, { refusal: String(event.delta) })];
    case 'response.output_item.added': {
      const item = event.item ?? {};
      if (item.type !== 'function_call' && item.type !== 'custom_tool_call') return [];
      const index = state.toolCalls.size;
      state.toolCalls.set(event.output_index, index);
      const start = item.type === 'custom_tool_call' ? customInputStart : '';
      return [chunk(state, { tool_calls: [{ index, id: String(item.call_id), type: 'function', function: { name: String(item.name), arguments: start } }] })];
    }
    case 'response.function_call_arguments.delta':
    case 'response.custom_tool_call_input.delta': {
      const index = state.toolCalls.get(event.output_index);
      if (index === undefined) return [];
      const fragment = event.type === 'response.custom_tool_call_input.delta' ? escaped(String(event.delta)) : String(event.delta);
      return [chunk(state, { tool_calls: [{ index, function: { arguments: fragment } }] })];
    }
    case 'response.output_item.done': {
      if (isUpstreamOnlyItem(event.item)) return [chunk(state, { upstream_items: [{ format: upstreamFormats.openaiResponses, item: event.item }] })];
      if (event.item?.type === 'reasoning') {
        const data = event.item.encrypted_content;
        return typeof data === 'string' ? [chunk(state, { reasoning_details: [reasoningPiece(state, event, 'encrypted', { type: 'reasoning.encrypted', data })] })] : [];
      }
      const index = state.toolCalls.get(event.output_index);
      return event.item?.type === 'custom_tool_call' && index !== undefined ? [chunk(state, { tool_calls: [{ index, function: { arguments: customInputEnd } }] })] : [];
    }
    case 'response.completed':
    case 'response.incomplete': {
      const response = event.response ?? {};
      const finishReason = finishReasonOfResponse(event.type === 'response.incomplete' ? 'incomplete' : 'completed', response.incomplete_details?.reason, state.toolCalls.size > 0);
      const usage = fromResponsesUsage(response.usage, response.output);
      const tier = typeof response.service_tier === 'string' ? { service_tier: response.service_tier } : {};
      return [{ ...chunk(state, {}, finishReason), ...tier }, ...(usage === undefined ? [] : [{ ...chunk(state, {}), choices: [], usage, ...tier }])];
    }
    default:
      return [];
  }
}

/**
 * Decodes a Responses API stream into chat completion chunks, for a chat (or Messages) client of a
 * model served through the Responses API only (or a client of the Responses API whose answer a hook
 * reads): text, reasoning (with each reasoning item's blocks as `reasoning_details` pieces — its id,
 * summary, encrypted content) and refusal deltas, a built-in tool's item (`web_search_call`) whole as
 * an upstream item when it is done, function and custom
 * tool calls (a custom tool's input as `{"input": …}` arguments), then the finish chunk and a usage
 * chunk. An `error` or `response.failed` event, or an end before the final event, fails the stream.
 */
export async function* decodeResponsesSse(body: AsyncIterable<Buffer>, options: { provider: string; toStreamError: (errorBody: string) => Error }): AsyncGenerator<ChatCompletionChunk> {
  const state: DecodeState = { id: 'resp', model: '', created: Math.floor(Date.now() / 1000), toolCalls: new Map(), reasoningBlocks: new Map() };
  let ended = false;
  for await (const message of sseMessages(body)) {
    const event = parseStreamEvent(message.data, options.provider) as ResponsesEvent;
    if (event.type === 'error' || event.type === 'response.failed') throw options.toStreamError(errorBodyOfResponsesEvent(event));
    if (event.type === 'response.completed' || event.type === 'response.incomplete') ended = true;
    yield* chunksOf(event, state);
  }
  if (!ended) {
    throw new GatewayError('TOLLGATE_UPSTREAM_STREAM_TRUNCATED', `Provider "${options.provider}" ended its stream before "response.completed"; the answer is incomplete.`);
  }
}
