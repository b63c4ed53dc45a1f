import { customToolInput, upstreamFormats, type ChatCompletionResponse, type FinishReason, type ReasoningDetail, type Usage } from '@tollgate/core';

/** A Responses API request body as the client sent it; the response echoes its settings. */
export type ResponsesRequestBody = Readonly<Record<string, any>>;

/** A Responses API output item (a message, a reasoning item, a function or custom tool call). */
export type ResponseOutputItem = Record<string, unknown>;

/** The ids a response and its items take, made from the upstream answer's id. */
export interface ResponseIds {
  readonly response: string;
  /** The id of the answer's nth item of a kind: `msg_…`, `rs_…`, `fc_…`, `ctc_…`. */
  item(prefix: 'msg' | 'rs' | 'fc' | 'ctc', index: number): string;
}

/** Ids for the response to an upstream answer with this id (`chatcmpl-abc` → `resp_abc`, `msg_abc_0`). */
export function responseIds(upstreamId: string): ResponseIds {
  const stem = upstreamId.replace(/^(?:chatcmpl-|resp_|msg_)/, '').replace(/[^\w-]/g, '') || 'tollgate';
  return { response: `resp_${stem}`, item: (prefix, index) => `${prefix}_${stem}_${index}` };
}

/** The names of the request's `custom` (freeform) tools, whose calls go back as `custom_tool_call` items. */
export function customToolNames(body: ResponsesRequestBody): ReadonlySet<string> {
  const tools: unknown[] = Array.isArray(body.tools) ? body.tools : [];
  return new Set(tools.filter((tool: any) => tool?.type === 'custom').map((tool: any) => String(tool.name)));
}

/** A `message` item with one `output_text` (or `refusal`) part. */
export function messageItem(id: string, part: Record<string, unknown>, status: string): ResponseOutputItem {
  return { id, type: 'message', status, role: 'assistant', content: [part] };
}

/** An `output_text` content part. */
export function outputTextPart(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/**
 * Whether the client asked for reasoning summaries (`reasoning.summary`, as Codex does): the model's
 * reasoning text then goes back as the reasoning item's summary, which such clients show, rather than
 * as its raw content. Anthropic's thinking and Gemini's thoughts are summaries already.
 */
export function wantsReasoningSummary(body: ResponsesRequestBody): boolean {
  const summary = body.reasoning?.summary;
  return typeof summary === 'string' && summary !== 'none';
}

/** A reasoning item's summary part (`summary_text`) or text part (`reasoning_text`). */
export function reasoningPart(kind: 'summary' | 'text', text: string): Record<string, unknown> {
  return kind === 'summary' ? { type: 'summary_text', text } : { type: 'reasoning_text', text };
}

/** A `reasoning` item carrying the model's reasoning text (what chat answers call `reasoning_content`), as its summary or its content. */
export function reasoningItem(id: string, text: string, asSummary: boolean): ResponseOutputItem {
  return asSummary ? { id, type: 'reasoning', summary: [reasoningPart('summary', text)] } : { id, type: 'reasoning', summary: [], content: [reasoningPart('text', text)] };
}

/**
 * The upstream's own reasoning items, from their `reasoning_details` (format `openai-responses-v1`):
 * each under its id, with its summary and text parts and its encrypted content, as OpenAI sent them —
 * what a client sends back on its next turn. None when the reasoning came from another API.
 */
export function upstreamReasoningItems(details: readonly ReasoningDetail[] | undefined): ResponseOutputItem[] {
  const items = new Map<string, { id: string; type: 'reasoning'; summary: unknown[]; content?: unknown[]; encrypted_content?: string }>();
  for (const detail of details ?? []) {
    if (detail.format !== upstreamFormats.openaiResponses) continue;
    const id = detail.id ?? '';
    let item = items.get(id);
    if (item === undefined) items.set(id, (item = { id, type: 'reasoning', summary: [] }));
    if (detail.type === 'reasoning.summary') item.summary.push(reasoningPart('summary', detail.summary));
    else if (detail.type === 'reasoning.text') (item.content ??= []).push(reasoningPart('text', detail.text ?? ''));
    else item.encrypted_content = detail.data;
  }
  return [...items.values()];
}

/** A tool call as its output item: `function_call`, or `custom_tool_call` with the `input` string unwrapped. */
export function toolCallItem(id: string, call: { readonly id: string; readonly name: string; readonly arguments: string }, custom: boolean, status: string): ResponseOutputItem {
  if (!custom) return { id, type: 'function_call', status, call_id: call.id, name: call.name, arguments: call.arguments };
  return { id, type: 'custom_tool_call', status, call_id: call.id, name: call.name, input: customInputOf(call.arguments) };
}

/** A custom tool's `input`, from the arguments of the function it went upstream as (the text itself if they are not that JSON). */
function customInputOf(args: string): string {
  try {
    const parsed = JSON.parse(args) as Record<string, unknown>;
    if (typeof parsed?.[customToolInput] === 'string') return parsed[customToolInput];
  } catch {
    // Not JSON: the model wrote the input itself.
  }
  return args;
}

/** Chat usage as the Responses API's: input and output tokens, cached and reasoning tokens among them. */
export function toResponsesUsage(usage: Usage | null | undefined): Record<string, unknown> | null {
  if (usage == null) return null;
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens,
    ...(usage.cost === undefined ? {} : { cost: usage.cost }),
  };
}

