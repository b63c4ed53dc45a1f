import type { ChatCompletionRequest } from '@tollgate/core';

/**
 * The tool fields of a chat request that OpenAI's API (and vLLM) refuse when it gives no tool: an
 * empty `tools` (`Invalid 'tools': empty array`), and then `tool_choice` and `parallel_tool_calls`
 * (`'tool_choice' is only allowed when 'tools' are specified`) — what Claude's and Gemini's APIs take,
 * so a client tuned for them failed over to an OpenAI-format model. Undefined when the request gives
 * tools, or sets none of them.
 */
export function toolFieldsWithoutTools(request: ChatCompletionRequest): string[] | undefined {
  const tools = request.tools;
  if (tools != null && tools.length > 0) return undefined;
  let fields: string[] | undefined;
  if (tools != null) (fields ??= []).push('tools');
  if (request.tool_choice != null) (fields ??= []).push('tool_choice');
  if (request.parallel_tool_calls != null) (fields ??= []).push('parallel_tool_calls');
  return fields;
}

/** Whether a message field is an empty list of tool calls, which OpenAI refuses (`Invalid 'messages[1].tool_calls': empty array`). */
export function isEmptyToolCalls(field: string, value: unknown): boolean {
  return field === 'tool_calls' && Array.isArray(value) && value.length === 0;
}
