import type { MockToolCall, MockStreamShape } from './mock-reply.js';

/** What one mocked Responses API answer holds. */
export interface MockResponseInput {
  readonly sequence: number;
  readonly body: Readonly<Record<string, any>>;
  readonly model: string;
  readonly text: string;
  readonly toolCalls: readonly MockToolCall[];
  /** A reasoning item first (a reasoning model asked for `reasoning`), with its encrypted content when `include` asks for it. */
  readonly reasoning: boolean;
  /** The reasoning item's summary parts (the request asked for a summary). */
  readonly reasoningSummary: readonly string[];
  /** Queries of the built-in web search, run before the message (a `web_search_call` item each). */
  readonly webSearches: readonly string[];
  /** Cut short: the response is `incomplete` for this reason (`max_output_tokens`, `content_filter`). */
  readonly incompleteReason: string | undefined;
  /** The processing tier the response says it was served at (`default`, `priority`, `flex`). */
  readonly serviceTier: string;
  readonly usage: { readonly input: number; readonly output: number; readonly cached: number; readonly reasoning: number };
}

/** The text of the last user turn of a Responses request's `input`. */
export function lastResponsesUserText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return '';
  const last = [...input].reverse().find((item) => (item?.type ?? 'message') === 'message' && item.role === 'user');
  if (last === undefined) return '';
  if (typeof last.content === 'string') return last.content;
  return Array.isArray(last.content) ? last.content.filter((part: any) => part?.type === 'input_text').map((part: any) => String(part.text)).join('') : '';
}

function outputText(text: string) {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** The output items of an answer, complete, in order: reasoning, web searches, the message, the function calls. */
function outputItems(input: MockResponseInput): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  const encrypted = Array.isArray(input.body.include) && input.body.include.includes('reasoning.encrypted_content');
  const summary = input.reasoningSummary.map((text) => ({ type: 'summary_text', text }));
  if (input.reasoning) items.push({ id: `rs_mock${input.sequence}`, type: 'reasoning', summary, ...(encrypted ? { encrypted_content: `gAAAA-mock-${input.sequence}` } : {}) });
  input.webSearches.forEach((query, index) => items.push({ id: `ws_mock${input.sequence}_${index}`, type: 'web_search_call', status: 'completed', action: { type: 'search', query } }));
  if (input.text !== '' || input.toolCalls.length === 0) {
    items.push({ id: `msg_mock${input.sequence}`, type: 'message', status: input.incompleteReason === undefined ? 'completed' : 'incomplete', role: 'assistant', content: [outputText(input.text)] });
  }
  input.toolCalls.forEach((call, index) => items.push({ id: `fc_mock${input.sequence}_${index}`, type: 'function_call', status: 'completed', call_id: call.id ?? `call_${index}_mock${input.sequence}`, name: call.name, arguments: call.arguments }));
  return items;
}

/** OpenAI's response object, as `POST /v1/responses` answers it (and `response.*` lifecycle events carry it). */
function openAIResponse(input: MockResponseInput, status: string, output: readonly Record<string, unknown>[]) {
  const { body, usage } = input;
  return {
    id: `resp_mock${input.sequence}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    background: false,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: input.incompleteReason } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: input.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    service_tier: input.serviceTier,
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: body.text?.format ?? { type: 'text' }, verbosity: body.text?.verbosity ?? 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
    usage:
      status === 'in_progress'
        ? null
        : { input_tokens: usage.input, input_tokens_details: { cached_tokens: usage.cached }, output_tokens: usage.output, output_tokens_details: { reasoning_tokens: usage.reasoning }, total_tokens: usage.input + usage.output },
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  };
}

/** How the answer ended: `completed`, or `incomplete` when cut short. */
const finalStatus = (input: MockResponseInput) => (input.incompleteReason === undefined ? 'completed' : 'incomplete');

/** The whole answer, as a non-streamed `POST /v1/responses` returns it. */
export function openAIResponseAnswer(input: MockResponseInput) {
  return openAIResponse(input, finalStatus(input), outputItems(input));
}

/**
 * The answer as the Responses API streams it: `response.created`, `response.in_progress`, each item's
 * `output_item.added`, deltas (text split as `shape.content`, arguments in `shape.argumentPieces`, a
 * reasoning summary part by part) and
 * `.done` events, then `response.completed` (`response.incomplete` when cut short); every event named by an `event:` line and numbered.
 */
export function openAIResponseEvents(input: MockResponseInput, shape: MockStreamShape): string[] {
  const events: string[] = [];
  const event = (type: string, data: Record<string, unknown>) => events.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: events.length, ...data })}\n\n`);
  event('response.created', { response: openAIResponse(input, 'in_progress', []) });
  event('response.in_progress', { response: openAIResponse(input, 'in_progress', []) });
  const items = outputItems(input);
  items.forEach((item, outputIndex) => {
    if (item.type === 'reasoning') {
      event('response.output_item.added', { output_index: outputIndex, item: { ...item, summary: [], encrypted_content: undefined } });
      (item.summary as { text: string }[]).forEach(({ text }, summaryIndex) => {
        const location = { item_id: item.id, output_index: outputIndex, summary_index: summaryIndex };
        event('response.reasoning_summary_part.added', { ...location, part: { type: 'summary_text', text: '' } });
        for (const piece of text.split(/(?<= )/)) event('response.reasoning_summary_text.delta', { ...location, delta: piece });
        event('response.reasoning_summary_text.done', { ...location, text });
        event('response.reasoning_summary_part.done', { ...location, part: { type: 'summary_text', text } });
      });
    } else if (item.type === 'web_search_call') {
      event('response.output_item.added', { output_index: outputIndex, item: { id: item.id, type: item.type, status: 'in_progress' } });
      for (const step of ['in_progress', 'searching', 'completed']) event(`response.web_search_call.${step}`, { output_index: outputIndex, item_id: item.id });
    } else if (item.type === 'message') {
      const location = { item_id: item.id, output_index: outputIndex, content_index: 0 };
      event('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } });
      event('response.content_part.added', { ...location, part: outputText('') });
      for (const piece of shape.content ?? input.text.split(/(?<= )/)) event('response.output_text.delta', { ...location, delta: piece, logprobs: [] });
      event('response.output_text.done', { ...location, text: input.text, logprobs: [] });
      event('response.content_part.done', { ...location, part: outputText(input.text) });
    } else {
      const args = String(item.arguments);
      event('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', arguments: '' } });
      const size = Math.max(1, Math.ceil(args.length / Math.max(1, shape.argumentPieces ?? 3)));
      for (let start = 0; start < args.length; start += size) event('response.function_call_arguments.delta', { item_id: item.id, output_index: outputIndex, delta: args.slice(start, start + size) });
      event('response.function_call_arguments.done', { item_id: item.id, output_index: outputIndex, name: item.name, arguments: args });
    }
    event('response.output_item.done', { output_index: outputIndex, item });
  });
  event(`response.${finalStatus(input)}`, { response: openAIResponse(input, finalStatus(input), items) });
  return events;
}
