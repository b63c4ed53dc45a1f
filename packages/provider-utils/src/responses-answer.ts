import { customToolInput, upstreamFormats, type ChatCompletionResponse, type FinishReason, type ReasoningDetail, type ToolCall, type UpstreamItem, type Usage } from '@tollgate/core';

type ResponsesItem = { readonly type?: string; readonly [field: string]: any };

/** How many `web_search_call` items a response's output holds: OpenAI bills its built-in web search per call. */
function webSearchCalls(output: unknown): number {
  if (!Array.isArray(output)) return 0;
  let calls = 0;
  for (const item of output as ResponsesItem[]) if (item?.type === 'web_search_call') calls += 1;
  return calls;
}

/**
 * A Responses API `usage` object as canonical usage: input and output tokens, cached and reasoning ones
 * among them; with the response's `output`, the built-in web searches it ran as `server_tool_use`.
 */
export function fromResponsesUsage(usage: Readonly<Record<string, any>> | null | undefined, output?: unknown): Usage | undefined {
  if (usage == null || typeof usage.input_tokens !== 'number' || typeof usage.output_tokens !== 'number') return undefined;
  const webSearches = webSearchCalls(output);
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: typeof usage.total_tokens === 'number' ? usage.total_tokens : usage.input_tokens + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: usage.input_tokens_details?.cached_tokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.output_tokens_details?.reasoning_tokens ?? 0 },
    ...(webSearches > 0 ? { server_tool_use: { web_search_requests: webSearches } } : {}),
    ...(typeof usage.cost === 'number' ? { cost: usage.cost } : {}),
  };
}

/**
 * The error an `error` or `response.failed` stream event reports, as an OpenAI error body
 * (`{"error":{"message","type","code","param"}}`) for the provider's error mapping.
 */
export function errorBodyOfResponsesEvent(event: Readonly<Record<string, any>>): string {
  const error = event.type === 'response.failed' ? (event.response?.error ?? {}) : event;
  return JSON.stringify({ error: { message: String(error.message ?? 'The response failed.'), type: 'server_error', code: error.code ?? null, param: error.param ?? null } });
}

/**
 * A Responses API answer's end as OpenAI's `finish_reason`: an incomplete one stopped at its output
 * limit (`length`) or its content filter; a complete one at its tool calls or its answer's end.
 */
export function finishReasonOfResponse(status: unknown, incompleteReason: unknown, calledTools: boolean): FinishReason {
  if (status === 'incomplete') return incompleteReason === 'content_filter' ? 'content_filter' : 'length';
  return calledTools ? 'tool_calls' : 'stop';
}

/** Whether a Responses API output holds a call of the client's tools (a function or custom tool). */
export function callsClientTools(output: unknown): boolean {
  return Array.isArray(output) && output.some((item) => item?.type === 'function_call' || item?.type === 'custom_tool_call');
}

/** A response object of the Responses API: `object: "response"` and an `output` array. A guard, not a schema. */
export function isResponseObject(value: unknown): boolean {
  const response = value as { object?: unknown; output?: unknown } | null;
  return response?.object === 'response' && Array.isArray(response.output);
}

/** Output item types the canonical form has fields for (text, refusals, calls of the client's tools, reasoning). */
const translatedItems = new Set(['message', 'function_call', 'custom_tool_call', 'reasoning']);

/** Whether a Responses output item has no canonical field (a built-in tool's item: `web_search_call`), so it travels whole. */
export function isUpstreamOnlyItem(item: unknown): boolean {
  const type = (item as { type?: unknown } | null)?.type;
  return typeof type === 'string' && !translatedItems.has(type);
}

/**
 * A reasoning item's blocks as `reasoning_details` (format `openai-responses-v1`, each with the item's
 * id), numbered on from `index`: each summary part, each part of its text, its encrypted content.
 */
export function reasoningDetailsOfItem(item: Readonly<Record<string, any>>, index: number): ReasoningDetail[] {
  const common = { id: typeof item.id === 'string' ? item.id : null, format: upstreamFormats.openaiResponses };
  const details: ReasoningDetail[] = [];
  for (const part of Array.isArray(item.summary) ? item.summary : []) {
    if (typeof part?.text === 'string') details.push({ type: 'reasoning.summary', summary: part.text, ...common, index: index + details.length });
  }
  for (const part of Array.isArray(item.content) ? item.content : []) {
    if (typeof part?.text === 'string') details.push({ type: 'reasoning.text', text: part.text, ...common, index: index + details.length });
  }
  if (typeof item.encrypted_content === 'string') details.push({ type: 'reasoning.encrypted', data: item.encrypted_content, ...common, index: index + details.length });
  return details;
}

/**
 * A Responses API answer in canonical form: for what the gateway reads of every answer (usage, model,
 * finish reason) when the client gets the upstream's own bytes, and for a chat client of a model served
 * through the Responses API only. The messages' text as `content` (refusals as `refusal`), reasoning
 * text as `reasoning_content` and each reasoning item as `reasoning_details` (its id, summary and
 * encrypted content, which the client's next turn sends back), a built-in tool's items whole as
 * `upstream_items`, function calls as `tool_calls` (a custom tool's input as `{"input": …}`
 * arguments), the status as `finish_reason`.
 */
export function chatCompletionOfResponse(response: Readonly<Record<string, any>>): ChatCompletionResponse {
  const output: ResponsesItem[] = response.output;
  let content = '';
  let refusal = '';
  let reasoning = '';
  const details: ReasoningDetail[] = [];
  const others: UpstreamItem[] = [];
  const toolCalls: ToolCall[] = [];
  for (const item of output) {
    if (item.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content) {
        if (part?.type === 'output_text') content += String(part.text);
        else if (part?.type === 'refusal') refusal += String(part.refusal);
      }
    } else if (item.type === 'function_call') {
      toolCalls.push({ id: String(item.call_id), type: 'function', function: { name: String(item.name), arguments: String(item.arguments ?? '') } });
    } else if (item.type === 'custom_tool_call') {
      toolCalls.push({ id: String(item.call_id), type: 'function', function: { name: String(item.name), arguments: JSON.stringify({ [customToolInput]: String(item.input ?? '') }) } });
    } else if (item.type === 'reasoning') {
      for (const part of [...(item.summary ?? []), ...(item.content ?? [])]) if (typeof part?.text === 'string') reasoning += part.text;
      details.push(...reasoningDetailsOfItem(item, details.length));
    } else if (isUpstreamOnlyItem(item)) {
      others.push({ format: upstreamFormats.openaiResponses, item });
    }
  }
  const finishReason = finishReasonOfResponse(response.status, response.incomplete_details?.reason, toolCalls.length > 0);
  const usage = fromResponsesUsage(response.usage, output);
  return {
    id: String(response.id),
    object: 'chat.completion',
    created: typeof response.created_at === 'number' ? response.created_at : Math.floor(Date.now() / 1000),
    model: String(response.model),
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, ...(refusal === '' ? {} : { refusal }), ...(reasoning === '' ? {} : { reasoning_content: reasoning }), ...(details.length === 0 ? {} : { reasoning_details: details }), ...(others.length === 0 ? {} : { upstream_items: others }), ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        finish_reason: finishReason,
      },
    ],
    ...(usage === undefined ? {} : { usage }),
    ...(typeof response.service_tier === 'string' ? { service_tier: response.service_tier } : {}),
  };
}