/** A finish reason as the response's `status` and `incomplete_details`. */
export function completionOf(finishReason: FinishReason | null | undefined): { readonly status: 'completed' | 'incomplete'; readonly incompleteDetails: { readonly reason: string } | null } {
  if (finishReason === 'length') return { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter') return { status: 'incomplete', incompleteDetails: { reason: 'content_filter' } };
  return { status: 'completed', incompleteDetails: null };
}

/**
 * A response object: the answer's fields (`status`, `output`, `usage`, …) with the request's settings
 * echoed as the Responses API does. Nothing is stored, so `store` is always false.
 */
export function responseObject(
  body: ResponsesRequestBody,
  answer: {
    readonly id: string;
    readonly createdAt: number;
    readonly model: string;
    readonly status: string;
    readonly output: readonly ResponseOutputItem[];
    readonly usage: Record<string, unknown> | null;
    readonly incompleteDetails?: unknown;
    readonly error?: unknown;
    /** The tier the upstream says it served the request at, where it says. */
    readonly serviceTier?: string | undefined;
    /** The gateway keeps the response (`store`): a later request may continue it. */
    readonly kept?: boolean;
  },
): Record<string, unknown> {
  return {
    id: answer.id,
    object: 'response',
    created_at: answer.createdAt,
    status: answer.status,
    background: false,
    error: answer.error ?? null,
    incomplete_details: answer.incompleteDetails ?? null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: answer.model,
    output: answer.output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: typeof body.previous_response_id === 'string' ? body.previous_response_id : null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    ...(answer.serviceTier === undefined ? {} : { service_tier: answer.serviceTier }),
    store: answer.kept === true,
    temperature: body.temperature ?? null,
    text: { format: body.text?.format ?? { type: 'text' }, ...(body.text?.verbosity === undefined ? {} : { verbosity: body.text.verbosity }) },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? null,
    truncation: body.truncation ?? 'disabled',
    usage: answer.usage,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  };
}

/**
 * A chat completion as a Responses API response (for a Responses client of any model). `kept`: the
 * gateway keeps it, under ids made from `keptId` (unique, where an upstream's answer ids may not be).
 */
export function toResponsesResponse(response: ChatCompletionResponse, body: ResponsesRequestBody, kept?: { readonly keptId: string }): Record<string, unknown> {
  const choice = response.choices[0];
  const message = choice?.message;
  const ids = responseIds(kept?.keptId ?? response.id);
  const { status, incompleteDetails } = completionOf(choice?.finish_reason);
  const itemStatus = status === 'completed' ? 'completed' : 'incomplete';
  const output: ResponseOutputItem[] = [];
  const reasoning = message?.reasoning_content;
  const upstreamReasoning = upstreamReasoningItems(message?.reasoning_details);
  if (upstreamReasoning.length > 0) output.push(...upstreamReasoning);
  else if (typeof reasoning === 'string' && reasoning !== '') output.push(reasoningItem(ids.item('rs', 0), reasoning, wantsReasoningSummary(body)));
  for (const part of message?.upstream_items ?? []) if (part.format === upstreamFormats.openaiResponses) output.push({ ...part.item });
  const toolCalls = message?.tool_calls ?? [];
  if (typeof message?.refusal === 'string' && message.refusal !== '') {
    output.push(messageItem(ids.item('msg', 0), { type: 'refusal', refusal: message.refusal }, itemStatus));
  } else if ((message?.content ?? '') !== '' || toolCalls.length === 0) {
    output.push(messageItem(ids.item('msg', 0), outputTextPart(message?.content ?? ''), itemStatus));
  }
  const custom = customToolNames(body);
  toolCalls.forEach((call, index) => {
    const isCustom = custom.has(call.function.name);
    output.push(toolCallItem(ids.item(isCustom ? 'ctc' : 'fc', index), { id: call.id, name: call.function.name, arguments: call.function.arguments }, isCustom, 'completed'));
  });
  return responseObject(body, { id: ids.response, createdAt: response.created, model: response.model, status, output, usage: toResponsesUsage(response.usage), incompleteDetails, serviceTier: response.service_tier ?? undefined, kept: kept !== undefined });
}
