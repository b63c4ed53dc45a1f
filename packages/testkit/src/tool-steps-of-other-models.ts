import type { ChatMessage, ReasoningDetail } from '@tollgate/core';

/**
 * A tool loop's first step as another model left it, for a provider's conversion tests: the user's
 * question, an assistant message whose one tool call has `toolCallId` (and no reasoning of Claude's),
 * and the tool message answering it.
 */
export function toolStepOfAnotherModel(toolCallId = 'call_ls'): ChatMessage[] {
  return [
    { role: 'user', content: 'List the files.' },
    { role: 'assistant', content: null, tool_calls: [{ id: toolCallId, type: 'function', function: { name: 'Bash', arguments: '{"command":"ls"}' } }] },
    { role: 'tool', tool_call_id: toolCallId, content: 'README.md' },
  ];
}

/** The same step as Claude made it: its signed thinking first, as a chat client sends it back in `reasoning_details`. */
export function toolStepOfClaude(): ChatMessage[] {
  const [question, step, result] = toolStepOfAnotherModel('toolu_ls');
  const reasoning: ReasoningDetail[] = [{ type: 'reasoning.text', format: 'anthropic-claude-v1', index: 0, text: 'List them.', signature: 'sig_1' }];
  return [question!, { ...step!, reasoning_details: reasoning } as ChatMessage, result!];
}
