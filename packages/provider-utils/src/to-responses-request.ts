import { GatewayError, type ChatCompletionRequest, type ChatMessage, type ContentPart } from '@tollgate/core';
import { askedReasoning } from './asked-reasoning.js';
import { assistantText } from './assistant-text.js';
import { textOfContent } from './text-of-content.js';

type Part = ContentPart & { readonly [field: string]: any };

/** A chat content part as a Responses input part. */
function toInputPart(part: Part, param: string): Record<string, unknown> {
  if (part.type === 'text') return { type: 'input_text', text: String(part.text) };
  if (part.type === 'image_url') return { type: 'input_image', image_url: String(part.image_url.url), detail: part.image_url.detail ?? 'auto' };
  if (part.type === 'file' && typeof part.file?.file_data === 'string') return { type: 'input_file', file_data: part.file.file_data, ...(typeof part.file.filename === 'string' ? { filename: part.file.filename } : {}) };
  throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Content part type "${part.type}" cannot be sent to the Responses API (text, image_url and file with file_data can).`, { param });
}

/** Chat messages as Responses input items: messages, assistant tool calls as `function_call` items, tool messages as their outputs. */
function toInput(messages: readonly ChatMessage[]): Record<string, unknown>[] {
  const input: Record<string, unknown>[] = [];
  messages.forEach((message, index) => {
    if (message.role === 'tool') {
      // A tool message holding images or files (which OpenRouter's chat clients send there) as the output's parts.
      const content = message.content;
      const output = typeof content === 'string' || content == null || content.every((part) => part.type === 'text') ? textOfContent(content) : content.map((part, partIndex) => toInputPart(part as Part, `messages[${index}].content[${partIndex}]`));
      input.push({ type: 'function_call_output', call_id: message.tool_call_id, output });
    } else if (message.role === 'assistant') {
      const text = assistantText(message);
      if (text !== '') input.push({ type: 'message', role: 'assistant', content: text });
      for (const call of message.tool_calls ?? []) input.push({ type: 'function_call', call_id: call.id, name: call.function.name, arguments: call.function.arguments });
    } else if (message.role === 'user') {
      const content = typeof message.content === 'string' ? message.content : message.content.map((part, partIndex) => toInputPart(part as Part, `messages[${index}].content[${partIndex}]`));
      input.push({ type: 'message', role: 'user', content });
    } else {
      input.push({ type: 'message', role: message.role, content: textOfContent(message.content) });
    }
  });
  return input;
}

/**
 * A canonical chat request as a Responses API request, for models an upstream serves through that API
 * only (OpenAI's Codex models): messages to input items, tools and `tool_choice` to their Responses
 * shape, `max_tokens` to `max_output_tokens`, `response_format` and `verbosity` to `text`,
 * the effort asked for (`reasoning_effort`, OpenRouter's `reasoning.effort`) to `reasoning.effort`; nothing stored (`store: false`). Fields the Responses API
 * lacks (`stop`, `seed`, the penalties, `logit_bias`) are dropped; more than one answer (`n`) is refused.
 */
export function toResponsesRequest(request: ChatCompletionRequest, model: string): Record<string, unknown> {
  if (typeof request.n === 'number' && request.n > 1) {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Model "${request.model}" is served through the Responses API, which gives one answer a request; send n: 1.`, { param: 'n' });
  }
  const choice = request.tool_choice;
  const format = request.response_format;
  const limit = request.max_completion_tokens ?? request.max_tokens;
  // `none` as the client said it: the newest models take it.
  const effort = askedReasoning(request)?.effort ?? (request.reasoning_effort === 'none' ? 'none' : undefined);
  const text = {
    ...(format === undefined || format.type === 'text' ? {} : { format: format.type === 'json_schema' ? { type: 'json_schema', ...format.json_schema } : { type: 'json_object' } }),
    ...(typeof request.verbosity === 'string' ? { verbosity: request.verbosity } : {}),
  };
  return {
    model,
    input: toInput(request.messages),
    store: false,
    ...(request.stream === true ? { stream: true } : {}),
    ...(typeof limit === 'number' ? { max_output_tokens: limit } : {}),
    ...(typeof request.temperature === 'number' ? { temperature: request.temperature } : {}),
    ...(typeof request.top_p === 'number' ? { top_p: request.top_p } : {}),
    ...(typeof request.top_logprobs === 'number' ? { top_logprobs: request.top_logprobs } : {}),
    ...(typeof request.user === 'string' ? { user: request.user } : {}),
    ...(request.metadata == null ? {} : { metadata: request.metadata }),
    ...(typeof request.prompt_cache_key === 'string' ? { prompt_cache_key: request.prompt_cache_key } : {}),
    ...(typeof request.service_tier === 'string' ? { service_tier: request.service_tier } : {}),
    ...(request.tools === undefined || request.tools.length === 0
      ? {}
      : { tools: request.tools.map((tool) => ({ type: 'function', name: tool.function.name, ...(tool.function.description === undefined ? {} : { description: tool.function.description }), parameters: tool.function.parameters ?? { type: 'object', properties: {} }, ...(typeof tool.function.strict === 'boolean' ? { strict: tool.function.strict } : {}) })) }),
    ...(choice === undefined ? {} : { tool_choice: typeof choice === 'string' ? choice : { type: 'function', name: choice.function.name } }),
    ...(typeof request.parallel_tool_calls === 'boolean' ? { parallel_tool_calls: request.parallel_tool_calls } : {}),
    ...(effort === undefined ? {} : { reasoning: { effort } }),
    ...(Object.keys(text).length === 0 ? {} : { text }),
  };
}
