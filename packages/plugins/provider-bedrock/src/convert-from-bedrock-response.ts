import { upstreamFormats, type ChatCompletionResponse, type ReasoningDetail, type ToolCall } from '@tollgate/core';
import type { BedrockResponse } from './bedrock-content.js';
import { jsonResponseToolName } from './json-response-tool.js';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.js';
import { mapBedrockUsage } from './map-bedrock-usage.js';

/**
 * Translates a Converse answer to an OpenAI chat completion: text blocks joined as `content`,
 * `toolUse` blocks as `tool_calls` with JSON-string arguments (the JSON-response tool's input as
 * `content` instead), reasoning as `reasoning_content` and — each block with its signature, redacted
 * ones too — as `reasoning_details` (format `anthropic-claude-v1`: Claude's, sent back as it came), the stop reason as `finish_reason`, usage with
 * cache reads and writes apart. Converse answers carry no id, so `id` is the caller's.
 */
export function convertFromBedrockResponse(response: BedrockResponse, meta: { id: string; model: string }): ChatCompletionResponse {
  let text = '';
  let reasoning = '';
  const details: ReasoningDetail[] = [];
  let answeredAsJson = false;
  const toolCalls: ToolCall[] = [];
  for (const block of response.output.message.content) {
    if (block.text !== undefined) text += block.text;
    else if (block.reasoningContent?.reasoningText !== undefined) {
      const { text: thought, signature } = block.reasoningContent.reasoningText;
      reasoning += thought;
      details.push({ type: 'reasoning.text', text: thought, signature: signature ?? null, format: upstreamFormats.anthropic, index: details.length });
    } else if (typeof block.reasoningContent?.redactedContent === 'string') {
      details.push({ type: 'reasoning.encrypted', data: block.reasoningContent.redactedContent, format: upstreamFormats.anthropic, index: details.length });
    }
    else if (block.toolUse !== undefined) {
      if (block.toolUse.name === jsonResponseToolName) {
        text = JSON.stringify(block.toolUse.input ?? {});
        answeredAsJson = true;
      } else {
        toolCalls.push({ id: block.toolUse.toolUseId, type: 'function', function: { name: block.toolUse.name, arguments: JSON.stringify(block.toolUse.input ?? {}) } });
      }
    }
  }
  const finishReason = answeredAsJson && toolCalls.length === 0 ? 'stop' : mapBedrockStopReason(response.stopReason);
  return {
    id: meta.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: meta.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          ...(reasoning === '' ? {} : { reasoning_content: reasoning }),
          ...(details.length === 0 ? {} : { reasoning_details: details }),
        },
        finish_reason: finishReason,
      },
    ],
    usage: mapBedrockUsage(response.usage),
  };
}
