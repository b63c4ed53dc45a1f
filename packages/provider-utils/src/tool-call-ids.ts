import { createHash } from 'node:crypto';
import type { ChatMessage } from '@tollgate/core';

/**
 * What an upstream takes as a tool call's id. A conversation carries the ids of whichever model made
 * each call, and they differ: Gemini's carry their thought signature (`…__thought__<base64>`, hundreds
 * of characters), Kimi's read `functions.Bash:0`, OpenAI's Responses items `fc_` and 50 hex digits.
 */
export interface ToolCallIdLimits {
  /** Only letters, digits, `_` and `-`. */
  readonly plainCharacters: boolean;
  readonly maxLength: number;
}

/** Anthropic's Messages API: `^[a-zA-Z0-9_-]+$` (else 400 "String should match pattern"). */
export const anthropicToolCallIds: ToolCallIdLimits = { plainCharacters: true, maxLength: Number.POSITIVE_INFINITY };
/** Bedrock's Converse `toolUseId`: the same characters, 1 to 64 of them. */
export const bedrockToolCallIds: ToolCallIdLimits = { plainCharacters: true, maxLength: 64 };
/** OpenAI's chat completions: at most 40 characters (else 400 `string_above_max_length`). */
export const openAIToolCallIds: ToolCallIdLimits = { plainCharacters: false, maxLength: 40 };

const plainCharacters = /^[A-Za-z0-9_-]+$/;

function fits(id: string, limits: ToolCallIdLimits): boolean {
  return id.length > 0 && id.length <= limits.maxLength && (!limits.plainCharacters || plainCharacters.test(id));
}

/**
 * A tool call id as `limits` take it: as it is when it fits; else `call_` and 32 characters of its
 * SHA-256 — the same for the call and for the result that answers it, so they still pair. Only the
 * upstream's copy changes: the client keeps its ids.
 */
export function fittedToolCallId(id: string, limits: ToolCallIdLimits): string {
  return fits(id, limits) ? id : `call_${createHash('sha256').update(id).digest('base64url').slice(0, 32)}`;
}

/** Whether every tool call id in `messages` (assistant calls, the tool messages answering them) fits `limits`. */
export function toolCallIdsFit(messages: readonly ChatMessage[], limits: ToolCallIdLimits): boolean {
  for (const message of messages) {
    if (message.role === 'tool') {
      if (!fits(message.tool_call_id, limits)) return false;
    } else if (message.role === 'assistant' && message.tool_calls !== undefined) {
      for (const call of message.tool_calls) if (!fits(call.id, limits)) return false;
    }
  }
  return true;
}

/** `messages` with every tool call id fitted to `limits`; the same array when they all fit. */
export function withFittedToolCallIds(messages: readonly ChatMessage[], limits: ToolCallIdLimits): readonly ChatMessage[] {
  if (toolCallIdsFit(messages, limits)) return messages;
  return messages.map((message) => {
    if (message.role === 'tool') return { ...message, tool_call_id: fittedToolCallId(message.tool_call_id, limits) };
    if (message.role !== 'assistant' || message.tool_calls === undefined) return message;
    return { ...message, tool_calls: message.tool_calls.map((call) => ({ ...call, id: fittedToolCallId(call.id, limits) })) };
  });
}

/**
 * A Messages API body (an Anthropic client's, parsed) with the ids of its `tool_use` blocks and the
 * `tool_use_id` of its `tool_result` blocks fitted to `limits`, in place.
 */
export function fitMessagesToolIds(body: Readonly<Record<string, unknown>>, limits: ToolCallIdLimits): void {
  if (!Array.isArray(body.messages)) return;
  for (const message of body.messages as { content?: unknown }[]) {
    if (!Array.isArray(message?.content)) continue;
    for (const block of message.content as { type?: unknown; id?: unknown; tool_use_id?: unknown }[]) {
      if (block?.type === 'tool_use' && typeof block.id === 'string') block.id = fittedToolCallId(block.id, limits);
      else if (block?.type === 'tool_result' && typeof block.tool_use_id === 'string') block.tool_use_id = fittedToolCallId(block.tool_use_id, limits);
    }
  }
}
