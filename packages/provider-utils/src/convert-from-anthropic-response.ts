import { claudeThinkingDetail, upstreamFormats, type ChatCompletionResponse, type ReasoningDetail, type ToolCall, type UpstreamItem } from '@tollgate/core';
import type { AnthropicResponse } from './anthropic-messages.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { anthropicServiceTier, mapAnthropicUsage } from './map-anthropic-usage.js';

/**
 * Translates a Messages API response to an OpenAI chat completion: text blocks joined as `content`,
 * `tool_use` blocks as `tool_calls` with JSON-string arguments, thinking as `reasoning_content` and —
 * with its signature, and redacted thinking — as `reasoning_details` (format `anthropic-claude-v1`),
 * any other block (a server tool's use and result) whole as an upstream item, the
 * stop reason as `finish_reason`, usage with cache reads and writes kept apart. Structured output
 * (`output_config.format`) arrives as JSON text, so it needs nothing special.
 */
export function convertFromAnthropicResponse(response: AnthropicResponse): ChatCompletionResponse {
  let text = '';
  let reasoning = '';
  const details: ReasoningDetail[] = [];
  const others: UpstreamItem[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of response.content) {
    const thought = claudeThinkingDetail(block, details.length);
    if (block.type === 'text') text += (block as { text: string }).text;
    else if (thought !== undefined) {
      details.push(thought);
      if (thought.type === 'reasoning.text') reasoning += thought.text ?? '';
    } else if (block.type === 'tool_use') {
      const use = block as { id: string; name: string; input: unknown };
      toolCalls.push({ id: use.id, type: 'function', function: { name: use.name, arguments: JSON.stringify(use.input ?? {}) } });
    } else {
      others.push({ format: upstreamFormats.anthropic, item: block as Record<string, unknown> });
    }
  }
  const finishReason = mapAnthropicStopReason(response.stop_reason);
  const content = text === '' && toolCalls.length > 0 ? null : text;
  return {
    id: response.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          ...(reasoning === '' ? {} : { reasoning_content: reasoning }),
          ...(details.length === 0 ? {} : { reasoning_details: details }),
          ...(others.length === 0 ? {} : { upstream_items: others }),
        },
        finish_reason: finishReason,
        ...(typeof response.stop_sequence === 'string' ? { stop_reason: response.stop_sequence } : {}),
      },
    ],
    usage: mapAnthropicUsage(response.usage),
    ...(anthropicServiceTier(response.usage) === undefined ? {} : { service_tier: anthropicServiceTier(response.usage) }),
  };
}
