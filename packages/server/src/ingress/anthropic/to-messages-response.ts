import { upstreamFormats, type ChatCompletionResponse, type FinishReason, type ReasoningDetail, type Usage } from '@tollgate/core';

/** OpenAI's `finish_reason` as Anthropic's `stop_reason`. */
export function toStopReason(finishReason: FinishReason | null | undefined): string {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/**
 * Anthropic's `stop_reason` and `stop_sequence` of an answer that finished for `finishReason`: a stop
 * sequence that ended it (`stopReason`, vLLM's field: Claude's own, vLLM's, or one the gateway applied)
 * as `stop_sequence`, else `toStopReason`'s with none.
 */
export function stopOf(finishReason: FinishReason | null | undefined, stopReason: string | number | null | undefined): { stop_reason: string; stop_sequence: string | null } {
  if (finishReason === 'stop' && typeof stopReason === 'string') return { stop_reason: 'stop_sequence', stop_sequence: stopReason };
  return { stop_reason: toStopReason(finishReason), stop_sequence: null };
}

/** OpenAI usage as Anthropic's: cached tokens taken out of `input_tokens` and counted apart, web searches as `server_tool_use`. */
export function toMessagesUsage(usage: Usage | undefined): Record<string, unknown> {
  const cacheRead = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cacheRead - cacheWrite),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheWrite,
    ...(usage?.server_tool_use?.web_search_requests ? { server_tool_use: { web_search_requests: usage.server_tool_use.web_search_requests } } : {}),
  };
}

function parseInput(text: string): unknown {
  try {
    return JSON.parse(text === '' ? '{}' : text);
  } catch {
    return {};
  }
}

/**
 * Claude's reasoning blocks as it wrote them: `thinking` with its signature, `redacted_thinking` with
 * its data — what Claude needs back on the next turn. Blocks of another format are not Claude's to take.
 */
export function thinkingBlocks(details: readonly ReasoningDetail[] | undefined): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  for (const detail of details ?? []) {
    if (detail.format !== upstreamFormats.anthropic) continue;
    if (detail.type === 'reasoning.text') blocks.push({ type: 'thinking', thinking: detail.text ?? '', signature: detail.signature ?? '' });
    else if (detail.type === 'reasoning.encrypted') blocks.push({ type: 'redacted_thinking', data: detail.data });
  }
  return blocks;
}

/**
 * A chat completion as a Messages API response (for an Anthropic client of an OpenAI-format model, or
 * of Claude's answer a hook rewrote): Claude's thinking first, its server tool blocks, then the text
 * and the tool calls.
 */
export function toMessagesResponse(response: ChatCompletionResponse): Record<string, unknown> {
  const choice = response.choices[0];
  const text = choice?.message.content ?? '';
  const content = [
    ...thinkingBlocks(choice?.message.reasoning_details),
    ...(choice?.message.upstream_items ?? []).filter((part) => part.format === upstreamFormats.anthropic).map((part) => part.item),
    ...(text === '' ? [] : [{ type: 'text', text }]),
    ...(choice?.message.tool_calls ?? []).map((call) => ({ type: 'tool_use', id: call.id, name: call.function.name, input: parseInput(call.function.arguments) })),
  ];
  return {
    id: response.id.startsWith('msg_') ? response.id : `msg_${response.id}`,
    type: 'message',
    role: 'assistant',
    model: response.model,
    content: content.length === 0 ? [{ type: 'text', text: '' }] : content,
    ...stopOf(choice?.finish_reason, choice?.stop_reason),
    usage: toMessagesUsage(response.usage),
  };
}
