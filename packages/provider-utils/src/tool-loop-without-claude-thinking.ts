import type { ChatCompletionRequest, ChatMessage } from '@tollgate/core';
import { askedReasoning } from './asked-reasoning.js';
import { claudeReasoningBlocks } from './claude-reasoning-blocks.js';

/**
 * Whether the conversation is in a tool loop whose last step Claude did not think through: its last
 * assistant message made tool calls that the messages after it answer, and holds none of Claude's
 * signed thinking — another model's step (a group that failed over in the middle of the loop, a
 * session moved to Claude), or one Claude took without thinking. Claude refuses it with thinking on
 * ("a final assistant message must start with a thinking block") and keeps one thinking setting per
 * turn, so the step goes to Claude with thinking off.
 */
export function toolLoopWithoutClaudeThinking(messages: readonly ChatMessage[]): boolean {
  const index = messages.findLastIndex((message) => message.role === 'assistant');
  if (index === -1 || messages[index + 1]?.role !== 'tool') return false;
  const step = messages[index] as ChatMessage & { readonly tool_calls?: readonly unknown[]; readonly reasoning_details?: unknown };
  if (step.tool_calls === undefined || step.tool_calls.length === 0) return false;
  return claudeReasoningBlocks(step.reasoning_details).length === 0;
}

/**
 * Whether a request asks Claude to think (a budget, or adaptive thinking) in a tool loop whose last step
 * Claude did not think through ({@link toolLoopWithoutClaudeThinking}): Claude refuses that, so an
 * Anthropic client's bytes go with `thinking: {type: "disabled"}` set in them.
 */
export function thinkingRefusedForToolStep(request: ChatCompletionRequest): boolean {
  const asked = askedReasoning(request);
  return asked !== undefined && !asked.off && (asked.budgetTokens !== undefined || asked.adaptive) && toolLoopWithoutClaudeThinking(request.messages);
}
